"""Hours by category as set-based SQL, and the per-learner summary table kept equal to them.

F = attended face-to-face sessions, L = attended live-online sessions (cancelled sessions never
count), P = platform records, S = approved self-study — as lms.rules.crediting states it — plus the
hours of each category a 转入 carried in from its transfer document (lms.learners CarriedHours, dated on
the transfer day; voided ones never count). The SQL
expressions of those rules are built here, once, from that module's data (`counted_sessions`,
`attended_minutes`, `earning_attendance`, `credited_self_study`, `day_holding_self_study`); every
query that sums or checks hours (here, the villages' monthly hours, the class page, the learning
account) uses them. Every function here costs a fixed number of queries whatever the number of
learners or rows.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from sqlalchemy import Date, bindparam, case, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from lms.core.clock import now_utc
from lms.extensions import db
from lms.learners.models import CarriedHours, Learner
from lms.rules import (
    CREDITED_SELF_STUDY_STATUSES,
    CREDITING_STATUSES,
    DAY_HOLDING_SELF_STUDY_STATUSES,
    SESSION_MODE_CATEGORIES,
    HourTotals,
)
from lms.rules.crediting import PLATFORM_CATEGORY, SELF_STUDY_CATEGORY
from lms.teaching.models import Attendance, ClassSession, LearnerHours, PlatformRecord, SelfStudyEntry

CHUNK = 500          # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


def _one_of(column, values: tuple[str, ...]):
    """SQL: column = the value, or column IN (the values) when there are several."""
    return column == values[0] if len(values) == 1 else column.in_(values)


def counted_sessions():
    """SQL: the sessions whose attendance counts — a cancelled session never does."""
    return ClassSession.cancelled_at.is_(None)


def attended_minutes(category: str):
    """SQL: an attendance row's minutes when its session (joined) is of `category` (F or L), else 0."""
    modes = tuple(mode for mode, of in SESSION_MODE_CATEGORIES.items() if of == category)
    return case((_one_of(ClassSession.mode, modes), Attendance.minutes), else_=0)


def earning_attendance():
    """SQL: attendance rows whose status earns hours (出勤, 迟到); the others hold 0 minutes anyway."""
    return _one_of(Attendance.status, CREDITING_STATUSES)


def credited_self_study():
    """SQL: self-study entries whose minutes are S hours (approved)."""
    return _one_of(SelfStudyEntry.status, CREDITED_SELF_STUDY_STATUSES)


def day_holding_self_study():
    """SQL: self-study entries that count toward their day's cap (pending or approved)."""
    return _one_of(SelfStudyEntry.status, DAY_HOLDING_SELF_STUDY_STATUSES)


def _restrict(stmt, column, learners):
    """Limit a branch to `learners`: None (all), a Select of learner ids, or a list of ids."""
    return stmt if learners is None else stmt.where(column.in_(learners))


