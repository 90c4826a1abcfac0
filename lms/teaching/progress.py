"""A learner's progress toward the hour rules (R5, R6) as the policy engine judges it, and who is at risk."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from lms.policies.services import policies_for
from lms.rules import (
    HOUR_CATEGORY_LABELS,
    HourTotals,
    Policy,
    RuleResult,
    categories_label,
    format_hours,
    hours_cutoff,
    hours_rule,
    self_study_balance,
)
from lms.teaching.hours import hour_totals


@dataclass(frozen=True)
class CategoryLine:
    """One hour category on the progress panel."""

    code: str
    label: str
    minutes: int
    counts_for_r6: bool


@dataclass(frozen=True)
class LearnerProgress:
    """Hours by category, the engine's R5 and R6 results, and how far along the study period is."""

    learner_id: int
    as_of: date
    totals: HourTotals
    policy: Policy
    balance: RuleResult           # R5 (warning)
    hours: RuleResult             # R6 (blocking)
    expected_minutes: int         # R6 requirement pro rata to the part of the study period elapsed

    @property
    def categories(self) -> list[CategoryLine]:
        """F, L, P, S with their labels and whether R6 counts them."""
        per = self.totals.by_category()
        return [CategoryLine(code, HOUR_CATEGORY_LABELS[code], per[code], code in self.policy.hours_categories)
                for code in ("F", "L", "P", "S")]

    @property
    def r6_percent(self) -> int:
        """Progress toward R6, 0–100."""
        required = self.hours.numbers["required_minutes"]
        return min(100, self.hours.numbers["counted_minutes"] * 100 // required) if required else 100

    @property
    def r5_percent(self) -> int:
        """Self-study side as a share of the concentrated side, 0–100 (100 when balanced)."""
        concentrated = self.balance.numbers["concentrated_minutes"]
        if not concentrated:
            return 100
        return min(100, self.balance.numbers["self_minutes"] * 100 // concentrated)

    @property
    def r6_label(self) -> str:
        """Which categories R6 counts, e.g. 自学+线上."""
        return categories_label(self.policy.hours_categories)

    @property
    def behind_schedule(self) -> bool:
        """R6 not met and fewer counted hours than the elapsed part of the study period calls for."""
        return not self.hours.ok and self.hours.numbers["counted_minutes"] < self.expected_minutes

    @property
    def at_risk(self) -> bool:
        """Behind on R6 pro rata, or an R5 warning."""
        return self.behind_schedule or not self.balance.ok

    @property
    def missing(self) -> list[str]:
        """What is still missing, in Chinese, one line per rule not met."""
        lines = []
        if not self.hours.ok:
            lines.append(f"{self.r6_label}还差 {format_hours(self.hours.numbers['shortfall_minutes'], round_up=True)} 学时")
        if not self.balance.ok:
            gap = self.balance.numbers["concentrated_minutes"] - self.balance.numbers["self_minutes"]
            side = categories_label(self.policy.balance_self_categories)
            lines.append(f"{side}还需 {format_hours(gap, round_up=True)} 学时才不少于集中授课")
        if self.behind_schedule:
            lines.append(f"按修业进度此时应达 {format_hours(self.expected_minutes)} 学时")
        return lines


def expected_minutes(required: int, enrolled_on: date, period_end_on: date, as_of: date) -> int:
    """The R6 requirement pro rata to the days of the study period elapsed by `as_of` (0 before it starts)."""
    total_days = (period_end_on - enrolled_on).days + 1
    elapsed = min(max((as_of - enrolled_on).days + 1, 0), total_days)
    return required * elapsed // total_days if total_days > 0 else required


def progress_of(learner, totals: HourTotals, policy: Policy, as_of: date) -> LearnerProgress:
    """Judge one learner's hours with the engine (no query)."""
    hours = hours_rule(totals, policy)
    return LearnerProgress(
        learner_id=learner.id, as_of=as_of, totals=totals, policy=policy,
        balance=self_study_balance(totals, policy), hours=hours,
        expected_minutes=expected_minutes(hours.numbers["required_minutes"], learner.enrolled_on,
                                          learner.period_end_on, as_of))


def progress_for(learners, as_of: date) -> dict[int, LearnerProgress]:
    """{learner_id: LearnerProgress} for many learners: the policies, then the hours (once per cut-off day)."""
    learners = list(learners)
    if not learners:
        return {}
    policies = policies_for({learner.cohort for learner in learners})
    # Hours count up to lms.rules.hours_cutoff, as in the graduation audit: for cohorts counting none after
    # the period the SQL stops at each learner's period end; the others count up to as_of (capped at the
    # re-sit window's end, which only matters years later: one more query per such day).
    stop_at_end = {cohort for cohort, policy in policies.items() if policy.hours_after_period == "none"}
    by_cutoff: dict[date, list[int]] = defaultdict(list)
    for learner in learners:
        policy = policies[learner.cohort]
        by_cutoff[hours_cutoff(as_of, learner.period_end_on, policy)
                  if learner.cohort not in stop_at_end else as_of].append(learner.id)
    totals: dict[int, HourTotals] = {}
    for cutoff, ids in by_cutoff.items():
        totals.update(hour_totals(learners=ids, as_of=cutoff, within_period=stop_at_end))
    return {learner.id: progress_of(learner, totals.get(learner.id, HourTotals()), policies[learner.cohort], as_of)
            for learner in learners}


def learner_progress(learner, as_of: date) -> LearnerProgress:
    """One learner's hours by category and the engine's R5/R6 results as of a date (for the learner page)."""
    return progress_for([learner], as_of)[learner.id]
