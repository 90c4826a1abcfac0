"""Reading for the assessment pages: classes, a class's sheet for one course, the moral sheet."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from lms.assessment.facts import required_titles
from lms.assessment.models import AssessmentResult, MoralEvaluation
from lms.assessment.rights import RecordingRights
from lms.assessment.services import exempted_courses, load_completions
from lms.auth.models import User
from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import TeachingPoint
from lms.learners.models import Learner
from lms.policies.services import policy_for
from lms.rules import EXEMPTION_KIND_LABELS, BestResult, RuleResult, assignment_gate, best_result
from lms.rules.studying import OFF_REGISTER_STATUSES
from lms.teaching.models import Course, Specialty, TeachingClass


@dataclass(frozen=True)
class ClassLine:
    """A class on the assessment index: name, specialty, teaching point, learner count, whether the user heads it."""

    id: int
    code: str
    name: str
    cohort: int
    specialty: str
    point: str
    learners: int
    head: bool


def classes_for_assessment(scope: Scope, user_id: int) -> list[ClassLine]:
    """Active classes in scope with their learner counts (one query)."""
    counts = (select(Learner.class_id, func.count().label("n")).group_by(Learner.class_id).subquery())
    rows = db.session.execute(
        select(TeachingClass.id, TeachingClass.code, TeachingClass.name, TeachingClass.cohort, Specialty.name,
               TeachingPoint.name, func.coalesce(counts.c.n, 0), TeachingClass.head_teacher_id == user_id)
        .join(Specialty, TeachingClass.specialty_id == Specialty.id)
        .join(TeachingPoint, TeachingClass.teaching_point_id == TeachingPoint.id)
        .outerjoin(counts, counts.c.class_id == TeachingClass.id)
        .where(TeachingClass.in_scope(scope), TeachingClass.active.is_(True))
        .order_by(TeachingClass.cohort.desc(), TeachingClass.code))
    return [ClassLine(*row[:7], head=bool(row[7])) for row in rows]


@dataclass(frozen=True)
class CourseLine:
    """A course of a class's plan: how many learners have passed it, and the user's refusal (None = may record)."""

    course: Course
    passed: int
    refusal: str | None


def class_courses(teaching_class: TeachingClass, rights: RecordingRights) -> list[CourseLine]:
    """The class's plan with per-course counts of learners holding a passing result (two queries)."""
    courses = list(db.session.scalars(select(Course).where(Course.specialty_id == teaching_class.specialty_id,
                                                           Course.active.is_(True))
                                      .order_by(Course.position, Course.id)))
    pass_mark = policy_for(teaching_class.cohort).pass_mark
    passed = dict(db.session.execute(
        select(AssessmentResult.course_id, func.count(func.distinct(AssessmentResult.learner_id)))
        .join(Learner, AssessmentResult.learner_id == Learner.id)
        .where(Learner.class_id == teaching_class.id, AssessmentResult.voided_at.is_(None),
               AssessmentResult.score >= pass_mark)
        .group_by(AssessmentResult.course_id)).all())
    return [CourseLine(course, passed.get(course.id, 0), rights.refusal(teaching_class.id, course))
            for course in courses]


@dataclass
class SheetLine:
    """One learner on a class's sheet for one course."""

    learner: Learner
    done: dict[str, dt.date] = field(default_factory=dict)
    attempts: list[AssessmentResult] = field(default_factory=list)
    best: BestResult | None = None
    exemption: str | None = None
    gate: RuleResult | None = None

    @property
    def editable(self) -> bool:
        return self.learner.status not in OFF_REGISTER_STATUSES and self.exemption is None

    @property
    def exemption_label(self) -> str:
        return EXEMPTION_KIND_LABELS[self.exemption] if self.exemption else ""


def assessment_sheet(teaching_class: TeachingClass, course: Course) -> list[SheetLine]:
    """Every learner of the class with their check-offs, attempts (voided ones included, marked), best
    result (R8) and R7 gate for `course`. A fixed number of queries."""
    learners = list(db.session.scalars(select(Learner).where(Learner.class_id == teaching_class.id)
                                       .order_by(Learner.student_number)))
    ids = [learner.id for learner in learners]
    lines = {learner.id: SheetLine(learner) for learner in learners}
    for (learner_id, _course, title), row in load_completions(ids, [course.id]).items():
        if row.voided_at is None:
            lines[learner_id].done[title] = row.completed_on
    for row in db.session.scalars(select(AssessmentResult).where(AssessmentResult.learner_id.in_(ids),
                                                                 AssessmentResult.course_id == course.id)
                                  .options(joinedload(AssessmentResult.recorded_by))
                                  .order_by(AssessmentResult.sat_on, AssessmentResult.id)):
        lines[row.learner_id].attempts.append(row)
    for (learner_id, _course), kind in exempted_courses(ids, [course.id]).items():
        lines[learner_id].exemption = kind
    required = required_titles(course.required_assignments)
    policies = {cohort: policy_for(cohort) for cohort in {learner.cohort for learner in learners}}
    for line in lines.values():
        counting = [(row.score, row.sat_on) for row in line.attempts if row.voided_at is None]
        line.best = best_result(counting, policies[line.learner.cohort])
        line.gate = assignment_gate(required, line.done)
    return list(lines.values())


@dataclass(frozen=True)
class MoralLine:
    """One learner on the moral evaluation sheet with the newest evaluation and who gave it."""

    learner: Learner
    newest: MoralEvaluation | None
    evaluator: str


def moral_sheet(teaching_class: TeachingClass) -> list[MoralLine]:
    """Learners of the class with their newest moral evaluation (two queries)."""
    learners = list(db.session.scalars(select(Learner).where(Learner.class_id == teaching_class.id)
                                       .order_by(Learner.student_number)))
    newest: dict[int, tuple[MoralEvaluation, str]] = {}
    for row, name in db.session.execute(
            select(MoralEvaluation, User.display_name).outerjoin(User, MoralEvaluation.evaluator_id == User.id)
            .where(MoralEvaluation.learner_id.in_([learner.id for learner in learners]))
            .order_by(MoralEvaluation.evaluated_on, MoralEvaluation.id)):
        newest[row.learner_id] = (row, name or "命令行")
    return [MoralLine(learner, *newest.get(learner.id, (None, ""))) for learner in learners]
