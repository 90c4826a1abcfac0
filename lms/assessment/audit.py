"""The graduation audit (R11–R13): every learner's decision as of a day, for a scope and filters.

One engine for every screen: the audit page, its .xlsx export, `flask lms audit` and the
certificates module (decide()) all read decisions through here.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms.assessment.facts import facts_and_policies
from lms.auth.scope import Scope
from lms.core.gc import paused_gc
from lms.extensions import db
from lms.geo.models import Division, villages_of
from lms.learners.models import Learner
from lms.rules import OUTCOMES, Decision, graduation_decisions, hours_number
from lms.teaching.models import Specialty, TeachingClass


def decide(learner_ids: Iterable[int], as_of: dt.date) -> dict[int, Decision]:
    """The R11–R13 decision of each learner as of `as_of`, by the policy of the learner's cohort.

    The certificates module asks this before issuing a 毕业/结业 certificate or a study record.
    A fixed number of queries (see lms.assessment.facts.learner_facts).
    """
    return _decisions(list(learner_ids), as_of)


def _decisions(learner_ids: list[int] | None, as_of: dt.date) -> dict[int, Decision]:
    # learner_ids None: every learner, read without id lists (one statement per kind of fact).
    with paused_gc():
        facts, policies = facts_and_policies(learner_ids, as_of)
        return graduation_decisions(facts, as_of, policies)


@dataclass(frozen=True)
class AuditFilters:
    """Scope filters of the audit; None means any. `decision` is an outcome code (graduate …)."""

    township_id: int | None = None
    village_id: int | None = None
    class_id: int | None = None
    specialty_id: int | None = None
    cohort: int | None = None
    decision: str | None = None

    def __post_init__(self) -> None:
        if self.decision is not None and self.decision not in OUTCOMES:
            raise ValueError(f"decision must be one of {OUTCOMES}")

    def as_args(self) -> dict[str, object]:
        """The non-empty filters as URL query arguments."""
        return {key: value for key, value in self.__dict__.items() if value is not None}


@dataclass(frozen=True)
class AuditRow:
    """One learner's line in the audit."""

    learner_id: int
    name: str
    id_number: str
    student_number: str
    township: str
    village: str
    class_name: str
    specialty: str
    cohort: int
    enrolled_on: dt.date
    decision: Decision


@dataclass(frozen=True)
class AuditReport:
    """Rows matching every filter; counts per outcome over the rows matching all but `decision`."""

    as_of: dt.date
    filters: AuditFilters
    rows: tuple[AuditRow, ...]
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Learners matching the filters other than the decision."""
        return sum(self.counts.values())


def audit_decisions(scope: Scope, as_of: dt.date, filters: AuditFilters = AuditFilters()) -> AuditReport:
    """Every learner in `scope` matching `filters`, with the engine's decision as of `as_of`.

    Ordered by township, village and student number; a fixed number of queries whatever the
    number of learners (one list query, then decide()).
    """
    village, township = aliased(Division), aliased(Division)
    stmt = (select(Learner.id, Learner.name, Learner.id_number, Learner.student_number, township.name,
                   village.name, TeachingClass.name, Specialty.name, Learner.cohort, Learner.enrolled_on)
            .join(village, Learner.village_id == village.id)
            .join(township, village.parent_id == township.id)
            .join(Specialty, Learner.specialty_id == Specialty.id)
            .outerjoin(TeachingClass, Learner.class_id == TeachingClass.id)
            .where(Learner.in_scope(scope))
            .order_by(township.code, village.code, Learner.student_number))
    if filters.township_id is not None:
        stmt = stmt.where(Learner.village_id.in_(villages_of([filters.township_id])))
    if filters.village_id is not None:
        stmt = stmt.where(Learner.village_id == filters.village_id)
    if filters.class_id is not None:
        stmt = stmt.where(Learner.class_id == filters.class_id)
    if filters.specialty_id is not None:
        stmt = stmt.where(Learner.specialty_id == filters.specialty_id)
    if filters.cohort is not None:
        stmt = stmt.where(Learner.cohort == filters.cohort)
    listed = db.session.execute(stmt).all()
    # The whole county: facts for every learner, read without id lists (the filters and scope select them all).
    county = scope.everything and not any((filters.township_id, filters.village_id, filters.class_id,
                                           filters.specialty_id, filters.cohort))
    # One pause around the decisions and the rows: the collector scans what they built once, not twice.
    with paused_gc():
        decisions = _decisions(None if county else [row[0] for row in listed], as_of)
        rows = [AuditRow(*row, decision=decisions[row[0]]) for row in listed]
    counts = Counter(row.decision.outcome for row in rows)
    if filters.decision is not None:
        rows = [row for row in rows if row.decision.outcome == filters.decision]
    return AuditReport(as_of, filters, tuple(rows), {outcome: counts.get(outcome, 0) for outcome in OUTCOMES})


def audit_record(row: AuditRow) -> dict[str, object]:
    """One learner as the CLI's JSON object: id_number, student_number, decision, hours_360, reasons."""
    return {"id_number": row.id_number, "student_number": row.student_number, "decision": row.decision.outcome,
            "hours_360": hours_number(row.decision.hours_360),
            "reasons": [] if row.decision.eligible and row.decision.outcome != "withdrawn"
            else list(row.decision.reasons)}
