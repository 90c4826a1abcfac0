"""Dashboard, quarterly report, funding claim, .xlsx and CLI agree, and match the audit and the certificates."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.assessment.audit import audit_decisions
from lms.audit.models import AuditEvent
from lms.auth.scope import EVERYTHING
from lms.certificates.models import Certificate
from lms.certificates.services.batches import (
    create_diploma_batch,
    issue_batch,
    issue_directly,
    record_verification,
    submit_batch,
)
from lms.extensions import db
from lms.policies.services import save_policy
from lms.reports.areas import county_area
from lms.reports.quarterly import Period, funded_learners, quarterly_report
from lms.reports.queries import area_figures
from lms.rules import Policy
from tests.factories import (
    complete_everything,
    make_class,
    make_county,
    make_learner,
    make_plan,
    make_teaching_point,
    make_township,
    make_user,
    make_village,
    specialty_named,
)
from tests.factories.certificates import withdraw

ISSUED_ON = date(2025, 8, 15)          # in 2025Q3, after the 2022 cohort's period ended (2025-02-28)


@pytest.fixture
def graduation_year():
    """A 2022 cohort in two townships: three meet R11, two fall short (结业), one withdrew in 2025Q2.
    Every document is issued through the real services, asking the real audit."""
    county = make_county("对账县")
    specialty = specialty_named("家政")
    courses = make_plan(specialty)
    learners = {}
    for town_name, names in (("东镇", ("g1", "g2", "c1", "w1")), ("西镇", ("g3", "c2"))):
        village = make_village(make_township(county, town_name))
        klass = make_class(make_teaching_point(village), specialty=specialty, cohort=2022)
        for name in names:
            learners[name] = make_learner(village, teaching_class=klass, specialty=specialty,
                                          enrolled_on=date(2022, 3, 1))
    for name in ("g1", "g2", "g3"):
        complete_everything(learners[name], courses, on=date(2024, 6, 1))
    withdraw(learners["w1"], date(2025, 5, 20))
    registrar = make_user("registrar")
    graduates = [learners[n].id for n in ("g1", "g2", "g3")]
    batch = create_diploma_batch(actor=registrar, name="对账批次", as_of=ISSUED_ON, learner_ids=graduates)
    submit_batch(actor=registrar, batch=batch, submitted_on=ISSUED_ON, print_without_photo=True)
    record_verification(actor=registrar, batch=batch, verified_on=ISSUED_ON, reference="州教验〔2025〕3号")
    issue_batch(actor=registrar, batch=batch, issued_on=ISSUED_ON)
    issue_directly(actor=registrar, kind="completion", learner_ids=[learners["c1"].id, learners["c2"].id],
                   issued_on=ISSUED_ON)
    issue_directly(actor=registrar, kind="study_record", learner_ids=[learners["w1"].id], issued_on=ISSUED_ON)
    db.session.flush()
    return learners


def _valid(kind):
    return db.session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.kind == kind, Certificate.status == "valid"))


def test_dashboard_matches_the_audit_and_the_certificates(graduation_year):
    figures = area_figures(EVERYTHING, county_area("对账县"), ISSUED_ON).total
    audit = audit_decisions(EVERYTHING, ISSUED_ON)
    assert figures.statuses["graduated"] == audit.counts["graduate"] == _valid("diploma") == 3
    assert figures.statuses["completed"] == audit.counts["complete"] == _valid("completion") == 2
    assert figures.statuses["withdrawn"] == audit.counts["withdrawn"] == _valid("study_record") == 1
    assert dict(figures.certificates) == {"diploma": 3, "completion": 2, "study_record": 1}


def test_quarterly_report_and_funding_claim_match_the_certificates(graduation_year):
    q3 = Period.parse("2025Q3")
    report = quarterly_report(EVERYTHING, q3)
    rows = {row.name: row for row in report.rows}
    assert (rows["东镇"].graduated, rows["东镇"].completed, rows["东镇"].withdrawn) == (2, 1, 0)
    assert (rows["西镇"].graduated, rows["西镇"].completed, rows["西镇"].studying) == (1, 1, 0)
    assert quarterly_report(EVERYTHING, Period.parse("2025Q2")).total.withdrawn == 1
    claim = funded_learners(EVERYTHING, q3)
    diplomas = set(db.session.scalars(select(Certificate.number).where(Certificate.kind == "diploma")))
    assert {learner.certificate_number for learner in claim} == diplomas
    assert report.total.funding_fen == sum(l.fen for l in claim) == 3 * Policy().funding_per_learner_fen


def test_the_funding_claim_equals_the_certificates_export_for_the_same_dates(graduation_year):
    from lms.certificates.exports import Selection, funding_claim

    q3 = Period.parse("2025Q3")
    sheets, _ = funding_claim(EVERYTHING, Selection(date_from=q3.start, date_to=q3.end), county="对账县",
                              heading_scope="全县")
    summary = {row[0]: (row[3], row[4]) for row in sheets[0].rows}
    ours = {row.name: (row.funded, f"{row.funding_fen // 100:,}") for row in quarterly_report(EVERYTHING, q3).rows}
    assert summary.pop("合计") == (3, "4,500")
    assert summary == ours


def test_a_reissued_diploma_is_claimed_once_in_the_period_of_the_graduation(graduation_year):
    """补发 in the next quarter: both the certificates' funding export and the report claim the graduate in
    2025Q3, when the student status changed, and neither claims them again in 2025Q4."""
    from lms.certificates.exports import Selection, funding_claim
    from lms.certificates.services import reissue_certificate

    diploma = db.session.scalar(select(Certificate).where(Certificate.learner_id == graduation_year["g3"].id,
                                                          Certificate.kind == "diploma"))
    reissue_certificate(actor=None, certificate=diploma, reason="原证遗失", issued_on=date(2025, 11, 3))
    for code, expected in (("2025Q3", 3), ("2025Q4", 0)):
        period = Period.parse(code)
        sheets, _ = funding_claim(EVERYTHING, Selection(date_from=period.start, date_to=period.end),
                                  county="对账县", heading_scope="全县")
        claimed = {row[0]: row[3] for row in sheets[0].rows}
        assert claimed.pop("合计") == expected == quarterly_report(EVERYTHING, period).total.funded, code
        assert claimed == {row.name: row.funded for row in quarterly_report(EVERYTHING, period).rows
                           if row.funded or row.name in claimed}


def test_a_revoked_diploma_not_reissued_is_not_claimed(graduation_year):
    from lms.certificates.services import revoke_certificate

    diploma = db.session.scalar(select(Certificate).where(Certificate.learner_id == graduation_year["g3"].id,
                                                          Certificate.kind == "diploma"))
    revoke_certificate(actor=None, certificate=diploma, reason="信息有误", revoked_on=date(2025, 9, 1))
    report = quarterly_report(EVERYTHING, Period.parse("2025Q3"))
    assert report.total.graduated == 3                      # the student status is unchanged
    assert (report.total.funded, report.total.funding_fen) == (2, 2 * Policy().funding_per_learner_fen)


def test_funding_follows_the_cohorts_policy(graduation_year):
    values = {**Policy().to_mapping(), "funding_basis": "graduated_or_completed", "funding_per_learner_fen": 200000}
    save_policy(actor=None, cohort=2022, values=values)
    q3 = Period.parse("2025Q3")
    assert quarterly_report(EVERYTHING, q3).total.funding_fen == 5 * 200000
    assert len(funded_learners(EVERYTHING, q3)) == 5


def _sheet_rows(data: bytes, title: str) -> list[tuple]:
    return [tuple(row) for row in load_workbook(io.BytesIO(data))[title].iter_rows(values_only=True)]


def test_page_export_and_cli_agree_and_exports_are_audited(app, client, login_as, graduation_year, tmp_path):
    login_as("bureau")
    page = client.get("/reports/quarterly?period=2025Q3").get_data(as_text=True)
    assert "4,500" in page and "2025年第三季度" in page
    response = client.get("/reports/quarterly.xlsx?period=2025Q3")
    assert response.status_code == 200
    web_rows = _sheet_rows(response.data, "季度报表")
    total = web_rows[-1]
    assert total[0] == "合计" and total[9:14] == (3, 2, 0, 3, 4500)
    assert _sheet_rows(response.data, "经费申报")[-1] == ("合计", 3, 4500)
    detail = _sheet_rows(response.data, "经费申报明细")
    assert graduation_year["g1"].id_number in {row[3] for row in detail}      # whole ID numbers: audited
    out = tmp_path / "q.xlsx"
    result = app.test_cli_runner().invoke(args=["lms", "report", "quarterly", "--quarter", "2025Q3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for title in ("季度报表", "经费申报", "经费申报明细"):
        assert _sheet_rows(out.read_bytes(), title) == _sheet_rows(response.data, title)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "reports.quarterly_export")) == 2


def test_cli_targets_json_is_the_dashboards_figures(app, client, login_as, graduation_year):
    result = app.test_cli_runner().invoke(args=["lms", "report", "targets", "--as-of", "2025-08-15", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    expected = area_figures(EVERYTHING, county_area("对账县"), ISSUED_ON).cli_dict()
    assert printed == expected
    assert printed["funnel"] == {"roster": 0, "visited": 0, "enrolled": 6, "studying": 0, "graduated": 3,
                                 "completed": 2, "withdrawn": 1}
    login_as("bureau")
    page = client.get("/reports/?as_of=2025-08-15").get_data(as_text=True)
    for target in printed["targets"]:
        assert f'data-due="{target["due"]}"' in page
        assert f'<strong class="target-count">{target["count"]:,}</strong>' in page


def test_a_suspension_and_hours_after_the_period_keep_audit_reports_and_certificates_in_agreement(graduation_year):
    """Issue 14: a learner suspended in 2024 is never complete (the period does not run) and cannot be issued a
    certificate; a learner short of 360 学时 at the period's end stays 结业 though platform hours arrive after it
    (the default policy counts none after the period). Dashboard, audit, quarterly report and certificates
    still agree, before and after the completion certificate is issued."""
    import pytest

    from lms.certificates.services import issue_certificates
    from lms.core.errors import DomainError
    from lms.learners.services.status import record_status_event
    from lms.teaching.models import Course
    from tests.factories import give_hours

    g1 = graduation_year["g1"]
    courses = list(db.session.scalars(select(Course).where(Course.specialty_id == g1.specialty_id)))
    suspended, late = (make_learner(g1.village, teaching_class=g1.teaching_class, specialty=g1.specialty,
                                    enrolled_on=date(2022, 3, 1)) for _ in range(2))
    complete_everything(suspended, courses, on=date(2024, 4, 1))
    record_status_event(actor=None, learner=suspended, kind="suspend", occurred_on=date(2024, 5, 1),
                        reason="外出务工", today=date(2024, 5, 1))
    complete_everything(late, courses, on=date(2024, 6, 1), platform_minutes=9600 - 3600)     # 300 学时
    give_hours(late, platform_minutes=3600, on=date(2025, 6, 1))                              # after the period

    audit = audit_decisions(EVERYTHING, ISSUED_ON)
    by_learner = {row.learner_id: row.decision for row in audit.rows}
    assert by_learner[suspended.id].outcome == "continue"
    assert any("休学中（2024年5月1日起）" in reason for reason in by_learner[suspended.id].reasons)
    assert by_learner[late.id].outcome == "complete"
    with pytest.raises(DomainError):
        issue_certificates(actor=make_user("registrar"), kind="completion", learner_ids=[suspended.id],
                           issued_on=ISSUED_ON)
    issue_directly(actor=make_user("registrar"), kind="completion", learner_ids=[late.id], issued_on=ISSUED_ON)
    db.session.flush()

    figures = area_figures(EVERYTHING, county_area("对账县"), ISSUED_ON).total
    audit = audit_decisions(EVERYTHING, ISSUED_ON)
    assert figures.statuses["suspended"] == 1
    assert figures.statuses["completed"] == audit.counts["complete"] == _valid("completion") == 3
    assert figures.statuses["graduated"] == audit.counts["graduate"] == _valid("diploma") == 3
    report = quarterly_report(EVERYTHING, Period.parse("2025Q3"))
    assert (report.total.graduated, report.total.completed) == (3, 3)


def test_a_bad_quarter_is_refused_in_chinese(app):
    result = app.test_cli_runner().invoke(args=["lms", "report", "quarterly", "--quarter", "2025Q5", "--out", "x.xlsx"])
    assert result.exit_code != 0 and "2025Q3" in result.output


def test_learners_off_the_register_match_the_audit_count_toward_no_target_and_revoking_restores(graduation_year):
    """转出 and 死亡 in 2025Q2: the dashboard counts them by status, the audit decides 离籍 for the same
    learners, they count toward no target from the event day — and a revoked 转出 undoes all of it."""
    from lms.learners.models import StatusEvent
    from lms.learners.services.status import record_status_event, revoke_status_event
    from lms.reports.tallies import tally_drift
    from lms.settings.services import save_settings
    from lms.teaching.hours import hours_drift

    save_settings(actor=None, values={"reports.targets": "2025-12-31 100"})
    village = graduation_year["g1"].village
    klass = graduation_year["g1"].teaching_class
    moved, died = (make_learner(village, teaching_class=klass, specialty=klass.specialty, enrolled_on=date(2022, 3, 1))
                   for _ in range(2))
    record_status_event(actor=None, learner=moved, kind="transfer_out", occurred_on=date(2025, 5, 10), reason="迁居",
                        other_school="邻县职校", document_number="ZX-9", today=ISSUED_ON)
    record_status_event(actor=None, learner=died, kind="death", occurred_on=date(2025, 5, 10), reason="病故",
                        today=ISSUED_ON)

    def counts(day):
        figures = area_figures(EVERYTHING, county_area("对账县"), day).total
        audit = audit_decisions(EVERYTHING, day)
        return figures, audit

    before, _ = counts(date(2025, 5, 9))
    figures, audit = counts(date(2025, 5, 10))
    assert figures.statuses["transferred"] + figures.statuses["deceased"] == audit.counts["left"] == 2
    assert before.targets[date(2025, 12, 31)] - figures.targets[date(2025, 12, 31)] == 2
    figures, audit = counts(ISSUED_ON)
    assert (figures.statuses["transferred"], figures.statuses["deceased"], audit.counts["left"]) == (1, 1, 2)
    assert figures.statuses["withdrawn"] == audit.counts["withdrawn"] == _valid("study_record") == 1
    assert tally_drift() == set() and hours_drift() == set()
    on_tallies = area_figures(EVERYTHING, county_area("对账县"), date(2026, 12, 7)).total     # today: the tallies
    assert (on_tallies.statuses["transferred"], on_tallies.statuses["deceased"]) == (1, 1)

    revoke_status_event(actor=None, event=db.session.scalar(select(StatusEvent).where(
        StatusEvent.learner_id == moved.id)), reason="录错学员", today=ISSUED_ON)
    figures, audit = counts(ISSUED_ON)
    assert figures.statuses["transferred"] == 0 and figures.statuses["deceased"] == audit.counts["left"] == 1
    assert figures.targets[date(2025, 12, 31)] == before.targets[date(2025, 12, 31)] - 1
    assert tally_drift() == set()
