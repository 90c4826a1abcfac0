"""R4: a concentrated day of 8 hours each month, or two trainings of 120 hours each year."""

import datetime as dt

import pytest

from lms.rules import (
    Policy,
    PolicyError,
    SessionFacts,
    class_cadence,
    class_trainings,
    training_year,
    trainings_in_year,
)

POLICY = Policy()
D = dt.date


def day(y, m, d, minutes=480, mode="face"):
    return SessionFacts(D(y, m, d), minutes, mode)


def statuses(report):
    return {(m.year, m.month): m.status for m in report.months}


def test_a_full_day_every_month_meets_the_rule():
    sessions = [day(2025, month, 10) for month in range(1, 7)]
    report = class_cadence(sessions, D(2025, 1, 1), D(2025, 6, 30), POLICY)
    assert report.result.ok and not report.result.blocking
    assert report.failing_months == ()


def test_months_without_a_full_day_are_listed_in_the_reason():
    sessions = [day(2025, 1, 5), day(2025, 2, 5), day(2025, 4, 5), day(2025, 6, 2)]
    report = class_cadence(sessions, D(2025, 1, 1), D(2025, 6, 20), POLICY)
    assert not report.result.ok
    assert report.result.severity == "warning"
    assert report.result.reason.startswith("2025年3月、5月无满 8 学时的集中授课")
    assert report.result.numbers["failing_months"] == ("2025-03", "2025-05")


def test_failing_months_across_years_name_each_year_once():
    sessions = [day(2024, 12, 1), day(2025, 1, 5), day(2025, 3, 5)]
    report = class_cadence(sessions, D(2024, 10, 1), D(2025, 3, 31), POLICY)
    assert report.result.reason.startswith("2024年10月、11月、2025年2月无满 8 学时的集中授课")


def test_several_sessions_on_one_date_sum_to_one_day():
    sessions = [day(2025, 3, 8, 240), day(2025, 3, 8, 240, "live")]
    report = class_cadence(sessions, D(2025, 3, 1), D(2025, 4, 2), POLICY)
    assert statuses(report)[(2025, 3)] == "ok"
    assert report.months[0].full_days == (D(2025, 3, 8),)


def test_479_minutes_is_not_a_full_day_and_two_half_days_on_different_dates_do_not_add_up():
    sessions = [day(2025, 3, 8, 479), day(2025, 3, 9, 240), day(2025, 3, 10, 240)]
    report = class_cadence(sessions, D(2025, 3, 1), D(2025, 4, 2), POLICY)
    assert statuses(report)[(2025, 3)] == "missed"


def test_live_online_sessions_count_as_concentrated():
    report = class_cadence([day(2025, 3, 8, 480, "live")], D(2025, 3, 1), D(2025, 4, 1), POLICY)
    assert statuses(report)[(2025, 3)] == "ok"


def test_the_current_month_is_running_not_failed():
    report = class_cadence([day(2025, 5, 2)], D(2025, 5, 1), D(2025, 6, 30), POLICY)
    assert statuses(report) == {(2025, 5): "ok", (2025, 6): "running"}
    assert report.result.ok
    assert report.result.reason.endswith("2025年6月尚无满 8 学时的集中授课（本月未结束）")


def test_sessions_after_as_of_are_ignored():
    report = class_cadence([day(2025, 5, 20)], D(2025, 5, 1), D(2025, 5, 10), POLICY)
    assert statuses(report) == {(2025, 5): "running"}


def test_months_before_the_first_month_are_not_checked():
    report = class_cadence([], D(2025, 5, 15), D(2025, 6, 3), POLICY)
    assert [(m.year, m.month) for m in report.months] == [(2025, 5), (2025, 6)]
    assert report.result.numbers["failing_months"] == ("2025-05",)


def test_first_month_after_as_of_checks_nothing():
    report = class_cadence([], D(2025, 7, 1), D(2025, 6, 3), POLICY)
    assert report.months == () and report.result.ok


def _training(start, days, minutes_a_day=480):
    return [SessionFacts(start + dt.timedelta(days=i), minutes_a_day) for i in range(days)]


def test_two_trainings_of_120_hours_cover_the_year_instead_of_monthly_days():
    # 15 days x 8 h = 120 h, twice: March and October; most months have no session at all
    sessions = _training(D(2024, 3, 1), 15) + _training(D(2024, 10, 1), 15)
    report = class_cadence(sessions, D(2024, 1, 1), D(2025, 1, 15), POLICY)
    year = report.years[0]
    assert (year.year, year.qualifying, year.covered) == (2024, 2, True)
    assert all(m.covered_by_year for m in report.months if m.year == 2024)
    assert report.result.ok


