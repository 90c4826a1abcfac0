"""evaluate(): every rule's state for one learner in one object, for the learner page and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lms.rules.age import check_age
from lms.rules.courses import CourseStanding
from lms.rules.facts import LearnerFacts
from lms.rules.graduation import Decision, graduation_decision
from lms.rules.hours import hours_rule, self_study_balance
from lms.rules.moral import moral_evaluation
from lms.rules.periods import programme_rule
from lms.rules.policy import Policy
from lms.rules.results import RuleResult
from lms.rules.targets import target_rule

_MARKS = {"ok": "通过", "warning": "提醒", "blocker": "未达"}


@dataclass(frozen=True)
class LearnerEvaluation:
    """R1, R2, R3, R5, R6, per-course R7/R8/R9, R10 and the R11–R13 decision for one learner."""

    as_of: dt.date
    age: RuleResult
    target: RuleResult
    programme: RuleResult
    balance: RuleResult
    hours: RuleResult
    moral: RuleResult
    courses: tuple[CourseStanding, ...]
    decision: Decision

    @property
    def target_group(self) -> str:
        """The R2 group code: 'core', '2025' or 'none'."""
        return self.target.numbers["group"]

    @property
    def rules(self) -> tuple[RuleResult, ...]:
        """Every RuleResult in rule order (courses between R6 and R10)."""
        return (self.age, self.target, self.programme, self.balance, self.hours,
                *(course.rule for course in self.courses), self.moral)

    @property
    def warnings(self) -> tuple[RuleResult, ...]:
        """Non-blocking rules not met (e.g. R5)."""
        return tuple(rule for rule in self.rules if rule.severity == "warning")

    @property
    def blockers(self) -> tuple[RuleResult, ...]:
        """Blocking rules not met."""
        return tuple(rule for rule in self.rules if rule.severity == "blocker")

    def lines(self) -> tuple[str, ...]:
        """Plain-text lines, one per rule then the decision, e.g. "R6 未达 自学+线上 318/360 学时,还差 42 学时"."""
        rows = [f"{rule.code} {_MARKS[rule.severity]} {rule.reason}" for rule in self.rules]
        rows.append(f"结论 {self.decision.label}：{'；'.join(self.decision.reasons)}")
        return tuple(rows)


def enrolment_and_hours_rules(facts: LearnerFacts, policy: Policy) -> tuple[RuleResult, ...]:
    """R1, R2, R3, R5 and R6 for one learner, in that order, without the course rules or the graduation
    decision: what `flask lms hours` prints, at a fraction of evaluate()'s cost."""
    return (check_age(facts.birth_on, facts.enrolled_on, policy),
            target_rule(facts.prior_education, policy),
            programme_rule(facts.enrolled_on, facts.prior_education, policy, facts.period_end_on),
            self_study_balance(facts.hours, policy),
            hours_rule(facts.hours, policy))


def evaluate(facts: LearnerFacts, as_of: dt.date, policy: Policy) -> LearnerEvaluation:
    """Every rule's state for one learner as of one day (pure; the same engine as graduation_decision)."""
    decision = graduation_decision(facts, as_of, policy)
    age, target, programme, balance, hours = enrolment_and_hours_rules(facts, policy)
    return LearnerEvaluation(as_of=as_of, age=age, target=target, programme=programme, balance=balance,
                             hours=hours, moral=moral_evaluation(facts.moral_ok), courses=decision.courses,
                             decision=decision)
