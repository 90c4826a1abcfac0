"""Where a report looks: the user's whole area, a township, a village or a class, and how its rows group.

An Area knows how to restrict learners and roster entries to itself, which column groups them
into the next level down (county → townships → villages → classes), and its breadcrumb trail.
Resolving an area applies the user's scope: out-of-scope townships, villages and classes 404.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select, true
from sqlalchemy.orm import aliased

from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import Division, villages_of
from lms.learners.models import RosterEntry
from lms.reports.sources import LEARNERS, Counted
from lms.teaching.models import TeachingClass

LEVEL_LABELS = {"county": "全县", "township": "乡镇（街道）", "village": "村（社区）", "class": "班级"}
CHILD_LEVEL = {"county": "township", "township": "village", "village": "class", "class": "learner"}

VillageRow = aliased(Division, name="report_village")


@dataclass(frozen=True)
class Crumb:
    """One step of the breadcrumb trail."""

    level: str
    id: int | None
    name: str


@dataclass(frozen=True)
class Area:
    """A report's area: level ('county', 'township', 'village', 'class'), id, name and trail."""

    level: str
    id: int | None
    name: str
    trail: tuple[Crumb, ...] = ()

    def learner_clause(self, counted: Counted = LEARNERS):
        """SQL clause: learners (or their tallies) of this area (scope is applied separately)."""
        if self.level == "township":
            return counted.village_id.in_(villages_of([self.id]))
        if self.level == "village":
            return counted.village_id == self.id
        if self.level == "class":
            return counted.class_id == self.id
        return true()

    def learner_key(self, counted: Counted = LEARNERS):
        """The column grouping this area's learners into its children (None at class level)."""
        return {"county": VillageRow.parent_id, "township": counted.village_id,
                "village": counted.class_id}.get(self.level)

    def roster_clause(self):
        """SQL clause: roster entries of this area; None for a class (the roster knows no classes)."""
        if self.level == "township":
            return RosterEntry.village_id.in_(villages_of([self.id]))
        if self.level == "village":
            return RosterEntry.village_id == self.id
        if self.level == "class":
            return None
        return true()

    def roster_key(self):
        """The column grouping roster entries into children; None when children are classes."""
        return {"county": VillageRow.parent_id, "township": RosterEntry.village_id}.get(self.level)


def county_area(county_name: str) -> Area:
    """The user's whole area (the county, restricted by scope)."""
    return Area("county", None, county_name, (Crumb("county", None, county_name),))


def division_area(scope: Scope, division_id: int, level: str, county_name: str) -> Area:
    """A township or village in scope as an Area (404 when missing, of another level or out of scope)."""
    parent = aliased(Division)
    row = db.session.execute(
        select(Division.id, Division.name, Division.level, parent.id, parent.name)
        .outerjoin(parent, Division.parent_id == parent.id)
        .where(Division.id == division_id, Division.level == level, Division.in_scope(scope))).first()
    if row is None:
        abort(404)
    trail = [Crumb("county", None, county_name)]
    if level == "village":
        trail.append(Crumb("township", row[3], row[4]))
    trail.append(Crumb(level, row[0], row[1]))
    return Area(level, row[0], row[1], tuple(trail))


def class_area(scope: Scope, class_id: int, county_name: str) -> Area:
    """A class in scope as an Area, its trail through the township and village where it meets."""
    from lms.geo.models import TeachingPoint

    township = aliased(Division)
    row = db.session.execute(
        select(TeachingClass.id, TeachingClass.name, VillageRow.id, VillageRow.name, township.id, township.name)
        .join(TeachingPoint, TeachingClass.teaching_point_id == TeachingPoint.id)
        .join(VillageRow, TeachingPoint.village_id == VillageRow.id)
        .join(township, VillageRow.parent_id == township.id)
        .where(TeachingClass.id == class_id, TeachingClass.in_scope(scope))).first()
    if row is None:
        abort(404)
    trail = (Crumb("county", None, county_name), Crumb("township", row[4], row[5]),
             Crumb("village", row[2], row[3]), Crumb("class", row[0], row[1]))
    return Area("class", row[0], row[1], trail)