def hour_totals_statement(*, learners=None, as_of: date | None = None, since: date | None = None,
                          within_period: Iterable[int] = ()):
    """A Select of (learner_id, face, live, platform, self_study) minutes, one row per learner with hours.

    `learners` is None (everyone), a Select of learner ids (a scope) or a list of ids; `as_of` drops
    rows dated later (session date, study date) and `since` rows dated earlier (a period's hours).
    `within_period`: cohorts whose hours stop at each learner's period end (Policy.hours_after_period
    "none", as lms.rules.hours_cutoff says), for SQL that must agree with the engine (reports' bands).
    Each source is aggregated before the union, so the
    database scans each table once.
    """
    zero = literal(0)
    face = func.coalesce(func.sum(attended_minutes("F")), 0)
    live = func.coalesce(func.sum(attended_minutes("L")), 0)
    attended = (select(Attendance.learner_id.label("learner_id"), face.label("face"), live.label("live"),
                       zero.label("platform"), zero.label("self_study"))
                .join(ClassSession, ClassSession.id == Attendance.session_id)
                .where(counted_sessions()).group_by(Attendance.learner_id))
    platform = (select(PlatformRecord.learner_id, zero, zero, func.sum(PlatformRecord.minutes), zero)
                .group_by(PlatformRecord.learner_id))
    self_study = (select(SelfStudyEntry.learner_id, zero, zero, zero, func.sum(SelfStudyEntry.minutes))
                  .where(credited_self_study()).group_by(SelfStudyEntry.learner_id))
    carried = (select(CarriedHours.learner_id, *(func.sum(case((CarriedHours.category == category,
                                                                CarriedHours.minutes), else_=0))
                                                 for category in ("F", "L", "P", "S")))
               .where(CarriedHours.voided_at.is_(None)).group_by(CarriedHours.learner_id))
    if as_of is not None:
        carried = carried.where(CarriedHours.carried_on <= as_of)
        attended = attended.where(ClassSession.held_on <= as_of)
        platform = platform.where(PlatformRecord.studied_on <= as_of)
        self_study = self_study.where(SelfStudyEntry.studied_on <= as_of)
    if since is not None:
        carried = carried.where(CarriedHours.carried_on >= since)
        attended = attended.where(ClassSession.held_on >= since)
        platform = platform.where(PlatformRecord.studied_on >= since)
        self_study = self_study.where(SelfStudyEntry.studied_on >= since)
    cohorts = sorted(set(within_period))
    if cohorts:
        attended = _within_period(attended, Attendance.learner_id, ClassSession.held_on, cohorts)
        platform = _within_period(platform, PlatformRecord.learner_id, PlatformRecord.studied_on, cohorts)
        self_study = _within_period(self_study, SelfStudyEntry.learner_id, SelfStudyEntry.studied_on, cohorts)
        carried = _within_period(carried, CarriedHours.learner_id, CarriedHours.carried_on, cohorts)
    carried = _restrict(carried, CarriedHours.learner_id, learners)
    attended = _restrict(attended, Attendance.learner_id, learners)
    platform = _restrict(platform, PlatformRecord.learner_id, learners)
    self_study = _restrict(self_study, SelfStudyEntry.learner_id, learners)
    parts = union_all(attended, platform, self_study, carried).subquery("hour_parts")
    return (select(parts.c.learner_id, func.sum(parts.c.face).label("face"), func.sum(parts.c.live).label("live"),
                   func.sum(parts.c.platform).label("platform"), func.sum(parts.c.self_study).label("self_study"))
            .group_by(parts.c.learner_id))


def _within_period(stmt, learner_column, day, cohorts: list[int]):
    """A branch without the rows dated after the period end of learners of `cohorts`."""
    learner = aliased(Learner)        # an alias: a `learners` IN (SELECT … FROM learners) must not correlate
    return (stmt.join(learner, learner.id == learner_column)
            .where(or_(learner.cohort.not_in(cohorts), day <= learner.period_end_on)))


def _totals(row) -> HourTotals:
    return HourTotals(face=int(row.face), live=int(row.live), platform=int(row.platform),
                      self_study=int(row.self_study))


def hour_totals(*, learners=None, as_of: date | None = None, within_period: Iterable[int] = ()
                ) -> dict[int, HourTotals]:
    """{learner_id: HourTotals} for `learners` (see hour_totals_statement); learners without hours are absent."""
    if learners is not None and not isinstance(learners, (list, tuple, set, frozenset)):
        statement, values = hour_totals_statement(learners=learners, as_of=as_of, within_period=within_period), {}
    else:
        # A page asks this on every request (the class page, a learner's hours): the statement's shape depends
        # only on which arguments are given, so it is built once and the ids and day go in as parameters.
        statement = _totals_statement_shaped(learners is not None, as_of is not None, tuple(sorted(set(within_period))))
        values = {key: value for key, value in (("learner_ids", None if learners is None else list(learners)),
                                                ("as_of", as_of)) if value is not None}
    return {row.learner_id: _totals(row) for row in db.session.execute(statement, values)}


@lru_cache(maxsize=64)
def _totals_statement_shaped(with_learners: bool, with_as_of: bool, within_period: tuple[int, ...]):
    """hour_totals_statement with the learner ids and the day as bound parameters (built once per shape)."""
    return hour_totals_statement(learners=bindparam("learner_ids", expanding=True) if with_learners else None,
                                 as_of=bindparam("as_of", type_=Date) if with_as_of else None,
                                 within_period=within_period)


