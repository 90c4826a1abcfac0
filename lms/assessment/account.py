"""The personal learning account (学分银行 style): every course of a learner's plan with hours, result,
credits and how they were earned, each traceable to who recorded it and when."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lms.assessment.facts import facts_and_policies, required_titles
from lms.assessment.models import AssessmentResult, AssignmentCompletion, MoralEvaluation
from lms.auth.models import User
from lms.extensions import db
from lms.learners.models import Learner
from lms.recognition.models import RecognitionApplication, RecognitionItem
from lms.rules import CourseStanding, LearnerEvaluation, evaluate, format_credits, format_score
from lms.teaching.hours import counted_sessions, earning_attendance
from lms.teaching.models import Attendance, ClassSession, Course

COMMAND_LINE = "命令行导入"


@dataclass(frozen=True)
class Trace:
    """One recorded fact and its provenance: what, the day it refers to, who recorded it and when."""

    what: str
    on: dt.date | None
    by: str
    at: dt.datetime | None
    voided: bool = False
    note: str = ""


@dataclass
class AccountCourse:
    """One course of the plan in the account."""

    course: Course
    standing: CourseStanding
    attended_minutes: int = 0
    assignments: list[tuple[str, Trace | None]] = field(default_factory=list)
    attempts: list[Trace] = field(default_factory=list)
    recognitions: list[Trace] = field(default_factory=list)

    @property
    def how(self) -> str:
        """How the credits were earned: 考核通过 / 补考通过 / 免修 / 免考 / 实习免除 (+ 奖励), or the status."""
        # The status's own label, except that a first-time pass (通过) reads 考核通过 here.
        text = "考核通过" if self.standing.status == "passed" else self.standing.label
        if self.standing.credits_earned > (self.course.credits if self.standing.counts else 0):
            text += " + 奖励学分"
        return text


@dataclass(frozen=True)
class LearningAccount:
    """A learner's account as of a day: the engine's evaluation (hours, decision) and traced courses."""

    learner: Learner
    as_of: dt.date
    evaluation: LearnerEvaluation
    courses: tuple[AccountCourse, ...]
    moral: tuple[Trace, ...]
    pending_applications: int

    @property
    def decision(self):
        return self.evaluation.decision

    @property
    def credits_planned(self) -> Decimal:
        return sum((c.course.credits for c in self.courses), Decimal(0))


def learning_account(learner: Learner, as_of: dt.date) -> LearningAccount:
    """The learning account of `learner` as of `as_of` (about fifteen queries, whatever the history).

    Standings, credits, hours and the decision come from the engine through learner_facts, so the
    account always agrees with the graduation audit; the traces list every attempt (voided ones
    marked), assignment, approved recognition and moral evaluation with who recorded it and when.
    """
    facts, policies = facts_and_policies([learner.id], as_of)
    evaluation = evaluate(facts[learner.id], as_of, policies[learner.id])
    courses = {course.id: course for course in db.session.scalars(
        select(Course).where(Course.id.in_([c.course_id for c in evaluation.courses])))}
    lines = {standing.course_id: AccountCourse(courses[standing.course_id], standing)
             for standing in evaluation.courses}

    attended = db.session.execute(
        select(ClassSession.course_id, func.sum(Attendance.minutes))
        .join(ClassSession, Attendance.session_id == ClassSession.id)
        .where(Attendance.learner_id == learner.id, earning_attendance(), counted_sessions(),
               ClassSession.held_on <= as_of)
        .group_by(ClassSession.course_id))
    for course_id, minutes in attended:
        if course_id in lines:
            lines[course_id].attended_minutes = int(minutes or 0)

    done: dict[tuple[int, str], Trace] = {}
    for row, name in db.session.execute(
            select(AssignmentCompletion, User.display_name)
            .outerjoin(User, AssignmentCompletion.recorded_by_id == User.id)
            .where(AssignmentCompletion.learner_id == learner.id, AssignmentCompletion.voided_at.is_(None),
                   AssignmentCompletion.completed_on <= as_of)):
        done[(row.course_id, row.title)] = Trace(row.title, row.completed_on, name or COMMAND_LINE, row.updated_at)
    for line in lines.values():
        line.assignments = [(title, done.get((line.course.id, title)))
                            for title in required_titles(line.course.required_assignments)]

    voider = aliased(User)
    for row, name, voided_by in db.session.execute(
            select(AssessmentResult, User.display_name, voider.display_name)
            .outerjoin(User, AssessmentResult.recorded_by_id == User.id)
            .outerjoin(voider, AssessmentResult.voided_by_id == voider.id)
            .where(AssessmentResult.learner_id == learner.id, AssessmentResult.sat_on <= as_of)
            .order_by(AssessmentResult.sat_on, AssessmentResult.id)):
        if row.course_id in lines:
            note = f"{voided_by or COMMAND_LINE}作废：{row.void_reason}" if row.voided_at else ""
            lines[row.course_id].attempts.append(
                Trace(f"{format_score(row.score)} 分", row.sat_on, name or COMMAND_LINE, row.created_at,
                      voided=row.voided_at is not None, note=note))

    for item, application, name in db.session.execute(
            select(RecognitionItem, RecognitionApplication, User.display_name)
            .join(RecognitionApplication, RecognitionItem.application_id == RecognitionApplication.id)
            .outerjoin(User, RecognitionApplication.decided_by_id == User.id)
            .where(RecognitionApplication.learner_id == learner.id, RecognitionApplication.status == "approved",
                   RecognitionApplication.decided_on <= as_of)):
        if item.course_id in lines:
            what = f"{item.kind_label}" + (f" {format_credits(item.credits)} 学分" if item.kind is None else "")
            evidence = application.certificate_name or application.work_post
            lines[item.course_id].recognitions.append(
                Trace(what, application.decided_on, name or COMMAND_LINE, application.decided_at,
                      note=f"{application.evidence_type}：{evidence}（第 {application.id} 号申请）"))

    moral = tuple(Trace(row.label, row.evaluated_on, name or COMMAND_LINE, row.created_at, note=row.comment)
                  for row, name in db.session.execute(
                      select(MoralEvaluation, User.display_name)
                      .outerjoin(User, MoralEvaluation.evaluator_id == User.id)
                      .where(MoralEvaluation.learner_id == learner.id, MoralEvaluation.evaluated_on <= as_of)
                      .order_by(MoralEvaluation.evaluated_on.desc(), MoralEvaluation.id.desc())))
    pending = db.session.scalar(select(func.count()).select_from(RecognitionApplication).where(
        RecognitionApplication.learner_id == learner.id, RecognitionApplication.status == "pending"))
    return LearningAccount(learner, as_of, evaluation, tuple(lines.values()), moral, pending or 0)


