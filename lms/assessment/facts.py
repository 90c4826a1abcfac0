"""THE one place that turns database rows into the policy engine's facts (lms.rules.LearnerFacts).

Set-based: a fixed number of queries for any number of learners (ids are read in chunks of
CHUNK), plus one hour query per distinct facts cut-off day (see learner_facts).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select, text

from lms.assessment.models import AssessmentResult, AssignmentCompletion, MoralEvaluation
from lms.extensions import db
from lms.learners.models import Learner, StatusEvent
from lms.learners.studying import STOPPING_KINDS
from lms.policies.services import policy_for
from lms.recognition.models import RecognitionApplication, RecognitionItem
from lms.rules import (
    CourseFacts,
    HourTotals,
    LearnerFacts,
    Policy,
    facts_cutoff,
    learner_period_end,
    period_end_as_of,
    study_stops,
    suspended_since,
)
from lms.teaching.hours import hour_totals_statement
from lms.teaching.models import Course

#: Learner ids per IN (...) list: well under SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 900


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    """The ids in lists of at most `size` (in the order given, duplicates removed)."""
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), size):
        yield unique[start:start + size]


def required_titles(count: int) -> tuple[str, ...]:
    """The required assignments of a course with Course.required_assignments = count: 作业1 … 作业N."""
    return tuple(f"作业{number}" for number in range(1, count + 1))


def hour_totals(learner_ids: Iterable[int], until: dt.date, within_period: Iterable[int] = ()
                ) -> dict[int, HourTotals]:
    """Credited minutes per hour category of each learner, counting only hours dated ≤ until (and, for
    learners of the `within_period` cohorts, ≤ their period end: lms.teaching.hours.hour_totals_statement).

    The teaching module's set-based hour query (lms.teaching.hours) is the one source of hours;
    this only asks it chunk by chunk. Learners with no hours get HourTotals().
    """
    learner_ids = list(dict.fromkeys(learner_ids))
    totals = _hour_rows(learner_ids, until, within_period)
    return {learner_id: HourTotals(*totals[learner_id]) if learner_id in totals else HourTotals()
            for learner_id in learner_ids}


Parts = tuple[int, int, int, int]


def _hour_rows(learner_ids: list[int] | None, until: dt.date, within_period: Iterable[int]) -> dict[int, Parts]:
    """{learner_id: (F, L, P, S) parts} by hour_totals_statement, chunk by chunk (`learner_ids` None: everyone
    in one statement); learners without hours are absent. Plain ints, no HourTotals: a county's worth of rows."""
    within_period = tuple(within_period)
    rows: dict[int, Parts] = {}
    if learner_ids is None and db.session.get_bind().dialect.name == "postgresql":
        # Everyone's hours: PostgreSQL would JIT-compile this one statement for ≈ 0.8 s at 100,000 learners
        # (EXPLAIN ANALYZE, bench/README.md) and gain less back; for the rest of this transaction only.
        db.session.execute(text("SET LOCAL jit = off"))
    for ids in [None] if learner_ids is None else chunks(learner_ids):
        for learner_id, face, live, platform, self_study in db.session.execute(
                hour_totals_statement(learners=ids, as_of=until, within_period=within_period)):
            # int(): PostgreSQL sums bigints into numeric (Decimal).
            rows[learner_id] = (int(face), int(live), int(platform), int(self_study))
    return rows


class _Learner(NamedTuple):        # a tuple: a county's worth are built per run
    id: int
    cohort: int
    birth_on: dt.date
    enrolled_on: dt.date
    prior_education: str
    period_end_on: dt.date
    status: str
    specialty_id: int
    status_changed_on: dt.date | None


def _policies(cohorts: Iterable[int]) -> dict[int, Policy]:
    return {cohort: policy_for(cohort) for cohort in set(cohorts)}


def learner_facts(learner_ids: Iterable[int], as_of: dt.date) -> dict[int, LearnerFacts]:
    """The engine's facts for each learner as of `as_of` (see facts_and_policies)."""
    return facts_and_policies(learner_ids, as_of)[0]


