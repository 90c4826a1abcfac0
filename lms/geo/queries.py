"""Reading divisions and teaching points, always within a scope."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint


@dataclass
class DivisionNode:
    """A division with its children, for the tree page."""

    division: Division
    children: list[DivisionNode] = field(default_factory=list)
    teaching_points: int = 0


def division_tree(scope: Scope) -> list[DivisionNode]:
    """The divisions the scope may see as a forest (two queries whatever the size)."""
    divisions = db.session.scalars(select(Division).where(Division.in_scope(scope)).order_by(Division.code)).all()
    point_counts = dict(db.session.execute(
        select(TeachingPoint.village_id, func.count()).where(TeachingPoint.in_scope(scope))
        .group_by(TeachingPoint.village_id)).all())
    nodes = {d.id: DivisionNode(d, teaching_points=point_counts.get(d.id, 0)) for d in divisions}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.division.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def villages_in_scope(scope: Scope) -> list[tuple[int, str]]:
    """(id, "乡镇 / 村") choices of every village the scope covers, ordered by code."""
    township = db.aliased(Division)
    rows = db.session.execute(
        select(Division.id, township.name, Division.name).join(township, Division.parent_id == township.id)
        .where(Division.level == "village", Division.in_scope(scope)).order_by(Division.code)).all()
    return [(vid, f"{tname} / {vname}") for vid, tname, vname in rows]


def townships_in_scope(scope: Scope) -> list[Division]:
    """Townships the scope covers (for an enroller: the townships of their villages)."""
    if scope.everything or scope.township_ids:
        stmt = select(Division).where(Division.level == "township", Division.in_scope(scope))
    else:
        stmt = select(Division).where(Division.id.in_(
            select(Division.parent_id).where(Division.in_scope(scope), Division.level == "village")))
    return list(db.session.scalars(stmt.order_by(Division.code)))


def teaching_points_in_scope(scope: Scope) -> list[TeachingPoint]:
    """Teaching points in scope with their village and township loaded (one query)."""
    stmt = (select(TeachingPoint).where(TeachingPoint.in_scope(scope))
            .join(TeachingPoint.village).order_by(Division.code, TeachingPoint.name)
            .options(db.joinedload(TeachingPoint.village).joinedload(Division.parent)))
    return list(db.session.scalars(stmt))
