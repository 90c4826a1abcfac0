"""休学 stops the study-period clock (issue 14, item 1): suspended_since, period_end_if_resumed and the
graduation decision of a learner suspended as of the day."""

import datetime as dt

import pytest

from lms.rules import (
    HourTotals,
    LearnerFacts,
    Policy,
    StatusStop,
    graduation_decision,
    period_end_as_of,
    period_end_if_resumed,
    study_stops,
    suspended_since,
)

ENROLLED = dt.date(2023, 3, 1)
END = dt.date(2026, 2, 28)
D = dt.date


@pytest.mark.parametrize(("events", "as_of", "since"), [
    ([], D(2026, 3, 15), None),
    ([("suspend", D(2024, 5, 1))], D(2024, 4, 30), None),                     # the day before
    ([("suspend", D(2024, 5, 1))], D(2024, 5, 1), D(2024, 5, 1)),              # the change day
    ([("suspend", D(2024, 5, 1))], D(2026, 3, 15), D(2024, 5, 1)),             # still suspended
    ([("suspend", D(2024, 5, 1)), ("resume", D(2024, 9, 1))], D(2024, 8, 31), D(2024, 5, 1)),
    ([("suspend", D(2024, 5, 1)), ("resume", D(2024, 9, 1))], D(2024, 9, 1), None),   # resumed that day
    ([("suspend", D(2026, 2, 27))], D(2026, 3, 15), D(2026, 2, 27)),           # the day before the end
    ([("suspend", D(2024, 5, 1)), ("resume", D(2024, 9, 1)), ("suspend", D(2025, 1, 1))],
     D(2025, 6, 1), D(2025, 1, 1)),                                             # the second suspension
    ([("suspend", D(2024, 5, 1)), ("resume", D(2024, 5, 1))], D(2024, 5, 1), None),   # resumed the same day
])
def test_suspended_since_as_of_a_day(events, as_of, since):
    stops = study_stops(events, "studying", None)
    assert suspended_since(stops, as_of, ENROLLED) == since


def test_an_undated_suspension_holds_from_enrolment():
    assert suspended_since((StatusStop("suspended", None),), D(2025, 1, 1), ENROLLED) == ENROLLED


@pytest.mark.parametrize(("suspended", "resumed", "end"), [
    (D(2026, 2, 27), D(2026, 2, 27), END),                  # resumed the same day: no move
    (D(2026, 2, 27), D(2026, 2, 28), D(2026, 3, 1)),        # one day
    (D(2024, 5, 1), D(2026, 3, 15), D(2028, 1, 12)),
])
def test_the_period_end_moves_by_the_suspension(suspended, resumed, end):
    assert period_end_if_resumed(END, suspended, resumed) == end


def facts(**options):
    return LearnerFacts(birth_on=D(1980, 1, 1), enrolled_on=ENROLLED, prior_education="未上过学",
                        hours=HourTotals(self_study=300 * 60), **options)


def test_a_suspended_learner_is_never_complete_and_is_told_the_would_be_end():
    decision = graduation_decision(facts(suspended_on=D(2024, 5, 1)), D(2026, 3, 15), Policy())
    assert decision.outcome == "continue"
    assert decision.reasons == ("休学中（2024年5月1日起），修业期暂停计算；如今天复学，修业期至2028年1月12日",)
    assert graduation_decision(facts(), D(2026, 3, 15), Policy()).outcome == "complete"


def test_suspended_on_the_last_day_of_the_period():
    decision = graduation_decision(facts(suspended_on=END), D(2026, 3, 1), Policy())
    assert decision.outcome == "continue" and "如今天复学，修业期至2026年3月1日" in decision.reasons[0]


# Stored end 2026-03-31 after two resumptions: 10 days (2024-05-01 → 05-11) and 21 days (2025-01-01 → 01-22).
TWICE = study_stops([("suspend", D(2024, 5, 1)), ("resume", D(2024, 5, 11)),
                     ("suspend", D(2025, 1, 1)), ("resume", D(2025, 1, 22))], "studying", None)
STORED = END + dt.timedelta(days=31)


@pytest.mark.parametrize(("as_of", "end"), [
    (D(2024, 4, 30), END),                                 # before either suspension
    (D(2024, 5, 10), END),                                 # the day before the first 复学: not moved yet
    (D(2024, 5, 11), END + dt.timedelta(days=10)),         # the 复学 day moves it
    (D(2025, 1, 21), END + dt.timedelta(days=10)),
    (D(2025, 1, 22), STORED),
    (D(2026, 12, 7), STORED),
])
def test_the_period_end_as_it_stood_on_a_past_day(as_of, end):
    assert period_end_as_of(STORED, TWICE, as_of) == end


def test_an_open_or_undated_suspension_has_not_moved_the_end():
    open_one = study_stops([("suspend", D(2024, 5, 1))], "suspended", None)
    assert period_end_as_of(END, open_one, D(2024, 4, 1)) == END
    undated = (StatusStop("suspended", None, D(2024, 5, 1)),)
    assert period_end_as_of(END, undated, D(2024, 4, 1)) == END
