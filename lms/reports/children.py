"""The rows of a drill-down table: the townships, villages or classes below an area (one query)."""
from __future__ import annotations

from sqlalchemy import select

from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import Division
from lms.reports.areas import Area
from lms.teaching.models import TeachingClass


def child_names(scope: Scope, area: Area, keys_with_data) -> list[tuple[int, str]]:
    """(id, name) of the area's children in scope: every township or village (with data or not),
    and the classes the area's learners belong to; ordered by code."""
    if area.level == "county":
        stmt = select(Division.id, Division.name).where(Division.level == "township", Division.in_scope(scope))
        if not (scope.everything or scope.township_ids):
            stmt = select(Division.id, Division.name).where(Division.id.in_(keys_with_data))
        return [tuple(row) for row in db.session.execute(stmt.order_by(Division.code))]
    if area.level == "township":
        return [tuple(row) for row in db.session.execute(
            select(Division.id, Division.name).where(Division.parent_id == area.id, Division.in_scope(scope))
            .order_by(Division.code))]
    if area.level == "village":
        return [tuple(row) for row in db.session.execute(
            select(TeachingClass.id, TeachingClass.name).where(TeachingClass.id.in_(list(keys_with_data)))
            .order_by(TeachingClass.cohort.desc(), TeachingClass.code))]
    return []
