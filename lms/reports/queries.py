"""The county's figures, as set-based SQL: the ONE source of the dashboard, the drill-down pages,
the .xlsx exports and `flask lms report`, so no two of them can disagree.

`area_figures(scope, area, as_of)` costs a fixed number of queries whatever the data size: one
over learners (funnel and R2 targets together), one over the roster, one over hours, two for R4,
one over certificates, one for the policies of the cohorts present, one for the children's names.
Every judgement is the engine's (lms.rules): R2 counts_toward_target, R6 policy categories and
requirement, R4 class_cadence.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache, wraps

from sqlalchemy import and_, case, func, literal, or_, select

from lms.auth.scope import Scope
from lms.core.clock import today
from lms.extensions import db
from lms.learners.models import ROSTER_STATUS_LABELS, Learner, OutreachVisit, RosterEntry
from lms.policies.services import policies_for
from lms.reports.areas import Area, VillageRow
from lms.reports.hours_bands import HoursBands, band_expression, within_period
from lms.reports.sources import LEARNERS, Counted, counted_for
from lms.reports.targets import TargetGoal, parse_targets
from lms.rules import LEARNER_STATUS_LABELS, Policy, counts_toward_target
from lms.settings.services import get_setting
from lms.teaching.hours import hour_totals_statement
from lms.teaching.models import LearnerHours

FUNNEL_KEYS = ("roster", "visited", "enrolled", "studying", "graduated", "completed", "withdrawn")
#: The funnel's steps: the roster, the roster entries visited and enrolled (their roster statuses), then the
#: learners by status.
FUNNEL_LABELS = {"roster": "名册", "visited": ROSTER_STATUS_LABELS["visited"], "enrolled": ROSTER_STATUS_LABELS["enrolled"],
                 **LEARNER_STATUS_LABELS}
END_STATUSES = ("suspended", "graduated", "completed", "withdrawn", "transferred", "cancelled", "deceased")
#: Off the register (转出, 注销, 死亡): from their event's day they count toward no target.
LEFT_STATUSES = ("transferred", "cancelled", "deceased")


def statement_per_arguments(build):
    """Build a report statement once per set of arguments (Scope, Area, dates, goals: all hashable) and
    report day. The statements hold SQL only, never data; building one (and its cache key) cost more than
    running it on a dashboard view. Today is part of the key: it decides which table counts
    (lms.reports.sources.counted_for)."""
    @lru_cache(maxsize=256)
    def built(_today, *args):
        return build(*args)

    @wraps(build)
    def statement(*args):
        return built(today(), *args)

    return statement


@dataclass
class Figures:
    """The figures of one area (or one row of a breakdown). `roster`/`visited` are None where the
    roster cannot be split (classes)."""

    roster: int | None = 0
    visited: int | None = 0
    statuses: Counter = field(default_factory=Counter)
    targets: dict[dt.date, int] = field(default_factory=dict)
    hours_bands: Counter = field(default_factory=Counter)
    hours_met: int = 0
    cadence_breaches: int = 0
    certificates: Counter = field(default_factory=Counter)
    revoked: Counter = field(default_factory=Counter)

    @property
    def enrolled(self) -> int:
        """Learners enrolled by the report day, whatever their status since."""
        return sum(self.statuses.values())

    def funnel(self) -> dict[str, int | None]:
        """roster → visited → enrolled → studying → graduated / completed / withdrawn."""
        return {"roster": self.roster, "visited": self.visited, "enrolled": self.enrolled,
                "studying": self.statuses["studying"], "graduated": self.statuses["graduated"],
                "completed": self.statuses["completed"], "withdrawn": self.statuses["withdrawn"]}

    def add(self, other: Figures) -> None:
        """Add another row's figures (for totals; the roster is counted for the area separately)."""
        self.statuses.update(other.statuses)
        for due, count in other.targets.items():
            self.targets[due] = self.targets.get(due, 0) + count
        self.hours_bands.update(other.hours_bands)
        self.hours_met += other.hours_met
        self.cadence_breaches += other.cadence_breaches
        self.certificates.update(other.certificates)
        self.revoked.update(other.revoked)