def _among(stmt, column, ids: list[int] | None):
    """`stmt` limited to rows whose `column` is one of `ids` (None: every learner, no list at all)."""
    return stmt if ids is None else stmt.where(column.in_(ids))


def withdrawal_dates(learner_ids: list[int] | None) -> dict[int, dt.date]:
    """The date of each learner's (latest) 退学 status event, for those who have one: the withdrawal date of
    their LearnerFacts and of their 写实性学习证明. One query (`learner_ids` None: every learner)."""
    return dict(db.session.execute(_among(
        select(StatusEvent.learner_id, func.max(StatusEvent.occurred_on)).where(StatusEvent.kind == "withdraw",
                                                                               StatusEvent.standing()),
        StatusEvent.learner_id, learner_ids).group_by(StatusEvent.learner_id)).all())


def leaving_dates(learner_ids: list[int] | None) -> dict[int, dt.date]:
    """The date of each learner's standing 转出/注销/死亡 event, for those who have one: LearnerFacts.left_on.
    One query (`learner_ids` None: every learner)."""
    return dict(db.session.execute(_among(
        select(StatusEvent.learner_id, func.max(StatusEvent.occurred_on)).where(
            StatusEvent.kind.in_(("transfer_out", "cancel", "death")), StatusEvent.standing()),
        StatusEvent.learner_id, learner_ids).group_by(StatusEvent.learner_id)).all())


