"""Users with roles and scopes."""
from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from lms.auth.models import ROLE_LABELS, User, UserDivision
from lms.extensions import db
from lms.teaching.models import ClassTeacher
from tests.support.client import TEST_PASSWORD

_seq = itertools.count(1)
_HASH = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")


def make_user(role: str, *, divisions=(), classes=(), username: str | None = None, active: bool = True) -> User:
    """A user of `role`; township/enroller users hold `divisions`, teachers teach `classes`."""
    n = next(_seq)
    user = User(username=username or f"{role}{n}", display_name=f"{ROLE_LABELS[role]}{n}", role=role,
                password_hash=_HASH, active=active,
                must_change_password=False)     # the suite's own password, not one handed to a person
    user.division_scopes = [UserDivision(division=d) for d in divisions]
    db.session.add(user)
    db.session.flush()
    for teaching_class in classes:
        db.session.add(ClassTeacher(class_id=teaching_class.id, user_id=user.id))
    db.session.flush()
    return user
