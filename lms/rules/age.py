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
