"""An inspection visit (督查走访): who checked which session, when, and what they found. Never deleted."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import CreatedAtMixin
from lms.extensions import db
from lms.teaching.models import ClassSession

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.auth.scope import Scope

VISIT_OUTCOME_LABELS = {"consistent": "与记录相符", "problem": "发现问题"}


class InspectionVisit(CreatedAtMixin, db.Model):
    """One inspection of a session (on the day, or of its records afterwards): the day, the inspector as
    written on their report (often not a user of the system), the outcome and what was found."""

    __tablename__ = "inspection_visits"
    __table_args__ = (CheckConstraint("outcome IN ('consistent', 'problem')", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    visited_on: Mapped[date] = mapped_column(index=True)
    inspector: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(12))
    findings: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    session: Mapped[ClassSession] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def outcome_label(self) -> str:
        return VISIT_OUTCOME_LABELS[self.outcome]

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: visits of sessions in scope."""
        return cls.session_id.in_(select(ClassSession.id).where(ClassSession.in_scope(scope)))
