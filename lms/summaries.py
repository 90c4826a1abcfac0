"""The dashboard's summaries, kept in one explicit way: a write that changes what they count says so.

Four tables hold figures too slow to compute on demand at province size (docs/DEVELOPING.md,
"Summaries kept for the dashboard"): `learner_hours` (lms.teaching.hours), `learner_tallies` and
`village_month_hours` (lms.reports.tallies), `cadence_standings` (lms.reports.standings). They are kept
true in the writer's transaction, never by a nightly job, and only through this module: every service,
import and loader that writes what they summarise declares it, after writing, with

    learners_changed(ids, moved_from=())  learners added, or changed in what the tallies count (village,
                                          class, cohort, prior education, status and its date, enrolment
                                          date); `moved_from`: the villages learners left
    hours_changed(ids)                    attendance, platform, approved self-study or carried-in hours of these learners
                                          written, or a session of theirs changed day, mode or cancellation
    with attendance_marked(s, changes, learners):
                                          the writes of one attendance sheet: the summaries change by the
                                          difference it made instead of being re-counted
    sessions_changed(class_ids)           sessions of these classes added or changed (day, minutes, mode,
                                          cancellation, class), or a class's cohort changed
    policy_changed(cohort)                a new policy version of the cohort (R4 and the R6 bands)

A declaration flushes and re-counts what it names at once, a fixed number of statements per 500
learners or villages. Saving an attendance sheet, the hot path, re-counts nothing: `attendance_marked`
adds each learner's difference in minutes to learner_hours and the villages' monthly hours, and moves the
few learners whose R6 hours band changed (two or three statements, five or six when a band can move). Inside `collected()` — an import's write —
the villages' re-counts and the standings wait and run once when it ends, however many rows declared
them; inside `counted_once_at_the_end()` — the demo loader — everything is re-counted once at the end.

In tests (config SUMMARIES_GUARD) `guard_declarations` watches every flush and bulk statement: a change to
a summarised column that no declaration covers fails the commit, or the test, loudly.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from lms.extensions import db

_BATCH = "summaries:batch"


@dataclass
class _Work:
    """What declarations named and is not re-counted yet."""

    learners: set[int] = field(default_factory=set)     # the tallies of their villages
    hours: set[int] = field(default_factory=set)        # their villages' tallies and monthly hours
    moved: set[int] = field(default_factory=set)        # learners who changed village: monthly hours too
    villages: set[int] = field(default_factory=set)     # villages learners left: tallies and monthly hours
    classes: set[int] = field(default_factory=set)      # standings to forget
    cohorts: set[int] = field(default_factory=set)      # their villages' tallies, their classes' standings
    rebuild: bool = False                               # re-count everything instead (the demo)

    def add(self, other: _Work) -> None:
        for name in ("learners", "hours", "moved", "villages", "classes", "cohorts"):
            getattr(self, name).update(getattr(other, name))


# --- the declarations ---------------------------------------------------------------------------------

def learners_changed(learner_ids: Iterable[int], *, moved_from: Iterable[int | None] = (),
                     session: Session | None = None) -> None:
    """Learners were added, or changed in something the tallies count: re-count their villages' tallies.
    `moved_from`: the villages they left (a learner moved village), whose tallies and monthly hours are
    re-counted with those of the villages they are in now."""
    session = session or db.session
    ids = set(learner_ids)
    villages = {village_id for village_id in moved_from if village_id is not None}
    _declare(session, _Work(learners=ids, moved=ids if villages else set(), villages=villages),
             learner=ids, village=villages)


def hours_changed(learner_ids: Iterable[int], *, session: Session | None = None) -> None:
    """Attendance, platform records or approved self-study of these learners were written (or a session
    they attended changed day, mode or cancellation): refresh their learner_hours rows at once, and
    re-count their villages' tallies (R6 bands) and monthly hours."""
    from lms.teaching.hours import recount_learner_hours

    session = session or db.session
    ids = set(learner_ids)
    session.flush()
    recount_learner_hours(ids, session)     # per learner, read by the rules: never waits for a batch's end
    _declare(session, _Work(hours=ids), hours=ids)


