"""R4 standings: each class's cadence judgement, kept so the dashboard judges only what changed.

Judging R4 for every class of a province (25,000 classes) takes seconds; the judgement of a class as
of a day stays the same until the class's next session or the first of the next month. So the
dashboard stores what it judged (`CadenceStanding`, with the days it holds for — and, when no session
is due before the month ends, next month's judgement too) and re-judges only classes without a
standing valid on the report day.

What keeps a stored standing true is not a nightly job: every write that adds or changes a session
(day, minutes, mode, cancellation, class), a class's cohort or a cohort's policy says so
(lms.summaries.sessions_changed, policy_changed), and `forget` deletes the affected standings in the
same transaction. (The UPDATEs that bump the attendance lock `version` change nothing R4 reads.)
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lms.core.db import cache_in_read
from lms.extensions import db
from lms.policies.services import policies_for
from lms.reports.models import CadenceStanding
from lms.rules import Policy, SessionFacts, class_cadence
from lms.teaching.models import ClassSession, TeachingClass

WINDOW_MONTHS = 12
_SESSION_FIELDS = ("class_id", "held_on", "minutes", "mode", "cancelled_at")


@dataclass(frozen=True)
class Judgement:
    """One class's R4 result, true for report days from `valid_from` up to the day before `valid_until`."""

    ok: bool
    failing_months: int
    reason: str
    valid_from: dt.date
    valid_until: dt.date


@dataclass(frozen=True)
class ClassToJudge:
    """What R4 needs of a class besides its sessions."""

    id: int
    cohort: int
    created_on: dt.date