def test_one_training_of_120_hours_is_not_enough_for_the_year():
    sessions = _training(D(2024, 3, 1), 15)
    report = class_cadence(sessions, D(2024, 1, 1), D(2024, 12, 31), POLICY)
    assert not report.years[0].covered
    assert not report.result.ok
    assert "当年也未达到每年 2 次各满 120 学时的集中培训" in report.result.reason


def test_a_training_of_7199_minutes_does_not_qualify():
    sessions = _training(D(2024, 3, 1), 15)[:-1] + [SessionFacts(D(2024, 3, 15), 479)]
    sessions += _training(D(2024, 10, 1), 15)
    report = class_cadence(sessions, D(2024, 1, 1), D(2024, 12, 31), POLICY)
    assert [t.minutes for t in report.years[0].trainings] == [7199, 7200]
    assert not report.years[0].covered


def test_a_weekend_gap_of_two_days_stays_in_one_training_but_three_days_splits_it():
    friday, monday, next_friday = D(2024, 3, 1), D(2024, 3, 4), D(2024, 3, 8)
    sessions = [SessionFacts(friday, 480), SessionFacts(monday, 480), SessionFacts(next_friday, 480)]
    report = class_cadence(sessions, D(2024, 3, 1), D(2024, 3, 31), POLICY)
    runs = [(t.start_on, t.end_on, t.days) for t in report.years[0].trainings]
    assert runs == [(friday, monday, 2), (next_friday, next_friday, 1)]


def test_the_gap_is_a_setting():
    sessions = [SessionFacts(D(2024, 3, 1), 480), SessionFacts(D(2024, 3, 8), 480)]
    report = class_cadence(sessions, D(2024, 3, 1), D(2024, 3, 31), Policy(cadence_gap_days=6))
    assert len(report.years[0].trainings) == 1


def test_a_training_across_new_year_is_one_training_counted_in_the_year_it_began():
    sessions = _training(D(2024, 12, 25), 14)
    report = class_cadence(sessions, D(2024, 12, 1), D(2025, 1, 31), POLICY)
    assert [(y.year, [t.days for t in y.trainings]) for y in report.years] == [(2024, [14]), (2025, [])]


def test_the_current_year_is_marked_running():
    report = class_cadence([day(2025, 1, 3)], D(2024, 12, 1), D(2025, 2, 1), POLICY)
    assert [(y.year, y.running) for y in report.years] == [(2024, False), (2025, True)]


def test_session_facts_are_validated():
    with pytest.raises(ValueError):
        SessionFacts(D(2025, 1, 1), 480, "radio")
    with pytest.raises(ValueError):
        SessionFacts(D(2025, 1, 1), -1)


# --- a continuous training across New Year (policy.cadence_year_by) -----------------------------------

BY_MOST_DAYS = Policy(cadence_year_by="most_days")


def _daily(first, last, minutes=480):
    """{date: minutes} for every day from first to last."""
    return {first + dt.timedelta(days=i): minutes for i in range((last - first).days + 1)}


def test_the_plans_winter_training_counts_whole_136_hours_in_the_year_it_began():
    # 2024-12-20 … 2025-01-05 every day: 12 days (96 学时) in December, 5 (40 学时) in January.
    daily = _daily(D(2024, 12, 20), D(2025, 1, 5))
    [training] = trainings_in_year(daily, 2024, POLICY)
    assert (training.start_on, training.end_on, training.days, training.minutes) == (
        D(2024, 12, 20), D(2025, 1, 5), 17, 8160)
    assert training.qualifies and training.crosses_year and training.year == 2024
    assert trainings_in_year(daily, 2025, POLICY) == ()
    assert trainings_in_year(daily, 2024, BY_MOST_DAYS) == (training,)     # 12 days against 5


@pytest.mark.parametrize(("first", "last", "by_start", "by_most_days"), [
    (D(2024, 12, 28), D(2025, 1, 3), 2024, 2024),     # 4 days against 3
    (D(2024, 12, 28), D(2025, 1, 4), 2024, 2024),     # 4 against 4: a tie goes to the year it began
    (D(2024, 12, 28), D(2025, 1, 5), 2024, 2025),     # 4 against 5
    (D(2024, 12, 31), D(2025, 1, 1), 2024, 2024),     # one day each side
    (D(2024, 12, 31), D(2025, 1, 2), 2024, 2025),
    (D(2025, 1, 1), D(2025, 1, 20), 2025, 2025),      # begins on New Year's Day
    (D(2024, 12, 10), D(2024, 12, 31), 2024, 2024),   # ends on New Year's Eve
    (D(2024, 12, 30), D(2026, 1, 2), 2024, 2025),     # over two New Years: 2 + 365 + 2 days
])
def test_the_year_a_training_counts_in_at_the_edges(first, last, by_start, by_most_days):
    run = sorted(_daily(first, last))
    assert training_year(run, POLICY) == by_start
    assert training_year(run, BY_MOST_DAYS) == by_most_days