@dataclass(frozen=True)
class TargetProgress:
    """A target with the area's count toward it."""

    due: dt.date
    goal: int
    count: int

    @property
    def percent(self) -> int:
        """Progress in whole percent (capped at 100 for the bar)."""
        return min(100, self.share)

    @property
    def share(self) -> int:
        """The count as a whole percentage of the goal (an area's share of the county's goal)."""
        return self.count * 100 // self.goal if self.goal else 100

    def as_dict(self) -> dict:
        """The CLI's JSON shape: {"due", "goal", "count"}."""
        return {"due": self.due.isoformat(), "goal": self.goal, "count": self.count}


@dataclass(frozen=True)
class Breach:
    """A class breaking R4 (cadence) with the engine's reason."""

    class_id: int
    name: str
    township: str
    failing_months: int
    reason: str


@dataclass
class Overview:
    """Everything a dashboard or drill-down page shows for one area as of a day."""

    area: Area
    as_of: dt.date
    total: Figures
    children: list[tuple[int | None, str, Figures]]
    targets: list[TargetProgress]
    bands: HoursBands
    breaches: list[Breach]

    def cli_dict(self) -> dict:
        """`flask lms report targets --json`: {"as_of", "targets", "funnel"}."""
        return {"as_of": self.as_of.isoformat(), "targets": [t.as_dict() for t in self.targets],
                "funnel": self.total.funnel()}


def target_goals() -> list[TargetGoal]:
    """The county's goals from the settings (reports.targets)."""
    return parse_targets(get_setting("reports.targets"))


def status_as_of(as_of: dt.date, counted: Counted = LEARNERS):
    """SQL: a learner's status on `as_of` — an end or suspended status counts from its change date."""
    ended = and_(counted.status.in_(END_STATUSES),
                 or_(counted.status_changed_on.is_(None), counted.status_changed_on <= as_of))
    return case((ended, counted.status), else_=literal("studying"))


def learners_in(scope: Scope, area: Area, as_of: dt.date, *columns, counted: Counted = LEARNERS):
    """A Select of `columns` over the area's learners (or their tallies) in scope enrolled by `as_of`,
    joined to their village."""
    return (select(*columns).select_from(counted.table).join(VillageRow, counted.village_id == VillageRow.id)
            .where(scope.learner_clause(counted.village_id, counted.class_id), area.learner_clause(counted),
                   counted.enrolled_on <= as_of))


def _key(area: Area, counted: Counted = LEARNERS):
    key = area.learner_key(counted)
    return key if key is not None else literal(None)


def _learner_counts(scope, area, as_of, goals, rows: dict) -> dict[int, Policy]:
    """Funnel statuses and R2 target counts per child in one grouped query; returns the cohorts' policies.
    Learners off the register on `as_of` (转出/注销/死亡) are counted by their status but toward no target."""
    grouped = db.session.execute(_learner_counts_statement(scope, area, as_of, tuple(goals))).all()
    policies = policies_for({row[1] for row in grouped})
    for row in grouped:
        figures = rows[row[0]]
        figures.statuses[row[3]] += int(row[4])
        for goal, count in zip(goals, row[5:], strict=True):
            if counts_toward_target(row[2], goal.due.year, policies[row[1]]):
                figures.targets[goal.due] = figures.targets.get(goal.due, 0) + int(count or 0)
    return policies


@statement_per_arguments
def _learner_counts_statement(scope, area, as_of, goals: tuple[TargetGoal, ...]):
    counted = counted_for(as_of)
    key, status = _key(area, counted).label("key"), status_as_of(as_of, counted).label("status")
    on_register = status_as_of(as_of, counted).not_in(LEFT_STATUSES)
    due_sums = [func.sum(case((and_(counted.enrolled_on <= goal.due, on_register), counted.weight), else_=0))
                for goal in goals]
    return learners_in(scope, area, as_of, key, counted.cohort, counted.prior_education, status,
                       counted.heads(), *due_sums, counted=counted).group_by(
        key, counted.cohort, counted.prior_education, status)


