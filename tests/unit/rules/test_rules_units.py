"""The unit of hours: stored parts are 1/60 of a 学时, and clock minutes become parts with the 学时's length."""
from decimal import Decimal

import pytest

from lms.rules import (
    PARTS_PER_HOUR,
    Policy,
    clock_minutes_from_parts,
    format_hours,
    hours_from_parts,
    parts_from_clock_minutes,
    parts_from_hours,
)


def test_a_part_is_a_sixtieth_of_a_hour_so_the_rules_keep_their_figures():
    assert PARTS_PER_HOUR == 60
    assert Policy().hours_required_minutes == 360 * PARTS_PER_HOUR
    assert format_hours(Policy().cadence_day_minutes) == "8"


@pytest.mark.parametrize(("clock", "parts"), [
    (0, 0),
    (1, 1),           # 1.33 parts: half-up keeps it
    (44, 59),         # 58.67
    (45, 60),         # exactly one 学时
    (46, 61),         # 61.33
    (90, 120),        # 2 学时
    (360, 480),       # 6 clock hours are a teaching day of 8 学时
    (1440, 1920),     # a whole day is 32 学时; the daily caps refuse it, not this
])
def test_clock_minutes_at_45_a_hour(clock, parts):
    assert parts_from_clock_minutes(clock, 45) == parts


@pytest.mark.parametrize(("clock", "length", "parts"), [
    (90, 60, 90),            # a 60-minute 学时: the parts are the minutes (1.5 学时)
    (1440, 60, 1440),
    (1, 40, 2),              # 1.5 parts: exactly half goes up
    (3, 40, 5),              # 4.5 parts → 5
    (1, 50, 1),              # 1.2
    (59, 30, 118),
    (1, 60, 1),
])
def test_clock_minutes_at_other_lengths_round_half_up_to_the_part(clock, length, parts):
    assert parts_from_clock_minutes(clock, length) == parts


@pytest.mark.parametrize(("args", "error"), [
    ((-1, 45), ValueError), ((10, 0), ValueError), ((1.5, 45), TypeError), ((True, 45), TypeError),
    ((10, Decimal(45)), TypeError),
])
def test_bad_clock_minutes_are_programming_errors(args, error):
    with pytest.raises(error):
        parts_from_clock_minutes(*args)


def test_parts_back_to_clock_minutes_for_showing_only():
    assert clock_minutes_from_parts(480, 45) == 360
    assert clock_minutes_from_parts(120, 45) == 90
    assert clock_minutes_from_parts(1, 45) == Decimal("0.75")
    assert clock_minutes_from_parts(90, 60) == 90


@pytest.mark.parametrize(("hours", "parts"), [
    (8, 480), (Decimal("1.5"), 90), (360, 21600), (Decimal("0.01"), 1), (Decimal("0.008"), 0),
    (Decimal("0.0125"), 1), (0, 0),
])
def test_typed_hours_become_parts(hours, parts):
    assert parts_from_hours(hours) == parts


def test_parts_read_back_as_exact_hours():
    assert hours_from_parts(90) == Decimal("1.5") and hours_from_parts(21600) == 360


def test_typed_hours_must_be_numbers():
    with pytest.raises(TypeError):
        parts_from_hours(1.5)


@pytest.mark.parametrize("length", [30, 40, 45, 50, 59, 60])
def test_the_clock_minutes_within_a_room_are_the_most_that_fit(length):
    from lms.rules.units import clock_minutes_within

    assert clock_minutes_within(0, length) == 0 and clock_minutes_within(-5, length) == 0
    for room in range(1, 1000):
        clock = clock_minutes_within(room, length)
        assert parts_from_clock_minutes(clock, length) <= room < parts_from_clock_minutes(clock + 1, length)


def test_the_clock_minutes_within_a_room_at_45():
    from lms.rules.units import clock_minutes_within

    assert [clock_minutes_within(room, 45) for room in (1, 2, 3, 60, 480)] == [1, 1, 2, 45, 360]
