"""The graduation audit page, its export and `flask lms audit` give the same decisions; scope and queries."""
from __future__ import annotations

import io
import json
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.learners.services.status import record_status_event

AS_OF = date(2025, 7, 1)


def county(enrol, make_ready):
    return {
        "early": make_ready(enrol(enrolled_on=date(2025, 3, 1)), on=date(2025, 6, 1)),
        "graduate": make_ready(enrol(prior_education="高中及以上", enrolled_on=date(2024, 3, 1))),
        "complete": enrol(prior_education="高中及以上", enrolled_on=date(2024, 3, 1)),
        "continue": enrol(enrolled_on=date(2025, 3, 1)),
        "withdrawn": withdraw(enrol(enrolled_on=date(2025, 3, 1))),
    }


def withdraw(learner):
    record_status_event(actor=None, learner=learner, kind="withdraw", occurred_on=date(2025, 5, 1), reason="外出务工",
                        today=AS_OF)
    return learner


def test_the_page_the_export_and_the_cli_agree(app, client, login_as, enrol, make_ready):
    learners = county(enrol, make_ready)
    login_as("registrar")
    page = client.get(f"/graduation/audit?as_of={AS_OF}").get_data(as_text=True)
    for _name, learner in learners.items():
        assert learner.name in page
    assert "还差" in page and "应发给写实性学习证明" in page

    export = client.get(f"/graduation/audit.xlsx?as_of={AS_OF}")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    labels = {"early": "可提前毕业", "graduate": "毕业", "complete": "结业", "continue": "在读", "withdrawn": "退学"}
    for key, learner in learners.items():
        assert rows[learner.student_number][12] == labels[key]
        assert rows[learner.student_number][2] == learner.id_number
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "graduation_audit.export")).one()
    assert "含完整身份证号" in event.summary

    result = app.test_cli_runner().invoke(args=["lms", "audit", "--as-of", AS_OF.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    by_number = {line["student_number"]: line for line in lines}
    codes = {"early": "early_graduate", "graduate": "graduate", "complete": "complete", "continue": "continue",
             "withdrawn": "withdrawn"}
    for key, learner in learners.items():
        line = by_number[learner.student_number]
        assert set(line) == {"id_number", "student_number", "decision", "hours_360", "reasons"}
        assert line["decision"] == codes[key] and line["id_number"] == learner.id_number
    assert by_number[learners["graduate"].student_number]["reasons"] == []
    assert by_number[learners["graduate"].student_number]["hours_360"] == 360
    assert "自学+线上 0/360 学时，还差 360 学时" in by_number[learners["continue"].student_number]["reasons"]


def test_filters_and_counts(client, login_as, enrol, make_ready, home_class):
    learners = county(enrol, make_ready)
    login_as("registrar")
    page = client.get(f"/graduation/audit?as_of={AS_OF}&decision=complete&class_id={home_class.id}"
                      ).get_data(as_text=True)
    assert learners["complete"].name in page and learners["continue"].name not in page
    assert 'data-outcome="continue"' in page
    assert client.get(f"/graduation/audit?as_of={AS_OF}&cohort=2024").get_data(as_text=True).count(
        'class="list-group-item" data-learner') == 2


def test_the_bureau_reads_the_audit_and_others_may_not(client, login_as, enrol):
    enrol()
    login_as("bureau")
    page = client.get("/graduation/audit")
    assert page.status_code == 200 and "（只读）" in page.get_data(as_text=True)
    client.logout()
    login_as("teacher")
    assert client.get("/graduation/audit").status_code == 403


def test_the_page_opens_on_the_form_and_audits_on_request(client, login_as, enrol, count_queries):
    enrol()
    login_as("registrar")
    with count_queries() as statements:
        page = client.get("/graduation/audit").get_data(as_text=True)
    assert "选择审核日期和范围" in page and "outcome-counts" not in page
    assert not any("assessment_results" in s for s in statements)
    assert "outcome-counts" in client.get("/graduation/audit?as_of=2025-07-01").get_data(as_text=True)


def test_a_bad_date_falls_back_to_today_with_a_message(client, login_as):
    login_as("registrar")
    assert "无法识别" in client.get("/graduation/audit?as_of=2025-13-45").get_data(as_text=True)


def test_the_audit_costs_a_fixed_number_of_queries(client, login_as, enrol, make_ready, count_queries):
    login_as("registrar")
    make_ready(enrol())
    enrol()
    with count_queries() as few:
        client.get(f"/graduation/audit?as_of={AS_OF}")
    for _ in range(4):
        make_ready(enrol())
        enrol(prior_education="高中及以上")
    with count_queries() as many:
        client.get(f"/graduation/audit?as_of={AS_OF}")
    assert len(many) == len(few)
    client.get(f"/graduation/audit.xlsx?as_of={AS_OF}")    # the export commits its audit event: warm up after it
    with count_queries() as export:
        client.get(f"/graduation/audit.xlsx?as_of={AS_OF}")
    enrol()
    with count_queries() as export_more:
        client.get(f"/graduation/audit.xlsx?as_of={AS_OF}")
    assert len(export_more) == len(export)


def test_the_learning_account_traces_every_course(client, login_as, enrol, make_ready, plan):
    from tests.factories import make_result, make_user

    teacher = make_user("teacher")
    learner = make_ready(enrol(), skip=(plan.literacy,))
    make_result(learner, plan.literacy, 45, date(2024, 1, 10), recorded_by=teacher)
    make_result(learner, plan.literacy, 66, date(2024, 4, 1), recorded_by=teacher)
    login_as("township", divisions=[learner.village.parent])
    page = client.get(f"/learners/{learner.id}/account?as_of={AS_OF}").get_data(as_text=True)
    assert "补考通过" in page and "计入成绩 66 分（第 2/2 次）" in page
    assert f"考核 45 分 · 2024年1月10日 · {teacher.display_name}" in page
    assert "可提前毕业" in page and "作业1 完成" in page


def test_the_learning_account_of_another_township_is_404(client, world):
    client.login(world.users["township"].username)
    assert client.get(f"/learners/{world.learner_a.id}/account").status_code == 200
    assert client.get(f"/learners/{world.learner_b.id}/account").status_code == 404


def test_the_learning_account_partial_renders_inside_another_page(app, enrol, make_ready):
    from flask import render_template_string

    from lms.assessment.account import learning_account

    learner = make_ready(enrol())
    with app.test_request_context():
        html = render_template_string('<main>{% include "assessment/_learning_account.html" %}</main>',
                                      account=learning_account(learner, AS_OF))
    assert "个人学习账户" in html and "《读写算》" in html and "9 / 9" in html


def test_the_county_audit_and_a_filtered_one_decide_alike(app, enrol, make_ready):
    """The county-wide audit reads every learner's facts without id lists; a filtered audit (and decide(),
    which the certificates ask) reads them by id: the same learner gets the same decision either way."""
    from lms.assessment.audit import AuditFilters, audit_decisions, decide
    from lms.auth.scope import EVERYTHING

    learners = county(enrol, make_ready)
    everyone = {row.learner_id: row.decision for row in audit_decisions(EVERYTHING, AS_OF).rows}
    assert {learner.id for learner in learners.values()} <= set(everyone)
    by_id = decide(list(everyone), AS_OF)
    assert by_id == everyone
    for learner in learners.values():
        filtered = audit_decisions(EVERYTHING, AS_OF, AuditFilters(class_id=learner.class_id)).rows
        assert {row.learner_id: row.decision for row in filtered}.items() <= everyone.items()
    assert {d.outcome for d in everyone.values()} >= {"early_graduate", "graduate", "complete", "continue",
                                                      "withdrawn"}
