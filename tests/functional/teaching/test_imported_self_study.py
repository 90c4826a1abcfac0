"""Imported self-study arrives pending (issue 14, item 10): whoever imports it and whatever a status column of the
file says, a row counts nowhere — the learner's page, the graduation audit, the dashboard — until a class teacher
approves it on the web, as an entry typed on the self-study form. The permission table's approvers (教师, 教务)
are unchanged; the staff who may import (系统管理员, 乡镇专干) cannot approve."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from lms.auth.scope import EVERYTHING
from lms.core.clock import today
from lms.extensions import db
from lms.reports.areas import county_area
from lms.reports.queries import area_figures
from lms.teaching.models import SelfStudyEntry
from tests.factories import make_user
from tests.factories.assessment import give_hours
from tests.functional.teaching.test_hour_imports import run

HEADER = ("身份证号", "日期", "学时", "内容", "审核状态")
ALMOST = {"platform_minutes": 9360, "self_study_minutes": 12000}      # 356 学时: four short of 360


def upload(client, rows) -> str:
    lines = [",".join(HEADER)] + [",".join(str(cell) for cell in row) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    return client.post_form("/imports/self-study/", {"file": (io.BytesIO(data), "自学.csv")},
                            content_type="multipart/form-data").get_data(as_text=True)


def confirm(client, preview: str) -> str:
    token = preview.split('name="token" value="')[1].split('"')[0]
    return client.post_form("/imports/self-study/confirm", {"token": token, "filename": "自学.csv"}).get_data(
        as_text=True)


def shown_everywhere(app, client, learner, teaching_class) -> tuple:
    """What the learner's page, the graduation audit (`flask lms audit`) and the dashboard say of the learner's
    hours: the learner page's R6 line, the audit's hours, the class drill-down's cell and the county's count of
    learners past 360 学时."""
    page = client.get(f"/learners/{learner.id}").get_data(as_text=True)
    r6 = next(line for line in ("还差 4 学时", "360/360 学时") if line in page)
    result = app.test_cli_runner().invoke(args=["lms", "audit", "--json"])
    audit = next(json.loads(line) for line in result.stdout.splitlines()
                 if json.loads(line)["student_number"] == learner.student_number)["hours_360"]
    drill_down = client.get(f"/reports/classes/{teaching_class.id}").get_data(as_text=True)
    cell = next(cell for cell in ("356/360", "360/360") if cell in drill_down)
    met = area_figures(EVERYTHING, county_area("测试县"), today()).total.hours_met
    return r6, audit, cell, met


def test_imported_rows_count_nowhere_until_the_class_teacher_approves_them_on_the_web(app, client, setup):
    learner = setup.learners[0]
    give_hours(learner, **ALMOST)
    registrar = make_user("registrar")
    client.login(registrar.username)
    preview = upload(client, [(learner.id_number, "2025-06-02", 4, "读写算练习册第 3 单元", "已通过")])
    assert "导入的自学记录一律为“待审核”" in preview
    result = confirm(client, preview)
    assert "已写入" in result and "导入的自学记录一律为“待审核”" in result
    entry = db.session.scalar(select(SelfStudyEntry).where(SelfStudyEntry.source == "import"))
    assert (entry.status, entry.decided_by_id, entry.decided_at) == ("pending", None, None)

    assert shown_everywhere(app, client, learner, setup.teaching_class) == ("还差 4 学时", 356, "356/360", 0)

    client.logout()
    client.login(setup.teacher.username)
    page = client.get(f"/classes/{setup.teaching_class.id}/self-study").get_data(as_text=True)
    assert "读写算练习册第 3 单元" in page and "待审核" in page
    client.post_form(f"/self-study/{entry.id}/decide", {"approve": "1", "note": ""})
    assert entry.status == "approved" and entry.decided_by_id == setup.teacher.id
    client.logout()
    client.login(registrar.username)
    assert shown_everywhere(app, client, learner, setup.teaching_class) == ("360/360 学时", 360, "360/360", 1)


@pytest.mark.parametrize("role", ["admin", "township"])
def test_the_staff_who_may_import_may_not_approve(app, client, setup, role):
    user = make_user(role, divisions=[setup.township] if role == "township" else ())
    client.login(user.username)
    confirm(client, upload(client, [(setup.learners[0].id_number, "2025-06-02", 2, "练习", "已审核")]))
    entry = db.session.scalar(select(SelfStudyEntry))
    assert entry.status == "pending"
    assert client.post_form(f"/self-study/{entry.id}/decide", {"approve": "1", "note": ""}).status_code == 403
    assert client.post_form(f"/classes/{setup.teaching_class.id}/self-study/approve-all",
                            {"entry_ids": str(entry.id), "confirmed": "1"}).status_code == 403
    assert db.session.scalar(select(SelfStudyEntry.status)) == "pending"


def test_the_registrar_approves_as_the_permission_table_says(app, client, tmp_path, setup):
    run(app, tmp_path, "self-study", HEADER, [(setup.learners[0].id_number, "2025-06-02", 2, "练习", "已通过")])
    entry = db.session.scalar(select(SelfStudyEntry))
    assert entry.status == "pending"
    client.login(make_user("registrar").username)
    client.post_form(f"/self-study/{entry.id}/decide", {"approve": "1", "note": ""})
    assert db.session.scalar(select(SelfStudyEntry.status)) == "approved"


def test_the_upload_page_says_rows_arrive_pending(client, setup):
    client.login(setup.teacher.username)
    page = client.get("/imports/self-study/").get_data(as_text=True)
    assert "导入的记录一律为“待审核”" in page and "审核通过后才计入学时" in page


def test_a_rejected_import_frees_its_day(app, client, tmp_path, setup):
    """A pending row holds its place in the day's self-study cap; rejected on the web, it frees it."""
    learner = setup.learners[0]
    run(app, tmp_path, "self-study", HEADER, [(learner.id_number, "2025-06-02", 4, "练习", "")])
    _, summary = run(app, tmp_path, "self-study", HEADER, [(learner.id_number, "2025-06-02", 1, "复习", "")])
    assert summary["errors"][0]["message"] == "学员01 2025年6月2日 的自学将达 5 学时，超过每日自学上限 4 学时"
    entry = db.session.scalar(select(SelfStudyEntry))
    client.login(setup.teacher.username)
    client.post_form(f"/self-study/{entry.id}/decide", {"approve": "0", "note": "无学习证明"})
    _, summary = run(app, tmp_path, "self-study", HEADER, [(learner.id_number, "2025-06-02", 4, "复习", "")])
    assert summary["written"] == 1 and summary["errors"] == []
    assert date(2025, 6, 2) in set(db.session.scalars(select(SelfStudyEntry.studied_on)))
