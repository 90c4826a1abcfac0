"""Learner tallies: the dashboard's counts of today, kept in the same transaction as the learners.

Counting a million learners by township, status, R2 group and R6 hours band takes seconds on every
view; `LearnerTally` holds those counts per village (see lms.reports.models), and the report
queries sum its rows whenever they report on today (lms.reports.queries picks the source).
`VillageMonthHours` holds each village's hours per month and category, for the quarterly report.

What keeps both true is that every write of what they count says so (lms.summaries: a learner
changed, hours changed, a new policy), and lms.summaries re-counts the villages it touched with
`recount_villages`, in the writer's transaction — never a nightly job. Only lms.summaries calls it.
Re-counting a village reads its ~100–200 learners and their records, so a write costs a few
milliseconds more.
Saving an attendance sheet does not re-count: it moves its learners between hours bands and adds its minutes
to the monthly hours (`tally_groups`, `move_tallies`, `add_village_hours`: the difference the save made, a
few statements whatever the class's size; lms.summaries.attendance_marked).
`rebuild_tallies` re-counts everything: `flask lms report retally --if-needed` after an upgrade (bin/serve
runs it), the demo loader (lms.summaries.counted_once_at_the_end) and the benchmark's generated data.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from sqlalchemy import bindparam, delete, extract, func, insert, literal, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lms.extensions import db
from lms.geo.models import Division
from lms.learners.models import Learner
from lms.policies.services import policies_for
from lms.reports.hours_bands import band_expression, within_period
from lms.reports.models import LearnerTally, VillageMonthHours
from lms.rules import Policy
from lms.teaching.hours import attended_minutes, counted_sessions, credited_self_study, hour_totals_statement
from lms.teaching.models import Attendance, ClassSession, PlatformRecord, SelfStudyEntry

CHUNK = 500          # villages re-counted per statement
TALLY_FIELDS = ("village_id", "class_id", "cohort", "prior_education", "status", "status_changed_on", "enrolled_on")
_KEY = [getattr(Learner, name) for name in TALLY_FIELDS]
HOURS_FIELDS = ("village_id", "month", "face_minutes", "live_minutes", "platform_minutes", "self_minutes")


def _counting(policies, learners=None):
    """SELECT of tally rows (grouped learners with their hours band) for learners of `policies`' cohorts
    (`learners`: a Select of the learner ids whose hours to sum, None: everyone). The hours are summed
    from the records, not the learner_hours summary: a cohort's policy may leave out hours after each
    learner's period end (Policy.hours_after_period), as the engine does."""
    hours = hour_totals_statement(learners=learners, within_period=within_period(policies)).subquery("hours")
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


def _take_turns(connection, village_ids: list[int]) -> None:
    """Lock these villages' rows (in id order) until the transaction ends, so two writers re-counting one
    village take turns. Without it, on PostgreSQL, each deletes the rows it sees and inserts its own beside
    the other's: duplicate monthly hours (a key violation) or tallies counted twice. FOR NO KEY UPDATE, so
    the KEY SHARE locks that foreign keys to the villages take do not block it. (SQLite's write lock
    already makes writers take turns; it has no row locks, and the clause is left out there.)"""
    connection.execute(select(Division.id).where(Division.id.in_(village_ids)).order_by(Division.id)
                       .with_for_update(key_share=True))


def recount_villages(tallied: Iterable[int | None], hours: Iterable[int | None] = (),
                     session: Session | None = None) -> None:
    """Re-count the tallies of the `tallied` villages and the monthly hours of the `hours` villages from
    their learners and hour records: per 500 villages, one lock, three statements for the tallies and
    two for the monthly hours. Called by lms.summaries only."""
    session = session or db.session
    connection = session.connection()
    tallied = {village_id for village_id in tallied if village_id is not None}
    hours = {village_id for village_id in hours if village_id is not None}
    ordered = sorted(tallied | hours)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        _take_turns(connection, chunk)
        counted = [village_id for village_id in chunk if village_id in tallied]
        if counted:
            cohorts = set(connection.scalars(select(Learner.cohort).distinct().where(Learner.village_id.in_(counted))))
            connection.execute(delete(LearnerTally).where(LearnerTally.village_id.in_(counted)))
            if cohorts:
                ids = select(Learner.id).where(Learner.village_id.in_(counted))
                counting = (_counting(policies_for(cohorts, session=session), ids)
                            .where(Learner.village_id.in_(counted)))
                connection.execute(insert(LearnerTally).from_select([*TALLY_FIELDS, "band", "learners"], counting))
        summed = [village_id for village_id in chunk if village_id in hours]
        if summed:
            connection.execute(delete(VillageMonthHours).where(VillageMonthHours.village_id.in_(summed)))
            connection.execute(insert(VillageMonthHours).from_select(HOURS_FIELDS, _village_hours(summed)))


