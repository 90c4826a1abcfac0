"""Writing users: create, edit role and scope, deactivate, passwords, and checking logins."""
from __future__ import annotations

import math
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms.audit.services import changes, record, snapshot
from lms.auth.models import ROLE_LABELS, ROLES, SCOPE_KIND, LoginAttempt, User, UserDivision
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.extensions import db
from lms.geo.models import Division

MIN_PASSWORD_LENGTH = 8


class LoginRefused(DomainError):
    """Wrong credentials, an inactive account, or too many recent failures."""


def hash_password(password: str) -> str:
    """Hash with werkzeug (scrypt by default; a cheap method only where the config says so)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def generate_password() -> str:
    """A random password that meets the policy (printed once by the CLI)."""
    return secrets.token_urlsafe(9) + "7a"


def check_password_policy(password: str, *, field: str = "password") -> None:
    """Refuse passwords shorter than 8 characters or without both letters and digits."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"密码至少 {MIN_PASSWORD_LENGTH} 位", field=field)
    if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
        raise DomainError("密码需同时包含字母和数字", field=field)


def _recent_failures(column, value, since) -> int:
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)) or 0


def login(username: str, password: str, *, remote_addr: str) -> User:
    """Check a login; record the attempt. Raises LoginRefused with a Chinese message.

    After LOGIN_MAX_FAILURES failures for an account inside the window (or four times as many from
    one address), every attempt is refused until the window has passed — even a correct one, so
    guessing cannot continue.
    """
    username = username.strip().lower()
    now = now_utc()
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    since = now - window
    if (_recent_failures(LoginAttempt.username, username, since) >= limit
            or _recent_failures(LoginAttempt.remote_addr, remote_addr, since) >= 4 * limit):
        oldest = db.session.scalar(select(func.min(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since))
        wait = window - (now - oldest) if oldest else window
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise LoginRefused(f"登录失败次数过多，已暂时锁定。请 {minutes} 分钟后再试，或联系系统管理员。")
    user = db.session.scalar(select(User).where(User.username == username))
    ok = user is not None and check_password_hash(user.password_hash, password) and user.active
    db.session.add(LoginAttempt(username=username, remote_addr=remote_addr, succeeded=ok, at=now))
    if not ok:
        db.session.flush()
        if user is not None and not user.active and check_password_hash(user.password_hash, password):
            raise LoginRefused("该账号已停用，请联系系统管理员。")
        raise LoginRefused("用户名或密码不正确。")
    user.last_login_at = now
    db.session.flush()
    return user


def _scope_divisions(role: str, codes: list[str]) -> list[Division]:
    kind = SCOPE_KIND.get(role)
    if kind not in ("township", "village"):
        return []
    found = {d.code: d for d in db.session.scalars(select(Division).where(Division.code.in_(codes)))}
    for code in codes:
        division = found.get(code)
        if division is None:
            raise DomainError(f"区划代码 {code} 不存在", field="scope_codes")
        if division.level != kind:
            label = "乡镇（街道）" if kind == "township" else "村（社区）"
            raise DomainError(f"{code} {division.name} 不是{label}，{ROLE_LABELS[role]}只能管辖{label}",
                              field="scope_codes")
    return [found[c] for c in codes]


def _apply_scope(user: User, role: str, codes: list[str]) -> None:
    codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    kind = SCOPE_KIND.get(role)
    if kind in ("township", "village"):
        if not codes:
            raise DomainError("请至少指定一个管辖区划", field="scope_codes")
        divisions = _scope_divisions(role, codes)
        user.division_scopes = [UserDivision(division=d) for d in divisions]
    else:
        user.division_scopes = []
        if kind == "class" and codes:
            from lms.teaching.services import assign_teacher_to_classes

            assign_teacher_to_classes(user, codes)


def _scope_codes(user: User) -> list[str]:
    return [s.division.code for s in user.division_scopes]


def create_user(*, actor, username: str, display_name: str, role: str, password: str,
                scope_codes: list[str] | None = None, phone: str = "") -> User:
    """Create a user with a role and (for township/enroller/teacher) a scope; audited.

    The password was chosen (or generated) by someone else, so the user must change it at first login.
    """
    username = username.strip().lower()
    if role not in ROLES:
        raise DomainError(f"角色 {role} 不存在，可选：{'、'.join(ROLES)}", field="role")
    if not username or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise DomainError("用户名只能包含字母、数字、下划线、点和连字符", field="username")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise DomainError(f"用户名 {username} 已被使用", field="username")
    check_password_policy(password)
    user = User(username=username, display_name=display_name.strip() or username, role=role,
                phone=phone, password_hash=hash_password(password), password_changed_at=now_utc(),
                must_change_password=True)     # someone else chose it: changed at first login
    db.session.add(user)
    db.session.flush()
    _apply_scope(user, role, scope_codes or [])
    db.session.flush()
    record(actor, "user.create", "user", user.id, summary=f"新建用户 {username}（{ROLE_LABELS[role]}）",
           after={**snapshot(user), "scope": _scope_codes(user)})
    return user


def update_user(*, actor, user: User, display_name: str, role: str, scope_codes: list[str],
                phone: str = "") -> User:
    """Change a user's name, role and scope; audited with before and after."""
    if role not in ROLES:
        raise DomainError(f"角色 {role} 不存在", field="role")
    before = {**snapshot(user), "scope": _scope_codes(user)}
    user.display_name, user.role, user.phone = display_name.strip() or user.username, role, phone
    _apply_scope(user, role, scope_codes)
    db.session.flush()
    old, new = changes(before, {**snapshot(user), "scope": _scope_codes(user)})
    record(actor, "user.update", "user", user.id, summary=f"修改用户 {user.username}", before=old, after=new)
    return user


def set_active(*, actor, user: User, active: bool) -> User:
    """Deactivate or reactivate a user (users are never deleted); audited."""
    if actor is not None and actor.id == user.id and not active:
        raise DomainError("不能停用自己的账号")
    user.active = active
    db.session.flush()
    record(actor, "user.activate" if active else "user.deactivate", "user", user.id,
           summary=f"{'启用' if active else '停用'}用户 {user.username}",
           before={"active": not active}, after={"active": active})
    return user


def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """A user changes their own password (the current one is required, the new one must differ); this ends
    the obligation to replace an initial password. Audited (the password itself is not)."""
    if not check_password_hash(user.password_hash, current_password):
        raise DomainError("当前密码不正确", field="current_password")
    check_password_policy(new_password, field="new_password")
    if current_password == new_password:
        raise DomainError("新密码不能与当前密码相同", field="new_password")
    was_initial = user.must_change_password
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now_utc()
    user.must_change_password = False
    db.session.flush()
    record(user, "user.change_password", "user", user.id,
           summary="修改了管理员设置的初始密码" if was_initial else "修改了自己的密码",
           before={"must_change_password": was_initial}, after={"must_change_password": False})


def reset_password(*, actor, user: User, new_password: str) -> None:
    """An administrator sets a new password for a user, who must change it at their next login; audited
    (the password itself is not)."""
    check_password_policy(new_password, field="password")
    was_initial = user.must_change_password
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now_utc()
    user.must_change_password = True
    db.session.flush()
    record(actor, "user.reset_password", "user", user.id, summary=f"重置用户 {user.username} 的密码（首次登录须修改）",
           before={"must_change_password": was_initial}, after={"must_change_password": True})
