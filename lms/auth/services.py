"""Writing users: create, edit role and scope, deactivate, passwords, and checking logins."""
from __future__ import annotations

import functools
import math
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from lms.audit.services import changes, record, snapshot
from lms.auth import throttle
from lms.auth.models import ROLE_LABELS, ROLES, SCOPE_KIND, LoginAttempt, User, UserDivision
from lms.auth.scope import scope_for
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.extensions import db
from lms.geo.models import Division

MIN_PASSWORD_LENGTH = 8


class LoginRefused(DomainError):
    """Wrong credentials, an inactive account, or an account that must wait after recent failures."""

    rolls_back = False      # the attempt it recorded counts toward throttling: the request commits it


# A user's columns as the audit log shows them: not the hash, not the session bookkeeping.
_NOT_AUDITED = ("password_hash", "session_version")


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


@functools.lru_cache(maxsize=4)
def dummy_password_hash(method: str) -> str:
    """A hash of a random password made with `method`, checked when the username is unknown so that such a
    login costs the same hashing as a wrong password for a real user (the time must not tell which
    usernames exist). Made once per method; the app factory makes it before the first request."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def login(username: str, password: str, *, remote_addr: str) -> User:
    """Check a login and record the attempt. Raises LoginRefused with a Chinese message.

    Every refusal after the password check reads the same, whether the username is unknown, the password
    wrong, or the account deactivated (even with its right password), and costs the same one hash check:
    neither the answer nor its time tells which usernames exist. While the account must wait after recent
    failures (lms.auth.throttle) the attempt is refused unchecked, saying how long to wait; other accounts
    from the same address are never refused for it.
    """
    username = username.strip().lower()
    now = now_utc()
    wait = throttle.wait_remaining(username, remote_addr, now)
    if wait > timedelta(0):
        db.session.add(LoginAttempt(username=username, remote_addr=remote_addr, succeeded=False, throttled=True,
                                    at=now))
        db.session.flush()
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise LoginRefused(f"密码错误次数过多，请 {minutes} 分钟后再试。")
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(dummy_password_hash(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")), password)
        ok = False
    else:
        ok = check_password_hash(user.password_hash, password) and user.active
    db.session.add(LoginAttempt(username=username, remote_addr=remote_addr, succeeded=ok, at=now))
    if not ok:
        db.session.flush()
        raise LoginRefused("用户名或密码不正确。")
    user.last_login_at = now
    db.session.flush()
    return user


def end_sessions(user: User) -> None:
    """End every session `user` holds, on every device: the version their sessions carry no longer matches.

    Called on logout, a password change or reset, a new role or scope, and deactivation; the caller's audit
    event (if any) covers it."""
    user.session_version = User.session_version + 1     # in SQL: two requests at once both count
    db.session.flush()


def log_out(user: User) -> None:
    """Log `user` out everywhere: a copy of the session cookie no longer opens anything. Audited, so the
    log shows when a shared phone's session was ended."""
    end_sessions(user)
    record(user, "user.logout", "user", user.id, summary=f"{user.username} 退出登录")


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
        # Keep the rows of divisions that stay: a new row for one would be inserted before the old is deleted.
        kept = {s.division_id: s for s in user.division_scopes}
        user.division_scopes = [kept.get(d.id) or UserDivision(division=d) for d in divisions]
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
           after={**snapshot(user, exclude=_NOT_AUDITED), "scope": _scope_codes(user)})
    return user


def update_user(*, actor, user: User, display_name: str, role: str, scope_codes: list[str],
                phone: str = "") -> User:
    """Change a user's name, role and scope; audited with before and after. A new role or scope ends the
    user's sessions: they log in again under what they may now do."""
    if role not in ROLES:
        raise DomainError(f"角色 {role} 不存在", field="role")
    before = {**snapshot(user, exclude=_NOT_AUDITED), "scope": _scope_codes(user)}
    rights_before = (user.role, scope_for(user))
    user.display_name, user.role, user.phone = display_name.strip() or user.username, role, phone
    _apply_scope(user, role, scope_codes)
    db.session.flush()
    if (user.role, scope_for(user)) != rights_before:
        end_sessions(user)
    old, new = changes(before, {**snapshot(user, exclude=_NOT_AUDITED), "scope": _scope_codes(user)})
    record(actor, "user.update", "user", user.id, summary=f"修改用户 {user.username}", before=old, after=new)
    return user


def set_active(*, actor, user: User, active: bool) -> User:
    """Deactivate or reactivate a user (users are never deleted); audited. Deactivating ends their sessions."""
    if actor is not None and actor.id == user.id and not active:
        raise DomainError("不能停用自己的账号")
    user.active = active
    db.session.flush()
    if not active:
        end_sessions(user)
    record(actor, "user.activate" if active else "user.deactivate", "user", user.id,
           summary=f"{'启用' if active else '停用'}用户 {user.username}",
           before={"active": not active}, after={"active": active})
    return user


def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """A user changes their own password (the current one is required, the new one must differ); this ends
    the obligation to replace an initial password and every session of the user (the caller starts the
    current one afresh). Audited (the password itself is not)."""
    if not check_password_hash(user.password_hash, current_password):
        raise DomainError("当前密码不正确", field="current_password")
    check_password_policy(new_password, field="new_password")
    if current_password == new_password:
        raise DomainError("新密码不能与当前密码相同", field="new_password")
    was_initial = user.must_change_password
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now_utc()
    user.must_change_password = False
    end_sessions(user)
    record(user, "user.change_password", "user", user.id,
           summary="修改了管理员设置的初始密码" if was_initial else "修改了自己的密码",
           before={"must_change_password": was_initial}, after={"must_change_password": False})


def reset_password(*, actor, user: User, new_password: str) -> None:
    """An administrator sets a new password for a user, who must change it at their next login; every session
    the user holds ends. Audited (the password itself is not)."""
    check_password_policy(new_password, field="password")
    was_initial = user.must_change_password
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now_utc()
    user.must_change_password = True
    end_sessions(user)
    record(actor, "user.reset_password", "user", user.id, summary=f"重置用户 {user.username} 的密码（首次登录须修改）",
           before={"must_change_password": was_initial}, after={"must_change_password": True})
