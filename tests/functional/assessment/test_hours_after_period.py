"""Hours after the study period (issue 14, item 3): by default none count, so only re-sits change a 结业
decision; the cohort policy may count every hour within the re-sit window. Audit, learner page and
`flask lms hours` agree."""
from __future__ import annotations

from datetime import date

from lms.assessment.audit import decide
from lms.policies.services import save_policy
from lms.rules import Policy
from lms.teaching.progress import learner_progress
from tests.factories import give_hours

LAST_DAY = date(2026, 2, 28)       # the 3-year period that started 2023-03-01
DAY_AFTER = date(2026, 3, 1)
LATER = date(2026, 6, 1)


def short_by_an_hour(enrol, make_ready):
    return make_ready(enrol(), platform_minutes=9600 - 60)


def test_an_hour_dated_on_the_last_day_of_the_period_counts(enrol, make_ready):
    learner = short_by_an_hour(enrol, make_ready)
    give_hours(learner, platform_minutes=60, on=LAST_DAY)
    assert decide([learner.id], LATER)[learner.id].outcome == "graduate"
    assert learner_progress(learner, LATER).hours.ok


def test_an_hour_dated_the_day_after_never_turns_complete_into_graduate(enrol, make_ready):
    learner = short_by_an_hour(enrol, make_ready)
    give_hours(learner, platform_minutes=60, on=DAY_AFTER)
    decision = decide([learner.id], LATER)[learner.id]
    assert decision.outcome == "complete"
    assert "自学+线上 359/360 学时，还差 1 学时" in decision.reasons
    progress = learner_progress(learner, LATER)
    assert not progress.hours.ok and progress.hours.reason == "自学+线上 359/360 学时，还差 1 学时"


def test_the_cohort_policy_can_count_hours_within_the_resit_window(enrol, make_ready):
    learner = short_by_an_hour(enrol, make_ready)
    give_hours(learner, platform_minutes=60, on=DAY_AFTER)
    save_policy(actor=None, cohort=2023, values={**Policy().to_mapping(), "hours_after_period": "resit_window"})
    assert decide([learner.id], LATER)[learner.id].outcome == "graduate"
    assert learner_progress(learner, LATER).hours.ok


def test_the_audit_page_and_the_learner_page_agree(client, login_as, enrol, make_ready):
    learner = short_by_an_hour(enrol, make_ready)
    give_hours(learner, platform_minutes=60, on=DAY_AFTER)
    login_as("registrar")
    audit = client.get(f"/graduation/audit?as_of={LATER}&decision=complete").get_data(as_text=True)
    assert learner.name in audit and "自学+线上 359/360 学时，还差 1 学时" in audit
    assert learner.name not in client.get(f"/graduation/audit?as_of={LATER}&decision=graduate").get_data(as_text=True)
    page = client.get(f"/learners/{learner.id}/hours").get_data(as_text=True)
    assert "自学+线上 359/360 学时，还差 1 学时" in page


def test_the_policy_page_offers_the_setting(client, login_as):
    login_as("registrar")
    page = client.get("/policies/2023").get_data(as_text=True)
    assert "修业期满后的学时" in page and "补考期内的都计入" in page and "不计入" in page
