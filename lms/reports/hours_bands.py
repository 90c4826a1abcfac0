"""Hours bands against R6 (the 360-hour rule) computed in SQL from each cohort's policy.

The engine's policy says which categories count (S+P+L by default) and how many minutes are
required (21600); the SQL only sums the columns the policy names, so the top band is exactly
the learners for whom lms.rules.hours_rule is met (a test checks it).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import BigInteger, case, cast, func, literal

from lms.rules import Policy, categories_label, format_hours

BANDS = 7          # six bands below the requirement, one at or above it
_COLUMNS = {"F": "face", "L": "live", "P": "platform", "S": "self_study"}


@dataclass(frozen=True)
class HoursBands:
    """How learners are banded: `count` bands, labelled in 学时 when every cohort requires the same."""

    count: int
    labels: tuple[str, ...]
    title: str

    @classmethod
    def for_policies(cls, policies: Iterable[Policy]) -> HoursBands:
        """The bands for the cohorts' policies (the defaults when there are none)."""
        policies = list(policies) or [Policy()]
        return cls(BANDS, band_labels({p.hours_required_minutes for p in policies}),
                   "、".join(sorted({categories_label(p.hours_categories) for p in policies})))


def band_labels(required: set[int]) -> tuple[str, ...]:
    """Band labels: "0–60 学时" … "≥360 学时" for one requirement, else shares of it."""
    steps = BANDS - 1
    if len(required) == 1:
        minutes = next(iter(required))
        edges = [format_hours(minutes * i // steps) for i in range(steps + 1)]
        return tuple(f"{edges[i]}–{edges[i + 1]}" for i in range(steps)) + (f"≥{edges[-1]}",)
    return tuple(f"{100 * i // steps}–{100 * (i + 1) // steps}%" for i in range(steps)) + ("≥100%",)


def within_period(policies: dict[int, Policy]) -> set[int]:
    """The cohorts whose hours stop at each learner's period end (Policy.hours_after_period "none"): the
    hours SQL leaves out their later hours, as lms.rules.hours_cutoff does for the engine."""
    return {cohort for cohort, policy in policies.items() if policy.hours_after_period == "none"}


def band_expression(source, policies: dict[int, Policy], count: int = BANDS):
    """SQL: the band index (0 … count-1) of a learner row joined to `source` (columns face, live,
    platform, self_study in minutes; NULL when the learner has no hours), by their cohort's policy."""
    from lms.learners.models import Learner

    groups: dict[tuple, list[int]] = defaultdict(list)
    for cohort, policy in policies.items():
        groups[(tuple(sorted(policy.hours_categories)), policy.hours_required_minutes)].append(cohort)
    if not groups:
        return literal(0)
    steps = count - 1
    whens = []
    for (categories, required), cohorts in groups.items():
        # As a whole number: PostgreSQL's sum() of integers is numeric, and numeric / integer keeps the fraction.
        counted = cast(sum((func.coalesce(source.c[_COLUMNS[cat]], 0) for cat in categories), literal(0)), BigInteger)
        band = case((counted >= required, steps), else_=(counted * steps) // required)
        whens.append((Learner.cohort.in_(cohorts), band))
    return case(*whens, else_=0)
