"""What an inspection (督查) looks at, for a period and an area within the user's scope.

Each list costs a fixed number of queries whatever the data size. Sessions belong to the area where their class
meets, learners to where they live (lms/reports/areas.py), as on every other page.

- Sessions held without evidence: no current class photo or sign-in sheet scan (lms.teaching.services.evidence).
- Learners whose 360 学时 came in under N days: the minutes their cohort's policy counts toward R6
  (`hours_categories`, `hours_required_minutes`), from their first such day to the day the total reached the
  requirement, for learners who reached it within the period.
- Identical self-study texts: the same content (as stored: trimmed) written by two or more learners in the
  period, pending or approved, at least `min_chars` characters long (short titles such as “读写算练习册” are
  alike by nature).
- Platform records on a day the same learner was credited at a face-to-face session. A platform record has a
  date but no time of day, and a session a date and a length but no clock time, so "overlap" can only mean the
  same day: the list shows both sides' minutes and their sum, for the inspector to judge.
- A random sample of the period's sessions (not cancelled) to spot-check, drawn with a seed made of the inputs,
  so the same period, area and size always draw the same sessions.
- The inspection visits recorded.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, literal, not_, or_, select, true, union_all
from sqlalchemy.orm import aliased, joinedload

from lms.auth.models import User
from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint, villages_of
from lms.inspection.models import InspectionVisit
from lms.learners.models import Learner
from lms.policies.services import policies_for
from lms.reports.areas import Area
from lms.rules import SESSION_MODE_CATEGORIES
from lms.teaching.hours import counted_sessions, credited_self_study, day_holding_self_study, earning_attendance
from lms.teaching.models import (
    Attendance,
    ClassSession,
    Course,
    PlatformRecord,
    SelfStudyEntry,
    SessionEvidence,
    TeachingClass,
)

DEFAULT_FAST_DAYS = 60
DEFAULT_SAMPLE_SIZE = 10
DEFAULT_MIN_CHARS = 10
TEXT_GROUPS_SHOWN = 100         # the most-shared texts first; a county never needs more on one page

Village = aliased(Division, name="inspection_village")
Township = aliased(Division, name="inspection_township")


@dataclass(frozen=True)
class Criteria:
    """What the inspector asked for: the period (both days included), the area and the lists' settings."""

    start: date
    end: date
    area: Area
    fast_days: int = DEFAULT_FAST_DAYS
    sample_size: int = DEFAULT_SAMPLE_SIZE
    min_chars: int = DEFAULT_MIN_CHARS

    def sample_seed(self) -> int:
        """The sample's seed: a digest of the period, the area and the size (stable across processes)."""
        key = f"{self.start.isoformat()}|{self.end.isoformat()}|{self.area.level}|{self.area.id}|{self.sample_size}"
        return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


@dataclass(frozen=True)
class SessionRow:
    """A session as the inspection lists show it: where, what, who, and what backs it."""

    session_id: int
    held_on: date
    mode: str
    minutes: int
    class_id: int
    class_code: str
    class_name: str
    course: str
    teacher: str
    township: str
    village: str
    place: str
    attended: int           # learners credited with hours at it
    evidence: int           # current files (photos, sign-in sheet scans)
    visits: int             # inspection visits recorded


@dataclass(frozen=True)
class FastLearner:
    """A learner who reached the 360-hour requirement within the period in fewer days than allowed."""

    learner_id: int
    name: str
    student_number: str
    township: str
    village: str
    class_code: str
    started_on: date
    reached_on: date
    required_minutes: int

    @property
    def days(self) -> int:
        """Calendar days from the first counted day to the day the requirement was reached, both included."""
        return (self.reached_on - self.started_on).days + 1


@dataclass(frozen=True)
class TextGroup:
    """One self-study text written by several learners: how many, when, and who (learner id, name, number)."""

    content: str
    learners: int
    entries: int
    first_on: date
    last_on: date
    names: tuple[tuple[int, str, str], ...] = ()


@dataclass(frozen=True)
class Overlap:
    """A learner's day with both face-to-face hours and platform records."""

    learner_id: int
    name: str
    student_number: str
    township: str
    village: str
    day: date
    face_minutes: int
    sessions: int
    class_code: str
    platform_minutes: int
    records: int
    platform: str
    clock_records: int = 0                  # records that kept the platform's clock minutes
    platform_clock_minutes: int | None = None

    @property
    def total_minutes(self) -> int:
        return self.face_minutes + self.platform_minutes

    @property
    def clock_minutes(self) -> int | None:
        """The clock minutes the platform reported that day (its records, converted to 学时 on import), or None
        when a record does not say (imported before the minutes were kept)."""
        return self.platform_clock_minutes if self.clock_records == self.records else None


