"""Recording assignments, results and moral evaluations; voiding a mistaken result. Flush, audit, never commit."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from lms.assessment.facts import required_titles
from lms.assessment.models import AssessmentResult, AssignmentCompletion, MoralEvaluation
from lms.assessment.rights import rights_of
from lms.audit.services import record, snapshot
from lms.core.clock import now_utc
from lms.core.errors import DomainError, PermissionDenied
from lms.extensions import db
from lms.imports.cells import fold_width
from lms.learners.models import Learner
from lms.recognition.models import RecognitionApplication, RecognitionItem
from lms.rules import RuleResult, assignment_gate, check_score, format_date_cn
from lms.rules.studying import off_register_reason
from lms.teaching.models import Course, TeachingClass


def parse_score(value: object) -> Decimal:
    """A score typed or imported as text or number: 0–100 with at most one decimal (R8); DomainError otherwise."""
    text = fold_width(str(value)).strip() if value is not None else ""
    if not text:
        raise DomainError("成绩不能为空")
    try:
        score = Decimal(text)
    except InvalidOperation:
        raise DomainError(f"成绩“{text}”不是数字") from None
    if not score.is_finite():
        raise DomainError(f"成绩“{text}”不是数字")
    checked = check_score(score)
    if not checked.ok:
        raise DomainError(checked.reason)
    if score != score.quantize(Decimal("0.1")):
        raise DomainError(f"成绩 {text} 最多保留一位小数")
    return score.quantize(Decimal("0.1"))


def gate_on(required: Iterable[str], completed: Iterable[tuple[str, dt.date]], sat_on: dt.date) -> RuleResult:
    """R7 for an assessment sat on `sat_on`: only assignments completed on or before that day count."""
    return assignment_gate(required, [title for title, on in completed if on <= sat_on])


def check_result_day(learner: Learner, sat_on: dt.date, today: dt.date) -> str | None:
    """Why a result cannot be dated `sat_on` for this learner, or None."""
    if sat_on > today:
        return f"考核日期 {format_date_cn(sat_on)} 晚于今天"
    if sat_on < learner.enrolled_on:
        return f"考核日期 {format_date_cn(sat_on)} 早于入学日期 {format_date_cn(learner.enrolled_on)}"
    return off_register_reason(learner.status, "录入成绩")


def exempted_courses(learner_ids: Iterable[int], course_ids: Iterable[int]) -> dict[tuple[int, int], str]:
    """{(learner_id, course_id): exemption kind} of APPROVED 免修/免考/实习免除 (one query)."""
    rows = db.session.execute(
        select(RecognitionApplication.learner_id, RecognitionItem.course_id, RecognitionItem.kind)
        .join(RecognitionApplication, RecognitionItem.application_id == RecognitionApplication.id)
        .where(RecognitionApplication.learner_id.in_(list(learner_ids)),
               RecognitionItem.course_id.in_(list(course_ids)), RecognitionApplication.status == "approved",
               RecognitionItem.kind.is_not(None)))
    return {(learner_id, course_id): kind for learner_id, course_id, kind in rows}


def load_completions(learner_ids: Iterable[int], course_ids: Iterable[int],
                     ) -> dict[tuple[int, int, str], AssignmentCompletion]:
    """Every completion row (voided ones too) of these learners and courses, keyed (learner, course, title)."""
    rows = db.session.scalars(select(AssignmentCompletion).where(
        AssignmentCompletion.learner_id.in_(list(learner_ids)), AssignmentCompletion.course_id.in_(list(course_ids))))
    return {(row.learner_id, row.course_id, row.title): row for row in rows}


def active_results(learner_ids: Iterable[int], course_ids: Iterable[int]) -> set[tuple[int, int, Decimal, dt.date]]:
    """(learner, course, score, sat_on) of every non-voided attempt: to make re-entry idempotent."""
    rows = db.session.execute(select(AssessmentResult.learner_id, AssessmentResult.course_id, AssessmentResult.score,
                                     AssessmentResult.sat_on)
                              .where(AssessmentResult.learner_id.in_(list(learner_ids)),
                                     AssessmentResult.course_id.in_(list(course_ids)),
                                     AssessmentResult.voided_at.is_(None)))
    return {(a, b, Decimal(c).quantize(Decimal("0.1")), d) for a, b, c, d in rows}


def mark_completed(existing: AssignmentCompletion | None, *, actor, learner_id: int, course_id: int, title: str,
                   on: dt.date) -> AssignmentCompletion:
    """Complete an assignment (a new row, or a voided one revived with the new date); no audit, no flush."""
    if existing is None:
        existing = AssignmentCompletion(learner_id=learner_id, course_id=course_id, title=title)
        db.session.add(existing)
    existing.completed_on, existing.recorded_by_id = on, getattr(actor, "id", None)
    existing.voided_at = existing.voided_by_id = None
    return existing


@dataclass
class SheetEntry:
    """One learner's line of a submitted assessment sheet: the ticked assignment titles and the score text."""

    learner_id: int
    ticked: frozenset[str] = frozenset()
    score: str = ""
    shown_done: frozenset[str] | None = None   # titles shown ticked when the sheet was opened