def window_start(as_of: dt.date) -> dt.date:
    """The first day of the earliest month judged: twelve months up to and including as_of's."""
    index = as_of.year * 12 + as_of.month - 1 - (WINDOW_MONTHS - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def sessions_from(as_of: dt.date) -> dt.date:
    """The first session day read to judge R4 as of `as_of`: the yearly route looks at whole years, from the
    window's first year, and a training crossing into that year from December is one training (counted in
    the year it began, or of most of its days): so from 1 December before it. (A training reaching back
    before December is seen from 1 December: the same year when counted by its start, a shorter first part
    when counted by most days.)"""
    return dt.date(window_start(as_of).year - 1, 12, 1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def judge_classes(classes: Iterable[ClassToJudge], class_ids, as_of: dt.date,
                  policies: dict[int, Policy]) -> dict[int, tuple[Judgement, ...]]:
    """{class id: (Judgement as of `as_of`[, Judgement as of the first of next month])} by the engine,
    reading the sessions of `class_ids` (a list or a sub-select naming the same classes as `classes`)
    in one query. The second judgement is made when no session falls before the month ends: it is
    already determined by the stored sessions (a new one deletes it), so the first view of a new
    month reads it instead of judging every class again."""
    sessions: dict[int, list[SessionFacts]] = defaultdict(list)
    for class_id, held_on, mode, minutes in db.session.execute(
            select(ClassSession.class_id, ClassSession.held_on, ClassSession.mode, func.sum(ClassSession.minutes))
            .where(ClassSession.class_id.in_(class_ids), ClassSession.cancelled_at.is_(None),
                   ClassSession.held_on >= sessions_from(as_of))
            .group_by(ClassSession.class_id, ClassSession.held_on, ClassSession.mode)):
        sessions[class_id].append(SessionFacts(held_on, int(minutes), mode))
    judged = {}
    for item in classes:
        current = _judge(item, sessions.get(item.id, []), as_of, policies[item.cohort])
        if current.valid_until == next_month(as_of):
            judged[item.id] = (current, _judge(item, sessions.get(item.id, []), current.valid_until,
                                               policies[item.cohort]))
        else:
            judged[item.id] = (current,)
    return judged


def _judge(item: ClassToJudge, sessions: list[SessionFacts], as_of: dt.date, policy: Policy) -> Judgement:
    """The engine's R4 for one class as of `as_of`, valid until its next session or the next month."""
    start = window_start(as_of)
    facts = [fact for fact in sessions if fact.held_on <= as_of]
    upcoming = min((fact.held_on for fact in sessions if fact.held_on > as_of), default=dt.date.max)
    first = min((fact.held_on for fact in facts), default=min(as_of, item.created_on))
    report = class_cadence(facts, max(start, first.replace(day=1)), as_of, policy)
    return Judgement(report.result.ok, len(report.failing_months), report.result.reason, as_of,
                     min(next_month(as_of), upcoming))


def remember(judged: dict[int, tuple[Judgement, ...]], as_of: dt.date) -> None:
    """Store the judgements as standings, replacing a class's standings unless one was judged for a
    later day (a look at a past date never displaces today's). Best effort, through
    lms.core.db.cache_in_read (in the dashboard's own read, committed at once): when another request
    stored the same class first, or SQLite's write lock is taken, nothing is stored and the next view
    judges again — a standing is a cache, the figures never depend on it."""
    if not judged:
        return
    with cache_in_read(db.session):
        ids = list(judged)
        newer = set(db.session.scalars(select(CadenceStanding.class_id).where(
            CadenceStanding.class_id.in_(ids), CadenceStanding.valid_from > as_of)))
        replaced = [class_id for class_id in ids if class_id not in newer]
        db.session.execute(delete(CadenceStanding).where(CadenceStanding.class_id.in_(replaced)))
        rows = [{"class_id": class_id, "valid_from": item.valid_from, "valid_until": item.valid_until,
                 "ok": item.ok, "failing_months": item.failing_months, "reason": item.reason[:500]}
                for class_id in replaced for item in judged[class_id]]
        if rows:
            db.session.execute(CadenceStanding.__table__.insert(), rows)


def forget(class_ids: Iterable[int] = (), cohorts: Iterable[int] = (), session: Session | None = None) -> None:
    """Delete the standings of these classes and of every class of these cohorts (one statement each).
    Called by lms.summaries only."""
    session = session or db.session
    class_ids, cohorts = sorted(set(class_ids)), sorted(set(cohorts))
    if class_ids:
        session.connection().execute(delete(CadenceStanding).where(CadenceStanding.class_id.in_(class_ids)))
    if cohorts:
        session.connection().execute(delete(CadenceStanding).where(CadenceStanding.class_id.in_(
            select(TeachingClass.id).where(TeachingClass.cohort.in_(cohorts)))))


def forget_all(session: Session | None = None) -> None:
    """Delete every standing (the demo loader, which writes a whole county at once)."""
    (session or db.session).connection().execute(delete(CadenceStanding))


def standings_drift() -> set[int]:
    """Classes with a stored standing that differs from the engine's judgement of the class afresh on the
    standing's first day (empty when every standing is true). For tests, not for pages."""
    stored = list(db.session.scalars(select(CadenceStanding)))
    if not stored:
        return set()
    classes = {row.id: ClassToJudge(row.id, row.cohort, row.created_at.date()) for row in db.session.execute(
        select(TeachingClass.id, TeachingClass.cohort, TeachingClass.created_at)
        .where(TeachingClass.id.in_({row.class_id for row in stored})))}
    policies = policies_for({item.cohort for item in classes.values()})
    drifted = set()
    for day in {row.valid_from for row in stored}:
        ids = sorted({row.class_id for row in stored if row.valid_from == day})
        judged = judge_classes([classes[class_id] for class_id in ids], ids, day, policies)
        for row in stored:
            if row.valid_from != day:
                continue
            fresh = judged[row.class_id][0]
            if (row.ok, row.failing_months, row.reason, row.valid_until) != (
                    fresh.ok, fresh.failing_months, fresh.reason[:500], fresh.valid_until):
                drifted.add(row.class_id)
    return drifted
