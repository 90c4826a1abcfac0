"""Reading classes, sessions and self-study, always within a scope, in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from lms.auth.models import User
from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.learners.models import Learner
from lms.policies.services import policy_for
from lms.rules import CadenceReport, SessionFacts, class_cadence
from lms.teaching.hours import earning_attendance
from lms.teaching.models import (
    Attendance,
    ClassSession,
    ClassTeacher,
    Course,
    PlatformRecord,
    SelfStudyEntry,
    Specialty,
    TeachingClass,
)


@dataclass(frozen=True)
class ClassRow:
    """A class on the list page with its learner and pending self-study counts (of learners in scope)."""

    teaching_class: TeachingClass
    learners: int
    pending_self_study: int
    sessions: int


def classes_in_scope(scope: Scope, *, active_only: bool = False) -> list[ClassRow]:
    """Every class the scope may see, with counts (four queries whatever the number of classes)."""
    stmt = (select(TeachingClass).where(TeachingClass.in_scope(scope))
            .options(joinedload(TeachingClass.specialty), joinedload(TeachingClass.head_teacher),
                     joinedload(TeachingClass.teaching_point).joinedload(TeachingPoint.village)
                     .joinedload(Division.parent),
                     selectinload(TeachingClass.teachers).joinedload(ClassTeacher.user))
            .order_by(TeachingClass.cohort.desc(), TeachingClass.code))
    if active_only:
        stmt = stmt.where(TeachingClass.active.is_(True))
    classes = list(db.session.scalars(stmt).unique())
    ids = select(TeachingClass.id).where(TeachingClass.in_scope(scope))
    learners = dict(db.session.execute(select(Learner.class_id, func.count()).where(
        Learner.class_id.in_(ids), Learner.in_scope(scope), Learner.status == "studying")
        .group_by(Learner.class_id)).all())
    pending = dict(db.session.execute(select(Learner.class_id, func.count()).join(
        SelfStudyEntry, SelfStudyEntry.learner_id == Learner.id).where(
        Learner.class_id.in_(ids), Learner.in_scope(scope), SelfStudyEntry.status == "pending")
        .group_by(Learner.class_id)).all())
    sessions = dict(db.session.execute(select(ClassSession.class_id, func.count()).where(
        ClassSession.class_id.in_(ids), ClassSession.cancelled_at.is_(None)).group_by(ClassSession.class_id)).all())
    return [ClassRow(c, learners.get(c.id, 0), pending.get(c.id, 0), sessions.get(c.id, 0)) for c in classes]


@dataclass(frozen=True)
class SessionRow:
    """A session on the class page with its attendance counts."""

    session: ClassSession
    marked: int
    attended: int
    credited_minutes: int


def class_sessions(teaching_class: TeachingClass) -> list[SessionRow]:
    """The class's sessions (cancelled ones too, marked), newest first, with attendance counts (two queries)."""
    sessions = list(db.session.scalars(
        select(ClassSession).where(ClassSession.class_id == teaching_class.id)
        .options(joinedload(ClassSession.course), joinedload(ClassSession.teacher))
        .order_by(ClassSession.held_on.desc(), ClassSession.id.desc())))
    counts = {row.session_id: row for row in db.session.execute(
        select(Attendance.session_id, func.count().label("marked"),
               func.sum(func.cast(earning_attendance(), db.Integer)).label("attended"),
               func.sum(Attendance.minutes).label("minutes"))
        .join(ClassSession, ClassSession.id == Attendance.session_id)
        .where(ClassSession.class_id == teaching_class.id).group_by(Attendance.session_id))}
    rows = []
    for session in sessions:
        count = counts.get(session.id)
        rows.append(SessionRow(session, count.marked if count else 0, int(count.attended or 0) if count else 0,
                               int(count.minutes or 0) if count else 0))
    return rows


def class_cadence_report(teaching_class: TeachingClass, sessions: list[SessionRow], as_of: date) -> CadenceReport:
    """R4 for the class, month by month, from its held (not cancelled) sessions, by the engine."""
    facts = [SessionFacts(row.session.held_on, row.session.minutes, row.session.mode) for row in sessions
             if row.session.cancelled_at is None and row.session.held_on <= as_of]
    if facts:
        first = min(fact.held_on for fact in facts)
    else:
        first = min(as_of, teaching_class.created_at.date())
    return class_cadence(facts, first.replace(day=1), as_of, policy_for(teaching_class.cohort))


def class_learners(teaching_class: TeachingClass, scope: Scope) -> list[Learner]:
    """The class's learners in `scope` (every status), by student number. A class meeting at a township's
    point may hold learners of other villages and townships: their staff see only their own; the class's
    teachers see all of them (lms/auth/scope.py)."""
    return list(db.session.scalars(select(Learner).where(Learner.class_id == teaching_class.id,
                                                         Learner.in_scope(scope))
                                   .order_by(Learner.student_number)))


