"""Specialties, courses and classes."""
from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import select

from lms.extensions import db
from lms.teaching.models import Course, Specialty, TeachingClass

_seq = itertools.count(1)


def specialty_named(name: str = "种植(含园林、林下种植)") -> Specialty:
    """One of the seeded specialties."""
    return db.session.scalar(select(Specialty).where(Specialty.name == name))


def make_course(specialty: Specialty, *, name: str | None = None, kind: str = "skill", hours: int = 40,
                credits: str = "2", required_assignments: int = 0) -> Course:
    course = Course(specialty=specialty, name=name or f"课程{next(_seq)}", kind=kind, minutes=hours * 60,
                    credits=Decimal(credits), required_assignments=required_assignments)
    db.session.add(course)
    db.session.flush()
    return course


def make_class(point, *, specialty: Specialty | None = None, cohort: int = 2025, code: str | None = None,
               head_teacher=None) -> TeachingClass:
    n = next(_seq)
    teaching_class = TeachingClass(code=code or f"{cohort}-T{n:03d}", name=f"{point.name}{cohort}级{n}班",
                                   specialty=specialty or specialty_named(), teaching_point=point, cohort=cohort,
                                   head_teacher=head_teacher)
    db.session.add(teaching_class)
    db.session.flush()
    return teaching_class