@dataclass
class SheetOutcome:
    """What a sheet save did: counts, and the refused learners with the reason (shown on their line)."""

    results: int = 0
    completed: int = 0
    voided: int = 0
    refused: dict[int, str] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.results + self.completed + self.voided


def save_assessment_sheet(*, actor, teaching_class: TeachingClass, course: Course, on: dt.date,
                          entries: list[SheetEntry], today: dt.date) -> SheetOutcome:
    """Save a class's sheet for one course in one go: assignment check-offs (dated `on`; un-ticking voids)
    then scores sat on `on`.

    Un-ticking voids a completion only if the sheet showed it ticked (`shown_done`), so a check-off
    someone else saved after this sheet was opened is not undone by a stale form.

    Raises PermissionDenied when `actor` may not record this course for this class (see rights).
    Each learner is judged alone: a score is refused — with assignment_gate's reason, e.g.
    "还需完成:作业2" — unless every required assignment is done on or before `on` (R7); an invalid
    score, a withdrawn learner or an exempted course refuse that learner's score only. Entering the
    same score on the same day again adds nothing. One audit event lists every change.
    """
    refusal = rights_of(actor).refusal(teaching_class.id, course)
    if refusal:
        raise PermissionDenied(refusal)
    if course.specialty_id != teaching_class.specialty_id:
        raise DomainError(f"《{course.name}》不在本班专业的教学计划中")
    if on > today:
        raise DomainError(f"日期 {format_date_cn(on)} 晚于今天", field="on")
    learners = {learner.id: learner for learner in db.session.scalars(
        select(Learner).where(Learner.class_id == teaching_class.id,
                              Learner.id.in_([entry.learner_id for entry in entries])))}
    required = required_titles(course.required_assignments)
    completions = load_completions(learners, [course.id])
    exempt = exempted_courses(learners, [course.id])
    existing = active_results(learners, [course.id])
    outcome, changes = SheetOutcome(), []
    for entry in entries:
        learner = learners.get(entry.learner_id)
        if learner is None:
            continue
        done: list[tuple[str, dt.date]] = []
        for title in required:
            row = completions.get((learner.id, course.id, title))
            active = row is not None and row.voided_at is None
            if title in entry.ticked and not active:
                if (refusal := off_register_reason(learner.status, "记录作业")) is not None:
                    outcome.refused[learner.id] = refusal
                    continue
                mark_completed(row, actor=actor, learner_id=learner.id, course_id=course.id, title=title, on=on)
                outcome.completed += 1
                changes.append({"learner": learner.id, "assignment": title, "completed_on": on})
                done.append((title, on))
            elif title not in entry.ticked and active and (entry.shown_done is None or title in entry.shown_done):
                row.voided_at, row.voided_by_id = now_utc(), getattr(actor, "id", None)
                outcome.voided += 1
                changes.append({"learner": learner.id, "assignment": title, "voided": True})
            elif active:
                done.append((title, row.completed_on))
        if not entry.score.strip():
            continue
        problem = _score_problem(learner, course, entry.score, on, today, required, done, exempt)
        if isinstance(problem, str):
            outcome.refused[learner.id] = problem
            continue
        if (learner.id, course.id, problem, on) in existing:
            continue
        db.session.add(AssessmentResult(learner_id=learner.id, course_id=course.id, score=problem, sat_on=on,
                                        recorded_by_id=getattr(actor, "id", None)))
        existing.add((learner.id, course.id, problem, on))
        outcome.results += 1
        changes.append({"learner": learner.id, "score": problem, "sat_on": on})
    db.session.flush()
    if changes:
        record(actor, "assessment.sheet", "teaching_class", teaching_class.id,
               summary=f"{teaching_class.name}《{course.name}》：成绩 {outcome.results} 条，作业完成 "
                       f"{outcome.completed} 项，取消 {outcome.voided} 项",
               after={"course": course.id, "on": on, "changes": changes})
    return outcome