def learner_hour_totals(learner_id: int, as_of: date | None = None) -> HourTotals:
    """One learner's HourTotals (all zero when they have no hours)."""
    return hour_totals(learners=[learner_id], as_of=as_of).get(learner_id, HourTotals())


def _chunks(ids: Iterable[int]):
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


SUMMARY_COLUMNS = ["learner_id", "face_minutes", "live_minutes", "platform_minutes", "self_minutes", "updated_at"]


def summary_insert(learner_ids, now):
    """INSERT … SELECT of learner_hours rows for these learners (None: every learner), zeros for no hours."""
    totals = hour_totals_statement(learners=learner_ids).subquery("totals")
    source = (select(Learner.id, func.coalesce(totals.c.face, 0), func.coalesce(totals.c.live, 0),
                     func.coalesce(totals.c.platform, 0), func.coalesce(totals.c.self_study, 0),
                     bindparam("now", now, type_=LearnerHours.__table__.c.updated_at.type))
              .outerjoin(totals, totals.c.learner_id == Learner.id))
    if learner_ids is not None:
        source = source.where(Learner.id.in_(learner_ids))
    return insert(LearnerHours).from_select(SUMMARY_COLUMNS, source)


def recount_learner_hours(learner_ids: Iterable[int], session=None) -> None:
    """Recompute the learner_hours summary rows of these learners from the rows behind them (three
    statements per 500 learners). Called by lms.summaries only: a writer of attendance, platform or
    self-study hours declares `lms.summaries.hours_changed(learner_ids)`, which calls this and re-counts
    the villages' tallies and monthly hours too, in the same transaction.
    """
    session = session or db.session
    now = now_utc()
    for ids in _chunks(learner_ids):
        # Writers of the same learners' hours take turns (PostgreSQL row locks, in id order): otherwise two
        # teachers saving sessions of one class each delete the rows they see and insert beside the
        # other's (duplicate key). FOR NO KEY UPDATE: the KEY SHARE locks their attendance rows' foreign
        # keys already hold do not block it (FOR UPDATE would deadlock). SQLite's write lock already
        # makes writers take turns.
        session.execute(select(Learner.id).where(Learner.id.in_(ids)).order_by(Learner.id)
                        .with_for_update(key_share=True))
        session.execute(delete(LearnerHours).where(LearnerHours.learner_id.in_(ids)))
        session.execute(summary_insert(ids, now))


_CATEGORY_COLUMNS = {"F": "face_minutes", "L": "live_minutes", "P": "platform_minutes", "S": "self_minutes"}


def lock_learners(learner_ids: Iterable[int], session=None) -> dict[int, tuple[int, int]]:
    """Take these learners' turn as writers of their hours (PostgreSQL row locks in id order, as
    recount_learner_hours takes them; nothing on SQLite, whose write lock already makes writers take turns).
    Returns {learner_id: (village_id, cohort)} as they are under the lock (PostgreSQL), {} on SQLite.
    Called by lms.summaries only."""
    session = session or db.session
    if session.connection().dialect.name == "sqlite":
        return {}
    found = {}
    for ids in _chunks(learner_ids):
        found.update({row.id: (row.village_id, row.cohort) for row in session.execute(
            select(Learner.id, Learner.village_id, Learner.cohort).where(Learner.id.in_(ids)).order_by(Learner.id)
            .with_for_update(key_share=True))})
    return found


def add_learner_hours(added: dict[int, dict[str, int]], session=None) -> None:
    """Add {learner_id: {category (F, L, P, S): minutes}} to the learners' learner_hours rows (the difference a
    write made; a missing row is created): one statement per 500 learners. Called by lms.summaries only,
    the learners' turn taken (lock_learners)."""
    session = session or db.session
    if not added:
        return
    dialect = postgresql if session.connection().dialect.name == "postgresql" else sqlite
    columns = list(_CATEGORY_COLUMNS.values())
    now = now_utc()
    rows = [{"learner_id": learner_id, **{column: 0 for column in columns},
             **{_CATEGORY_COLUMNS[category]: minutes for category, minutes in added[learner_id].items()},
             "updated_at": now} for learner_id in sorted(added)]
    statement = dialect.insert(LearnerHours)
    statement = statement.on_conflict_do_update(
        index_elements=["learner_id"],
        set_={**{column: getattr(LearnerHours, column) + getattr(statement.excluded, column) for column in columns},
              "updated_at": statement.excluded.updated_at})
    for start in range(0, len(rows), CHUNK):
        session.connection().execute(statement, rows[start:start + CHUNK])