def facts_and_policies(learner_ids: Iterable[int] | None, as_of: dt.date, *, courses: bool = True,
                       ) -> tuple[dict[int, LearnerFacts], dict[int, Policy]]:
    """The engine's facts for each learner as of `as_of`, and the policy that judges each
    (policy_for(cohort)); ids of no learner are left out. `learner_ids` None: every learner.

    THE builder of LearnerFacts: the graduation audit, the certificates, the learning account and
    `flask lms hours` all read their facts here. For each learner, every fact is cut off at
    lms.rules.facts_cutoff(as_of, period end, the cohort's policy) — min(as_of, end of the R12
    re-sit window) — as the engine requires: assignments by completed_on, attempts by sat_on
    (voided ones never count), exemptions and awarded credits of APPROVED applications by
    decided_on, the newest moral evaluation by evaluated_on; hours by their day up to
    lms.rules.hours_cutoff (by default the period's last day: Policy.hours_after_period). The plan is the
    active courses of the learner's (current) specialty. withdrawn_on is the date of the learner's
    退学 status event (not the date of the latest status change, which a later certificate moves), left_on
    that of its 转出/注销/死亡 (revoked events never count);
    the period end is the learner's, extended by every 复学.

    `courses=False` leaves out what only R7–R13 need — the plan's courses and the moral evaluation
    (courses=(), moral_ok=None) — for callers judging R1–R6 only (`flask lms hours`).

    Queries: nine per chunk of CHUNK learners (four with courses=False; with learner_ids None one
    statement each, without id lists), plus the hours once per distinct hours cut-off day (as_of for
    everyone whose cohort counts no hours after the period — the SQL stops at each one's period end —
    and for the others still inside the re-sit window, one more per window-end day of those past it —
    enrolment days are batch days, so a county has a handful).
    """
    everyone = learner_ids is None
    learners: dict[int, _Learner] = {}
    withdrawn: dict[int, dt.date] = {}
    left: dict[int, dt.date] = {}
    status_events: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    completions: dict[tuple[int, int], list[tuple[str, dt.date]]] = defaultdict(list)
    attempts: dict[tuple[int, int], list[tuple[Decimal, dt.date]]] = defaultdict(list)
    exemptions: dict[tuple[int, int], list[tuple[str, dt.date]]] = defaultdict(list)
    awarded: dict[tuple[int, int], list[tuple[Decimal, dt.date]]] = defaultdict(list)
    morals: dict[int, list[tuple[dt.date, int, bool]]] = defaultdict(list)
    for ids in [None] if everyone else chunks(learner_ids):
        learners.update(_learners(ids))
        withdrawn.update(withdrawal_dates(ids))
        left.update(leaving_dates(ids))
        _stopping_events(ids, status_events)
        if not courses:
            continue
        for learner_id, course_id, title, on in db.session.execute(_among(
                select(AssignmentCompletion.learner_id, AssignmentCompletion.course_id, AssignmentCompletion.title,
                       AssignmentCompletion.completed_on)
                .where(AssignmentCompletion.voided_at.is_(None), AssignmentCompletion.completed_on <= as_of),
                AssignmentCompletion.learner_id, ids)):
            completions[(learner_id, course_id)].append((title, on))
        for learner_id, course_id, score, on in db.session.execute(_among(
                select(AssessmentResult.learner_id, AssessmentResult.course_id, AssessmentResult.score,
                       AssessmentResult.sat_on)
                .where(AssessmentResult.voided_at.is_(None), AssessmentResult.sat_on <= as_of),
                AssessmentResult.learner_id, ids)):
            attempts[(learner_id, course_id)].append((score, on))
        for learner_id, course_id, kind, credits, on in db.session.execute(_among(
                select(RecognitionApplication.learner_id, RecognitionItem.course_id, RecognitionItem.kind,
                       RecognitionItem.credits, RecognitionApplication.decided_on)
                .join(RecognitionApplication, RecognitionItem.application_id == RecognitionApplication.id)
                .where(RecognitionApplication.status == "approved", RecognitionApplication.decided_on <= as_of),
                RecognitionApplication.learner_id, ids)):
            if kind is None:
                awarded[(learner_id, course_id)].append((credits, on))
            else:
                exemptions[(learner_id, course_id)].append((kind, on))
        for learner_id, on, row_id, passed in db.session.execute(_among(
                select(MoralEvaluation.learner_id, MoralEvaluation.evaluated_on, MoralEvaluation.id,
                       MoralEvaluation.passed)
                .where(MoralEvaluation.evaluated_on <= as_of), MoralEvaluation.learner_id, ids)):
            morals[learner_id].append((on, row_id, passed))

    plans: dict[int, list[tuple]] = defaultdict(list)
    specialty_ids = {learner.specialty_id for learner in learners.values()} if courses else set()
    if specialty_ids:
        # Each course's columns once (no ORM objects), its required titles built once per plan, not per learner.
        for row in db.session.execute(
                select(Course.specialty_id, Course.id, Course.name, Course.kind, Course.minutes, Course.credits,
                       Course.required_assignments)
                .where(Course.specialty_id.in_(specialty_ids), Course.active.is_(True))
                .order_by(Course.position, Course.id)):
            plans[row[0]].append((*row[1:6], required_titles(row[6])))

    policies = _policies(learner.cohort for learner in learners.values())
    cutoffs = _cutoffs(learners, policies, as_of)
    hours = {learner_id: HourTotals(*parts)
             for learner_id, parts in _learner_hours(learners, policies, cutoffs, as_of, everyone).items()}

    facts: dict[int, LearnerFacts] = {}
    made: dict[tuple, CourseFacts] = {}
    for learner in learners.values():
        cutoff = cutoffs[learner.id]
        course_facts = _course_facts(learner.id, plans.get(learner.specialty_id, ()), cutoff, cutoff >= as_of,
                                     completions, attempts, exemptions, awarded, made) if courses else ()
        evaluations = sorted(e for e in morals.get(learner.id, ()) if e[0] <= cutoff)
        facts[learner.id] = LearnerFacts(
            birth_on=learner.birth_on, enrolled_on=learner.enrolled_on, prior_education=learner.prior_education,
            hours=hours.get(learner.id, HourTotals()), courses=course_facts,
            moral_ok=evaluations[-1][2] if evaluations else None,
            period_end_on=_period_end_as_of(learner, status_events.get(learner.id, ()), as_of),
            status=learner.status, withdrawn_on=withdrawn.get(learner.id), learner_id=learner.id,
            suspended_on=_suspended_on(learner, status_events.get(learner.id, ()), as_of),
            left_on=left.get(learner.id))
    return facts, {learner.id: policies[learner.cohort] for learner in learners.values()}


