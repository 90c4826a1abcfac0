"""学籍异动: the status a history of events leaves (derive_status), the stops 转出/注销/死亡 make, and the
graduation decision for a learner off the register — the event day, the day before and the day after."""

import datetime as dt

import pytest

from lms.rules import (
    STATUS_CHANGES,
    StatusSequenceError,
    StatusStop,
    StudyHistory,
    counts_for_funding,
    derive_status,
    graduation_decision,
    not_studying_reason,
    study_stops,
    transition_error,
)
from tests.unit.rules.test_rules_graduation import DURING, POLICY, learner

D = dt.date
ENROLLED = D(2025, 3, 1)
EVENT_DAY = D(2026, 5, 2)
LEAVING = [("transfer_out", "transferred", "已转出"), ("cancel", "cancelled", "已注销"), ("death", "deceased", "已故")]


# --- derive_status ---------------------------------------------------------------------------

def test_no_events_is_studying_with_no_date():
    assert derive_status([]) == derive_status(()) and derive_status([]).status == "studying"
    assert derive_status([]).changed_on is None and derive_status([]).suspended_days == 0


@pytest.mark.parametrize("kind, status, _phrase", LEAVING)
def test_a_leaving_event_sets_its_status_on_its_day(kind, status, _phrase):
    derived = derive_status([(kind, EVENT_DAY)])
    assert (derived.status, derived.changed_on) == (status, EVENT_DAY)


@pytest.mark.parametrize("kind, status, _phrase", LEAVING)
def test_a_suspended_learner_may_leave_too(kind, status, _phrase):
    assert derive_status([("suspend", D(2026, 1, 1)), (kind, EVENT_DAY)]).status == status


@pytest.mark.parametrize("kind, _status, _phrase", LEAVING)
@pytest.mark.parametrize("after", ["resume", "suspend", "withdraw", "transfer_in", "change_specialty",
                                   "transfer_out", "cancel", "death"])
def test_nothing_follows_a_leaving_event(kind, _status, _phrase, after):
    with pytest.raises(StatusSequenceError) as raised:
        derive_status([(kind, EVENT_DAY), (after, EVENT_DAY)])
    assert raised.value.index == 1 and "不能办理" in raised.value.message


def test_transfer_in_keeps_a_studying_learner_studying_and_needs_studying():
    derived = derive_status([("transfer_in", D(2025, 3, 1))])
    assert (derived.status, derived.changed_on) == ("studying", None)
    assert transition_error("suspended", "transfer_in") == "学员当前状态为休学，不能办理转入"


def test_days_suspended_add_up_over_closed_suspensions_only():
    events = [("suspend", D(2025, 9, 1)), ("resume", D(2025, 9, 11)),     # 10 days
              ("suspend", D(2026, 1, 1)), ("resume", D(2026, 1, 2)),      # 1 day
              ("suspend", D(2026, 3, 1))]                                 # open: not yet
    derived = derive_status(events)
    assert (derived.status, derived.changed_on, derived.suspended_days) == ("suspended", D(2026, 3, 1), 11)


def test_a_resume_on_the_suspension_day_extends_nothing():
    assert derive_status([("suspend", EVENT_DAY), ("resume", EVENT_DAY)]).suspended_days == 0


def test_an_event_before_its_predecessor_is_refused_but_the_same_day_is_fine():
    derive_status([("suspend", EVENT_DAY), ("transfer_out", EVENT_DAY)])
    with pytest.raises(StatusSequenceError, match="早于上一次异动"):
        derive_status([("suspend", EVENT_DAY), ("transfer_out", EVENT_DAY - dt.timedelta(days=1))])


def test_a_resume_without_its_suspension_is_refused_naming_it():
    with pytest.raises(StatusSequenceError, match="学员当前状态为在读，不能办理复学（2026年5月2日）"):
        derive_status([("resume", EVENT_DAY)])


def test_every_event_kind_has_a_transition():
    from lms.rules import STATUS_EVENT_KINDS

    assert set(STATUS_CHANGES) == set(STATUS_EVENT_KINDS)


# --- stops: the event day still counts, the day after does not ---------------------------------

@pytest.mark.parametrize("kind, status, phrase", LEAVING)
@pytest.mark.parametrize(("day", "studying"), [
    (EVENT_DAY - dt.timedelta(days=1), True), (EVENT_DAY, True),
    (EVENT_DAY + dt.timedelta(days=1), False), (D(2030, 1, 1), False),
])
def test_leaving_stops_study_from_the_day_after_the_event(kind, status, phrase, day, studying):
    history = StudyHistory(ENROLLED, study_stops([(kind, EVENT_DAY)], status, EVENT_DAY))
    assert history.studying_on(day) is studying
    reason = not_studying_reason("王德才", history, day)
    assert reason is None if studying else reason == f"王德才 在 {day.year}年{day.month}月{day.day}日 {phrase}，不能记录学时"


@pytest.mark.parametrize("kind, status, _phrase", LEAVING)
def test_leaving_during_a_suspension_reads_as_leaving(kind, status, _phrase):
    stops = study_stops([("suspend", D(2026, 1, 1)), (kind, EVENT_DAY)], status, EVENT_DAY)
    assert StudyHistory(ENROLLED, stops).status_on(D(2026, 3, 1)) == "suspended"
    assert StudyHistory(ENROLLED, stops).status_on(EVENT_DAY + dt.timedelta(days=1)) == status


def test_a_left_status_with_no_recorded_event_holds_from_enrolment():
    assert study_stops([], "deceased", None) == (StatusStop("deceased", None),)


# --- the graduation decision: 离籍, no certificate ------------------------------------------------

@pytest.mark.parametrize("status, reason", [
    ("transferred", "已于2025年5月6日转出，学习记录随转学档案转出，不发证书"),
    ("cancelled", "已于2025年5月6日注销学籍，不发证书"),
    ("deceased", "已于2025年5月6日死亡，不发证书"),
])
def test_a_learner_off_the_register_gets_no_certificate_even_when_eligible(status, reason):
    decision = graduation_decision(learner(status=status, left_on=D(2025, 5, 6)), DURING, POLICY)
    assert (decision.outcome, decision.label, decision.reasons) == ("left", "离籍", (reason,))


@pytest.mark.parametrize(("as_of", "outcome"), [
    (D(2025, 5, 5), "early_graduate"), (D(2025, 5, 6), "left"), (D(2025, 5, 7), "left"),
])
def test_leaving_counts_from_its_own_day(as_of, outcome):
    decision = graduation_decision(learner(status="transferred", left_on=D(2025, 5, 6)), as_of, POLICY)
    assert decision.outcome == outcome


def test_leaving_wins_after_the_period_and_without_a_date():
    assert graduation_decision(learner(status="cancelled"), D(2027, 1, 1), POLICY).reasons == ("已注销学籍，不发证书",)


@pytest.mark.parametrize("status", ["transferred", "cancelled", "deceased"])
def test_no_funding_for_a_learner_off_the_register(status):
    assert not counts_for_funding(status, POLICY) and not counts_for_funding("left", POLICY)
