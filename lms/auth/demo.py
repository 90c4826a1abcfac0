"""Demo users: one per role (plus a township user holding two townships)."""
from __future__ import annotations

from lms.auth.models import User, UserDivision
from lms.auth.services import hash_password
from lms.extensions import db

# username, display name, role, division names in scope
DEMO_USERS = [
    ("admin", "系统管理员 王建国", "admin", []),
    ("bureau", "县教育局 李华", "bureau", []),
    ("township", "清水镇专干 杨秀英", "township", ["清水镇"]),
    ("township2", "石桥乡/望江街道专干 韦国强", "township", ["石桥乡", "望江街道"]),
    ("enroller", "上寨村招生员 罗春花", "enroller", ["上寨村", "下寨村"]),
    ("teacher", "教师 陈丽", "teacher", []),
    ("registrar", "教务 黄志明", "registrar", []),
]


def load(divisions: dict, password: str) -> dict[str, User]:
    """Create the demo users (teachers get their classes when the teaching demo runs)."""
    users = {}
    hashed = hash_password(password)
    for username, display_name, role, scope_names in DEMO_USERS:
        # Not forced to change: the demo password is published in the README, not handed to a person.
        user = User(username=username, display_name=display_name, role=role, password_hash=hashed,
                    must_change_password=False)
        user.division_scopes = [UserDivision(division=divisions[name]) for name in scope_names]
        db.session.add(user)
        users[username] = user
    db.session.flush()
    return users
