"""R5 self-study balance (a warning) and R6 the 360-hour rule (blocking), on "minutes" per category: parts of a
学时 (1/60, lms.rules.units), so 360 学时 = 21600 whatever a 学时 lasts in clock minutes."""

from __future__ import annotations

from collections.abc import Iterable

from lms.rules.facts import HourTotals
from lms.rules.formatting import format_hours
from lms.rules.policy import Policy
from lms.rules.results import RuleResult
from lms.rules.vocab import HOUR_CATEGORY_LABELS

# The category labels, P shortened (平台线上学习 → 平台线上) as a set's name joins several.
_SHORT_LABELS = {**HOUR_CATEGORY_LABELS, "P": "平台线上"}
_NAMED_SETS = {
    frozenset({"S", "P", "L"}): "自学+线上",
    frozenset({"F", "L"}): "集中授课",
    frozenset({"S"}): "自学",
}


def categories_label(categories: Iterable[str]) -> str:
    """A short Chinese name for a set of hour categories: {S,P,L} → "自学+线上", {F,L} → "集中授课"."""
    cats = frozenset(categories)
    if cats in _NAMED_SETS:
        return _NAMED_SETS[cats]
    return "+".join(_SHORT_LABELS[cat] for cat in "SPLF" if cat in cats)


def _ordered(categories: Iterable[str]) -> tuple[str, ...]:
    return tuple(cat for cat in "FLPS" if cat in set(categories))


def hours_rule(totals: HourTotals, policy: Policy) -> RuleResult:
    """R6 (blocking): minutes in policy.hours_categories (S+P+L) must reach policy.hours_required_minutes (21600)."""
    counted = totals.total(policy.hours_categories)
    required = policy.hours_required_minutes
    shortfall = max(0, required - counted)
    label = categories_label(policy.hours_categories)
    progress = f"{label} {format_hours(counted)}/{format_hours(required)} 学时"
    if shortfall:
        reason = f"{progress}，还差 {format_hours(shortfall, round_up=True)} 学时"
    else:
        reason = f"{progress}，已达标"
    return RuleResult("R6", shortfall == 0, True, reason, {
        "counted_minutes": counted,
        "required_minutes": required,
        "shortfall_minutes": shortfall,
        "categories": _ordered(policy.hours_categories),
        "by_category": totals.by_category(),
    })


def self_study_balance(totals: HourTotals, policy: Policy) -> RuleResult:
    """R5 (warning only, 原则上): self-side minutes (S+P) should be at least concentrated minutes (F+L)."""
    self_minutes = totals.total(policy.balance_self_categories)
    concentrated = totals.total(policy.balance_concentrated_categories)
    self_label = categories_label(policy.balance_self_categories)
    conc_label = categories_label(policy.balance_concentrated_categories)
    numbers = {
        "self_minutes": self_minutes,
        "concentrated_minutes": concentrated,
        "shortfall_minutes": max(0, concentrated - self_minutes),
        "self_categories": _ordered(policy.balance_self_categories),
        "concentrated_categories": _ordered(policy.balance_concentrated_categories),
    }
    if self_minutes >= concentrated:
        reason = (f"{self_label} {format_hours(self_minutes)} 学时，"
                  f"不少于{conc_label} {format_hours(concentrated)} 学时")
        return RuleResult("R5", True, False, reason, numbers)
    reason = (f"{self_label} {format_hours(self_minutes)} 学时，少于{conc_label} "
              f"{format_hours(concentrated)} 学时，还差 "
              f"{format_hours(concentrated - self_minutes, round_up=True)} 学时"
              f"（原则上自学不少于集中授课）")
    return RuleResult("R5", False, False, reason, numbers)
