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


class HoursJudge:
    """R5 and R6 under one policy, its category sets, labels and required hours worked out once: THE code of
    both rules (hours_rule and self_study_balance call it), so a cohort of learners judged one after the
    other (lms.rules.CohortRules, `flask lms hours`) pays per learner only the sums and the reason's text.
    Arguments are the four category totals in parts (F, L, P, S), as HourTotals holds them."""

    __slots__ = ("_required", "_required_text", "_r6_cats", "_r6_label", "_r6_ordered", "_self_cats",
                 "_conc_cats", "_self_label", "_conc_label", "_self_ordered", "_conc_ordered")

    def __init__(self, policy: Policy) -> None:
        self._required = policy.hours_required_minutes
        self._required_text = format_hours(self._required)
        self._r6_cats = tuple(set(policy.hours_categories))
        self._r6_label = categories_label(policy.hours_categories)
        self._r6_ordered = _ordered(policy.hours_categories)
        self._self_cats = tuple(set(policy.balance_self_categories))
        self._conc_cats = tuple(set(policy.balance_concentrated_categories))
        self._self_label = categories_label(policy.balance_self_categories)
        self._conc_label = categories_label(policy.balance_concentrated_categories)
        self._self_ordered = _ordered(policy.balance_self_categories)
        self._conc_ordered = _ordered(policy.balance_concentrated_categories)

    def hours(self, face: int, live: int, platform: int, self_study: int) -> RuleResult:
        """R6 (see hours_rule)."""
        per = {"F": face, "L": live, "P": platform, "S": self_study}
        counted = sum(per[cat] for cat in self._r6_cats)
        required = self._required
        shortfall = max(0, required - counted)
        progress = f"{self._r6_label} {format_hours(counted)}/{self._required_text} 学时"
        if shortfall:
            reason = f"{progress}，还差 {format_hours(shortfall, round_up=True)} 学时"
        else:
            reason = f"{progress}，已达标"
        return RuleResult("R6", shortfall == 0, True, reason, {
            "counted_minutes": counted,
            "required_minutes": required,
            "shortfall_minutes": shortfall,
            "categories": self._r6_ordered,
            "by_category": per,
        })

    def balance(self, face: int, live: int, platform: int, self_study: int) -> RuleResult:
        """R5 (see self_study_balance)."""
        per = {"F": face, "L": live, "P": platform, "S": self_study}
        self_minutes = sum(per[cat] for cat in self._self_cats)
        concentrated = sum(per[cat] for cat in self._conc_cats)
        numbers = {
            "self_minutes": self_minutes,
            "concentrated_minutes": concentrated,
            "shortfall_minutes": max(0, concentrated - self_minutes),
            "self_categories": self._self_ordered,
            "concentrated_categories": self._conc_ordered,
        }
        if self_minutes >= concentrated:
            reason = (f"{self._self_label} {format_hours(self_minutes)} 学时，"
                      f"不少于{self._conc_label} {format_hours(concentrated)} 学时")
            return RuleResult("R5", True, False, reason, numbers)
        reason = (f"{self._self_label} {format_hours(self_minutes)} 学时，少于{self._conc_label} "
                  f"{format_hours(concentrated)} 学时，还差 "
                  f"{format_hours(concentrated - self_minutes, round_up=True)} 学时"
                  f"（原则上自学不少于集中授课）")
        return RuleResult("R5", False, False, reason, numbers)


# The judge of each policy seen lately, by identity (a Policy's own hash serialises it: too slow per call).
_JUDGES: dict[int, tuple[Policy, HoursJudge]] = {}


def hours_judge(policy: Policy) -> HoursJudge:
    """The HoursJudge of a policy (kept for the policies seen lately)."""
    held = _JUDGES.get(id(policy))
    if held is not None and held[0] is policy:
        return held[1]
    if len(_JUDGES) >= 64:
        _JUDGES.clear()
    judge = HoursJudge(policy)
    _JUDGES[id(policy)] = (policy, judge)
    return judge


def hours_rule(totals: HourTotals, policy: Policy) -> RuleResult:
    """R6 (blocking): minutes in policy.hours_categories (S+P+L) must reach policy.hours_required_minutes (21600)."""
    return hours_judge(policy).hours(totals.face, totals.live, totals.platform, totals.self_study)


def self_study_balance(totals: HourTotals, policy: Policy) -> RuleResult:
    """R5 (warning only, 原则上): self-side minutes (S+P) should be at least concentrated minutes (F+L)."""
    return hours_judge(policy).balance(totals.face, totals.live, totals.platform, totals.self_study)
