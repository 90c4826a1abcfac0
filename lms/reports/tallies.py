"""Learner tallies: the dashboard's counts of today, kept in the same transaction as the learners.

Counting a million learners by township, status, R2 group and R6 hours band takes seconds on every
view; `LearnerTally` holds those counts per village (see lms.reports.models), and the report
queries sum its rows whenever they report on today (lms.reports.queries picks the source).

What keeps the tallies true is that every write of what they count re-counts the villages it
touched, in the writer's transaction — never a nightly job:
- learners written through the ORM (enrolment, status events, class changes, corrections) and new
  policy versions (they move R6 bands): the after-flush listener below;
- the three bulk (Core) writers call `retally_learners` themselves: the hours summary
  (lms.teaching.hours.refresh_learner_hours), the enrolment import and the statuses set by
  issuing certificates.
The same re-count keeps `VillageMonthHours` (each village's hours per month and category, for the
quarterly report) when hours change or a learner moves village. Re-counting a village reads its
~100–200 learners and their records, so a write costs a few milliseconds more.
`rebuild_tallies` re-counts everything: `flask lms report retally --if-needed` after an upgrade (bin/serve
runs it), and the benchmark's generated data.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import delete, event, extract, func, inspect, insert, literal, select, union_all
from sqlalchemy.orm import Session

from lms.extensions import db
from lms.geo.models import Division
from lms.learners.models import Learner
from lms.policies.models import PolicyVersion
from lms.policies.services import policies_for
from lms.reports.hours_bands import band_expression, summary_hours
from lms.reports.models import LearnerTally, VillageMonthHours
from lms.teaching.hours import attended_minutes, counted_sessions, credited_self_study
from lms.teaching.models import Attendance, ClassSession, PlatformRecord, SelfStudyEntry

CHUNK = 500          # villages re-counted per statement
TALLY_FIELDS = ("village_id", "class_id", "cohort", "prior_education", "status", "status_changed_on", "enrolled_on")
_KEY = [getattr(Learner, name) for name in TALLY_FIELDS]
HOURS_FIELDS = ("village_id", "month", "face_minutes", "live_minutes", "platform_minutes", "self_minutes")


def _counting(policies):
    """SELECT of tally rows (grouped learners with their hours band) for learners of `policies`' cohorts."""
    hours = summary_hours()
    band = band_expression(hours, policies).label("band")
    return (select(*_KEY, band, func.count().label("learners")).select_from(Learner)
            .outerjoin(hours, hours.c.learner_id == Learner.id).group_by(*_KEY, band))


def _month(day):
    """SQL: year * 100 + month of a date column (202507)."""
    return extract("year", day) * 100 + extract("month", day)


def _village_hours(village_ids=None):
    """SELECT of village_month_hours rows: the hours of each village's learners per month and category,
    counted as the learner_hours summary counts them (lms.teaching.hours: the rules of lms.rules.crediting)."""
    zero = literal(0)
    attended = (select(Learner.village_id.label("village_id"), _month(ClassSession.held_on).label("month"),
                       attended_minutes("F").label("face"), attended_minutes("L").label("live"),
                       zero.label("platform"), zero.label("self_study"))
                .select_from(Attendance).join(ClassSession, ClassSession.id == Attendance.session_id)
                .join(Learner, Learner.id == Attendance.learner_id).where(counted_sessions()))
    platform = (select(Learner.village_id, _month(PlatformRecord.studied_on), zero, zero, PlatformRecord.minutes, zero)
                .select_from(PlatformRecord).join(Learner, Learner.id == PlatformRecord.learner_id))
    self_study = (select(Learner.village_id, _month(SelfStudyEntry.studied_on), zero, zero, zero, SelfStudyEntry.minutes)
                  .select_from(SelfStudyEntry).join(Learner, Learner.id == SelfStudyEntry.learner_id)
                  .where(credited_self_study()))
    if village_ids is not None:
        attended, platform, self_study = (part.where(Learner.village_id.in_(village_ids))
                                          for part in (attended, platform, self_study))
    parts = union_all(attended, platform, self_study).subquery("village_parts")
    return (select(parts.c.village_id, parts.c.month, func.sum(parts.c.face), func.sum(parts.c.live),
                   func.sum(parts.c.platform), func.sum(parts.c.self_study))
            .group_by(parts.c.village_id, parts.c.month))


@contextmanager
def counted_once_at_the_end(session: Session | None = None) -> Iterator[None]:
    """with counted_once_at_the_end(): … — for a loader that writes a whole county in one transaction (the
    demo): the re-counts each write would make are skipped, and everything is counted once on leaving."""
    session = session or db.session
    session.info["tallies_deferred"] = True
    try:
        yield
    finally:
        session.info.pop("tallies_deferred", None)
    rebuild_tallies(session)


def _deferred(session: Session) -> bool:
    return bool(session.info.get("tallies_deferred"))


def _take_turns(connection, village_ids: list[int]) -> None:
    """Lock these villages' rows (in id order) until the transaction ends, so two writers re-counting one
    village take turns. Without it, on PostgreSQL, each deletes the rows it sees and inserts its own beside
    the other's: duplicate monthly hours (a key violation) or tallies counted twice. FOR NO KEY UPDATE, so
    the KEY SHARE locks that foreign keys to the villages take do not block it. (SQLite's write lock
    already makes writers take turns; it has no row locks, and the clause is left out there.)"""
    connection.execute(select(Division.id).where(Division.id.in_(village_ids)).order_by(Division.id)
                       .with_for_update(key_share=True))