def learners_not_shown(teaching_class: TeachingClass, scope: Scope) -> int:
    """How many of the class's learners lie outside `scope` (the class page says so, naming nobody)."""
    return db.session.scalar(select(func.count()).select_from(Learner).where(
        Learner.class_id == teaching_class.id, ~Learner.in_scope(scope))) or 0


def candidate_learners(teaching_class: TeachingClass, scope: Scope, *, search: str = "", limit: int = 200):
    """Studying learners of the class's specialty, in scope, not in this class — unplaced ones first."""
    stmt = (select(Learner).where(Learner.in_scope(scope), Learner.specialty_id == teaching_class.specialty_id,
                                  Learner.status == "studying",
                                  (Learner.class_id.is_(None)) | (Learner.class_id != teaching_class.id))
            .options(joinedload(Learner.village), joinedload(Learner.teaching_class))
            .order_by(Learner.class_id.is_not(None), Learner.student_number).limit(limit))
    if search:
        like = f"%{search}%"
        stmt = stmt.where(Learner.name.like(like) | Learner.student_number.like(like)
                          | Learner.name_initials.like(f"{search.lower()}%"))
    return list(db.session.scalars(stmt))


def class_staff(teaching_class: TeachingClass) -> list[User]:
    """Who may teach the class's sessions: its teachers and its head teacher, by name."""
    staff = {link.user for link in teaching_class.teachers}
    if teaching_class.head_teacher:
        staff.add(teaching_class.head_teacher)
    return sorted(staff, key=lambda user: (user.display_name, user.id))


def teachers() -> list[User]:
    """Active teacher accounts (for assigning classes)."""
    return list(db.session.scalars(select(User).where(User.role == "teacher", User.active.is_(True))
                                   .order_by(User.display_name)))


def plan_courses(specialty_id: int, *, active_only: bool = True) -> list[Course]:
    """The courses of one specialty's plan, in plan order."""
    stmt = select(Course).where(Course.specialty_id == specialty_id).order_by(Course.position, Course.id)
    if active_only:
        stmt = stmt.where(Course.active.is_(True))
    return list(db.session.scalars(stmt))


def specialties_with_counts() -> list[tuple[Specialty, int, int]]:
    """(specialty, active courses, total hours in parts of a 学时) for the plans page (two queries)."""
    specialties = list(db.session.scalars(select(Specialty).order_by(Specialty.position, Specialty.id)))
    sums = {row[0]: row[1:] for row in db.session.execute(
        select(Course.specialty_id, func.count(), func.sum(Course.minutes)).where(Course.active.is_(True))
        .group_by(Course.specialty_id))}
    return [(s, sums.get(s.id, (0, 0))[0], int(sums.get(s.id, (0, 0))[1] or 0)) for s in specialties]


def sessions_on(day: date, user: User) -> list[ClassSession]:
    """Sessions held on `day` in classes the user teaches (or heads), not cancelled (one query)."""
    taught = select(ClassTeacher.class_id).where(ClassTeacher.user_id == user.id).union(
        select(TeachingClass.id).where(TeachingClass.head_teacher_id == user.id))
    return list(db.session.scalars(
        select(ClassSession).where(ClassSession.class_id.in_(taught), ClassSession.held_on == day,
                                   ClassSession.cancelled_at.is_(None))
        .options(joinedload(ClassSession.course), joinedload(ClassSession.teaching_class))
        .order_by(ClassSession.id)))


def self_study_entries(teaching_class: TeachingClass, scope: Scope) -> list[SelfStudyEntry]:
    """The self-study entries of the class's learners in `scope`, pending first, newest first (one query)."""
    return list(db.session.scalars(
        select(SelfStudyEntry).join(Learner, Learner.id == SelfStudyEntry.learner_id)
        .where(Learner.class_id == teaching_class.id, Learner.in_scope(scope))
        .options(joinedload(SelfStudyEntry.learner), joinedload(SelfStudyEntry.decided_by))
        .order_by((SelfStudyEntry.status != "pending"), SelfStudyEntry.studied_on.desc(), SelfStudyEntry.id.desc())
        .limit(500)))


@dataclass(frozen=True)
class HourRecords:
    """Every row behind one learner's hours."""

    attendance: list
    platform: list[PlatformRecord]
    self_study: list[SelfStudyEntry]


def learner_hour_records(learner: Learner) -> HourRecords:
    """Attendance (with sessions), platform records and self-study entries of one learner (three queries)."""
    attendance = list(db.session.execute(
        select(Attendance, ClassSession).join(ClassSession, ClassSession.id == Attendance.session_id)
        .where(Attendance.learner_id == learner.id)
        .options(joinedload(ClassSession.course), joinedload(ClassSession.teaching_class))
        .order_by(ClassSession.held_on.desc())).all())
    platform = list(db.session.scalars(select(PlatformRecord).where(PlatformRecord.learner_id == learner.id)
                                       .order_by(PlatformRecord.studied_on.desc())))
    self_study = list(db.session.scalars(select(SelfStudyEntry).where(SelfStudyEntry.learner_id == learner.id)
                                         .order_by(SelfStudyEntry.studied_on.desc())))
    return HourRecords(attendance, platform, self_study)