def lock_villages(village_ids: Iterable[int | None], session: Session | None = None) -> None:
    """Take the villages' turn (their rows locked in id order until the transaction ends; PostgreSQL only:
    SQLite's write lock already makes writers take turns), as `recount_villages` does, before changing
    their tallies or monthly hours by a difference. Called by lms.summaries only."""
    session = session or db.session
    ids = sorted({village_id for village_id in village_ids if village_id is not None})
    connection = session.connection()
    if ids and connection.dialect.name != "sqlite":
        for start in range(0, len(ids), CHUNK):
            _take_turns(connection, ids[start:start + CHUNK])


_GROUPS: dict[tuple, object] = {}      # tally_groups' statement per set of band rules (building it costs ~10 ms)


def _groups_statement(policies: Mapping[int, Policy]):
    key = tuple(sorted((cohort, tuple(sorted(policy.hours_categories)), policy.hours_required_minutes,
                        policy.hours_after_period) for cohort, policy in policies.items()))
    statement = _GROUPS.get(key)
    if statement is None:
        ids = bindparam("learner_ids", expanding=True)
        statement = _counting(policies, ids).where(Learner.id.in_(ids))
        if len(_GROUPS) > 100:
            _GROUPS.clear()
        _GROUPS[key] = statement
    return statement


def tally_groups(learner_ids: Iterable[int], policies: Mapping[int, Policy],
                 session: Session | None = None) -> Counter:
    """{(village_id, class_id, cohort, prior_education, status, status_changed_on, enrolled_on, band): learners}
    for these learners alone (of `policies`' cohorts), counted by the very SQL that counts a village: one
    statement. A save reads it before and after writing, and `move_tallies` applies the difference."""
    session = session or db.session
    ids = sorted(set(learner_ids))
    groups = Counter()
    for start in range(0, len(ids), CHUNK):
        for row in session.connection().execute(_groups_statement(policies), {"learner_ids": ids[start:start + CHUNK]}):
            groups[tuple(row[:-1])] += row[-1]
    return groups


def move_tallies(before: Counter, after: Counter, session: Session | None = None) -> None:
    """Change the stored tallies by `after` − `before` (tally_groups of the same learners before and after a
    write), in the writer's transaction: one read of the villages' rows, then at most one UPDATE (executed
    for many rows), one INSERT and one DELETE. A stored count that would go below zero means the tallies
    were already off: those villages are re-counted instead. Called by lms.summaries only, the villages'
    turn taken (lock_villages)."""
    session = session or db.session
    change = Counter(after)
    change.subtract(before)
    change = {key: moved for key, moved in change.items() if moved}
    if not change:
        return
    connection = session.connection()
    villages = sorted({key[0] for key in change})
    columns = [getattr(LearnerTally, name) for name in (*TALLY_FIELDS, "band")]
    stored = {tuple(row[2:]): (row[0], row[1]) for row in connection.execute(
        select(LearnerTally.id, LearnerTally.learners, *columns).where(LearnerTally.village_id.in_(villages)))}
    off = {key[0] for key, moved in change.items() if stored.get(key, (None, 0))[1] + moved < 0}
    if off:
        recount_villages(off, (), session)
    updates, inserts, deletes = [], [], []
    for key, moved in change.items():
        row_id, learners = stored.get(key, (None, 0))
        if key[0] in off:
            continue
        if row_id is None:
            inserts.append({**dict(zip((*TALLY_FIELDS, "band"), key, strict=True)), "learners": moved})
        elif learners + moved == 0:
            deletes.append(row_id)
        else:
            updates.append({"row_id": row_id, "moved": moved})
    if updates:
        connection.execute(update(LearnerTally).where(LearnerTally.id == bindparam("row_id"))
                           .values(learners=LearnerTally.learners + bindparam("moved")), updates)
    if inserts:
        connection.execute(insert(LearnerTally), inserts)
    if deletes:
        connection.execute(delete(LearnerTally).where(LearnerTally.id.in_(deletes)))


def add_village_hours(minutes: Mapping[tuple[int, int], Mapping[str, int]], session: Session | None = None) -> None:
    """Add {(village_id, month): {"face_minutes": …, "live_minutes": …}} to the villages' monthly hours (the
    difference a save made; a row is created when missing, even at zero: a fresh count has a row for every
    village and month with attendance), one statement. Called by lms.summaries only, the villages' turn taken."""
    session = session or db.session
    if not minutes:
        return
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    names = ("face_minutes", "live_minutes", "platform_minutes", "self_minutes")
    rows = [{"village_id": village_id, "month": month, **{name: added.get(name, 0) for name in names}}
            for (village_id, month), added in sorted(minutes.items())]
    statement = dialect.insert(VillageMonthHours)
    statement = statement.on_conflict_do_update(
        index_elements=["village_id", "month"],
        set_={name: getattr(VillageMonthHours, name) + getattr(statement.excluded, name) for name in names})
    connection.execute(statement, rows)


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