def _roster_counts(scope, area, as_of) -> tuple[tuple[int, int] | None, dict]:
    """(roster, visited by `as_of`) of the area — None for a class — and per child where the roster
    can be split (townships, villages)."""
    stmt = _roster_statement(scope, area, as_of)
    if stmt is None:
        return None, {}
    per_key = {row_key: (count, int(seen or 0)) for row_key, count, seen in db.session.execute(stmt)}
    total = (sum(c for c, _ in per_key.values()), sum(v for _, v in per_key.values()))
    return total, (per_key if area.roster_key() is not None else {})


@statement_per_arguments
def _roster_statement(scope, area, as_of):
    clause = area.roster_clause()
    if clause is None:
        return None
    key = area.roster_key()
    key = (key if key is not None else literal(None)).label("key")
    visited = RosterEntry.id.in_(select(OutreachVisit.roster_entry_id).where(OutreachVisit.visited_on <= as_of))
    return (select(key, func.count(), func.sum(case((visited, 1), else_=0)))
            .select_from(RosterEntry).join(VillageRow, RosterEntry.village_id == VillageRow.id)
            .where(RosterEntry.in_scope(scope), clause).group_by(key))


def _hours_counts(scope, area, as_of, policies: dict[int, Policy], rows: dict) -> HoursBands:
    """R6 hours bands of the learners studying on `as_of`, per child (stored with the tallies for today)."""
    bands = HoursBands.for_policies(policies.values())
    counted = counted_for(as_of)
    key = _key(area, counted).label("key")
    if counted.is_tally:        # bands stored with the tallies (lms.reports.tallies)
        stmt = _stored_bands_statement(scope, area, as_of)
    else:
        source = hour_totals_statement(as_of=as_of, within_period=within_period(policies)).subquery("hours")
        band = band_expression(source, policies, bands.count).label("band")
        stmt = (learners_in(scope, area, as_of, key, band, counted.heads())
                .outerjoin(source, source.c.learner_id == Learner.id))
        stmt = stmt.where(status_as_of(as_of, counted) == "studying").group_by(key, band)
    for row_key, index, count in db.session.execute(stmt):
        count = int(count)
        rows[row_key].hours_bands[int(index)] += count
        if int(index) == bands.count - 1:
            rows[row_key].hours_met += count
    return bands


@statement_per_arguments
def _stored_bands_statement(scope, area, as_of):
    counted = counted_for(as_of)
    key, band = _key(area, counted).label("key"), counted.band.label("band")
    return (learners_in(scope, area, as_of, key, band, counted.heads(), counted=counted)
            .where(status_as_of(as_of, counted) == "studying").group_by(key, band))


def _certificate_counts(scope, area, as_of, rows: dict) -> None:
    """Certificates issued by `as_of` per child, kind and standing (revoked by then, or valid)."""
    for row_key, kind, state, count in db.session.execute(_certificates_statement(scope, area, as_of)):
        (rows[row_key].certificates if state == "valid" else rows[row_key].revoked)[kind] += count


@statement_per_arguments
def _certificates_statement(scope, area, as_of):
    from lms.certificates.models import Certificate

    key = _key(area).label("key")
    revoked = and_(Certificate.status == "revoked", Certificate.revoked_on <= as_of)
    standing = case((revoked, literal("revoked")), else_=literal("valid")).label("standing")
    return (learners_in(scope, area, as_of, key, Certificate.kind, standing, func.count())
            .join(Certificate, Certificate.learner_id == Learner.id)
            .where(Certificate.issued_on <= as_of).group_by(key, Certificate.kind, standing))