def _learners(ids: list[int] | None) -> dict[int, _Learner]:
    """The columns of these learners the facts need (`ids` None: every learner), one query."""
    return {row.id: _Learner(*row) for row in db.session.execute(_among(
        select(Learner.id, Learner.cohort, Learner.birth_on, Learner.enrolled_on, Learner.prior_education,
               Learner.period_end_on, Learner.status, Learner.specialty_id, Learner.status_changed_on),
        Learner.id, ids))}


def _stopping_events(ids: list[int] | None, into: dict[int, list[tuple[str, dt.date]]]) -> None:
    # 休学/复学/退学 that stand, for suspended_on — and the later ones too, for the period end as it stood
    # on as_of.
    for learner_id, kind, on in db.session.execute(_among(
            select(StatusEvent.learner_id, StatusEvent.kind, StatusEvent.occurred_on)
            .where(StatusEvent.kind.in_(STOPPING_KINDS), StatusEvent.standing())
            .order_by(StatusEvent.learner_id, StatusEvent.occurred_on, StatusEvent.id),
            StatusEvent.learner_id, ids)):
        into[learner_id].append((kind, on))


def _cutoffs(learners: dict[int, _Learner], policies: dict[int, Policy], as_of: dt.date) -> dict[int, dt.date]:
    """Each learner's facts cut-off day (lms.rules.facts_cutoff)."""
    return {learner.id: facts_cutoff(as_of, _period_end(learner, policies[learner.cohort]), policies[learner.cohort])
            for learner in learners.values()}


def _learner_hours(learners: dict[int, _Learner], policies: dict[int, Policy], cutoffs: dict[int, dt.date],
                   as_of: dt.date, everyone: bool) -> dict[int, Parts]:
    """{learner_id: (F, L, P, S) parts} counted up to lms.rules.hours_cutoff; learners without hours absent."""
    hours: dict[int, Parts] = {}
    by_cutoff: dict[dt.date, list[int]] = defaultdict(list)
    # Hours count up to lms.rules.hours_cutoff. For cohorts counting none after the period that is
    # min(as_of, the stored period end), which the SQL applies per learner (`within_period`), so they
    # share the as_of query; the others are cut off with the rest of their facts.
    stop_at_end = {cohort for cohort, policy in policies.items() if policy.hours_after_period == "none"}
    for learner in learners.values():
        by_cutoff[as_of if learner.cohort in stop_at_end else cutoffs[learner.id]].append(learner.id)
    for cutoff, ids in by_cutoff.items():
        if everyone and cutoff == as_of:        # nearly everyone: one pass over all hours, no id lists
            every = _hour_rows(None, as_of, stop_at_end)
            hours.update((learner_id, every[learner_id]) for learner_id in ids if learner_id in every)
        else:
            hours.update(_hour_rows(ids, cutoff, stop_at_end))
    return hours


class HoursFacts(NamedTuple):
    """One learner's inputs of R1, R2, R3, R5 and R6 (lms.rules.CohortRules), plain values."""

    learner_id: int
    cohort: int
    birth_on: dt.date
    enrolled_on: dt.date
    prior_education: str
    period_end_on: dt.date
    face: int
    live: int
    platform: int
    self_study: int