def recount_village_hours(village_ids: Iterable[int | None], session: Session | None = None) -> None:
    """Re-count the monthly hours of these villages' learners (two statements per 500 villages)."""
    session = session or db.session
    if _deferred(session):
        return
    connection = session.connection()
    ordered = sorted({village_id for village_id in village_ids if village_id is not None})
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        _take_turns(connection, chunk)
        connection.execute(delete(VillageMonthHours).where(VillageMonthHours.village_id.in_(chunk)))
        connection.execute(insert(VillageMonthHours).from_select(HOURS_FIELDS, _village_hours(chunk)))


def retally_villages(village_ids: Iterable[int | None], session: Session | None = None) -> None:
    """Re-count the tallies of these villages from their learners (three statements per 500 villages)."""
    session = session or db.session
    if _deferred(session):
        return
    connection = session.connection()
    ordered = sorted({village_id for village_id in village_ids if village_id is not None})
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        _take_turns(connection, chunk)
        cohorts = set(connection.scalars(select(Learner.cohort).distinct().where(Learner.village_id.in_(chunk))))
        connection.execute(delete(LearnerTally).where(LearnerTally.village_id.in_(chunk)))
        if cohorts:
            counting = _counting(policies_for(cohorts, session=session)).where(Learner.village_id.in_(chunk))
            connection.execute(insert(LearnerTally).from_select([*TALLY_FIELDS, "band", "learners"], counting))


def retally_learners(learner_ids: Iterable[int], session: Session | None = None, *, hours: bool = False) -> None:
    """Re-count the villages of these learners (for writers that bypass the ORM); `hours` when their
    hours changed (the learner_hours summary's refresh), so the villages' monthly hours are re-counted too."""
    session = session or db.session
    if _deferred(session):
        return
    ids = sorted(set(learner_ids))
    villages: set[int] = set()
    for start in range(0, len(ids), 5000):
        villages.update(session.connection().scalars(
            select(Learner.village_id).distinct().where(Learner.id.in_(ids[start:start + 5000]))))
    retally_villages(villages, session)
    if hours:
        recount_village_hours(villages, session)


def rebuild_tallies(session: Session | None = None) -> None:
    """Re-count every village's tallies and monthly hours (after an upgrade, and for generated data)."""
    session = session or db.session
    connection = session.connection()
    connection.execute(delete(LearnerTally))
    cohorts = set(connection.scalars(select(Learner.cohort).distinct()))
    if cohorts:
        connection.execute(insert(LearnerTally).from_select(
            [*TALLY_FIELDS, "band", "learners"], _counting(policies_for(cohorts, session=session))))
    connection.execute(delete(VillageMonthHours))
    connection.execute(insert(VillageMonthHours).from_select(HOURS_FIELDS, _village_hours()))


def tallies_complete(session: Session | None = None) -> bool:
    """True when the tallies count as many learners as there are (two aggregates; the check after an
    upgrade — the writers keep them equal afterwards, `tally_drift` compares every group)."""
    session = session or db.session
    learners = session.scalar(select(func.count()).select_from(Learner))
    counted = session.scalar(select(func.coalesce(func.sum(LearnerTally.learners), 0)))
    return learners == counted


def tally_drift(session: Session | None = None) -> set[int]:
    """Villages whose stored tallies or monthly hours differ from a fresh count (empty when all are true).
    Reads every learner and hour record: for tests, not for pages."""
    session = session or db.session
    cohorts = set(session.scalars(select(Learner.cohort).distinct()))
    fresh = Counter()
    if cohorts:
        for row in session.execute(_counting(policies_for(cohorts, session=session))):
            fresh[tuple(row[:-1])] += row[-1]
    stored = Counter()
    columns = [getattr(LearnerTally, name) for name in (*TALLY_FIELDS, "band")]
    for row in session.execute(select(*columns, LearnerTally.learners)):
        stored[tuple(row[:-1])] += row[-1]
    drifted = {key[0] for key in set(fresh) | set(stored) if fresh[key] != stored[key]}
    fresh_hours = {tuple(row[:2]): tuple(int(value) for value in row[2:]) for row in session.execute(_village_hours())}
    stored_hours = {tuple(row[:2]): tuple(row[2:]) for row in session.execute(
        select(*(getattr(VillageMonthHours, name) for name in HOURS_FIELDS)))}
    drifted |= {key[0] for key in set(fresh_hours) | set(stored_hours)
                if fresh_hours.get(key) != stored_hours.get(key)}
    return drifted


def _touched_villages(session: Session) -> tuple[set[int], set[int]]:
    """(villages whose tallies the pending flush makes wrong, villages whose monthly hours it makes
    wrong): learners added, removed or changed in a counted field (both the old and the new village),
    every village of a cohort with a new policy; hours move with a learner who changes village."""
    villages: set[int] = set()
    moved: set[int] = set()
    cohorts: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Learner):
            villages.add(obj.village_id)
        elif isinstance(obj, PolicyVersion):
            cohorts.add(obj.cohort)
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, Learner):
            continue
        state = inspect(obj)
        village = state.attrs.village_id.history
        if obj in session.deleted or any(state.attrs[name].history.has_changes() for name in TALLY_FIELDS):
            villages.update((*village.deleted, obj.village_id))
        if village.has_changes():
            moved.update((*village.deleted, obj.village_id))
    if cohorts:
        villages.update(session.connection().scalars(
            select(Learner.village_id).distinct().where(Learner.cohort.in_(cohorts))))
    return ({village for village in villages if village is not None},
            {village for village in moved if village is not None})


@event.listens_for(Session, "after_flush")
def _recount_what_the_flush_changed(session: Session, _context) -> None:
    """Re-count the villages a learner or policy write touched, in the writer's transaction."""
    if _deferred(session):
        return
    villages, moved = _touched_villages(session)
    if villages:
        retally_villages(villages, session)
    if moved:
        recount_village_hours(moved, session)