@contextmanager
def attendance_marked(class_session, changes: Mapping[int, tuple[int, int]], learners: Mapping[int, object], *,
                      policies: Mapping | None = None, session: Session | None = None) -> Iterator[None]:
    """with attendance_marked(class_session, {learner_id: (minutes before, minutes after)}, {learner_id: Learner}):
    write the sheet's rows — the declaration of one attendance sheet's save (every learner on it, their
    minutes before and after; 0 before for a new row), for a session that counts (not cancelled).

    Instead of re-counting the learners and their villages it changes the summaries by the difference the
    save made, in the writer's transaction: learner_hours and the villages' monthly hours get each learner's
    added minutes (one statement each); only when the session's category counts toward a cohort's R6 hours
    are the tallies of the learners whose minutes changed read before and after the write (the same SQL as
    a re-count), and the difference applied. On PostgreSQL the learners' and their villages' turns are
    taken first (row locks in id order, as every writer of hours takes them), so that two teachers saving
    sessions of one class add up. `policies`: {cohort: Policy} the caller read already. Inside `collected()` or `counted_once_at_the_end()` it declares
    hours_changed instead."""
    from lms.reports import tallies
    from lms.rules import session_category
    from lms.teaching.hours import add_learner_hours, lock_learners

    session = session or db.session
    if session.info.get(_BATCH) is not None:
        yield
        hours_changed(changes, session=session)
        return
    session.flush()
    category = session_category(class_session.mode)
    locked = lock_learners(changes, session)      # PostgreSQL: their village and cohort as they are now
    place = {learner_id: locked.get(learner_id) or (learners[learner_id].village_id, learners[learner_id].cohort)
             for learner_id in changes}
    tallies.lock_villages({village_id for village_id, _cohort in place.values()}, session)
    added = {learner_id: after - before for learner_id, (before, after) in changes.items() if after != before}
    banded = []
    if added:
        from lms.policies.services import policies_for

        cohorts = {place[learner_id][1] for learner_id in added}
        policies = dict(policies or {})
        if cohorts - set(policies):
            policies.update(policies_for(cohorts - set(policies), session=session))
        policies = {cohort: policies[cohort] for cohort in cohorts}
        banded = [learner_id for learner_id in added if category in policies[place[learner_id][1]].hours_categories]
    bands_before = tallies.tally_groups(banded, policies, session) if banded else None
    yield
    session.flush()
    _Guard.declared(session, {"hours": set(changes)})
    add_learner_hours({learner_id: {category: minutes} for learner_id, minutes in added.items()}, session)
    month = class_session.held_on.year * 100 + class_session.held_on.month
    column = "face_minutes" if category == "F" else "live_minutes"
    by_village: dict[tuple[int, int], dict[str, int]] = {}
    for learner_id in changes:
        minutes = by_village.setdefault((place[learner_id][0], month), {column: 0})
        minutes[column] += added.get(learner_id, 0)
    tallies.add_village_hours(by_village, session)
    if banded:
        tallies.move_tallies(bands_before, tallies.tally_groups(banded, policies, session), session)


def sessions_changed(class_ids: Iterable[int | None], *, session: Session | None = None) -> None:
    """Sessions of these classes were added or changed (day, minutes, mode, cancellation, class), or the
    class's cohort changed: forget their R4 standings, so the dashboard judges them again."""
    session = session or db.session
    ids = {class_id for class_id in class_ids if class_id is not None}
    _declare(session, _Work(classes=ids), **{"class": ids})


def policy_changed(cohort: int, *, session: Session | None = None) -> None:
    """A new policy version of `cohort`: re-band its learners (their villages' tallies) and forget its
    classes' R4 standings."""
    session = session or db.session
    _declare(session, _Work(cohorts={cohort}), cohort={cohort})


@contextmanager
def collected(session: Session | None = None) -> Iterator[None]:
    """with collected(): … — the declarations made inside re-count the villages and forget the standings
    once, on leaving (still in the writer's transaction), instead of once each: an import writing many
    rows (lms.imports.pipeline). learner_hours rows are still refreshed at each declaration. On an
    exception nothing is re-counted: the caller rolls the writes back."""
    session = session or db.session
    if session.info.get(_BATCH) is not None:        # already collecting: the outer one re-counts
        yield
        return
    with _batch(session, _Work()):
        yield


@contextmanager
def counted_once_at_the_end(session: Session | None = None) -> Iterator[None]:
    """with counted_once_at_the_end(): … — for a loader that writes a whole county in one transaction (the
    demo): no village is re-counted on the way, and on leaving every village's tallies and monthly hours
    are counted afresh and every standing forgotten. learner_hours rows are refreshed as declared."""
    with _batch(session or db.session, _Work(rebuild=True)):
        yield


@contextmanager
def _batch(session: Session, work: _Work) -> Iterator[None]:
    session.info[_BATCH] = work
    try:
        yield
    finally:
        session.info.pop(_BATCH, None)
    _apply(session, work)


def _declare(session: Session, work: _Work, **covered: set) -> None:
    """Record `work` in the open batch, or do it now."""
    session.flush()             # the declared rows are in the database (and the guard has seen them)
    _Guard.declared(session, covered)
    batch = session.info.get(_BATCH)
    if batch is not None:
        batch.add(work)
    else:
        _apply(session, work)


