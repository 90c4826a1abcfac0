"""Administrative divisions (12-digit statistical codes) and teaching points."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false, or_, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import CreatedAtMixin
from lms.extensions import db

if TYPE_CHECKING:
    from lms.auth.scope import Scope

LEVELS = ("county", "township", "village")
LEVEL_LABELS = {"county": "县", "township": "乡镇（街道）", "village": "村（社区）"}


class Division(CreatedAtMixin, db.Model):
    """A county, township/street or village/community, identified by its 12-digit code."""

    __tablename__ = "divisions"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        CheckConstraint("level IN ('county', 'township', 'village')", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(10), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"), index=True)

    parent: Mapped[Division | None] = relationship(remote_side="Division.id", back_populates="children")
    children: Mapped[list[Division]] = relationship(back_populates="parent", order_by="Division.code")

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: divisions the scope may see (its townships/villages and their parents' county)."""
        if scope.everything:
            return true()
        clauses = []
        if scope.township_ids:
            clauses += [cls.id.in_(scope.township_ids), cls.parent_id.in_(scope.township_ids)]
        if scope.village_ids:
            clauses.append(cls.id.in_(scope.village_ids))
        return or_(*clauses) if clauses else false()

    def __repr__(self) -> str:
        return f"<Division {self.code} {self.name}>"


def villages_of(township_ids) -> select:
    """A sub-select of the ids of villages under the given townships."""
    return select(Division.id).where(Division.parent_id.in_(township_ids))


TEACHING_POINT_KINDS = ("新时代农民讲习所", "乡镇中心校", "乡村夜校", "村委会", "其他")


class TeachingPoint(CreatedAtMixin, db.Model):
    """A place where classes meet, located in a village."""

    __tablename__ = "teaching_points"
    __table_args__ = (UniqueConstraint("village_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20), default="其他")
    address: Mapped[str] = mapped_column(String(200), default="")
    village_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)

    village: Mapped[Division] = relationship()

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: teaching points in villages the scope covers (teachers: their classes' points)."""
        if scope.everything or not scope.class_ids:
            return scope.village_clause(cls.village_id)
        from lms.teaching.models import TeachingClass

        return cls.id.in_(select(TeachingClass.teaching_point_id).where(TeachingClass.id.in_(scope.class_ids)))
