"""CohortRules: R1, R2, R3, R5 and R6 for many learners judged under one policy, as `flask lms hours` needs.

The same rules as lms.rules.enrolment_and_hours_rules (a test compares the two on varied learners), with the
policy's work done once: R2 depends only on the prior education, R3 on the enrolment day, prior education and
period end, R1 on the birth and enrolment days — learners enrolled in batches share them, so each distinct
answer is worked out once and shared (RuleResults are immutable); R5 and R6 are the policy's HoursJudge. The
inputs are plain values as the database holds them (no LearnerFacts, no HourTotals per learner): whoever calls
vouches that they are valid (the columns' own constraints), as the builder of facts does.
"""

from __future__ import annotations

import datetime as dt

from lms.rules.age import check_age
from lms.rules.hours import hours_judge
from lms.rules.periods import programme_rule
from lms.rules.policy import Policy
from lms.rules.results import RuleResult
from lms.rules.targets import target_rule


class CohortRules:
    """enrolment_and_hours_rules for the learners of one policy, one learner at a time (see the module)."""

    __slots__ = ("policy", "_judge", "_ages", "_targets", "_programmes")

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._judge = hours_judge(policy)
        self._ages: dict[tuple[dt.date, dt.date], RuleResult] = {}
        self._targets: dict[str, RuleResult] = {}
        self._programmes: dict[tuple[dt.date, str, dt.date | None], RuleResult] = {}

    def rules(self, birth_on: dt.date, enrolled_on: dt.date, prior_education: str, period_end_on: dt.date | None,
              face: int, live: int, platform: int, self_study: int) -> tuple[RuleResult, ...]:
        """R1, R2, R3, R5, R6 in that order, as enrolment_and_hours_rules gives them for LearnerFacts with these
        values (hours in parts per category F, L, P, S)."""
        age = self._ages.get((birth_on, enrolled_on))
        if age is None:
            age = self._ages[(birth_on, enrolled_on)] = check_age(birth_on, enrolled_on, self.policy)
        target = self._targets.get(prior_education)
        if target is None:
            target = self._targets[prior_education] = target_rule(prior_education, self.policy)
        key = (enrolled_on, prior_education, period_end_on)
        programme = self._programmes.get(key)
        if programme is None:
            programme = self._programmes[key] = programme_rule(enrolled_on, prior_education, self.policy,
                                                               period_end_on)
        judge = self._judge
        return (age, target, programme, judge.balance(face, live, platform, self_study),
                judge.hours(face, live, platform, self_study))