def hours_facts(as_of: dt.date) -> tuple[dict[int, HoursFacts], dict[int, Policy]]:
    """Every learner's R1–R3, R5 and R6 inputs as of `as_of` — exactly the values facts_and_policies(None, as_of,
    courses=False) puts in their LearnerFacts (a test compares the two) — and the policy of each cohort, as plain
    rows: three queries plus the hours (see facts_and_policies), no LearnerFacts or HourTotals per learner, for
    `flask lms hours` over a whole county."""
    learners = _learners(None)
    events: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    _stopping_events(None, events)
    policies = _policies(learner.cohort for learner in learners.values())
    # Only the cohorts counting hours after the period need each learner's cut-off day (_learner_hours).
    after_period = {i: learner for i, learner in learners.items()
                    if policies[learner.cohort].hours_after_period != "none"}
    hours = _learner_hours(learners, policies, _cutoffs(after_period, policies, as_of), as_of, True)
    none = (0, 0, 0, 0)
    facts = {learner.id: HoursFacts(learner.id, learner.cohort, learner.birth_on, learner.enrolled_on,
                                    learner.prior_education,
                                    _period_end_as_of(learner, events.get(learner.id, ()), as_of),
                                    *hours.get(learner.id, none))
             for learner in learners.values()}
    return facts, policies


_NO_TITLES: frozenset[str] = frozenset()


def _course_facts(learner_id: int, plan, cutoff: dt.date, all_count: bool, completions, attempts, exemptions,
                  awarded, made: dict[tuple, CourseFacts]) -> tuple[CourseFacts, ...]:
    """The learner's CourseFacts, one per course of the plan, with the facts dated ≤ cutoff (`all_count`: the
    cut-off is not before the queries' own as_of, so every row read counts). Built by CourseFacts.trusted: the
    database already holds checked values (a kind and an exemption the services allow, Numeric scores in 0–100
    and credits). Learners with equal facts in a course share one CourseFacts (`made`, keyed by the course and
    the learner's own values: a course id is one plan row), so the engine judges it once (graduation_decisions)."""
    trusted = CourseFacts.trusted
    built = []
    for course_id, name, kind, minutes, credits, titles in plan:
        key = (learner_id, course_id)
        done = completions.get(key)
        tried = attempts.get(key)
        excused = exemptions.get(key)
        extra = awarded.get(key)
        if all_count:
            completed = frozenset(title.strip() for title, _ in done) if done else _NO_TITLES
            sat = tuple(tried) if tried else ()
        else:
            completed = frozenset(title.strip() for title, on in done if on <= cutoff) if done else _NO_TITLES
            sat = tuple(attempt for attempt in tried if attempt[1] <= cutoff) if tried else ()
        exemption = _strongest([how for how, on in excused if on <= cutoff]) if excused else None
        credit = sum((c for c, on in extra if on <= cutoff), Decimal(0)) if extra else Decimal(0)
        key = (course_id, completed, sat, exemption, credit)
        course = made.get(key)
        if course is None:
            course = made[key] = trusted(course_id, name, kind, minutes, credits, titles, completed, sat, exemption,
                                         credit)
        built.append(course)
    return tuple(built)


def _suspended_on(learner: _Learner, events, as_of: dt.date) -> dt.date | None:
    # The current status stands in for an unrecorded suspension only when judging today or later.
    status = learner.status if learner.status_changed_on is None or learner.status_changed_on <= as_of else "studying"
    known = [(kind, on) for kind, on in events if on <= as_of]
    return suspended_since(study_stops(known, status, learner.status_changed_on), as_of, learner.enrolled_on)


def _period_end_as_of(learner: _Learner, events, as_of: dt.date) -> dt.date:
    if not events:
        return learner.period_end_on
    return period_end_as_of(learner.period_end_on, study_stops(events, "studying", None), as_of)


def _period_end(learner: _Learner, policy: Policy) -> dt.date:
    return learner_period_end(learner.enrolled_on, learner.prior_education, policy, learner.period_end_on)


# Services allow one exemption per course; should two ever be approved, the more generous counts.
_EXEMPTION_ORDER = ("exempt_study", "exempt_exam", "waived")


def _strongest(kinds: list[str]) -> str | None:
    for kind in _EXEMPTION_ORDER:
        if kind in kinds:
            return kind
    return None
