"""R1: full years of age on the enrolment date within 15–59."""

import datetime as dt

import pytest

from lms.rules import Policy, age_on, check_age
from lms.rules.age import birth_window

ENROLLED = dt.date(2024, 6, 15)
POLICY = Policy()


def born(years_before: int, shift_days: int) -> dt.date:
    """A birth date whose birthday falls ``shift_days`` after the enrolment day, ``years_before`` years earlier."""
    return dt.date(ENROLLED.year - years_before, ENROLLED.month, ENROLLED.day) + dt.timedelta(days=shift_days)


# (years, birthday relative to enrolment day, expected age, accepted)
EDGES = [
    (14, -1, 14, False), (14, 0, 14, False), (14, 1, 13, False),
    (15, -1, 15, True), (15, 0, 15, True), (15, 1, 14, False),
    (16, 1, 15, True),
    (59, -1, 59, True), (59, 0, 59, True), (59, 1, 58, True),
    (60, -1, 60, False), (60, 0, 60, False), (60, 1, 59, True),
    (61, 1, 60, False),
]


@pytest.mark.parametrize(("years", "shift", "age", "accepted"), EDGES)
def test_age_edges_on_the_enrolment_day(years, shift, age, accepted):
    birth_on = born(years, shift)
    assert age_on(birth_on, ENROLLED) == age
    result = check_age(birth_on, ENROLLED, POLICY)
    assert result.ok is accepted
    assert result.code == "R1" and result.blocking
    assert result.numbers["age"] == age


def test_age_60_on_enrolment_day_is_refused():
    result = check_age(born(60, 0), ENROLLED, POLICY)
    assert not result.ok
    assert result.reason == "入学时 60 周岁，超过 59 周岁"


def test_age_14_turning_15_the_day_after_enrolment_is_refused():
    result = check_age(born(15, 1), ENROLLED, POLICY)
    assert not result.ok
    assert result.reason == "入学时 14 周岁，未满 15 周岁"


def test_age_15_on_enrolment_day_is_accepted():
    result = check_age(born(15, 0), ENROLLED, POLICY)
    assert result.ok
    assert result.reason == "入学时 15 周岁，符合 15–59 周岁"


def test_province_minimum_of_16_refuses_a_15_year_old():
    result = check_age(born(15, 0), ENROLLED, Policy(min_age=16))
    assert not result.ok
    assert result.numbers == {"age": 15, "min_age": 16, "max_age": 59}


@pytest.mark.parametrize(("on", "age"), [
    (dt.date(2015, 2, 28), 14),
    (dt.date(2015, 3, 1), 15),     # common year: the birthday is 1 March
    (dt.date(2016, 2, 28), 15),
    (dt.date(2016, 2, 29), 16),    # leap year: the birthday itself
    (dt.date(2016, 3, 1), 16),
])
def test_29_february_birthdays_turn_a_year_older_on_1_march_in_common_years(on, age):
    assert age_on(dt.date(2000, 2, 29), on) == age


def test_age_on_the_birth_day_is_zero():
    assert age_on(dt.date(2000, 1, 1), dt.date(2000, 1, 1)) == 0


def test_age_before_birth_is_an_error():
    with pytest.raises(ValueError):
        age_on(dt.date(2000, 1, 2), dt.date(2000, 1, 1))


def test_enrolment_before_birth_is_refused_not_crashed():
    result = check_age(dt.date(2030, 1, 1), ENROLLED, POLICY)
    assert not result.ok
    assert result.reason == "入学日期早于出生日期"


# birth_window (the roster import's per-file form of R1) must agree with check_age on every birth date.
WINDOW_DAYS = [ENROLLED, dt.date(2025, 9, 1), dt.date(2026, 12, 7), dt.date(2024, 2, 29), dt.date(2025, 2, 28),
               dt.date(2025, 3, 1), dt.date(2028, 2, 29), dt.date(2023, 12, 31), dt.date(2024, 1, 1)]


@pytest.mark.parametrize("enrolled_on", WINDOW_DAYS)
@pytest.mark.parametrize(("low", "high"), [(15, 59), (16, 59), (14, 60), (0, 1)])
def test_birth_window_agrees_with_check_age(enrolled_on, low, high):
    policy = Policy(min_age=low, max_age=high)
    earliest, latest = birth_window(enrolled_on, policy)
    # Every day within three years of each boundary (each span holds a 29 February), and the day itself.
    days = set()
    for boundary in (earliest, latest):
        start = boundary - dt.timedelta(days=3 * 366)
        days.update(start + dt.timedelta(days=n) for n in range(6 * 366 + 1))
    days.add(enrolled_on)
    for birth_on in sorted(days):
        if birth_on > enrolled_on:
            continue          # a birth date after the enrolment day never passes either way
        assert (earliest <= birth_on <= latest) is check_age(birth_on, enrolled_on, policy).ok, (birth_on, policy)


@pytest.mark.parametrize(("years", "shift", "age", "accepted"), EDGES)
def test_birth_window_edges_on_the_enrolment_day(years, shift, age, accepted):
    earliest, latest = birth_window(ENROLLED, POLICY)
    assert (earliest <= born(years, shift) <= latest) is accepted


def test_birth_window_for_29_february_births():
    # Born 29 Feb 2008: 15 on 1 March 2023 (a common year), not on 28 February.
    policy = Policy(min_age=15, max_age=59)
    for day, accepted in ((dt.date(2023, 2, 28), False), (dt.date(2023, 3, 1), True)):
        earliest, latest = birth_window(day, policy)
        assert (earliest <= dt.date(2008, 2, 29) <= latest) is accepted
        assert check_age(dt.date(2008, 2, 29), day, policy).ok is accepted