def session_area_clause(area: Area):
    """SQL clause: sessions of classes meeting in `area` (a class area: that class's sessions)."""
    if area.level == "class":
        return ClassSession.class_id == area.id
    if area.level in ("township", "village"):
        villages = villages_of([area.id]) if area.level == "township" else [area.id]
        return ClassSession.class_id.in_(
            select(TeachingClass.id).join(TeachingPoint, TeachingClass.teaching_point_id == TeachingPoint.id)
            .where(TeachingPoint.village_id.in_(villages)))
    return true()


def learner_area_clause(area: Area):
    """SQL clause: learners living in `area` (a class area: that class's learners)."""
    if area.level == "class":
        return Learner.class_id == area.id
    if area.level == "township":
        return Learner.village_id.in_(villages_of([area.id]))
    if area.level == "village":
        return Learner.village_id == area.id
    return true()


def _learners(scope: Scope, criteria: Criteria):
    """A Select of the ids of learners in scope living in the area."""
    return select(Learner.id).where(Learner.in_scope(scope), learner_area_clause(criteria.area))


def _sessions_in(scope: Scope, criteria: Criteria, *, held_by: date | None = None) -> list:
    """WHERE clauses: sessions in scope and area, dated in the period (up to `held_by`), not cancelled."""
    end = min(criteria.end, held_by) if held_by else criteria.end
    return [ClassSession.in_scope(scope), session_area_clause(criteria.area), counted_sessions(),
            ClassSession.held_on >= criteria.start, ClassSession.held_on <= end]


def _current_evidence():
    return select(SessionEvidence.id).where(SessionEvidence.session_id == ClassSession.id,
                                            SessionEvidence.superseded_at.is_(None))


def _session_rows(clauses: list) -> list[SessionRow]:
    """The sessions matching `clauses` as SessionRows, newest first (one query)."""
    attended = (select(func.count()).where(Attendance.session_id == ClassSession.id, earning_attendance())
                .scalar_subquery())
    evidence = (select(func.count()).where(SessionEvidence.session_id == ClassSession.id,
                                           SessionEvidence.superseded_at.is_(None)).scalar_subquery())
    visits = select(func.count()).where(InspectionVisit.session_id == ClassSession.id).scalar_subquery()
    stmt = (select(ClassSession.id, ClassSession.held_on, ClassSession.mode, ClassSession.minutes, TeachingClass.id,
                   TeachingClass.code, TeachingClass.name, Course.name, func.coalesce(User.display_name, ""),
                   Township.name, Village.name, ClassSession.place, attended, evidence, visits)
            .join(TeachingClass, ClassSession.class_id == TeachingClass.id)
            .join(Course, ClassSession.course_id == Course.id)
            .join(TeachingPoint, TeachingClass.teaching_point_id == TeachingPoint.id)
            .join(Village, TeachingPoint.village_id == Village.id)
            .join(Township, Village.parent_id == Township.id)
            .outerjoin(User, ClassSession.teacher_id == User.id)
            .where(*clauses).order_by(ClassSession.held_on.desc(), TeachingClass.code, ClassSession.id))
    return [SessionRow(*row) for row in db.session.execute(stmt)]


def sessions_without_evidence(scope: Scope, criteria: Criteria, today: date) -> list[SessionRow]:
    """Sessions held in the period (up to `today`), not cancelled, with no current photo or sign-in sheet scan.
    One query."""
    return _session_rows([*_sessions_in(scope, criteria, held_by=today), not_(_current_evidence().exists())])


def sample_sessions(scope: Scope, criteria: Criteria) -> list[SessionRow]:
    """`criteria.sample_size` sessions of the period (not cancelled; later ones too, for unannounced visits)
    drawn at random with the criteria's seed: the same inputs draw the same sessions. Two queries."""
    ids = list(db.session.scalars(select(ClassSession.id).where(*_sessions_in(scope, criteria))
                                  .order_by(ClassSession.id)))
    chosen = random.Random(criteria.sample_seed()).sample(ids, min(criteria.sample_size, len(ids)))
    rows = _session_rows([ClassSession.id.in_(chosen)]) if chosen else []
    return sorted(rows, key=lambda row: (row.held_on, row.class_code, row.session_id))