def _apply(session: Session, work: _Work) -> None:
    """Re-count the villages and forget the standings `work` names, in the session's transaction."""
    from lms.reports import standings, tallies

    session.flush()
    if work.rebuild:
        tallies.rebuild_tallies(session)
        standings.forget_all(session)
        _Guard.rebuilt(session)
        return
    # One look-up of villages for a single declaration (`moved` is a part of `learners`).
    with_hours = _villages_of(session, work.hours | work.moved)
    tallied = with_hours | _villages_of(session, work.learners - work.hours - work.moved) | work.villages
    if work.cohorts:
        tallied |= _villages_of_cohorts(session, work.cohorts)
    if tallied:
        tallies.recount_villages(tallied, with_hours | work.villages, session)
    if work.classes or work.cohorts:
        standings.forget(work.classes, work.cohorts, session)


def _villages_of(session: Session, learner_ids: set[int]) -> set[int]:
    """The villages of these learners (one query per 5,000)."""
    from lms.learners.models import Learner

    ids, villages = sorted(learner_ids), set()
    for start in range(0, len(ids), 5000):
        villages.update(session.connection().scalars(
            select(Learner.village_id).distinct().where(Learner.id.in_(ids[start:start + 5000]))))
    return villages


def _villages_of_cohorts(session: Session, cohorts: set[int]) -> set[int]:
    from lms.learners.models import Learner

    return set(session.connection().scalars(select(Learner.village_id).distinct().where(Learner.cohort.in_(cohorts))))


# --- the guard (tests) --------------------------------------------------------------------------------

class UndeclaredSummaryChange(AssertionError):
    """A write changed what a summary counts and no declaration of this module covered it."""


_OWED = "summaries:owed"
_SNAPSHOTS = "summaries:snapshots"
_DECLARE_WITH = {"learner": "learners_changed", "village": "learners_changed(…, moved_from=…)",
                 "hours": "hours_changed", "class": "sessions_changed", "cohort": "policy_changed"}


class _Guard:
    """What flushes and bulk statements changed that the summaries count, per session, until declared.

    `owed` maps a kind (learner, village, hours, class, cohort) to the ids a declaration must name; the
    id None stands for rows of a bulk statement, covered by any later declaration of that kind. A
    savepoint rolled back restores what was owed when it began; the end of the transaction forgets all."""

    installed = False

    @staticmethod
    def owed(session: Session) -> dict[str, set]:
        return session.info.setdefault(_OWED, {})

    @classmethod
    def owe(cls, session: Session, kind: str, keys: Iterable) -> None:
        keys = set(keys)
        if keys:
            cls.owed(session).setdefault(kind, set()).update(keys)

    @staticmethod
    def declared(session: Session, covered: dict[str, set]) -> None:
        owed = session.info.get(_OWED)
        if not owed:
            return
        for kind, keys in covered.items():
            if kind in owed:
                owed[kind] -= {None, *keys}

    @staticmethod
    def rebuilt(session: Session) -> None:
        """Everything but learner_hours was counted afresh: only undeclared hours stay owed."""
        owed = session.info.get(_OWED)
        if owed:
            for kind in list(owed):
                if kind != "hours":
                    del owed[kind]


def undeclared(session: Session | None = None) -> dict[str, set]:
    """{kind: ids} the guard saw written and no declaration covered (empty when all is declared)."""
    session = session or db.session
    return {kind: keys for kind, keys in session.info.get(_OWED, {}).items() if keys}


def assert_declared(session: Session | None = None) -> None:
    """Raise UndeclaredSummaryChange when the guard saw a summarised change that was not declared."""
    missing = undeclared(session)
    if missing:
        raise UndeclaredSummaryChange(
            "a write changed what the dashboard's summaries count without declaring it; declare it with "
            + "; ".join(f"lms.summaries.{_DECLARE_WITH[kind]} for {_ids(keys)}" for kind, keys in sorted(missing.items()))
            + " (docs/DEVELOPING.md, section 'Summaries kept for the dashboard')")


def _ids(keys: set) -> str:
    named = sorted(key for key in keys if key is not None)
    return ", ".join([*(str(key) for key in named[:10]), *(["…"] if len(named) > 10 else []),
                      *(["a bulk statement"] if None in keys else [])])


def guard_declarations() -> None:
    """Watch every session for summarised changes no declaration covers (tests: config SUMMARIES_GUARD).
    A commit with something undeclared raises UndeclaredSummaryChange; tests/conftest.py checks again at
    the end of each test (a test's writes are rolled back, never committed)."""
    if _Guard.installed:
        return
    _Guard.installed = True
    event.listen(Session, "after_flush", _watch_flush)
    event.listen(Session, "do_orm_execute", _watch_statement)
    event.listen(Session, "before_commit", _check_commit)
    event.listen(Session, "after_transaction_create", _remember_savepoint)
    event.listen(Session, "after_soft_rollback", _forget_rolled_back)
    event.listen(Session, "after_transaction_end", _forget_at_end)


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _old_and_new(obj, name) -> set:
    history = inspect(obj).attrs[name].history
    return {*history.deleted, getattr(obj, name)} - {None}


