"""R11 graduation, R12 completion and re-sit, R13 withdrawal: the decision for one learner on one day.

Semantics (dates inclusive; the period's last day belongs to the period):

* left: status 转出/注销/死亡 (transferred/cancelled/deceased) with left_on ≤ as_of (or no date) → 'left':
  no certificate at all — a transferred learner's record travels in the 转学档案 and they study on
  elsewhere; a leaving event dated after as_of is ignored.
* withdrawn: withdrawn_on ≤ as_of (or status 'withdrawn' with no date) → 'withdrawn'
  (a 写实性学习证明 is due), whatever else holds. A withdrawal dated after as_of is ignored.
* eligible: moral evaluation 合格 (R10) AND every course of the plan passed or excused
  (免修/免考, internship passed or waived) AND R6 met AND, when policy.min_credits is set,
  credits ≥ it. A plan with no courses is never eligible.
* as_of < last day: eligible → 'early_graduate' (when policy.early_graduation_allowed,
  else 'continue'); otherwise 'continue'. as_of == last day: 'graduate' or 'continue'.
  as_of > last day: 'graduate' or 'complete' (结业).
* R12 re-sit: only facts up to facts_cutoff(as_of, last day) count. Attempts carry dates and
  are filtered here; hours, assignments, moral evaluation and exemptions carry none and the
  caller must gather them up to that cut-off. So a 结业 learner who meets R11 within the
  window becomes 'graduate' (the 结业证书 is exchanged), and one who meets it only after the
  window stays 'complete'.
* status 'suspended' does not stop the clock here: pass the extended period_end_on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from lms.rules.courses import CourseStanding, course_status
from lms.rules.facts import CourseFacts, LearnerFacts
from lms.rules.formatting import format_credits, format_date_cn
from lms.rules.hours import hours_rule
from lms.rules.moral import moral_evaluation
from lms.rules.periods import facts_cutoff, learner_period_end, resit_until
from lms.rules.policy import Policy
from lms.rules.results import RuleResult
from lms.rules.studying import period_end_if_resumed
from lms.rules.vocab import OUTCOME_LABELS

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Decision:
    """The graduation decision (R11–R13) for one learner as of one day.

    ``outcome``: 'graduate' 毕业 | 'early_graduate' 可提前毕业 | 'complete' 结业 |
    'continue' 在读 | 'withdrawn' 退学 | 'left' 离籍 (转出/注销/死亡). ``reasons`` are Chinese sentences a registrar can act
    on; ``rules`` every RuleResult considered (R10, one per course, R6, credits);
    ``hours_360`` the minutes counted toward R6; ``credits`` the credits earned.
    """

    outcome: str
    reasons: tuple[str, ...]
    rules: tuple[RuleResult, ...]
    hours_360: int
    credits: Decimal
    eligible: bool
    period_end_on: dt.date
    cutoff_on: dt.date
    resit_until: dt.date
    courses: tuple[CourseStanding, ...]

    @property
    def label(self) -> str:
        """The outcome's Chinese label."""
        return OUTCOME_LABELS[self.outcome]

    @property
    def missing(self) -> tuple[RuleResult, ...]:
        """The blocking rules not met."""
        return tuple(rule for rule in self.rules if rule.blocking and not rule.ok)


def is_withdrawn(facts: LearnerFacts, as_of: dt.date) -> bool:
    """R13: whether the learner has withdrawn on or before as_of."""
    if facts.withdrawn_on is not None:
        return facts.withdrawn_on <= as_of
    return facts.status == "withdrawn"


#: How the audit names each way of leaving the register (the reason says which event, and when).
LEFT_PHRASES = {"transferred": "转出，学习记录随转学档案转出", "cancelled": "注销学籍", "deceased": "死亡"}


def has_left(facts: LearnerFacts, as_of: dt.date) -> bool:
    """Whether the learner left the register (转出/注销/死亡) on or before as_of."""
    if facts.status not in LEFT_PHRASES:
        return False
    return facts.left_on is None or facts.left_on <= as_of


def credits_rule(credits: Decimal, policy: Policy) -> RuleResult | None:
    """The optional minimum-credits condition of R11, or None when the policy sets none."""
    need = policy.min_credits
    if need is None:
        return None
    numbers = {"credits": credits, "min_credits": need}
    if credits >= need:
        return RuleResult("R11", True, True,
                          f"已获 {format_credits(credits)} 学分，达到最低 {format_credits(need)} 学分", numbers)
    return RuleResult("R11", False, True,
                      f"已获 {format_credits(credits)} 学分，还差 {format_credits(need - credits)} 学分"
                      f"（最低 {format_credits(need)} 学分）", numbers)


def graduation_decision(facts: LearnerFacts, as_of: dt.date, policy: Policy) -> Decision:
    """R11–R13: graduate / early_graduate / complete / continue / withdrawn / left, with reasons (see module doc)."""
    end, cutoff, resit_end = _period_dates(facts, as_of, policy)
    standings = tuple(course_status(course, policy, until=cutoff) for course in facts.courses)
    return _decision(facts, as_of, policy, end, cutoff, resit_end, standings)


