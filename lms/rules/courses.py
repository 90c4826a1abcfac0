"""R7 assignments gate, R8 assessment results and the standing of one course for one learner.

Choices: the counting result is the best passing score (ties: the earliest); when nothing
passed, the best attempt (not passed). It is a *retake* (补考) when the learner's first
attempt did not pass. A course whose required assignments are not all complete is
``blocked_by_assignments`` even if scores exist — R7 says the assessment may only be sat
after them. 免修 and 免考 courses need no assignments or result (there is no assessment to
gate) and earn the course's credits; so does a waived internship. Awarded extra credits
(competitions, innovations) are earned whatever the course's standing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from lms.rules.facts import Attempt, CourseFacts, Score, score_error
from lms.rules.formatting import format_credits, format_score
from lms.rules.policy import Policy
from lms.rules.results import RuleResult
from lms.rules.vocab import COURSE_STATUS_LABELS, EXEMPTION_KIND_LABELS

#: Course standings that count as passed or excused for graduation.
COUNTING_STATUSES = frozenset({"passed", "passed_on_retake", "exempt_study", "exempt_exam", "waived"})


def check_score(score: Any) -> RuleResult:
    """R8: a score must be an int or Decimal from 0 to 100 inclusive."""
    error = score_error(score)
    if error:
        return RuleResult("R8", False, True, error, {"score": score})
    return RuleResult("R8", True, True, f"成绩 {format_score(score)} 分有效", {"score": score})


def assignment_gate(required_titles: Iterable[str], completed_titles: Iterable[str]) -> RuleResult:
    """R7 (blocking): every required assignment/practical must be completed before the assessment."""
    required = tuple(title.strip() for title in required_titles)
    completed = {title.strip() for title in completed_titles}
    return _gate(required, tuple(title for title in required if title not in completed))


@lru_cache(maxsize=4096)
def _gate(required: tuple[str, ...], missing: tuple[str, ...]) -> RuleResult:
    # A plan has few courses and most learners miss nothing: one (immutable) judgement is shared by every
    # learner with the same required and missing titles.
    numbers = {"required": len(required), "completed": len(required) - len(missing), "missing": missing}
    if missing:
        return RuleResult("R7", False, True, f"还需完成：{'、'.join(missing)}", numbers)
    if not required:
        return RuleResult("R7", True, True, "没有规定的作业（实操）", numbers)
    return RuleResult("R7", True, True, f"规定作业（实操）{len(required)} 项已全部完成", numbers)


@dataclass(frozen=True, slots=True)
class BestResult:
    """The result that counts for a course (R8) and how it was reached."""

    score: Score
    sat_on: dt.date
    passed: bool
    retake: bool
    attempt_no: int
    attempts: int


def best_result(attempts: Iterable[Attempt], policy: Policy, *,
                until: dt.date | None = None) -> BestResult | None:
    """R8: the counting result of (score, sat_on) attempts, or None when there are none.

    The best passing score counts (earliest on a tie); if none passed, the best attempt
    (not passed). ``retake`` is True when the first attempt failed and a later one passed.
    Attempts after ``until`` (the facts cut-off) are ignored.
    """
    dated = [(score, on) for score, on in attempts if until is None or on <= until]
    for score, _ in dated:
        error = score_error(score)
        if error:
            raise ValueError(error)
    return _best(dated, policy.pass_mark)


def _best(dated: list[Attempt], pass_mark: int) -> BestResult | None:
    # best_result on checked (score, date) attempts, in one pass: the best passing score (the earliest
    # of equal ones), else the best attempt; numbered in date order (same-day attempts keep their order).
    if not dated:
        return None
    if len(dated) > 1:
        dated = sorted(dated, key=itemgetter(1))
    best_at, best_score, passed = 0, None, False
    for at, (score, _) in enumerate(dated):
        if score >= pass_mark:
            if not passed or score > best_score:
                best_at, best_score, passed = at, score, True
        elif not passed and (best_score is None or score > best_score):
            best_at, best_score = at, score
    return BestResult(best_score, dated[best_at][1], passed, passed and dated[0][0] < pass_mark,
                      best_at + 1, len(dated))


@dataclass(frozen=True, slots=True)
class CourseStanding:
    """Where one learner stands in one course: status, credits earned and a Chinese reason."""

    course_id: Any
    name: str
    kind: str
    status: str
    credits_earned: Decimal
    best: BestResult | None
    gate: RuleResult
    rule: RuleResult

    @property
    def counts(self) -> bool:
        """Passed or excused: the course is done for graduation."""
        return self.status in COUNTING_STATUSES

    @property
    def reason(self) -> str:
        """The Chinese sentence explaining the status."""
        return self.rule.reason

    @property
    def label(self) -> str:
        """The Chinese label of the status."""
        return COURSE_STATUS_LABELS[self.status]


def course_status(course: CourseFacts, policy: Policy, *, until: dt.date | None = None) -> CourseStanding:
    """The standing of one course: passed / passed_on_retake / exempt_study / exempt_exam / waived /
    failed / not_assessed / blocked_by_assignments, with credits earned and a reason.

    Attempts dated after ``until`` are ignored (see periods.facts_cutoff).
    """
    name = f"课程《{course.name}》"
    required = course.required_assignments      # CourseFacts holds them stripped, completed as a frozenset
    if required:
        completed = course.completed_assignments
        gate = _gate(required, tuple(title for title in required if title not in completed))
    else:
        gate = _gate((), ())
    pass_mark = policy.pass_mark
    # CourseFacts checked every score when it was built (or the facts builder's database did).
    best = _best([attempt for attempt in course.attempts if until is None or attempt[1] <= until], pass_mark)
    awarded = course.awarded_credits
    numbers: dict[str, Any] = {
        "course_id": course.course_id, "credits": course.credits,
        "awarded_credits": awarded, "pass_mark": pass_mark,
        "score": best.score if best else None, "attempts": best.attempts if best else 0,
    }

    def _standing(status: str, code: str, reason: str) -> CourseStanding:
        counts = status in COUNTING_STATUSES
        earned = (course.credits if counts else _ZERO) + awarded
        if awarded:
            reason += f"，另获奖励 {_credits_text(awarded)} 学分"
        numbers["credits_earned"] = earned
        numbers["status"] = status
        rule = RuleResult.owning(code, counts, True, reason, numbers)
        return CourseStanding(course.course_id, course.name, course.kind, status, earned, best, gate, rule)

    if course.exemption is not None:
        label = EXEMPTION_KIND_LABELS[course.exemption]
        if course.exemption == "waived":
            text = f"{name}已免除（对口岗位工作经历）"
        else:
            text = f"{name}{label}"
        return _standing(course.exemption, "R9", f"{text}，计 {_credits_text(course.credits)} 学分")
    if not gate.ok:
        text = f"{name}{gate.reason}，方可参加考核"
        if best is not None:
            text += "（作业完成前的成绩不计）"
        return _standing("blocked_by_assignments", "R7", text)
    if best is None:
        return _standing("not_assessed", "R8", f"{name}尚未考核")
    score = _score_text(best.score)
    if not best.passed:
        return _standing("failed", "R8",
                         f"{name}未通过（最好成绩 {score} 分，及格 {pass_mark} 分）")
    if best.retake:
        return _standing("passed_on_retake", "R8", f"{name}补考通过（{score} 分）")
    return _standing("passed", "R8", f"{name}已通过（{score} 分）")


_ZERO = Decimal(0)
# The same few credit and score values recur across a county's learners; equal numbers read the same.
_credits_text = lru_cache(maxsize=1024)(format_credits)
_score_text = lru_cache(maxsize=4096)(format_score)
