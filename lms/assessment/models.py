"""Assignment completions, assessment results (attempts, never deleted) and moral evaluations."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import now_utc
from lms.core.db import CreatedAtMixin
from lms.extensions import db

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.auth.scope import Scope
    from lms.teaching.models import Course


def _learners_in_scope(column, scope: Scope):
    from lms.learners.models import Learner

    return column.in_(select(Learner.id).where(Learner.in_scope(scope)))


class AssignmentCompletion(CreatedAtMixin, db.Model):
    """One required assignment/practical (作业1 … 作业N of a course) done by one learner (R7).

    One row per learner, course and title: un-ticking voids it (voided_at and who), ticking again
    revives it with the new date; every change is in the audit log.
    """

    __tablename__ = "assignment_completions"
    __table_args__ = (UniqueConstraint("learner_id", "course_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    title: Mapped[str] = mapped_column(String(40))
    completed_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: completions of learners in scope."""
        return _learners_in_scope(cls.learner_id, scope)


class AssessmentResult(CreatedAtMixin, db.Model):
    """One attempt at a course's assessment (R8): score 0–100 and the day it was sat.

    Attempts are history: a retake (补考) is another row. A mistaken entry is voided with a reason
    (voided_at, voided_by, void_reason), never deleted; voided rows do not count.
    """

    __tablename__ = "assessment_results"
    __table_args__ = (
        Index("ix_assessment_results_learner_course", "learner_id", "course_id"),
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    sat_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(String(200), default="")

    course: Mapped[Course] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: results of learners in scope."""
        return _learners_in_scope(cls.learner_id, scope)


class MoralEvaluation(CreatedAtMixin, db.Model):
    """A moral evaluation (思想品德评价, R10) by the class head: 合格 or 不合格. The newest one counts."""

    __tablename__ = "moral_evaluations"
    __table_args__ = (Index("ix_moral_evaluations_learner_date", "learner_id", "evaluated_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    passed: Mapped[bool]
    evaluated_on: Mapped[date]
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(String(200), default="")

    evaluator: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return "合格" if self.passed else "不合格"

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: evaluations of learners in scope."""
        return _learners_in_scope(cls.learner_id, scope)
