"""Crediting at its edges: each attendance status, typed minutes around the session's, each hour category,
the self-study statuses, and a session's or an entry's length at 1439/1440/1441 minutes. (The daily caps:
test_rules_daily_caps.py.)"""


import pytest

from lms.rules import (
    ATTENDANCE_STATUS_LABELS,
    ATTENDANCE_STATUSES,
    CREDITING_STATUSES,
    DAY_MINUTES,
    HOUR_CATEGORIES,
    SESSION_MODE_CATEGORIES,
    SESSION_MODES,
    credits_self_study,
    day_minutes_problem,
    earns_hours,
    holds_day,
    mark_minutes,
    mark_problem,
    session_category,
)
from lms.rules.crediting import PLATFORM_CATEGORY, SELF_STUDY_CATEGORY, SELF_STUDY_STATUSES

SESSION = 480          # an 8-学时 day
NO_HOURS = "请假、缺勤不计学时，实际学时应为空或 0"


@pytest.mark.parametrize(("status", "earns", "label"), [
    ("present", True, "出勤"), ("late", True, "迟到"), ("leave", False, "请假"), ("absent", False, "缺勤")])
def test_each_status_earns_hours_or_not(status, earns, label):
    assert earns_hours(status) is earns
    assert ATTENDANCE_STATUS_LABELS[status] == label


def test_the_statuses_are_the_four_of_the_sheet_in_its_order():
    assert ATTENDANCE_STATUSES == tuple(ATTENDANCE_STATUS_LABELS) == ("present", "late", "leave", "absent")
    assert CREDITING_STATUSES == ("present", "late")
    assert not earns_hours("unknown") and not earns_hours("")


@pytest.mark.parametrize(("status", "credited"), [("present", SESSION), ("late", SESSION), ("leave", 0),
                                                  ("absent", 0)])
def test_nothing_typed_credits_the_sessions_minutes_to_present_and_late_only(status, credited):
    assert mark_minutes(status, None, SESSION) == credited
    assert mark_problem(status, credited, SESSION) is None


@pytest.mark.parametrize("status", ["present", "late"])
@pytest.mark.parametrize(("typed", "problem"), [
    (0, None), (1, None), (SESSION - 1, None), (SESSION, None),
    (SESSION + 1, "实际学时不能超过课次学时"), (-1, "学时不能为负数")])
def test_typed_minutes_count_up_to_the_sessions(status, typed, problem):
    assert mark_minutes(status, typed, SESSION) == typed
    assert mark_problem(status, typed, SESSION) == problem


@pytest.mark.parametrize("status", ["leave", "absent"])
@pytest.mark.parametrize(("typed", "problem"), [(0, None), (1, NO_HOURS), (SESSION, NO_HOURS),
                                                (SESSION + 1, NO_HOURS), (-1, "学时不能为负数")])
def test_leave_and_absence_credit_nothing_whatever_is_typed(status, typed, problem):
    assert mark_minutes(status, typed, SESSION) == typed
    assert mark_problem(status, typed, SESSION) == problem


@pytest.mark.parametrize("status", ["", "sleeping", "PRESENT", "出勤"])
def test_an_unknown_status_is_refused_before_anything_else(status):
    assert mark_problem(status, -5, SESSION) == "考勤状态不正确"


def test_each_category_has_one_source():
    assert {mode: session_category(mode) for mode in SESSION_MODES} == {"face": "F", "live": "L"}
    assert dict(SESSION_MODE_CATEGORIES) == {"face": "F", "live": "L"}
    assert (PLATFORM_CATEGORY, SELF_STUDY_CATEGORY) == ("P", "S")
    assert sorted([*SESSION_MODE_CATEGORIES.values(), PLATFORM_CATEGORY, SELF_STUDY_CATEGORY]) == \
        sorted(HOUR_CATEGORIES)
    with pytest.raises(ValueError):
        session_category("offline")


@pytest.mark.parametrize(("status", "credited", "holds"), [("pending", False, True), ("approved", True, True),
                                                           ("rejected", False, False)])
def test_self_study_counts_once_approved_and_holds_its_day_until_rejected(status, credited, holds):
    assert status in SELF_STUDY_STATUSES
    assert credits_self_study(status) is credited
    assert holds_day(status) is holds


@pytest.mark.parametrize(("minutes", "ok"), [(-1, False), (0, False), (1, True), (1439, True), (1440, True),
                                             (1441, False)])
def test_a_session_or_an_entry_is_longer_than_nothing_and_no_longer_than_a_day(minutes, ok):
    assert DAY_MINUTES == 1440
    assert (day_minutes_problem(minutes) is None) is ok
    if not ok:
        assert day_minutes_problem(minutes) == "学时应大于 0 且不超过 24"