def hours_drift() -> set[int]:
    """Learners whose learner_hours row differs from a fresh count of their hours (no row counts as zero
    hours; empty when every row is true). Reads every hour record: for tests, not for pages."""
    zero = HourTotals()
    fresh, stored = hour_totals(), summary_totals()
    return {learner_id for learner_id in set(fresh) | set(stored)
            if fresh.get(learner_id, zero) != stored.get(learner_id, zero)}


def summary_totals(*, learners=None) -> dict[int, HourTotals]:
    """{learner_id: HourTotals} read from the learner_hours summary (one query; no aggregation)."""
    stmt = _restrict(select(LearnerHours), LearnerHours.learner_id, learners)
    return {row.learner_id: HourTotals(face=row.face_minutes, live=row.live_minutes,
                                       platform=row.platform_minutes, self_study=row.self_minutes)
            for row in db.session.scalars(stmt)}


_DAILY: dict[bool, object] = {}     # daily_minutes' statement, with and without days (built once: ~5 ms each)


def _daily_statement(by_day: bool):
    statement = _DAILY.get(by_day)
    if statement is not None:
        return statement
    ids, days = bindparam("ids", expanding=True), bindparam("days", expanding=True)
    category = case(dict(SESSION_MODE_CATEGORIES), value=ClassSession.mode)
    attended = (select(Attendance.learner_id, ClassSession.held_on.label("day"), category.label("category"),
                       Attendance.minutes)
                .join(ClassSession, ClassSession.id == Attendance.session_id).where(counted_sessions())
                .where(Attendance.learner_id.in_(ids)))
    platform = select(PlatformRecord.learner_id, PlatformRecord.studied_on, literal(PLATFORM_CATEGORY),
                      PlatformRecord.minutes).where(PlatformRecord.learner_id.in_(ids))
    self_study = (select(SelfStudyEntry.learner_id, SelfStudyEntry.studied_on, literal(SELF_STUDY_CATEGORY),
                         SelfStudyEntry.minutes).where(day_holding_self_study()).where(SelfStudyEntry.learner_id.in_(ids)))
    if by_day:
        attended = attended.where(ClassSession.held_on.in_(days))
        platform = platform.where(PlatformRecord.studied_on.in_(days))
        self_study = self_study.where(SelfStudyEntry.studied_on.in_(days))
    parts = union_all(attended, platform, self_study).subquery()
    statement = select(parts.c.learner_id, parts.c.day, parts.c.category, func.sum(parts.c.minutes)).group_by(
        parts.c.learner_id, parts.c.day, parts.c.category)
    _DAILY[by_day] = statement
    return statement


def daily_minutes(learner_ids: Iterable[int], days: Iterable[date] | None) -> dict[tuple[int, date], dict[str, int]]:
    """{(learner_id, day): {category: minutes already credited that day}} over attendance (F, L), platform
    records (P) and approved or pending self-study (S), for the daily caps (lms.rules.daily_cap_problem).
    `days` None: every day. One query per 500 learners."""
    ids = sorted(set(learner_ids))
    days = None if days is None else sorted(set(days))
    if not ids or days == []:
        return {}
    result: dict[tuple[int, date], dict[str, int]] = defaultdict(dict)
    statement = _daily_statement(days is not None)
    for chunk in _chunks(ids):
        values = {"ids": chunk} if days is None else {"ids": chunk, "days": days}
        for learner_id, day, of, minutes in db.session.execute(statement, values):
            if minutes:
                result[(learner_id, day)][of] = int(minutes)
    return dict(result)
