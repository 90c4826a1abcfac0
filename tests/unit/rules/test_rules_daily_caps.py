"""The daily caps at their edges: a policy setting per cohort (self-study 4, platform 8, all categories 12 学时 a
day by default), judged by lms.rules.daily_cap_problem for every writer of hours — the cap reached exactly
passes, one minute more is refused, per category and in total, with the learner, the day and the cap said."""

import json
from datetime import date

import pytest

from lms.rules import DAY_MINUTES, HOUR_CATEGORIES, Policy, PolicyError, daily_cap, daily_cap_problem, daily_room

DEFAULTS = Policy()
DAY = date(2025, 3, 8)
S_OVER = "王芳 2025年3月8日 的自学将达 {} 学时，超过每日自学上限 4 学时"
P_OVER = "王芳 2025年3月8日 的平台线上学习将达 {} 学时，超过每日平台线上学习上限 8 学时"
TOTAL_OVER = "王芳 2025年3月8日 的学时合计将达 {} 学时，超过每日合计上限 12 学时"


def problem(category, day, adding, policy=DEFAULTS):
    return daily_cap_problem(policy, category, day, adding, DAY, who="王芳")


# --- the settings ---------------------------------------------------------------------------------

def test_the_defaults_are_four_eight_and_twelve_hours():
    assert (DEFAULTS.daily_cap_self_study_minutes, DEFAULTS.daily_cap_platform_minutes,
            DEFAULTS.daily_cap_total_minutes) == (240, 480, 720)
    assert (daily_cap(DEFAULTS, "S"), daily_cap(DEFAULTS, "P"), daily_cap(DEFAULTS, "F"), daily_cap(DEFAULTS, "L")) \
        == (240, 480, None, None)


def test_a_plan_teaching_day_fits_under_the_total_with_room_for_self_study():
    """集中授课1天(8学时) plus the whole self-study cap is the total cap, exactly."""
    assert DEFAULTS.cadence_day_minutes + DEFAULTS.daily_cap_self_study_minutes == DEFAULTS.daily_cap_total_minutes


def test_an_unknown_category_is_a_programming_error():
    with pytest.raises(ValueError):
        daily_cap(DEFAULTS, "X")


@pytest.mark.parametrize("key", ["daily_cap_self_study_minutes", "daily_cap_platform_minutes",
                                 "daily_cap_total_minutes"])
@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (DAY_MINUTES, True), (DAY_MINUTES + 1, False),
                                           ("720", True), ("十二", False), (True, False)])
def test_each_cap_is_a_whole_number_of_minutes_from_one_to_a_day(key, value, ok):
    total = {"daily_cap_total_minutes": DAY_MINUTES} if key != "daily_cap_total_minutes" else {
        "daily_cap_self_study_minutes": 1, "daily_cap_platform_minutes": 1}
    if ok:
        assert getattr(Policy.from_mapping({key: value, **total}), key) == int(value)
    else:
        with pytest.raises(PolicyError) as caught:
            Policy.from_mapping({key: value, **total})
        assert caught.value.field == key


@pytest.mark.parametrize(("key", "message"), [("daily_cap_self_study_minutes", "每日自学上限不能超过每日学时合计上限"),
                                              ("daily_cap_platform_minutes", "每日平台学习上限不能超过每日学时合计上限")])
def test_a_category_cap_cannot_exceed_the_total(key, message):
    assert getattr(Policy(**{key: 600, "daily_cap_total_minutes": 600}), key) == 600      # equal: allowed
    with pytest.raises(PolicyError, match=message) as caught:
        Policy(**{key: 601, "daily_cap_total_minutes": 600})
    assert caught.value.field == key


def test_a_stored_version_from_before_the_caps_reads_the_defaults_and_round_trips():
    old = {key: value for key, value in DEFAULTS.to_mapping().items() if not key.startswith("daily_cap_")}
    assert Policy.from_mapping(old) == DEFAULTS
    changed = Policy(daily_cap_self_study_minutes=180, daily_cap_platform_minutes=360, daily_cap_total_minutes=600)
    assert Policy.from_mapping(json.loads(json.dumps(changed.to_mapping()))) == changed


# --- one category's cap ---------------------------------------------------------------------------

@pytest.mark.parametrize(("held", "adding", "over"), [
    (0, 1, None), (0, 239, None), (0, 240, None), (0, 241, "4.1"),
    (120, 120, None), (120, 121, "4.1"), (239, 1, None), (239, 2, "4.1"), (240, 1, "4.1"), (0, 300, "5"),
    (180, 90, "4.5")])
def test_self_study_up_to_four_hours_a_day(held, adding, over):
    day = {"S": held} if held else {}
    assert problem("S", day, adding) == (None if over is None else S_OVER.format(over))


@pytest.mark.parametrize(("held", "adding", "over"), [
    (0, 480, None), (0, 481, "8.1"), (479, 1, None), (479, 2, "8.1"), (240, 240, None), (240, 241, "8.1"),
    (480, 1, "8.1"), (0, 1440, "24")])
def test_platform_up_to_eight_hours_a_day(held, adding, over):
    day = {"P": held} if held else {}
    assert problem("P", day, adding) == (None if over is None else P_OVER.format(over))


