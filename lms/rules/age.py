"""R1 age: full years of age on the enrolment date must lie within the policy's range."""

from __future__ import annotations

import datetime as dt

from lms.rules.periods import anniversary
from lms.rules.policy import Policy
from lms.rules.results import RuleResult


def age_on(birth_on: dt.date, on: dt.date) -> int:
    """Full years of age (周岁) on a day; someone born on 29 February turns a year older on 1 March in a common year."""
    if on < birth_on:
        raise ValueError("the day is before the birth date")
    years = on.year - birth_on.year
    if on < anniversary(birth_on, years):
        years -= 1
    return years


def check_age(birth_on: dt.date, enrolled_on: dt.date, policy: Policy) -> RuleResult:
    """R1 (blocking): age on the enrolment date must be within policy.min_age–policy.max_age inclusive."""
    low, high = policy.min_age, policy.max_age
    if enrolled_on < birth_on:
        return RuleResult("R1", False, True, "入学日期早于出生日期",
                          {"age": None, "min_age": low, "max_age": high})
    age = age_on(birth_on, enrolled_on)
    numbers = {"age": age, "min_age": low, "max_age": high}
    if age < low:
        return RuleResult("R1", False, True, f"入学时 {age} 周岁，未满 {low} 周岁", numbers)
    if age > high:
        return RuleResult("R1", False, True, f"入学时 {age} 周岁，超过 {high} 周岁", numbers)
    return RuleResult("R1", True, True, f"入学时 {age} 周岁，符合 {low}–{high} 周岁", numbers)


def birth_window(enrolled_on: dt.date, policy: Policy) -> tuple[dt.date, dt.date]:
    """R1 as two dates: check_age(birth_on, enrolled_on, policy).ok exactly when earliest <= birth_on <= latest.

    For judging many birth dates against one enrolment day (a roster import): two comparisons per row instead of
    the rule's arithmetic. The dates are found with age_on itself (age falls as the birth date moves later), so the
    window cannot drift from the rule.
    """
    latest = _last_born_at_least(policy.min_age, enrolled_on)
    earliest = _last_born_at_least(policy.max_age + 1, enrolled_on) + dt.timedelta(days=1)
    return earliest, latest


def _last_born_at_least(years: int, on: dt.date) -> dt.date:
    """The latest birth date (not after `on`) with age_on(birth, on) >= years, by bisection over days."""
    low = dt.date(max(1, on.year - years - 2), 1, 1).toordinal()       # old enough for certain
    high = on.toordinal()
    if age_on(dt.date.fromordinal(high), on) >= years:
        return on
    while high - low > 1:                  # invariant: low is old enough, high is not
        middle = (low + high) // 2
        if age_on(dt.date.fromordinal(middle), on) >= years:
            low = middle
        else:
            high = middle
    return dt.date.fromordinal(low)
