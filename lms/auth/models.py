"""Users, their roles and scopes, and login attempts (for throttling)."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import CreatedAtMixin
from lms.extensions import db
from lms.geo.models import Division

ROLES = ("admin", "bureau", "township", "enroller", "teacher", "registrar")
ROLE_LABELS = {
    "admin": "系统管理员",
    "bureau": "县教育局",
    "township": "乡镇专干",
    "enroller": "村级招生员",
    "teacher": "教师",
    "registrar": "教务",
}
# Which kind of scope each role holds; the others see the whole county.
SCOPE_KIND = {"township": "township", "enroller": "village", "teacher": "class"}


class User(UserMixin, CreatedAtMixin, db.Model):
    """A person who logs in. Never deleted: deactivated, so the audit log keeps its names."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(
        "role IN ('admin', 'bureau', 'township', 'enroller', 'teacher', 'registrar')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(12), index=True)
    phone: Mapped[str] = mapped_column(String(11), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # True while the password is one an administrator generated or set (new user, reset, `flask lms
    # create-user`): its holder must choose their own before using anything else (lms.auth.views).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Stored in the session at login (get_id) and compared on every request (lms.auth.sessions): raising it
    # ends every session of the user at once — logout, a password change or reset, a new role or scope,
    # deactivation. Sessions live in signed cookies, so there is nothing on the server to delete instead.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    division_scopes: Mapped[list[UserDivision]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserDivision.id")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What the session keeps (Flask-Login's alternative id): "<id>:<session_version>"."""
        return f"{self.id}:{self.session_version}"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def scope_kind(self) -> str | None:
        return SCOPE_KIND.get(self.role)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class UserDivision(db.Model):
    """A township (for township staff) or village (for enrollers) a user is responsible for."""

    __tablename__ = "user_divisions"
    __table_args__ = (UniqueConstraint("user_id", "division_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)

    user: Mapped[User] = relationship(back_populates="division_scopes")
    division: Mapped[Division] = relationship()


class LoginAttempt(db.Model):
    """One login attempt, kept as its record; recent failures slow further attempts on the same account
    (lms.auth.throttle; shared by all workers)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), index=True)
    remote_addr: Mapped[str] = mapped_column(String(45), index=True)
    succeeded: Mapped[bool]
    # Refused unchecked because the account had to wait (the password was not looked at): recorded, never
    # counted as a failure, so impatience does not lengthen the wait.
    throttled: Mapped[bool] = mapped_column(default=False, server_default=false())
    at: Mapped[datetime] = mapped_column(index=True)