def _score_problem(learner, course, text, on, today, required, done, exempt) -> Decimal | str:
    """The parsed score, or why this learner's score is refused (Chinese)."""
    try:
        score = parse_score(text)
    except DomainError as error:
        return error.message
    day = check_result_day(learner, on, today)
    if day:
        return day
    if (learner.id, course.id) in exempt:
        return f"该课程{_EXEMPT_PHRASES[exempt[(learner.id, course.id)]]}，无需录入成绩"
    gate = gate_on(required, done, on)
    if not gate.ok:
        return f"{gate.reason}，才能录入成绩"
    return score


#: How a refusal says a course is excused (a phrase, as lms.rules.courses words it: 实习 is 已免除).
_EXEMPT_PHRASES = {"exempt_study": "已免修", "exempt_exam": "已免考", "waived": "已免除"}


def void_result(*, actor, result: AssessmentResult, reason: str) -> AssessmentResult:
    """Void a mistaken result (it stays in the history, no longer counts); audited with the reason.

    Allowed to whoever may record that course for the learner's class (see rights).
    """
    learner = db.session.get(Learner, result.learner_id)
    refusal = rights_of(actor).refusal(learner.class_id, result.course)
    if refusal:
        raise PermissionDenied(refusal)
    if result.voided_at is not None:
        raise DomainError("这条成绩已经作废")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError("请写明作废原因", field="reason")
    before = snapshot(result)
    result.voided_at, result.voided_by_id, result.void_reason = now_utc(), getattr(actor, "id", None), reason[:200]
    db.session.flush()
    record(actor, "assessment_result.void", "assessment_result", result.id,
           summary=f"作废 {learner.name}《{result.course.name}》{result.score} 分的成绩：{reason}",
           before=before, after=snapshot(result))
    return result


def newest_moral(learner_ids: Iterable[int]) -> dict[int, MoralEvaluation]:
    """The newest moral evaluation of each learner (by date, then entry order); one query."""
    newest: dict[int, MoralEvaluation] = {}
    for row in db.session.scalars(select(MoralEvaluation).where(MoralEvaluation.learner_id.in_(list(learner_ids)))
                                  .order_by(MoralEvaluation.evaluated_on, MoralEvaluation.id)):
        newest[row.learner_id] = row
    return newest


def save_moral_sheet(*, actor, teaching_class: TeachingClass, on: dt.date, choices: dict[int, tuple[str, str]],
                     today: dt.date) -> int:
    """Record moral evaluations (R10) for learners of a class: {learner_id: ("pass"|"fail", comment)}.

    Only the class head of this class or the registrar (PermissionDenied otherwise). A learner whose
    newest evaluation already says the same is left alone; returns how many were recorded. Audited.
    """
    refusal = rights_of(actor).moral_refusal(teaching_class.id)
    if refusal:
        raise PermissionDenied(refusal)
    if on > today:
        raise DomainError(f"评价日期 {format_date_cn(on)} 晚于今天", field="on")
    learners = {learner.id: learner for learner in db.session.scalars(
        select(Learner).where(Learner.class_id == teaching_class.id, Learner.id.in_(list(choices))))}
    newest = newest_moral(learners)
    recorded = []
    for learner_id, (choice, comment) in choices.items():
        if choice not in ("pass", "fail") or learner_id not in learners or not learners[learner_id].on_register:
            continue                   # the sheet offers no choice for a learner off the register
        current = newest.get(learner_id)
        if current is not None and current.passed == (choice == "pass") and current.evaluated_on <= on \
                and (comment or "") == current.comment:
            continue
        db.session.add(MoralEvaluation(learner_id=learner_id, passed=choice == "pass", evaluated_on=on,
                                       evaluator_id=getattr(actor, "id", None), comment=(comment or "")[:200]))
        recorded.append({"learner": learner_id, "passed": choice == "pass"})
    db.session.flush()
    if recorded:
        passed = sum(1 for item in recorded if item["passed"])
        record(actor, "moral.sheet", "teaching_class", teaching_class.id,
               summary=f"{teaching_class.name}思想品德评价 {len(recorded)} 人（合格 {passed}，不合格 "
                       f"{len(recorded) - passed}）", after={"on": on, "evaluations": recorded})
    return len(recorded)


def completions_by_learner(rows: dict[tuple[int, int, str], AssignmentCompletion],
                           ) -> dict[tuple[int, int], list[tuple[str, dt.date]]]:
    """Active completions grouped by (learner, course) as (title, completed_on) pairs."""
    grouped: dict[tuple[int, int], list[tuple[str, dt.date]]] = defaultdict(list)
    for (learner_id, course_id, title), row in rows.items():
        if row.voided_at is None:
            grouped[(learner_id, course_id)].append((title, row.completed_on))
    return grouped