def test_session_days_not_calendar_days_decide_the_most_days():
    # December 29, 30, 31 (three sessions) and January 2, 4 (two, a day off between): December has more.
    run = [D(2024, 12, 29), D(2024, 12, 30), D(2024, 12, 31), D(2025, 1, 2), D(2025, 1, 4)]
    assert training_year(run, BY_MOST_DAYS) == 2024
    [training] = class_trainings({day: 480 for day in run}, BY_MOST_DAYS)
    assert (training.days, training.year) == (5, 2024)


@pytest.mark.parametrize(("december", "january", "trainings"), [
    (D(2024, 12, 29), D(2025, 1, 1), 1),     # two empty days (30th, 31st) between: one training
    (D(2024, 12, 28), D(2025, 1, 1), 2),     # three: two trainings, one in each year
])
def test_the_gap_rule_holds_across_new_year_as_within_a_year(december, january, trainings):
    daily = {december: 480, january: 480}
    assert len(class_trainings(daily, POLICY)) == trainings
    assert [t.year for t in class_trainings(daily, POLICY)] == ([2024] if trainings == 1 else [2024, 2025])


def test_a_cross_year_training_completes_the_year_it_began():
    # March 2024 (120 学时) and the winter training from 2024-12-20 (136 学时): 2024 has its two trainings.
    sessions = _training(D(2024, 3, 1), 15) + _training(D(2024, 12, 20), 17)
    report = class_cadence(sessions, D(2024, 1, 1), D(2025, 3, 15), POLICY)
    years = {y.year: (y.qualifying, y.covered) for y in report.years}
    assert years == {2024: (2, True), 2025: (0, False)}
    assert not any(m.failing for m in report.months if m.year == 2024)


def test_by_most_days_a_cross_year_training_counts_in_the_following_year():
    # 2024-12-29 … 2025-01-14: 3 days in December, 14 in January (136 学时).
    sessions = _training(D(2024, 3, 1), 15) + _training(D(2024, 12, 29), 17) + _training(D(2025, 3, 1), 15)
    by_start = class_cadence(sessions, D(2024, 1, 1), D(2025, 12, 31), POLICY)
    by_days = class_cadence(sessions, D(2024, 1, 1), D(2025, 12, 31), BY_MOST_DAYS)
    assert [(y.year, y.qualifying) for y in by_start.years] == [(2024, 2), (2025, 1)]
    assert [(y.year, y.qualifying) for y in by_days.years] == [(2024, 1), (2025, 2)]
    assert by_start.result.numbers["year_by"] == "start" and by_days.result.numbers["year_by"] == "most_days"


def test_a_winter_training_still_running_on_as_of_counts_only_its_days_so_far():
    sessions = _training(D(2024, 12, 20), 17)
    report = class_cadence(sessions, D(2024, 12, 1), D(2024, 12, 31), POLICY)
    [training] = report.years[0].trainings
    assert (training.days, training.minutes, training.qualifies) == (12, 5760, False)
    later = class_cadence(sessions, D(2024, 12, 1), D(2025, 1, 5), POLICY)
    assert later.years[0].trainings[0].minutes == 8160 and later.years[0].trainings[0].qualifies


def test_the_year_choice_is_validated():
    with pytest.raises(PolicyError, match="跨年集中培训计入年份必须是以下之一"):
        Policy(cadence_year_by="end")


# --- the monthly route: one day of 8 学时, or 8 学时 across the month (policy.cadence_month_by) --------

BY_MONTH = Policy(cadence_month_by="month")


def evenings(y, m, days, minutes=120):
    return [day(y, m, d, minutes) for d in days]


def test_four_evening_classes_of_2_hours_meet_the_month_only_when_counted_by_month():
    sessions = evenings(2025, 3, (4, 11, 18, 25))
    by_day = class_cadence(sessions, D(2025, 3, 1), D(2025, 4, 2), POLICY)
    by_month = class_cadence(sessions, D(2025, 3, 1), D(2025, 4, 2), BY_MONTH)
    assert statuses(by_day)[(2025, 3)] == "missed" and statuses(by_month)[(2025, 3)] == "ok"
    assert by_month.months[0].minutes == 480 and by_month.months[0].full_days == ()
    assert by_month.month_by == "month" and by_day.month_by == "day"


