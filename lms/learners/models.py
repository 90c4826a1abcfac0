"""Roster entries (the statistics bureau's list), outreach visits, learners and status events."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import now_utc
from lms.core.db import CreatedAtMixin
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.rules import LEARNER_STATUS_LABELS, OFF_REGISTER_STATUSES, STATUS_EVENT_KIND_LABELS

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.auth.scope import Scope
    from lms.teaching.models import Specialty, TeachingClass

ROSTER_STATUS_LABELS = {
    "pending": "待核实", "visited": "已走访", "enrolled": "已报名", "ineligible": "不符合",
    "declined": "不愿参加", "away": "外出", "duplicate": "重复",
}
SEX_LABELS = {"1": "男", "2": "女"}
WORK_SITUATIONS = ("在家务农", "县内务工", "省内县外务工", "省外务工")
# "unknown" (未了解): the enroller did not learn it (e.g. the person is away); never assumed otherwise.
WILLINGNESS_LABELS = {"unknown": "未了解", "willing": "愿意参加", "undecided": "考虑中", "unwilling": "不愿参加"}
CAN_STUDY_LABELS = {None: "能否学习：未了解", True: "能参加学习", False: "身体原因不能学习"}


class RosterEntry(CreatedAtMixin, db.Model):
    """A person on the statistics bureau's list of 15–59-year-olds who never went to school."""

    __tablename__ = "roster_entries"
    # Roster lists filter by village and count by status: one index serves both.
    __table_args__ = (Index("ix_roster_entries_village_status", "village_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    name_initials: Mapped[str] = mapped_column(String(40), default="", index=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sex: Mapped[str] = mapped_column(String(1))
    birth_on: Mapped[date]
    village_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    education: Mapped[str] = mapped_column(String(20), default="")
    phone: Mapped[str] = mapped_column(String(11), default="")
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    status_reason: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    village: Mapped[Division] = relationship()
    visits: Mapped[list[OutreachVisit]] = relationship(
        back_populates="roster_entry", order_by="OutreachVisit.visited_on.desc()")

    @property
    def status_label(self) -> str:
        return ROSTER_STATUS_LABELS[self.status]

    @property
    def sex_label(self) -> str:
        return SEX_LABELS.get(self.sex, "")

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: roster entries in the scope's townships/villages (teachers see none)."""
        return scope.village_clause(cls.village_id)


class OutreachVisit(CreatedAtMixin, db.Model):
    """An outreach visit (走访) to a roster entry; it may change the entry's status."""

    __tablename__ = "outreach_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_entry_id: Mapped[int] = mapped_column(ForeignKey("roster_entries.id"), index=True)
    visited_on: Mapped[date]
    visitor: Mapped[str] = mapped_column(String(40))
    contact_phone: Mapped[str] = mapped_column(String(11), default="")
    residence: Mapped[str] = mapped_column(String(200), default="")
    work_situation: Mapped[str] = mapped_column(String(20), default="")
    health: Mapped[str] = mapped_column(String(100), default="")
    can_study: Mapped[bool | None] = mapped_column(default=None)     # None: 未了解
    willingness: Mapped[str] = mapped_column(String(12), default="unknown")
    notes: Mapped[str] = mapped_column(Text, default="")
    resulting_status: Mapped[str] = mapped_column(String(12))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    roster_entry: Mapped[RosterEntry] = relationship(back_populates="visits")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def can_study_label(self) -> str:
        return CAN_STUDY_LABELS[self.can_study]

    @property
    def willingness_label(self) -> str:
        return WILLINGNESS_LABELS.get(self.willingness, self.willingness)

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: visits of roster entries in scope."""
        from sqlalchemy import select

        return cls.roster_entry_id.in_(select(RosterEntry.id).where(RosterEntry.in_scope(scope)))


class Learner(CreatedAtMixin, db.Model):
    """One enrolled person. The ID number is unique across the whole system."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_entry_id: Mapped[int | None] = mapped_column(ForeignKey("roster_entries.id"), unique=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    name_initials: Mapped[str] = mapped_column(String(40), default="", index=True)
    sex: Mapped[str] = mapped_column(String(1))
    ethnicity: Mapped[str] = mapped_column(String(2), default="01")     # GB/T 3304 code
    birth_on: Mapped[date]
    prior_education: Mapped[str] = mapped_column(String(10))
    target_group: Mapped[str] = mapped_column(String(6), default="none", index=True)  # R2: core/2025/none
    phone: Mapped[str] = mapped_column(String(11), default="")
    photo_path: Mapped[str | None] = mapped_column(String(200))
    village_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    teaching_point_id: Mapped[int | None] = mapped_column(ForeignKey("teaching_points.id"), index=True)
    specialty_id: Mapped[int] = mapped_column(ForeignKey("specialties.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), index=True)
    student_number: Mapped[str] = mapped_column(String(30), unique=True)
    cohort: Mapped[int] = mapped_column(index=True)                     # enrolment year
    enrolled_on: Mapped[date]
    programme_years: Mapped[int]                                        # 学制 (R3)
    period_end_on: Mapped[date]                                         # last day of the study period
    status: Mapped[str] = mapped_column(String(12), default="studying", index=True)
    status_changed_on: Mapped[date | None]
    privacy_consent_on: Mapped[date | None]                          # 个人信息保护法 art. 17 notice agreed
    privacy_notice_version: Mapped[str] = mapped_column(String(20), default="")   # which notice was shown
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    roster_entry: Mapped[RosterEntry | None] = relationship()
    village: Mapped[Division] = relationship()
    teaching_point: Mapped[TeachingPoint | None] = relationship()
    specialty: Mapped[Specialty] = relationship()
    teaching_class: Mapped[TeachingClass | None] = relationship(back_populates="learners")
    status_events: Mapped[list[StatusEvent]] = relationship(
        back_populates="learner", order_by="StatusEvent.occurred_on")

    @property
    def status_label(self) -> str:
        return LEARNER_STATUS_LABELS[self.status]

    @property
    def on_register(self) -> bool:
        """False once the learner left the register (退学, 转出, 注销, 死亡): nothing more is recorded for them."""
        return self.status not in OFF_REGISTER_STATUSES

    @property
    def sex_label(self) -> str:
        return SEX_LABELS.get(self.sex, "")

    @property
    def ethnicity_name(self) -> str:
        from lms.learners.codes import ethnicity_name

        return ethnicity_name(self.ethnicity)

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: learners in the scope's area, or in one of a teacher's classes."""
        return scope.learner_clause(cls.village_id, cls.class_id)


class StatusEvent(CreatedAtMixin, db.Model):
    """A student-status event (学籍异动) with date, reason and approver. `kind` is a code of
    lms.rules.STATUS_EVENT_KINDS (suspend 休学, resume 复学, withdraw 退学, change_specialty 转专业,
    transfer_out 转出, transfer_in 转入, cancel 注销, death 死亡); pages, exports and messages show
    `kind_label`. 转出/转入 name the other school or area (`other_school`) and the transfer document
    (`document_number`). A wrongly recorded event is revoked, never deleted: `revoked_on`, `revoked_by_id`
    and `revoke_reason` say when, by whom and why, and the learner's status follows the events that stand."""

    __tablename__ = "status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str] = mapped_column(String(40), default="")
    from_specialty_id: Mapped[int | None] = mapped_column(ForeignKey("specialties.id"))
    to_specialty_id: Mapped[int | None] = mapped_column(ForeignKey("specialties.id"))
    other_school: Mapped[str] = mapped_column(String(100), default="")      # 转入学校/地区 or 原学校/地区
    document_number: Mapped[str] = mapped_column(String(40), default="")    # 转学证明编号
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_on: Mapped[date | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str] = mapped_column(String(200), default="")

    learner: Mapped[Learner] = relationship(back_populates="status_events")
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def kind_label(self) -> str:
        return STATUS_EVENT_KIND_LABELS[self.kind]

    @property
    def revoked(self) -> bool:
        return self.revoked_on is not None

    @classmethod
    def standing(cls):
        """SQL clause: events not revoked — the only ones that shape a learner's status and study."""
        return cls.revoked_on.is_(None)

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: events of learners in scope."""
        from sqlalchemy import select

        return cls.learner_id.in_(select(Learner.id).where(Learner.in_scope(scope)))


class LearnerCard(CreatedAtMixin, db.Model):
    """A printed 学员证 and the secret of its “我的学习” QR code. Only the token's SHA-256 is kept (the plain
    token exists on the printed card alone); printing a new card revokes the learner's previous one. Wrong
    birth dates entered with the token are counted here and lock the card for a while."""

    __tablename__ = "learner_cards"
    __table_args__ = (
        # At most one working card per learner: a new card revokes the old one first.
        Index("uq_learner_cards_active_learner", "learner_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]
    failed_attempts: Mapped[int] = mapped_column(default=0)      # wrong birth dates since the last lock or success
    locked_until: Mapped[datetime | None]

    learner: Mapped[Learner] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class CarriedHours(CreatedAtMixin, db.Model):
    """Hours of one category (F/L/P/S, lms.rules.HOUR_CATEGORIES) carried in by a 转入 from the transfer
    document, dated on the transfer day: they count toward R6 like the category's own records and show
    their source (the event). Revoking the 转入 voids them (`voided_at`); never deleted."""

    __tablename__ = "carried_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    status_event_id: Mapped[int] = mapped_column(ForeignKey("status_events.id"), index=True)
    category: Mapped[str] = mapped_column(String(1))
    minutes: Mapped[int]
    carried_on: Mapped[date]
    voided_at: Mapped[datetime | None]


class CarriedResult(CreatedAtMixin, db.Model):
    """A course result carried in by a 转入: the AssessmentResult it was recorded as (dated on the transfer
    day, so the graduation audit counts it as passed), tied to the event that brought it."""

    __tablename__ = "carried_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    status_event_id: Mapped[int] = mapped_column(ForeignKey("status_events.id"), index=True)
    assessment_result_id: Mapped[int] = mapped_column(ForeignKey("assessment_results.id"), unique=True)
