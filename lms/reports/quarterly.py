"""The quarterly report to the prefecture and county government, and the funding claim (R14).

Per township, for a period (a quarter such as 2025Q3, or a whole year): new and cumulative
enrolments, learners studying at the period's end, hours delivered in the period by category,
graduations, completions and withdrawals in the period (student-status changes dated in it), and
the funding due by each cohort's policy (lms.rules.funding_due). The page, the .xlsx and
`flask lms report quarterly` all read these functions; a fixed number of queries.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import Division
from lms.learners.models import Learner
from lms.policies.services import policies_for
from lms.reports.areas import VillageRow
from lms.reports.models import VillageMonthHours
from lms.reports.queries import status_as_of
from lms.rules import counts_for_funding, funding_due

PERIOD_PATTERN = re.compile(r"^(\d{4})(?:\s*[Qq]([1-4]))?$")
OUTCOME_STATUSES = ("graduated", "completed", "withdrawn")


@dataclass(frozen=True)
class Period:
    """A reporting period: first and last day, and its name (2025Q3 → 2025年第三季度)."""

    code: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """The period in Chinese."""
        if "Q" in self.code:
            return f"{self.start.year}年第{'一二三四'[(self.start.month - 1) // 3]}季度"
        return f"{self.start.year}年"

    @classmethod
    def parse(cls, text: str) -> Period:
        """2025Q3 (a quarter) or 2025 (a year); ValueError with a Chinese message otherwise."""
        match = PERIOD_PATTERN.match((text or "").strip())
        if not match:
            raise ValueError(f"期间“{text}”无法识别，请写成 2025Q3（季度）或 2025（全年）")
        year = int(match.group(1))
        if match.group(2) is None:
            return cls(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))
        quarter = int(match.group(2))
        start = dt.date(year, 3 * quarter - 2, 1)
        end = (dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)) - dt.timedelta(days=1)
        return cls(f"{year}Q{quarter}", start, end)

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        """The quarter containing `day`."""
        return cls.parse(f"{day.year}Q{(day.month - 1) // 3 + 1}")


@dataclass
class TownshipQuarter:
    """One township's line of the quarterly report (minutes of hours, fen of funding)."""

    township_id: int
    name: str
    new_enrolled: int = 0
    enrolled: int = 0
    studying: int = 0
    hours: dict[str, int] = field(default_factory=lambda: {"F": 0, "L": 0, "P": 0, "S": 0})
    graduated: int = 0
    completed: int = 0
    withdrawn: int = 0
    funded: int = 0
    funding_fen: int = 0

    @property
    def hours_total(self) -> int:
        """All hours delivered in the period (minutes)."""
        return sum(self.hours.values())

    def add(self, other: TownshipQuarter) -> None:
        """Add another line (for the total row)."""
        for name in ("new_enrolled", "enrolled", "studying", "graduated", "completed", "withdrawn", "funded",
                     "funding_fen"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for cat, minutes in other.hours.items():
            self.hours[cat] += minutes


@dataclass
class QuarterlyReport:
    """The report: one line per township in scope, and the total."""

    period: Period
    rows: list[TownshipQuarter]
    total: TownshipQuarter


def _townships(scope: Scope) -> list[tuple[int, str]]:
    from lms.geo.queries import townships_in_scope

    return [(t.id, t.name) for t in townships_in_scope(scope)]


def quarterly_report(scope: Scope, period: Period) -> QuarterlyReport:
    """Every township's line for `period` (six queries: townships, learners, policies, hours, and the
    funding claim's learners and policies — the claim is funded_learners, so the two always agree)."""
    lines = {tid: TownshipQuarter(tid, name) for tid, name in _townships(scope)}
    changed = and_(Learner.status.in_(OUTCOME_STATUSES), Learner.status_changed_on >= period.start,
                   Learner.status_changed_on <= period.end)
    new = case((Learner.enrolled_on >= period.start, 1), else_=0)
    township = VillageRow.parent_id.label("township")
    outcome = case((changed, Learner.status), else_=None).label("outcome")
    at_end = status_as_of(period.end).label("at_end")
    stmt = (select(township, outcome, at_end, func.count(), func.sum(new))
            .select_from(Learner).join(VillageRow, Learner.village_id == VillageRow.id)
            .where(Learner.in_scope(scope), Learner.enrolled_on <= period.end)
            .group_by(township, outcome, at_end))
    for township_id, status, end_status, count, new_count in db.session.execute(stmt):
        line = lines.setdefault(township_id, TownshipQuarter(township_id, ""))
        line.enrolled += count
        line.new_enrolled += int(new_count or 0)
        if end_status == "studying":
            line.studying += count
        if status:
            setattr(line, status, getattr(line, status) + count)
    for learner in funded_learners(scope, period):
        lines[learner.township_id].funded += 1
        lines[learner.township_id].funding_fen += learner.fen
    for township_id, face, live, platform, self_study in db.session.execute(_period_hours(scope, period)):
        line = lines.setdefault(township_id, TownshipQuarter(township_id, ""))
        line.hours = {"F": int(face or 0), "L": int(live or 0), "P": int(platform or 0), "S": int(self_study or 0)}
    rows = list(lines.values())
    total = TownshipQuarter(0, "合计")
    for row in rows:
        total.add(row)
    return QuarterlyReport(period, rows, total)


def _period_hours(scope: Scope, period: Period):
    """SELECT (township, face, live, platform, self-study minutes) delivered in `period`, from the villages'
    monthly hours (lms.reports.tallies keeps them) — periods are whole months, and report scopes are
    areas (teachers, scoped by class, have no report pages)."""
    months = VillageMonthHours.month.between(period.start.year * 100 + period.start.month,
                                             period.end.year * 100 + period.end.month)
    return (select(VillageRow.parent_id, func.sum(VillageMonthHours.face_minutes),
                   func.sum(VillageMonthHours.live_minutes), func.sum(VillageMonthHours.platform_minutes),
                   func.sum(VillageMonthHours.self_minutes))
            .select_from(VillageMonthHours).join(VillageRow, VillageMonthHours.village_id == VillageRow.id)
            .where(scope.village_clause(VillageMonthHours.village_id), months).group_by(VillageRow.parent_id))


@dataclass(frozen=True)
class FundedLearner:
    """A learner the period's funding claim counts, with the certificate that proves it."""

    learner_id: int
    township_id: int
    township: str
    village: str
    name: str
    id_number: str
    student_number: str
    status: str
    changed_on: dt.date
    cohort: int
    fen: int
    certificate_number: str


def funded_learners(scope: Scope, period: Period) -> list[FundedLearner]:
    """The learners counted for funding in `period` (R14 by their cohort's policy): graduated (or, by the
    policy's basis, completed) with the student-status change dated in the period AND holding a valid
    毕业/结业 certificate (a revoked one not yet re-issued does not count). Ordered by township, village and
    student number; two queries."""
    from lms.certificates.models import Certificate

    township = aliased(Division)
    kind_of = {"graduated": "diploma", "completed": "completion"}
    certificate = (select(Certificate.learner_id, Certificate.kind, func.min(Certificate.number).label("number"))
                   .where(Certificate.status == "valid", Certificate.kind.in_(kind_of.values()))
                   .group_by(Certificate.learner_id, Certificate.kind).subquery())
    rows = db.session.execute(
        select(Learner.id, township.id, township.name, VillageRow.name, Learner.name, Learner.id_number, Learner.student_number,
               Learner.status, Learner.status_changed_on, Learner.cohort, certificate.c.kind, certificate.c.number)
        .join(VillageRow, Learner.village_id == VillageRow.id).join(township, VillageRow.parent_id == township.id)
        .join(certificate, certificate.c.learner_id == Learner.id)
        .where(Learner.in_scope(scope), Learner.status.in_(tuple(kind_of)),
               Learner.status_changed_on >= period.start, Learner.status_changed_on <= period.end)
        .order_by(township.code, VillageRow.code, Learner.student_number)).all()
    policies = policies_for({row[9] for row in rows}) if rows else {}
    funded = []
    for row in rows:
        (learner_id, township_id, township_name, village_name, name, id_number, student_number, status,
         changed_on, cohort, kind, number) = row
        if kind == kind_of[status] and counts_for_funding(status, policies[cohort]):
            funded.append(FundedLearner(learner_id, township_id, township_name, village_name, name, id_number,
                                        student_number, status, changed_on, cohort,
                                        funding_due([status], policies[cohort]), number))
    return funded


def funding_by_township(learners: list[FundedLearner]) -> dict[str, tuple[int, int]]:
    """{township: (learners, fen)} of a claim's learners."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for learner in learners:
        totals[learner.township][0] += 1
        totals[learner.township][1] += learner.fen
    return {name: (count, fen) for name, (count, fen) in totals.items()}
