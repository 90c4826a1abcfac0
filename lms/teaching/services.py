"""Writing teaching data: specialties, teacher assignments (more in later modules)."""
from __future__ import annotations

from sqlalchemy import select

from lms.core.errors import DomainError
from lms.extensions import db
from lms.teaching.models import DEFAULT_SPECIALTIES, ClassTeacher, Specialty, TeachingClass


def ensure_default_specialties() -> list[Specialty]:
    """Create the fifteen specialties of the county's plan if missing (idempotent)."""
    existing = {s.name: s for s in db.session.scalars(select(Specialty))}
    for position, name in enumerate(DEFAULT_SPECIALTIES, start=1):
        if name not in existing:
            existing[name] = Specialty(name=name, position=position)
            db.session.add(existing[name])
    db.session.flush()
    return [existing[name] for name in DEFAULT_SPECIALTIES]


def assign_teacher_to_classes(user, class_codes: list[str]) -> None:
    """Make `user` a teacher of the classes with these codes (a teacher's scope); unknown codes refused."""
    classes = {c.code: c for c in db.session.scalars(select(TeachingClass).where(TeachingClass.code.in_(class_codes)))}
    missing = [code for code in class_codes if code not in classes]
    if missing:
        raise DomainError(f"班级代码不存在:{'、'.join(missing)}", field="scope_codes")
    have = set(db.session.scalars(select(ClassTeacher.class_id).where(ClassTeacher.user_id == user.id)))
    for code in class_codes:
        if classes[code].id not in have:
            db.session.add(ClassTeacher(class_id=classes[code].id, user_id=user.id))
    db.session.flush()
