"""休学 stops the study-period clock (issue 14, item 1): a suspended learner is never decided complete or
graduate, the audit says 休学中 and when the period would end on resuming today, certificates are refused."""
from __future__ import annotations

from datetime import date

from lms.assessment.audit import decide
from lms.certificates.eligibility import allows
from lms.learners.services.status import record_status_event
from tests.factories import give_hours

AS_OF = date(2026, 3, 15)        # after the period that started 2023-03-01 ended (2026-02-28)


def suspend(learner, on):
    record_status_event(actor=None, learner=learner, kind="suspend", occurred_on=on, reason="外出务工",
                        today=on)


def test_a_learner_suspended_in_2024_is_not_complete_after_the_period(enrol, make_ready):
    learner = make_ready(enrol(), platform_minutes=9600 - 3600)       # 300 学时
    suspend(learner, date(2024, 5, 1))
    decision = decide([learner.id], AS_OF)[learner.id]
    assert decision.outcome == "continue"
    assert "休学中（2024年5月1日起），修业期暂停计算；如今天复学，修业期至2028年1月12日" in decision.reasons
    assert not allows("completion", decision) and not allows("diploma", decision)
    before = decide([learner.id], date(2024, 4, 30))[learner.id]
    assert not any("休学中" in reason for reason in before.reasons)


def test_a_ready_learner_suspended_is_not_graduated(enrol, make_ready):
    learner = make_ready(enrol())
    suspend(learner, date(2026, 2, 27))
    decision = decide([learner.id], AS_OF)[learner.id]
    assert decision.outcome == "continue" and not allows("diploma", decision)


def test_the_audit_page_says_suspended_with_the_would_be_end(client, login_as, enrol, make_ready):
    learner = make_ready(enrol(), platform_minutes=9600 - 3600)
    suspend(learner, date(2024, 5, 1))
    give_hours(learner, platform_minutes=60, on=date(2024, 4, 1))
    login_as("registrar")
    page = client.get(f"/graduation/audit?as_of={AS_OF}").get_data(as_text=True)
    assert "休学中（2024年5月1日起），修业期暂停计算；如今天复学，修业期至2028年1月12日" in page


def test_issuing_a_completion_certificate_to_a_suspended_learner_is_refused_in_chinese(enrol, make_ready):
    import pytest

    from lms.certificates.services import issue_certificates
    from lms.core.errors import DomainError
    from tests.factories import make_user

    learner = make_ready(enrol(), platform_minutes=9600 - 3600)
    suspend(learner, date(2024, 5, 1))
    with pytest.raises(DomainError) as error:
        issue_certificates(actor=make_user("registrar"), kind="completion", learner_ids=[learner.id],
                           issued_on=AS_OF)
    assert "不符合发放" in str(error.value) and "休学中（2024年5月1日起）" in str(error.value)


def test_the_audit_export_says_suspended(client, login_as, enrol, make_ready):
    import io

    from openpyxl import load_workbook

    learner = make_ready(enrol(), platform_minutes=9600 - 3600)
    suspend(learner, date(2024, 5, 1))
    login_as("registrar")
    sheet = load_workbook(io.BytesIO(client.get(f"/graduation/audit.xlsx?as_of={AS_OF}").data)).active
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == learner.student_number)
    assert any("休学中（2024年5月1日起）" in str(cell) and "2028年1月12日" in str(cell) for cell in row)


def test_every_resumption_moves_the_period_end_on_the_learner_page(client, login_as, enrol):
    learner = enrol()
    suspend(learner, date(2024, 5, 1))
    record_status_event(actor=None, learner=learner, kind="resume", occurred_on=date(2024, 5, 11), reason="返乡",
                        today=date(2024, 5, 11))
    suspend(learner, date(2025, 1, 1))
    record_status_event(actor=None, learner=learner, kind="resume", occurred_on=date(2025, 1, 21), reason="返乡",
                        today=date(2025, 1, 21))
    assert learner.period_end_on == date(2026, 3, 30)           # 2026-02-28 + 10 + 20 days
    assert decide([learner.id], date(2026, 3, 30))[learner.id].outcome == "continue"     # the last day
    assert decide([learner.id], date(2026, 3, 31))[learner.id].outcome == "complete"
    login_as("registrar")
    assert "2026年3月30日" in client.get(f"/learners/{learner.id}").get_data(as_text=True)


def test_the_learner_page_says_how_far_the_period_moves_on_resuming_today(client, login_as, enrol):
    from lms.core import clock

    learner = enrol()
    suspend(learner, date(2024, 5, 1))
    login_as("registrar")
    with clock.frozen_at(date(2026, 12, 7)):
        page = client.get(f"/learners/{learner.id}").get_data(as_text=True)
    assert "休学中（2024年5月1日起），修业期暂停计算；如今天复学，修业期延至2028年10月5日" in page
    record_status_event(actor=None, learner=learner, kind="resume", occurred_on=date(2024, 6, 1), reason="返乡",
                        today=date(2024, 6, 1))
    page = client.get(f"/learners/{learner.id}").get_data(as_text=True)
    assert "休学中" not in page and "2026年3月31日" in page            # 2026-02-28 + 31 days


def test_an_audit_as_of_a_day_in_the_suspension_reads_the_period_as_it_stood_then(enrol):
    learner = enrol()
    suspend(learner, date(2024, 5, 1))
    record_status_event(actor=None, learner=learner, kind="resume", occurred_on=date(2024, 9, 1), reason="返乡",
                        today=date(2024, 9, 1))                 # stored end moves 123 days, to 2026-07-01
    during = decide([learner.id], date(2024, 6, 1))[learner.id]
    # As of 2024-06-01 the end was still 2026-02-28; resuming that day would have moved it 31 days.
    assert "休学中（2024年5月1日起），修业期暂停计算；如今天复学，修业期至2026年3月31日" in during.reasons
    assert during.period_end_on == date(2026, 2, 28)
    assert decide([learner.id], date(2024, 9, 1))[learner.id].period_end_on == date(2026, 7, 1)