def visits(scope: Scope, criteria: Criteria) -> list[InspectionVisit]:
    """Inspection visits dated in the period, of sessions in scope and area, newest first (one query)."""
    stmt = (select(InspectionVisit).join(ClassSession, InspectionVisit.session_id == ClassSession.id)
            .where(ClassSession.in_scope(scope), session_area_clause(criteria.area),
                   InspectionVisit.visited_on >= criteria.start, InspectionVisit.visited_on <= criteria.end)
            .order_by(InspectionVisit.visited_on.desc(), InspectionVisit.id.desc())
            .options(joinedload(InspectionVisit.session).joinedload(ClassSession.teaching_class),
                     joinedload(InspectionVisit.session).joinedload(ClassSession.course),
                     joinedload(InspectionVisit.recorded_by)))
    return list(db.session.scalars(stmt).unique())


def face_to_face_modes() -> list[str]:
    """The session modes whose hours are face-to-face (F), as lms.rules.crediting files them."""
    return [mode for mode, category in SESSION_MODE_CATEGORIES.items() if category == "F"]


def _mode_category():
    return case(*[(ClassSession.mode == mode, literal(category)) for mode, category in SESSION_MODE_CATEGORIES.items()])


def fast_learners(scope: Scope, criteria: Criteria) -> list[FastLearner]:
    """Learners in scope and area who reached their cohort's R6 requirement on a day in the period, fewer than
    `criteria.fast_days` calendar days after their first counted day; quickest first. Three queries (the
    cohorts, their policies, the running totals)."""
    learners = _learners(scope, criteria)
    cohorts = list(db.session.scalars(select(Learner.cohort).distinct().where(Learner.id.in_(learners))))
    if not cohorts:
        return []
    policies = policies_for(cohorts)
    attended = (select(Attendance.learner_id.label("learner_id"), ClassSession.held_on.label("day"),
                       _mode_category().label("category"), Attendance.minutes.label("minutes"))
                .join(ClassSession, ClassSession.id == Attendance.session_id)
                .where(counted_sessions(), earning_attendance(), Attendance.learner_id.in_(learners)))
    platform = select(PlatformRecord.learner_id, PlatformRecord.studied_on, literal("P"), PlatformRecord.minutes) \
        .where(PlatformRecord.learner_id.in_(learners))
    self_study = select(SelfStudyEntry.learner_id, SelfStudyEntry.studied_on, literal("S"), SelfStudyEntry.minutes) \
        .where(credited_self_study(), SelfStudyEntry.learner_id.in_(learners))
    parts = union_all(attended, platform, self_study).subquery("inspection_parts")
    counted = or_(*[and_(Learner.cohort == cohort, parts.c.category.in_(sorted(policy.hours_categories)))
                    for cohort, policy in policies.items()])
    required = case(*[(Learner.cohort == cohort, policy.hours_required_minutes)
                      for cohort, policy in policies.items()])
    daily = (select(parts.c.learner_id, parts.c.day, func.sum(parts.c.minutes).label("minutes"),
                    required.label("required"))
             .join(Learner, Learner.id == parts.c.learner_id)
             .where(counted, parts.c.minutes > 0).group_by(parts.c.learner_id, parts.c.day, Learner.cohort)
             .subquery("inspection_daily"))
    running = select(daily.c.learner_id, daily.c.day, daily.c.required, func.sum(daily.c.minutes).over(
        partition_by=daily.c.learner_id, order_by=daily.c.day).label("total")).subquery("inspection_running")
    reached = func.min(case((running.c.total >= running.c.required, running.c.day)))
    spans = (select(running.c.learner_id, func.min(running.c.day).label("started_on"),
                    reached.label("reached_on"), func.max(running.c.required).label("required"))
             .group_by(running.c.learner_id).subquery("inspection_spans"))
    stmt = (select(Learner.id, Learner.name, Learner.student_number, Township.name, Village.name,
                   func.coalesce(TeachingClass.code, ""), spans.c.started_on, spans.c.reached_on, spans.c.required)
            .join(spans, spans.c.learner_id == Learner.id)
            .join(Village, Learner.village_id == Village.id).join(Township, Village.parent_id == Township.id)
            .outerjoin(TeachingClass, Learner.class_id == TeachingClass.id)
            .where(spans.c.reached_on >= criteria.start, spans.c.reached_on <= criteria.end))
    rows = [FastLearner(*row) for row in db.session.execute(stmt)]
    return sorted((row for row in rows if row.days < criteria.fast_days),
                  key=lambda row: (row.days, row.reached_on, row.student_number))


