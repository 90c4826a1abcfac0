"""Studying on a day: enrolment, 休学 then 复学, 退学, 毕业, 结业 — the day before, of and after each."""

import datetime as dt

import pytest

from lms.rules import StatusStop, StudyHistory, not_studying_reason, study_status_on, study_stops

ENROLLED = dt.date(2025, 3, 1)
D = dt.date


def on(stops, day):
    return study_status_on(ENROLLED, stops, day)


@pytest.mark.parametrize(("day", "status"), [
    (D(2025, 2, 28), "not_enrolled"), (D(2025, 3, 1), "studying"), (D(2025, 3, 2), "studying"),
])
def test_enrolment_day_is_the_first_study_day(day, status):
    assert on((), day) == status


@pytest.mark.parametrize("kind", ["withdrawn", "graduated", "completed"])
@pytest.mark.parametrize(("day", "studying"), [
    (D(2026, 5, 1), True), (D(2026, 5, 2), True), (D(2026, 5, 3), False), (D(2030, 1, 1), False),
])
def test_an_ending_counts_its_own_day_and_stops_study_from_the_next(kind, day, studying):
    stops = (StatusStop(kind, D(2026, 5, 2)),)
    assert on(stops, day) == ("studying" if studying else kind)


@pytest.mark.parametrize(("day", "status"), [
    (D(2025, 9, 30), "studying"),     # the day before 休学
    (D(2025, 10, 1), "studying"),     # the 休学 day itself
    (D(2025, 10, 2), "suspended"),    # the day after
    (D(2026, 1, 31), "suspended"),    # the day before 复学
    (D(2026, 2, 1), "studying"),      # the 复学 day
    (D(2026, 2, 2), "studying"),      # the day after
])
def test_a_suspension_runs_from_the_day_after_to_the_resumption(day, status):
    stops = (StatusStop("suspended", D(2025, 10, 1), D(2026, 2, 1)),)
    assert on(stops, day) == status


@pytest.mark.parametrize(("day", "status"), [
    (D(2025, 10, 1), "studying"), (D(2025, 10, 2), "suspended"), (D(2026, 6, 1), "suspended"),
])
def test_a_suspension_without_resumption_lasts(day, status):
    assert on((StatusStop("suspended", D(2025, 10, 1)),), day) == status


def test_a_withdrawal_during_a_suspension_reads_as_withdrawn():
    stops = (StatusStop("suspended", D(2025, 10, 1)), StatusStop("withdrawn", D(2025, 12, 1)))
    assert [on(stops, day) for day in (D(2025, 10, 2), D(2025, 12, 1), D(2025, 12, 2))] == [
        "suspended", "suspended", "withdrawn"]


def test_a_stop_without_a_date_holds_from_enrolment():
    stops = (StatusStop("graduated", None),)
    assert on(stops, ENROLLED) == "graduated" and on(stops, D(2024, 1, 1)) == "not_enrolled"


def test_enrolment_day_of_a_learner_graduated_that_day_counts():
    assert on((StatusStop("graduated", ENROLLED),), ENROLLED) == "studying"


def test_stops_refuse_nonsense():
    with pytest.raises(ValueError):
        StatusStop("studying", ENROLLED)
    with pytest.raises(ValueError):
        StatusStop("withdrawn", ENROLLED, D(2026, 1, 1))


# --- stops from the recorded history ---------------------------------------------------------------

def test_events_make_suspensions_and_a_withdrawal():
    events = [("suspend", D(2025, 5, 1)), ("resume", D(2025, 9, 1)), ("change_specialty", D(2025, 10, 1)),
              ("suspend", D(2026, 1, 1)), ("withdraw", D(2026, 3, 1))]
    assert study_stops(events, "withdrawn", D(2026, 3, 1)) == (
        StatusStop("suspended", D(2025, 5, 1), D(2025, 9, 1)), StatusStop("withdrawn", D(2026, 3, 1)),
        StatusStop("suspended", D(2026, 1, 1)))


def test_an_open_suspension_stays_open():
    assert study_stops([("suspend", D(2025, 5, 1))], "suspended", D(2025, 5, 1)) == (
        StatusStop("suspended", D(2025, 5, 1)),)


@pytest.mark.parametrize("status", ["graduated", "completed"])
def test_graduation_and_completion_come_from_the_learners_status(status):
    assert study_stops([], status, D(2026, 7, 1)) == (StatusStop(status, D(2026, 7, 1)),)


@pytest.mark.parametrize("status", ["withdrawn", "suspended"])
def test_a_status_without_its_event_still_stops_study(status):
    assert study_stops([], status, D(2025, 8, 1)) == (StatusStop(status, D(2025, 8, 1)),)


def test_a_studying_learner_with_no_events_has_no_stops():
    assert study_stops([], "studying", None) == ()


def test_a_graduate_after_a_suspension_keeps_both():
    events = [("suspend", D(2025, 5, 1)), ("resume", D(2025, 9, 1))]
    history = StudyHistory(ENROLLED, study_stops(events, "graduated", D(2026, 7, 1)))
    assert [history.studying_on(day) for day in (D(2025, 6, 1), D(2025, 9, 1), D(2026, 7, 1), D(2026, 7, 2))] == [
        False, True, True, False]


# --- the refusal ---------------------------------------------------------------------------------

def test_the_refusal_names_the_learner_the_day_and_the_status():
    history = StudyHistory(ENROLLED, (StatusStop("graduated", D(2026, 5, 2)),))
    assert not_studying_reason("王德才", history, D(2026, 5, 3)) == "王德才 在 2026年5月3日 已毕业，不能记录学时"
    assert not_studying_reason("王德才", history, D(2026, 5, 2)) is None


@pytest.mark.parametrize(("stop", "phrase"), [
    (StatusStop("suspended", D(2025, 5, 1)), "休学中"), (StatusStop("withdrawn", D(2025, 5, 1)), "已退学"),
    (StatusStop("completed", D(2025, 5, 1)), "已结业"),
])
def test_each_stop_has_its_words(stop, phrase):
    assert not_studying_reason("李梅", StudyHistory(ENROLLED, (stop,)), D(2025, 6, 1)) == \
        f"李梅 在 2025年6月1日 {phrase}，不能记录学时"


def test_before_enrolment_the_refusal_gives_the_enrolment_day():
    assert not_studying_reason("李梅", StudyHistory(ENROLLED), D(2025, 2, 1)) == \
        "李梅 在 2025年2月1日 尚未入学（2025年3月1日入学），不能记录学时"
