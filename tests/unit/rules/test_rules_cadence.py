"""R4: a concentrated day of 8 hours each month, or two trainings of 120 hours each year."""

import datetime as dt

import pytest

from lms.rules import Policy, SessionFacts, class_cadence

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


def test_a_training_across_new_year_is_split_at_the_year_boundary():
    sessions = _training(D(2024, 12, 25), 14)
    report = class_cadence(sessions, D(2024, 12, 1), D(2025, 1, 31), POLICY)
    assert [t.days for y in report.years for t in y.trainings] == [7, 7]


def test_the_current_year_is_marked_running():
    report = class_cadence([day(2025, 1, 3)], D(2024, 12, 1), D(2025, 2, 1), POLICY)
    assert [(y.year, y.running) for y in report.years] == [(2024, False), (2025, True)]


def test_session_facts_are_validated():
    with pytest.raises(ValueError):
        SessionFacts(D(2025, 1, 1), 480, "radio")
    with pytest.raises(ValueError):
        SessionFacts(D(2025, 1, 1), -1)