_LEARNER = ("village_id", "class_id", "cohort", "prior_education", "status", "status_changed_on", "enrolled_on")
_SESSION = ("class_id", "held_on", "minutes", "mode", "cancelled_at")
_SESSION_HOURS = ("held_on", "mode", "cancelled_at")
_HOUR_ROWS = {"attendance": ("learner_id", "session_id", "status", "minutes"),
              "platform_records": ("learner_id", "minutes", "studied_on"),
              "self_study_entries": ("learner_id", "minutes", "studied_on", "status"),
              "carried_hours": ("learner_id", "minutes", "carried_on", "category", "voided_at")}


def _watch_flush(session: Session, _context) -> None:
    from lms.learners.models import Learner
    from lms.policies.models import PolicyVersion
    from lms.teaching.models import Attendance, ClassSession, TeachingClass

    owe = _Guard.owe
    for obj in session.new:
        table = getattr(obj, "__tablename__", None)
        if isinstance(obj, Learner):
            owe(session, "learner", {obj.id})
        elif isinstance(obj, ClassSession):
            owe(session, "class", {obj.class_id})
        elif isinstance(obj, PolicyVersion):
            owe(session, "cohort", {obj.cohort})
        elif table in _HOUR_ROWS and (table != "self_study_entries" or obj.status == "approved"):
            owe(session, "hours", {obj.learner_id})
    for obj in list(session.dirty) + list(session.deleted):
        gone = obj in session.deleted
        table = getattr(obj, "__tablename__", None)
        if isinstance(obj, Learner) and (gone or _changed(obj, _LEARNER)):
            owe(session, "learner", {obj.id})
            moved = _old_and_new(obj, "village_id")
            if gone or len(moved) > 1:
                owe(session, "village", moved if gone else moved - {obj.village_id})
        elif isinstance(obj, ClassSession) and (gone or _changed(obj, _SESSION)):
            owe(session, "class", _old_and_new(obj, "class_id"))
            if gone or _changed(obj, _SESSION_HOURS):
                owe(session, "hours", session.connection().scalars(
                    select(Attendance.learner_id).where(Attendance.session_id == obj.id)))
        elif isinstance(obj, TeachingClass) and _changed(obj, ("cohort",)):
            owe(session, "class", {obj.id})
        elif table in _HOUR_ROWS and (gone or _changed(obj, _HOUR_ROWS[table])):
            if table == "self_study_entries" and "approved" not in _old_and_new(obj, "status"):
                continue
            owe(session, "hours", _old_and_new(obj, "learner_id"))


# Bulk statements: table → (the kind a declaration must cover, the columns that matter; None: all).
_BULK = {"learners": ("learner", set(_LEARNER)), "attendance": ("hours", None),
         "platform_records": ("hours", None), "self_study_entries": ("hours", None),
         "carried_hours": ("hours", None),
         "sessions": ("class", set(_SESSION)), "classes": ("class", {"cohort"}),
         "policy_versions": ("cohort", None)}


def _watch_statement(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    kind, columns = _BULK.get(getattr(table, "name", None), (None, None))
    if kind is None:
        return
    if state.is_update and columns is not None:
        given = getattr(state.statement, "_values", None) or {}
        if not given:       # UPDATE by primary key with parameter rows: their keys name the columns
            rows = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
            given = rows[0] if rows else {}
        written = {key if isinstance(key, str) else getattr(key, "key", None) or getattr(key, "name", None)
                   for key in given}
        if written and not written & columns:
            return          # e.g. the attendance sheet's lock `version`, a learner's roster entry
    if state.is_insert and kind == "class" and table.name == "classes":
        return              # a new class has no standing yet
    _Guard.owe(state.session, kind, {None})


def _check_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        assert_declared(session)


def _remember_savepoint(session: Session, transaction) -> None:
    if transaction.nested:
        owed = session.info.get(_OWED, {})
        session.info.setdefault(_SNAPSHOTS, {})[transaction] = {kind: set(keys) for kind, keys in owed.items()}


def _forget_rolled_back(session: Session, previous) -> None:
    if previous.nested:
        before = session.info.get(_SNAPSHOTS, {}).pop(previous, None)
        if before is not None:
            session.info[_OWED] = before
    elif previous.parent is None:
        session.info.pop(_OWED, None)
        session.info.pop(_SNAPSHOTS, None)


def _forget_at_end(session: Session, transaction) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_OWED, None)
        session.info.pop(_SNAPSHOTS, None)
