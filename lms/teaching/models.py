"""Specialties, teaching plans (courses), classes, sessions, attendance, platform and self-study hours.

All hours are stored in columns named ``minutes`` holding parts of a 学时: 1/60 学时 (lms.rules.units.PARTS_PER_HOUR),
so an 8-学时 day is 480 and 360 学时 are 21600, whatever a 学时 lasts in clock minutes (the policy's
hour_length_minutes, default 45). A part is a clock minute only when a 学时 is 60 minutes.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, or_, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import now_utc
from lms.core.db import CreatedAtMixin
from lms.extensions import db
from lms.geo.models import TeachingPoint
from lms.rules import ATTENDANCE_STATUS_LABELS, COURSE_KIND_LABELS, SESSION_MODE_LABELS

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.auth.scope import Scope
    from lms.learners.models import Learner

# The fifteen specialties named in the county's plan (SPEC §3).
DEFAULT_SPECIALTIES = (
    "种植（含园林、林下种植）", "设施农业", "养殖（含畜牧兽医、水产养殖）", "服装设计与制作", "家用电器实用技术",
    "农村经营管理", "餐饮", "计算机及应用技术", "法律法规和公民道德实务常识", "语言交际艺术",
    "电子商务", "刺绣", "蜡染", "家政", "环卫",
)
SELF_STUDY_STATUS_LABELS = {"pending": "待审核", "approved": "已通过", "rejected": "未通过"}
SESSION_EVIDENCE_KIND_LABELS = {"photo": "课堂照片", "sign_in": "签到表扫描件"}


class Specialty(CreatedAtMixin, db.Model):
    """A specialty (专业) learners enrol in; editable list seeded from the plan."""

    __tablename__ = "specialties"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    courses: Mapped[list[Course]] = relationship(back_populates="specialty", order_by="Course.position")


class Course(CreatedAtMixin, db.Model):
    """A course of a specialty's teaching plan: kind, planned hours, credits, required assignments."""

    __tablename__ = "courses"
    __table_args__ = (
        UniqueConstraint("specialty_id", "name"),
        CheckConstraint("kind IN ('cultural', 'skill', 'internship')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    specialty_id: Mapped[int] = mapped_column(ForeignKey("specialties.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(12))
    minutes: Mapped[int] = mapped_column(default=0)          # the plan's 学时, in parts (1/60 学时)
    credits: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("0"))
    required_assignments: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    specialty: Mapped[Specialty] = relationship(back_populates="courses")

    @property
    def kind_label(self) -> str:
        return COURSE_KIND_LABELS[self.kind]

    @property
    def credits_text(self) -> str:
        """Credits without trailing zeros: 2, 1.5."""
        from lms.rules import format_credits

        return format_credits(self.credits)


class TeachingClass(CreatedAtMixin, db.Model):
    """A class (班级): specialty + teaching point + cohort year, with teachers and learners."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    specialty_id: Mapped[int] = mapped_column(ForeignKey("specialties.id"), index=True)
    teaching_point_id: Mapped[int] = mapped_column(ForeignKey("teaching_points.id"), index=True)
    cohort: Mapped[int] = mapped_column(index=True)
    head_teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    specialty: Mapped[Specialty] = relationship()
    teaching_point: Mapped[TeachingPoint] = relationship()
    head_teacher: Mapped[User | None] = relationship()
    teachers: Mapped[list[ClassTeacher]] = relationship(back_populates="teaching_class")
    learners: Mapped[list[Learner]] = relationship(back_populates="teaching_class", order_by="Learner.student_number")

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: a teacher's own classes; for area roles, classes meeting at a point in their area."""
        if scope.everything:
            return scope.class_clause(cls.id)
        return or_(scope.class_clause(cls.id),
                   cls.teaching_point_id.in_(select(TeachingPoint.id)
                                             .where(scope.village_clause(TeachingPoint.village_id))))


class ClassTeacher(db.Model):
    """A teacher assigned to a class (a teacher's scope)."""

    __tablename__ = "class_teachers"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    teaching_class: Mapped[TeachingClass] = relationship(back_populates="teachers")
    user: Mapped[User] = relationship()


