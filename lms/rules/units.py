"""The unit of hours: every duration is stored as an integer count of PARTS (1/60 of a 学时), and the one
conversion from clock minutes (a platform's 学习时长（分钟）) into parts with the policy's 学时 length.

Why a part and not a clock minute: a 学时 is a teaching hour, usually 45 clock minutes in secondary vocational
teaching (``Policy.hour_length_minutes``), and the plan's rules are written in 学时 (360 学时, a teaching day of
8 学时, caps of 4/8/12 学时 a day). Storing 1/60 of a 学时 keeps every rule, cap and sum comparing in 学时 whatever
the length of a 学时 is: 360 学时 = 21600 parts, 8 学时 = 480 parts. A part is a clock minute only when a 学时 is
60 minutes. The columns and settings that hold parts are still named ``minutes`` (``Attendance.minutes``,
``hours_required_minutes`` …): read "minutes" there as parts of a 学时.

Users type and read 学时 (sessions, self-study, course plans, the policy page); only a platform's record is
given in clock minutes, and it is converted once, on import, with the learner's cohort policy.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: Stored parts in one 学时 (the unit of every ``minutes`` column and setting): 360 学时 = 21600.
PARTS_PER_HOUR = 60
#: Clock minutes in a day: the most a platform record can report.
DAY_CLOCK_MINUTES = 24 * 60


def parts_from_hours(hours: int | Decimal) -> int:
    """学时 (as typed on a form or in a file: 8, Decimal("1.5")) as stored parts, rounded half-up to the part:
    8 → 480, 1.5 → 90, 0.01 → 1 (0.6 part), 0.008 → 0."""
    if isinstance(hours, bool) or not isinstance(hours, int | Decimal):
        raise TypeError(f"hours must be an int or Decimal, got {hours!r}")
    return int((Decimal(hours) * PARTS_PER_HOUR).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hours_from_parts(parts: int) -> Decimal:
    """Stored parts as exact 学时 (a Decimal, for a form's input box or a computation): 90 → 1.5."""
    return Decimal(parts) / PARTS_PER_HOUR


def parts_from_clock_minutes(clock_minutes: int, hour_length_minutes: int) -> int:
    """Clock minutes (a platform's 学习时长（分钟）) as stored parts, a 学时 being `hour_length_minutes` long.

    parts = clock_minutes × 60 ÷ hour_length, rounded half-up to the part (1/60 学时, i.e. 0.75 clock minute at
    45): at 45 minutes a 学时, 90 → 120 (2 学时), 45 → 60, 44 → 59 (58.67), 46 → 61 (61.33), 1 → 1 (1.33),
    0 → 0, a whole day 1440 → 1920 (32 学时; the daily caps refuse it, not this); at 60 the parts are the
    minutes. Half-up and not down: a platform's minute is real study, and over a day's records the error
    stays under half a part each, never piling up one way.
    """
    for name, value in (("clock_minutes", clock_minutes), ("hour_length_minutes", hour_length_minutes)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {value!r}")
    if clock_minutes < 0:
        raise ValueError("clock minutes cannot be negative")
    if hour_length_minutes <= 0:
        raise ValueError("a 学时 must last at least one minute")
    whole, rest = divmod(clock_minutes * PARTS_PER_HOUR, hour_length_minutes)
    return whole + (1 if 2 * rest >= hour_length_minutes else 0)


def clock_minutes_from_parts(parts: int, hour_length_minutes: int) -> Decimal:
    """Stored parts as clock minutes at `hour_length_minutes` a 学时 (exact, a Decimal): 480 parts (8 学时) at
    45 → 360 minutes (6 clock hours); for showing a duration in clock time, never for storing."""
    return Decimal(parts) * hour_length_minutes / PARTS_PER_HOUR


def clock_minutes_within(parts: int, hour_length_minutes: int) -> int:
    """The most whole clock minutes that ``parts_from_clock_minutes`` turns into at most `parts` parts (for a
    writer filling a day up to the room its caps leave): 1 part at 45 → 1 minute, 2 → 1 (2 minutes make 3),
    480 → 360; at 60 the minutes are the parts. Never negative."""
    if parts <= 0:
        return 0
    # parts(c) = ⌊c·60/L + ½⌋ ≤ parts  ⇔  c < (2·parts + 1)·L / 120
    return -(-(2 * parts + 1) * hour_length_minutes // (2 * PARTS_PER_HOUR)) - 1
