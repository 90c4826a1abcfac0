"""API keys: each bound to a purpose and an area, stored hashed, revocable and expiring."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import CreatedAtMixin
from lms.extensions import db
from lms.geo.models import Division

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.auth.scope import Scope

PURPOSES = ("platform_hours", "status_read")
PURPOSE_LABELS = {"platform_hours": "推送平台线上学时", "status_read": "只读：学籍状态、学时、审核结论和证书"}
KEY_STATUS_LABELS = {"active": "有效", "revoked": "已吊销", "expired": "已过期"}


class ApiKey(CreatedAtMixin, db.Model):
    """A machine client's key. The secret is shown once; only its SHA-256 is kept, found by its prefix.

    `purpose` says what the key may do, `area` (a county, township or village) where: learners outside
    the area do not exist for it (404), as for a user of that area."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint("purpose IN ('platform_hours', 'status_read')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    purpose: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)        # the key's public part, for look-up
    secret_hash: Mapped[str] = mapped_column(String(64))                # sha256 hex of the whole key
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_on: Mapped[date]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None]

    area: Mapped[Division] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def purpose_label(self) -> str:
        return PURPOSE_LABELS[self.purpose]

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: keys are the system administrator's (county-wide roles only)."""
        return true() if scope.everything else false()

    def state(self, today: date) -> str:
        """'active', 'revoked' or 'expired' (a key works through its expiry day)."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if today > self.expires_on else "active"
