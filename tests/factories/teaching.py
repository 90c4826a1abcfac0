"""Specialties, courses and classes."""
from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import select

from lms import summaries
from lms.extensions import db
from lms.rules import mark_minutes
from lms.teaching.models import (
    Attendance,
    ClassSession,
    Course,
    PlatformRecord,
    SelfStudyEntry,
    Specialty,
    TeachingClass,
)

_seq = itertools.count(1)


def specialty_named(name: str = "种植（含园林、林下种植）") -> Specialty:
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


def plan_course(specialty: Specialty | None = None, name: str = "读写算") -> Course:
    """A seeded course of a specialty's default plan (读写算 by default)."""
    specialty = specialty or specialty_named()
    return db.session.scalar(select(Course).where(Course.specialty_id == specialty.id, Course.name == name))


def make_session(teaching_class: TeachingClass, *, held_on, course: Course | None = None, mode: str = "face",
                 hours: float = 8, teacher=None, place: str = "") -> ClassSession:
    """A session of `teaching_class` (the plan's 读写算 by default), no attendance yet."""
    session = ClassSession(class_id=teaching_class.id, course_id=(course or plan_course(teaching_class.specialty)).id,
                           held_on=held_on, mode=mode, minutes=int(hours * 60), place=place,
                           teacher_id=teacher.id if teacher else None)
    db.session.add(session)
    db.session.flush()
    summaries.sessions_changed([teaching_class.id])
    return session


def mark_attendance(session: ClassSession, learner, *, status: str = "present", minutes: int | None = None,
                    refresh: bool = True) -> Attendance:
    """One attendance row (present for the whole session by default); refreshes the hour summary."""
    credited = mark_minutes(status, minutes, session.minutes)
    row = Attendance(session_id=session.id, learner_id=learner.id, status=status, minutes=credited)
    db.session.add(row)
    db.session.flush()
    if refresh:
        summaries.hours_changed([learner.id])
    return row


def make_platform_record(learner, *, minutes: int, studied_on, platform: str = "贵州省社区教育学习平台",
                         record_ref: str | None = None, course_name: str = "网络课程",
                         clock_minutes: int | None = None) -> PlatformRecord:
    """A platform (P) record of `minutes` parts of a 学时 (and the platform's `clock_minutes`, if given);
    refreshes the hour summary."""
    record = PlatformRecord(learner_id=learner.id, platform=platform, course_name=course_name, minutes=minutes,
                            clock_minutes=clock_minutes, studied_on=studied_on,
                            record_ref=record_ref or f"R{next(_seq):08d}")
    db.session.add(record)
    db.session.flush()
    summaries.hours_changed([learner.id])
    return record


def make_self_study(learner, *, minutes: int, studied_on, status: str = "approved", content: str = "自学读写算第一单元",
                    evidence_path: str | None = None) -> SelfStudyEntry:
    """A self-study (S) entry, approved by default; refreshes the hour summary."""
    entry = SelfStudyEntry(learner_id=learner.id, studied_on=studied_on, minutes=minutes, content=content,
                           status=status, evidence_path=evidence_path)
    db.session.add(entry)
    db.session.flush()
    summaries.hours_changed([learner.id])
    return entry