def test_one_categorys_hours_do_not_use_up_anothers_cap():
    assert problem("S", {"P": 480}, 240) is None                # 8 + 4 = 12: both caps reached exactly
    assert problem("P", {"S": 240}, 480) is None


def test_the_categorys_own_cap_is_said_before_the_total():
    assert problem("S", {"F": 480, "S": 240}, 1) == S_OVER.format("4.1")
    assert problem("P", {"F": 480, "P": 480}, 60) == P_OVER.format("9")


# --- all categories together ----------------------------------------------------------------------

@pytest.mark.parametrize(("category", "day", "adding", "over"), [
    ("S", {"F": 480}, 240, None), ("S", {"F": 480, "P": 1}, 240, "12.1"), ("S", {"F": 480}, 241, None),
    ("P", {"F": 480}, 240, None), ("P", {"F": 480}, 241, "12.1"), ("P", {"L": 120, "F": 480}, 121, "12.1"),
    ("F", {}, 720, None), ("F", {}, 721, "12.1"), ("F", {"P": 480, "S": 240}, 1, "12.1"),
    ("L", {"F": 480, "P": 120}, 120, None), ("L", {"F": 480, "P": 120}, 121, "12.1"),
    ("F", {"F": 480, "L": 120, "P": 60, "S": 60}, 0, None), ("F", {"F": 480, "L": 120, "P": 60, "S": 59}, 1, None),
    ("F", {"F": 480, "L": 120, "P": 60, "S": 60}, 1, "12.1"), ("L", {"F": 600}, 180, "13")])
def test_all_categories_together_up_to_twelve_hours_a_day(category, day, adding, over):
    expected = None if over is None else TOTAL_OVER.format(over)
    if category == "S" and adding == 241:
        expected = S_OVER.format("4.1")          # its own cap first
    assert problem(category, day, adding) == expected


def test_face_to_face_and_live_online_have_no_cap_of_their_own():
    assert problem("F", {}, 720) is None and problem("L", {}, 720) is None
    assert problem("L", {"L": 600}, 120) is None


@pytest.mark.parametrize("adding", [0, -60])
def test_adding_nothing_or_less_is_never_refused_even_on_a_day_already_over(adding):
    """A day filled before the caps were set (or lowered) stays as it was; a mark lowered is not refused."""
    over = {"F": 960, "P": 600, "S": 300}
    for category in HOUR_CATEGORIES:
        assert problem(category, over, adding) is None
    assert problem("F", over, 1) == TOTAL_OVER.format("31.1")


def test_the_caps_are_the_cohorts_policy_not_constants():
    strict = Policy(daily_cap_self_study_minutes=60, daily_cap_platform_minutes=120, daily_cap_total_minutes=480)
    assert problem("S", {}, 60, strict) is None
    assert problem("S", {}, 61, strict) == "王芳 2025年3月8日 的自学将达 1.1 学时，超过每日自学上限 1 学时"
    assert problem("P", {}, 121, strict) == "王芳 2025年3月8日 的平台线上学习将达 2.1 学时，超过每日平台线上学习上限 2 学时"
    assert problem("F", {"P": 120}, 361, strict) == "王芳 2025年3月8日 的学时合计将达 8.1 学时，超过每日合计上限 8 学时"
    loose = Policy(daily_cap_self_study_minutes=DAY_MINUTES, daily_cap_platform_minutes=DAY_MINUTES,
                   daily_cap_total_minutes=DAY_MINUTES)
    assert problem("S", {"P": 720}, 720, loose) is None and problem("S", {"P": 720}, 721, loose) is not None


def test_a_cap_of_whole_and_half_hours_reads_as_such():
    policy = Policy(daily_cap_self_study_minutes=150, daily_cap_total_minutes=630)
    assert problem("S", {}, 151, policy) == "王芳 2025年3月8日 的自学将达 2.6 学时，超过每日自学上限 2.5 学时"


# --- the room a day leaves ------------------------------------------------------------------------

@pytest.mark.parametrize(("category", "day", "room"), [
    ("S", {}, 240), ("P", {}, 480), ("F", {}, 720), ("L", {}, 720),
    ("S", {"F": 480}, 240), ("P", {"F": 480}, 240), ("F", {"F": 480}, 240),
    ("S", {"S": 100}, 140), ("P", {"F": 480, "S": 240}, 0), ("S", {"F": 480, "P": 1}, 239),
    ("P", {"F": 900}, 0), ("S", {"S": 300}, 0)])
def test_the_room_left_in_a_day(category, day, room):
    assert daily_room(DEFAULTS, category, day) == room


DAYS = [{}, {"F": 480}, {"S": 239}, {"P": 470, "S": 240}, {"F": 480, "L": 120, "P": 60}, {"F": 480, "S": 241},
        {"F": 720}, {"L": 10, "P": 10, "S": 10}]


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("category", HOUR_CATEGORIES)
def test_the_room_is_exactly_what_the_check_lets_through(category, day):
    room = daily_room(DEFAULTS, category, day)
    if room:
        assert problem(category, day, room) is None
    assert problem(category, day, room + 1) is not None