def identical_texts(scope: Scope, criteria: Criteria) -> list[TextGroup]:
    """Self-study texts (pending or approved, dated in the period, at least `min_chars` characters) written by
    two or more learners in scope and area; most-shared first. Two queries."""
    where = [SelfStudyEntry.learner_id.in_(_learners(scope, criteria)), day_holding_self_study(),
             SelfStudyEntry.studied_on >= criteria.start, SelfStudyEntry.studied_on <= criteria.end,
             func.length(SelfStudyEntry.content) >= criteria.min_chars]
    sharing = func.count(SelfStudyEntry.learner_id.distinct())
    groups = db.session.execute(
        select(SelfStudyEntry.content, sharing, func.count(), func.min(SelfStudyEntry.studied_on),
               func.max(SelfStudyEntry.studied_on))
        .where(*where).group_by(SelfStudyEntry.content).having(sharing >= 2)
        .order_by(sharing.desc(), SelfStudyEntry.content).limit(TEXT_GROUPS_SHOWN)).all()
    if not groups:
        return []
    names: dict[str, list[tuple[int, str, str]]] = {}
    for content, learner_id, name, number in db.session.execute(
            select(SelfStudyEntry.content, Learner.id, Learner.name, Learner.student_number).distinct()
            .join(Learner, Learner.id == SelfStudyEntry.learner_id)
            .where(*where, SelfStudyEntry.content.in_([group[0] for group in groups]))
            .order_by(Learner.student_number)):
        names.setdefault(content, []).append((learner_id, name, number))
    return [TextGroup(content, learners, entries, first_on, last_on, tuple(names.get(content, ())))
            for content, learners, entries, first_on, last_on in groups]


def platform_overlaps(scope: Scope, criteria: Criteria) -> list[Overlap]:
    """Days in the period on which a learner in scope and area was credited at a face-to-face session and also
    has platform records; newest first. One query."""
    learners = _learners(scope, criteria)
    face = (select(Attendance.learner_id.label("learner_id"), ClassSession.held_on.label("day"),
                   func.sum(Attendance.minutes).label("minutes"), func.count().label("sessions"),
                   func.min(TeachingClass.code).label("class_code"))
            .join(ClassSession, ClassSession.id == Attendance.session_id)
            .join(TeachingClass, ClassSession.class_id == TeachingClass.id)
            .where(counted_sessions(), earning_attendance(), ClassSession.mode.in_(face_to_face_modes()),
                   ClassSession.held_on >= criteria.start, ClassSession.held_on <= criteria.end,
                   Attendance.minutes > 0, Attendance.learner_id.in_(learners))
            .group_by(Attendance.learner_id, ClassSession.held_on).subquery("inspection_face"))
    online = (select(PlatformRecord.learner_id.label("learner_id"), PlatformRecord.studied_on.label("day"),
                     func.sum(PlatformRecord.minutes).label("minutes"), func.count().label("records"),
                     func.min(PlatformRecord.platform).label("platform"),
                     func.count(PlatformRecord.clock_minutes).label("clock_records"),
                     func.sum(PlatformRecord.clock_minutes).label("clock_minutes"))
              .where(PlatformRecord.studied_on >= criteria.start, PlatformRecord.studied_on <= criteria.end,
                     PlatformRecord.minutes > 0, PlatformRecord.learner_id.in_(learners))
              .group_by(PlatformRecord.learner_id, PlatformRecord.studied_on).subquery("inspection_online"))
    stmt = (select(Learner.id, Learner.name, Learner.student_number, Township.name, Village.name, face.c.day,
                   face.c.minutes, face.c.sessions, face.c.class_code, online.c.minutes, online.c.records,
                   online.c.platform, online.c.clock_records, online.c.clock_minutes)
            .join(face, face.c.learner_id == Learner.id)
            .join(online, and_(online.c.learner_id == Learner.id, online.c.day == face.c.day))
            .join(Village, Learner.village_id == Village.id).join(Township, Village.parent_id == Township.id)
            .order_by(face.c.day.desc(), Learner.student_number))
    return [Overlap(*row) for row in db.session.execute(stmt)]