class ClassSession(CreatedAtMixin, db.Model):
    """A class meeting (课次). `version` increases on every attendance save (optimistic locking)."""

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_class_date", "class_id", "held_on"),
        CheckConstraint("mode IN ('face', 'live')", name="mode"),
        CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(100), default="")
    mode: Mapped[str] = mapped_column(String(5), default="face")
    minutes: Mapped[int] = mapped_column(default=480)        # parts of a 学时: 480 = a teaching day of 8 学时
    version: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None]           # never deleted, only cancelled
    # The id a teacher's phone gave a session it started offline: the same session sent twice is made once.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    teaching_class: Mapped[TeachingClass] = relationship()
    course: Mapped[Course] = relationship()
    teacher: Mapped[User | None] = relationship(foreign_keys=[teacher_id])

    @property
    def mode_label(self) -> str:
        return SESSION_MODE_LABELS[self.mode]

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: sessions of classes in scope."""
        return cls.class_id.in_(select(TeachingClass.id).where(TeachingClass.in_scope(scope)))


class OfflineSync(CreatedAtMixin, db.Model):
    """A sheet sent from a phone that kept it offline, by the id the phone gave it, with the answer given:
    the same id again gets the stored answer and writes nothing (the unique id makes concurrent retries safe)."""

    __tablename__ = "offline_syncs"
    __table_args__ = (CheckConstraint("outcome IN ('pending', 'saved', 'conflict', 'refused')", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(10), default="pending")
    answer: Mapped[str] = mapped_column(Text, default="")      # the JSON answered


class Attendance(db.Model):
    """One learner at one session: status and minutes credited. Corrected, never deleted."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "learner_id"),
        CheckConstraint("status IN ('present', 'late', 'leave', 'absent')", name="status"),
        CheckConstraint("minutes >= 0", name="minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    status: Mapped[str] = mapped_column(String(8), default="present")
    minutes: Mapped[int] = mapped_column(default=0)          # credited, in parts of a 学时 (1/60 学时)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    session: Mapped[ClassSession] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return ATTENDANCE_STATUS_LABELS[self.status]

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: attendance of learners in scope."""
        return cls.learner_id.in_(_learners_in_scope(scope))


class PlatformRecord(CreatedAtMixin, db.Model):
    """Self-paced online hours (P) imported from a learning platform; one row per platform record id.

    ``minutes`` are parts of a 学时 (1/60, lms.rules.units) as every hours column; ``clock_minutes`` the clock
    minutes the platform gave, converted once on import with the learner's cohort policy
    (``hour_length_minutes``): 90 clock minutes at 45 a 学时 are 120 parts, 2 学时.
    """

    __tablename__ = "platform_records"
    __table_args__ = (UniqueConstraint("platform", "record_ref"), CheckConstraint("minutes >= 0", name="minutes"),
                      # Covering the hours sums (lms.teaching.hours): learner, day and minutes read from the index
                      # in learner order, without the wide rows (course name, record reference).
                      Index("ix_platform_records_learner_hours", "learner_id", "studied_on", "minutes"))

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    platform: Mapped[str] = mapped_column(String(60))
    course_name: Mapped[str] = mapped_column(String(120), default="")
    minutes: Mapped[int]                    # parts of a 学时 (1/60), what the rules count
    clock_minutes: Mapped[int | None]       # as the platform gave them (None: not known)
    studied_on: Mapped[date]
    record_ref: Mapped[str] = mapped_column(String(80))
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: records of learners in scope."""
        return cls.learner_id.in_(_learners_in_scope(scope))


class SelfStudyEntry(CreatedAtMixin, db.Model):
    """Self-study (S) with content and evidence; counts once the class teacher approves it."""

    __tablename__ = "self_study_entries"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes"),
                      CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
                      # Covering the S hours sums (lms.teaching.hours.credited_self_study: approved entries only).
                      Index("ix_self_study_entries_credited_hours", "learner_id", "studied_on", "minutes",
                            postgresql_where=text("status = 'approved'"), sqlite_where=text("status = 'approved'")))

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    studied_on: Mapped[date]
    minutes: Mapped[int]                    # the 学时 typed, in parts (1/60 学时)
    content: Mapped[str] = mapped_column(Text)
    evidence_path: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(8), default="teacher")   # 'teacher' entered, 'import'ed
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    learner: Mapped[Learner] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return SELF_STUDY_STATUS_LABELS[self.status]

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: entries of learners in scope."""
        return cls.learner_id.in_(_learners_in_scope(scope))


class SessionEvidence(CreatedAtMixin, db.Model):
    """A class photo or the scan of a session's signed sign-in sheet, checked by its content when uploaded.

    Never deleted: a replaced file stays on record, `superseded_at` and `superseded_by_id` saying when and by
    which file, so an inspection can see what was shown before."""

    __tablename__ = "session_evidence"
    __table_args__ = (CheckConstraint("kind IN ('photo', 'sign_in')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(100), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("session_evidence.id"))

    session: Mapped[ClassSession] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return SESSION_EVIDENCE_KIND_LABELS[self.kind]

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: evidence of sessions in scope."""
        return cls.session_id.in_(select(ClassSession.id).where(ClassSession.in_scope(scope)))


class LearnerHours(db.Model):
    """Per-learner credited hours by category (F, L, P, S), in parts of a 学时 (1/60), kept equal to the sums of the rows behind
    them: every service and import that writes hours refreshes it in the same transaction
    (lms.summaries.hours_changed). Dashboards read it instead of aggregating millions of rows."""

    __tablename__ = "learner_hours"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    face_minutes: Mapped[int] = mapped_column(default=0)
    live_minutes: Mapped[int] = mapped_column(default=0)
    platform_minutes: Mapped[int] = mapped_column(default=0)
    self_minutes: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)


def _learners_in_scope(scope: Scope):
    from lms.learners.models import Learner

    return select(Learner.id).where(Learner.in_scope(scope))
