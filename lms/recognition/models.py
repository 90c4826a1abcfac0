"""The school's certificate table (kind → mapped courses, credits) and recognition applications (R9)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import now_utc
from lms.core.db import CreatedAtMixin
from lms.extensions import db
from lms.rules import EXEMPTION_KIND_LABELS

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.auth.scope import Scope
    from lms.learners.models import Learner
    from lms.teaching.models import Course

#: What a learner brings as evidence (the six grounds the plan names) → the engine's basis (R9).
EVIDENCE_TYPES = {
    "职业资格证书": "certificate",
    "职业技能等级证书": "certificate",
    "竞赛获奖": "competition",
    "发明创造": "innovation",
    "技术革新": "innovation",
    "工作经历": "work_experience",
}
#: Evidence types the school's table can list (work experience needs no table row).
TABLE_EVIDENCE_TYPES = tuple(t for t, basis in EVIDENCE_TYPES.items() if basis != "work_experience")
APPLICATION_STATUS_LABELS = {"pending": "待审批", "approved": "已批准", "rejected": "未批准"}


class CertificateKind(CreatedAtMixin, db.Model):
    """A row of the school's table: a certificate, award or innovation kind, the courses it maps to
    (免修/免考 of those courses with their credits) and the credits it grants on its own (awards)."""

    __tablename__ = "certificate_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    evidence_type: Mapped[str] = mapped_column(String(12))
    credits: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("0"))
    note: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    mapped: Mapped[list[CertificateKindCourse]] = relationship(
        back_populates="certificate_kind", cascade="all, delete-orphan")

    @property
    def basis(self) -> str:
        return EVIDENCE_TYPES[self.evidence_type]

    @property
    def course_ids(self) -> frozenset[int]:
        return frozenset(link.course_id for link in self.mapped)


class CertificateKindCourse(db.Model):
    """One course a certificate kind maps to in the school's table."""

    __tablename__ = "certificate_kind_courses"
    __table_args__ = (UniqueConstraint("certificate_kind_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_kind_id: Mapped[int] = mapped_column(ForeignKey("certificate_kinds.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)

    certificate_kind: Mapped[CertificateKind] = relationship(back_populates="mapped")
    course: Mapped[Course] = relationship()


class RecognitionApplication(CreatedAtMixin, db.Model):
    """A learner's application for recognition of prior learning, with its evidence and the
    registrar's decision. Only approved applications count; nothing is ever deleted."""

    __tablename__ = "recognition_applications"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        CheckConstraint("basis IN ('certificate', 'work_experience', 'competition', 'innovation')", name="basis"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    evidence_type: Mapped[str] = mapped_column(String(12))
    basis: Mapped[str] = mapped_column(String(16))
    certificate_kind_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_kinds.id"))
    certificate_name: Mapped[str] = mapped_column(String(80), default="")
    certificate_number: Mapped[str] = mapped_column(String(60), default="")
    issuer: Mapped[str] = mapped_column(String(80), default="")
    issued_on: Mapped[date | None]
    work_post: Mapped[str] = mapped_column(String(120), default="")
    work_years: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    scan_path: Mapped[str | None] = mapped_column(String(200))
    scan_mime: Mapped[str] = mapped_column(String(40), default="")
    scan_bytes: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decided_on: Mapped[date | None]
    decision_reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    learner: Mapped[Learner] = relationship()
    certificate_kind: Mapped[CertificateKind | None] = relationship()
    items: Mapped[list[RecognitionItem]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="RecognitionItem.id")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def status_label(self) -> str:
        return APPLICATION_STATUS_LABELS[self.status]

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: applications of learners in scope."""
        from lms.learners.models import Learner

        return cls.learner_id.in_(select(Learner.id).where(Learner.in_scope(scope)))


class RecognitionItem(db.Model):
    """What an application asks for, one course at a time: 免修/免考 of a mapped course, an
    internship waiver, or (kind None) credits awarded toward a course of the plan."""

    __tablename__ = "recognition_items"
    __table_args__ = (CheckConstraint("kind IS NULL OR kind IN ('exempt_study', 'exempt_exam', 'waived')",
                                      name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("recognition_applications.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    kind: Mapped[str | None] = mapped_column(String(12))
    credits: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("0"))

    application: Mapped[RecognitionApplication] = relationship(back_populates="items")
    course: Mapped[Course] = relationship()

    @property
    def kind_label(self) -> str:
        return EXEMPTION_KIND_LABELS[self.kind] if self.kind else "奖励学分"