@pytest.mark.parametrize(("minutes", "met"), [
    ((120, 120, 120, 114), False),          # 7.9 学时
    ((120, 120, 120, 119), False),          # one minute short
    ((120, 120, 120, 120), True),           # 8 学时
    ((120, 120, 120, 121), True),
    ((479,), False), ((480,), True),        # a single session: the same edge as a full day
])
def test_the_month_total_edge(minutes, met):
    sessions = [day(2025, 3, 3 + 7 * index, value) for index, value in enumerate(minutes)]
    report = class_cadence(sessions, D(2025, 3, 1), D(2025, 4, 2), BY_MONTH)
    assert statuses(report)[(2025, 3)] == ("ok" if met else "missed")


def test_a_session_on_the_last_day_counts_in_its_month_and_one_on_the_first_in_the_next():
    # 2 学时 on 3, 10, 17 and 31 March; 2 学时 on 1 April and 6 学时 on 30 April.
    sessions = evenings(2025, 3, (3, 10, 17, 31)) + [day(2025, 4, 1, 120), day(2025, 4, 30, 360)]
    report = class_cadence(sessions, D(2025, 3, 1), D(2025, 5, 2), BY_MONTH)
    assert statuses(report) == {(2025, 3): "ok", (2025, 4): "ok", (2025, 5): "running"}
    assert [m.minutes for m in report.months] == [480, 480, 0]
    without_the_31st = [s for s in sessions if s.held_on != D(2025, 3, 31)]
    report = class_cadence(without_the_31st, D(2025, 3, 1), D(2025, 5, 2), BY_MONTH)
    assert statuses(report)[(2025, 3)] == "missed"


def test_a_session_on_29_february_counts_in_february():
    sessions = evenings(2024, 2, (5, 12, 19, 29))
    report = class_cadence(sessions, D(2024, 2, 1), D(2024, 3, 5), BY_MONTH)
    assert statuses(report)[(2024, 2)] == "ok"


def test_sessions_after_as_of_do_not_count_toward_the_running_month():
    sessions = evenings(2025, 6, (2, 9, 16, 23))
    report = class_cadence(sessions, D(2025, 6, 1), D(2025, 6, 20), BY_MONTH)
    assert report.months[0].minutes == 360 and report.months[0].status == "running"
    assert report.result.ok
    assert report.result.reason.endswith("2025年6月集中授课累计 6 学时，尚不满 8 学时（本月未结束）")


def test_the_reasons_say_which_monthly_route_is_judged():
    sessions = evenings(2025, 1, (6, 13, 20, 27)) + evenings(2025, 2, (3, 10))
    report = class_cadence(sessions, D(2025, 1, 1), D(2025, 3, 5), BY_MONTH)
    assert report.result.reason.startswith("2025年2月集中授课累计不满 8 学时，当年也未达到")
    assert report.result.numbers["month_by"] == "month"
    ok = class_cadence(evenings(2025, 1, (6, 13, 20, 27)), D(2025, 1, 1), D(2025, 1, 31), BY_MONTH)
    assert ok.result.reason.startswith("集中授课符合要求（每月集中授课累计满 8 学时，或每年 2 次")


def test_a_full_day_still_meets_the_month_counted_by_month_and_the_yearly_route_is_unchanged():
    assert statuses(class_cadence([day(2025, 3, 8)], D(2025, 3, 1), D(2025, 4, 1), BY_MONTH))[(2025, 3)] == "ok"
    sessions = _training(D(2024, 3, 1), 15) + _training(D(2024, 10, 1), 15)
    report = class_cadence(sessions, D(2024, 1, 1), D(2025, 1, 15), BY_MONTH)
    assert report.years[0].covered and report.result.ok


def test_the_day_minutes_setting_is_the_month_total_when_counted_by_month():
    sessions = evenings(2025, 3, (3, 10, 17, 24, 31))        # 10 学时
    report = class_cadence(sessions, D(2025, 3, 1), D(2025, 4, 2), Policy(cadence_month_by="month",
                                                                           cadence_day_minutes=600))
    assert statuses(report)[(2025, 3)] == "ok"
    report = class_cadence(sessions[:-1], D(2025, 3, 1), D(2025, 4, 2), Policy(cadence_month_by="month",
                                                                                cadence_day_minutes=600))
    assert statuses(report)[(2025, 3)] == "missed"


def test_the_month_choice_is_validated():
    with pytest.raises(PolicyError, match="每月集中授课的计算方式必须是以下之一"):
        Policy(cadence_month_by="week")
