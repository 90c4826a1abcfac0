"""Versioned policies: one row per saved version of a cohort's rule settings (never rewritten)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import now_utc
from lms.extensions import db

if TYPE_CHECKING:
    from lms.auth.models import User


class PolicyVersion(db.Model):
    """One version of the policy judging a cohort (enrolment year): settings as Policy.to_mapping()."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("cohort", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort: Mapped[int] = mapped_column(index=True)
    version: Mapped[int]
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    created_by: Mapped[User | None] = relationship()