def graduation_decisions(facts: Mapping[K, LearnerFacts], as_of: dt.date, policies: Mapping[K, Policy],
                         ) -> dict[K, Decision]:
    """graduation_decision(facts[key], as_of, policies[key]) for every key — the same Decisions — with what
    learners share worked out once per call (a cohort at a time, for the graduation audit): the period dates of
    each (policy, enrolment day, prior education, stored period end), and the standing of each course per
    (policy, cut-off day) and CourseFacts equal in every field to one already judged (CourseFacts is frozen and
    compares every field; CourseStanding is immutable, so equal courses share one — equal numbers such as 85 and
    Decimal("85.0") read the same in every reason)."""
    periods: dict[tuple, tuple[dt.date, dt.date, dt.date]] = {}
    judged: dict[tuple[int, dt.date], dict[CourseFacts, CourseStanding]] = {}
    decisions: dict[K, Decision] = {}
    for key, fact in facts.items():
        policy = policies[key]
        # id(policy): `policies` holds every policy for the whole call (a Policy's own hash serialises it).
        period_key = (id(policy), fact.enrolled_on, fact.prior_education, fact.period_end_on)
        dates = periods.get(period_key)
        if dates is None:
            dates = periods[period_key] = _period_dates(fact, as_of, policy)
        end, cutoff, resit_end = dates
        seen = judged.get((id(policy), cutoff))
        if seen is None:
            seen = judged[(id(policy), cutoff)] = {}
        standings = []
        for course in fact.courses:
            standing = seen.get(course)
            if standing is None:
                standing = seen[course] = course_status(course, policy, until=cutoff)
            standings.append(standing)
        decisions[key] = _decision(fact, as_of, policy, end, cutoff, resit_end, tuple(standings))
    return decisions


def _period_dates(facts: LearnerFacts, as_of: dt.date, policy: Policy) -> tuple[dt.date, dt.date, dt.date]:
    # The period's last day, the facts cut-off (R12) and the end of the re-sit window.
    end = learner_period_end(facts.enrolled_on, facts.prior_education, policy, facts.period_end_on)
    return end, facts_cutoff(as_of, end, policy), resit_until(end, policy)


def _decision(facts: LearnerFacts, as_of: dt.date, policy: Policy, end: dt.date, cutoff: dt.date,
              resit_end: dt.date, standings: tuple[CourseStanding, ...]) -> Decision:
    # THE decision of R11–R13 from the period dates and the course standings (both entry points above).
    credits = sum((s.credits_earned for s in standings), Decimal(0))
    hours = hours_rule(facts.hours, policy)
    rules: list[RuleResult] = [moral_evaluation(facts.moral_ok)]
    if not standings:
        rules.append(RuleResult("R11", False, True, "教学计划没有课程，无法审核毕业", {"courses": 0}))
    rules.extend(s.rule for s in standings)
    rules.append(hours)
    minimum = credits_rule(credits, policy)
    if minimum is not None:
        rules.append(minimum)
    missing = [rule.reason for rule in rules if rule.blocking and not rule.ok]
    eligible = not missing
    end_text = format_date_cn(end)

    if has_left(facts, as_of):
        when = f"已于{format_date_cn(facts.left_on)}" if facts.left_on else "已"
        outcome, reasons = "left", [f"{when}{LEFT_PHRASES[facts.status]}，不发证书"]
    elif is_withdrawn(facts, as_of):
        when = f"已于{format_date_cn(facts.withdrawn_on)}" if facts.withdrawn_on else "已"
        outcome, reasons = "withdrawn", [f"{when}退学，应发给写实性学习证明"]
    elif facts.suspended_on is not None and facts.suspended_on <= as_of:
        resumed_end = format_date_cn(period_end_if_resumed(end, facts.suspended_on, as_of))
        outcome, reasons = "continue", [
            f"休学中（{format_date_cn(facts.suspended_on)}起），修业期暂停计算；如今天复学，修业期至{resumed_end}"]
    elif as_of < end:
        if eligible and policy.early_graduation_allowed:
            outcome, reasons = "early_graduate", [f"已提前达到毕业条件，可申请提前毕业（修业期至{end_text}）"]
        elif eligible:
            outcome, reasons = "continue", [f"已达到毕业条件，修业期满（{end_text}）后毕业"]
        else:
            outcome, reasons = "continue", [*missing, f"修业期至{end_text}"]
    elif as_of == end:
        if eligible:
            outcome, reasons = "graduate", ["修业期内达到毕业条件，准予毕业"]
        else:
            outcome, reasons = "continue", [*missing, f"今天是修业期最后一天（{end_text}）"]
    elif eligible:
        outcome = "graduate"
        reasons = [f"达到毕业条件，准予毕业（修业期已于{end_text}届满，已发结业证书的换发毕业证书）"]
    else:
        outcome = "complete"
        reasons = [f"修业期已于{end_text}届满，未达到毕业条件，发给结业证书", *missing]
        if as_of <= resit_end:
            reasons.append(f"补考期限至{format_date_cn(resit_end)}，期内达到毕业条件可换发毕业证书")
        else:
            reasons.append(f"补考期限已于{format_date_cn(resit_end)}届满")
    return Decision(outcome, tuple(reasons), tuple(rules), hours.numbers["counted_minutes"],
                    credits, eligible, end, cutoff, resit_end, standings)