def area_figures(scope: Scope, area: Area, as_of: dt.date) -> Overview:
    """The overview of `area` within `scope` on `as_of`: totals, one Figures per child, targets,
    hours bands and R4 breaches. A fixed number of queries whatever the data size."""
    from lms.reports.cadence import cadence_breaches
    from lms.reports.children import child_names

    goals = target_goals()
    rows: dict = defaultdict(Figures)
    policies = _learner_counts(scope, area, as_of, goals, rows)
    roster_total, roster_per_key = _roster_counts(scope, area, as_of)
    bands = _hours_counts(scope, area, as_of, policies, rows)
    breaches, per_key = cadence_breaches(scope, area, as_of, policies)
    for row_key, count in per_key.items():
        rows[row_key].cadence_breaches += count
    _certificate_counts(scope, area, as_of, rows)
    total = _total(rows, roster_total)
    keys = set(rows) | set(roster_per_key)
    children = []
    for child_id, name in child_names(scope, area, [key for key in keys if key is not None]):
        figures = rows.get(child_id) or Figures()
        figures.roster, figures.visited = (roster_per_key.get(child_id, (0, 0)) if area.roster_key() is not None
                                           else (None, None))
        children.append((child_id, name, figures))
    if area.level == "village" and rows.get(None) and rows[None].enrolled:
        rows[None].roster = rows[None].visited = None
        children.append((None, "未分班", rows[None]))
    return Overview(area, as_of, total, children, _progress(goals, total), bands, breaches)


def _total(rows: dict, roster_total: tuple[int, int] | None) -> Figures:
    """The area's figures: its children's rows added up, and the area's own roster (None for a class)."""
    total = Figures()
    for figures in rows.values():
        total.add(figures)
    total.roster, total.visited = roster_total if roster_total else (None, None)
    return total


def _progress(goals: list[TargetGoal], total: Figures) -> list[TargetProgress]:
    return [TargetProgress(goal.due, goal.goal, total.targets.get(goal.due, 0)) for goal in goals]


@dataclass(frozen=True)
class Headline:
    """The bureau's home-page panel: target progress and the funnel of the user's whole area."""

    as_of: dt.date
    targets: list[TargetProgress]
    funnel: dict[str, int | None]


def headline(scope: Scope, area: Area, as_of: dt.date) -> Headline:
    """Targets and funnel of `area` on `as_of` — the dashboard's own queries, without hours, R4 and
    certificates (three queries)."""
    goals = target_goals()
    rows: dict = defaultdict(Figures)
    _learner_counts(scope, area, as_of, goals, rows)
    total = _total(rows, _roster_counts(scope, area, as_of)[0])
    return Headline(as_of, _progress(goals, total), total.funnel())


@dataclass(frozen=True)
class LearnerLine:
    """A learner on a class's drill-down page: status on the day, R6 hours and certificates held."""

    learner_id: int
    name: str
    student_number: str
    village: str
    status: str
    counted_minutes: int
    required_minutes: int
    certificates: int

    @property
    def hours_met(self) -> bool:
        """R6 met (the engine's policy requirement)."""
        return self.counted_minutes >= self.required_minutes


def class_learners(scope: Scope, area: Area, as_of: dt.date) -> list[LearnerLine]:
    """The learners of a class area in scope (two queries), R6 hours by their cohort's policy via the engine."""
    from lms.certificates.models import Certificate
    from lms.rules import HourTotals, hours_rule

    held = (select(Certificate.learner_id, func.count().label("held"))
            .where(Certificate.status == "valid", Certificate.issued_on <= as_of)
            .group_by(Certificate.learner_id).subquery())
    rows = db.session.execute(
        learners_in(scope, area, as_of, Learner.id, Learner.name, Learner.student_number, VillageRow.name,
                    status_as_of(as_of), Learner.cohort, LearnerHours.face_minutes, LearnerHours.live_minutes,
                    LearnerHours.platform_minutes, LearnerHours.self_minutes, held.c.held)
        .outerjoin(LearnerHours, LearnerHours.learner_id == Learner.id)
        .outerjoin(held, held.c.learner_id == Learner.id).order_by(Learner.student_number)).all()
    policies = policies_for({row[5] for row in rows}) if rows else {}
    lines = []
    for row in rows:
        totals = HourTotals(face=row[6] or 0, live=row[7] or 0, platform=row[8] or 0, self_study=row[9] or 0)
        rule = hours_rule(totals, policies[row[5]])
        lines.append(LearnerLine(row[0], row[1], row[2], row[3], row[4], rule.numbers["counted_minutes"],
                                 rule.numbers["required_minutes"], int(row[10] or 0)))
    return lines
