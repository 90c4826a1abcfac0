"""Assessment and recognition: results, completions, moral evaluations, scans, a ready-to-graduate learner."""
from __future__ import annotations

import io
import itertools
from datetime import date
from decimal import Decimal

from PIL import Image

from lms.assessment.models import AssessmentResult, AssignmentCompletion, MoralEvaluation
from lms.extensions import db
from lms.teaching.models import PlatformRecord, SelfStudyEntry

_seq = itertools.count(1)


def tiny_png(colour: str = "white") -> bytes:
    """A real 8×8 PNG (content-checked uploads accept it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def tiny_pdf() -> bytes:
    """A minimal well-formed PDF."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def make_result(learner, course, score, sat_on: date = date(2025, 6, 1), *, recorded_by=None) -> AssessmentResult:
    row = AssessmentResult(learner_id=learner.id, course_id=course.id, score=Decimal(str(score)), sat_on=sat_on,
                           recorded_by_id=getattr(recorded_by, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def make_completion(learner, course, title: str, completed_on: date = date(2025, 5, 1)) -> AssignmentCompletion:
    row = AssignmentCompletion(learner_id=learner.id, course_id=course.id, title=title, completed_on=completed_on)
    db.session.add(row)
    db.session.flush()
    return row


def make_moral(learner, passed: bool = True, on: date = date(2025, 6, 1), *, evaluator=None) -> MoralEvaluation:
    row = MoralEvaluation(learner_id=learner.id, passed=passed, evaluated_on=on,
                          evaluator_id=getattr(evaluator, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def give_hours(learner, *, platform_minutes: int = 0, self_study_minutes: int = 0, on: date = date(2025, 5, 1)):
    """Platform (P) and approved self-study (S) minutes dated `on` — the hours R6 counts; refreshes the
    summaries as every writer of hours does."""
    from lms import summaries

    n = next(_seq)
    if platform_minutes:
        db.session.add(PlatformRecord(learner_id=learner.id, platform="测试平台", minutes=platform_minutes,
                                      studied_on=on, record_ref=f"T-{learner.id}-{n}"))
    if self_study_minutes:
        db.session.add(SelfStudyEntry(learner_id=learner.id, studied_on=on, minutes=self_study_minutes,
                                      content="自学", status="approved"))
    db.session.flush()
    summaries.hours_changed([learner.id])


def make_plan(specialty):
    """A small plan for `specialty`: 读写算 (cultural, 4 credits), a skills course with two assignments
    (3 credits) and an internship (2 credits); returns the three courses.

    The seeded default plan of the specialty is deactivated first, so the plan is exactly these three.
    """
    from sqlalchemy import update

    from lms.extensions import db
    from lms.teaching.models import Course
    from tests.factories.teaching import make_course

    db.session.execute(update(Course).where(Course.specialty_id == specialty.id).values(active=False)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Course).where(Course.specialty_id == specialty.id, Course.name == "读写算")
                       .values(name="读写算（原计划）").execution_options(synchronize_session=False))
    short = specialty.name.split("(")[0]
    return (make_course(specialty, name="读写算", kind="cultural", credits="4"),
            make_course(specialty, name=f"{short}服务", kind="skill", credits="3", required_assignments=2),
            make_course(specialty, name=f"{short}顶岗实习", kind="internship", credits="2"))


def complete_everything(learner, courses, *, on: date = date(2024, 6, 1), skip=(), moral: bool = True,
                        platform_minutes: int = 9600):
    """Pass every course (assignments done first), moral 合格, and exactly 360 hours (S 200 + P 160)."""
    for course in courses:
        if course in skip:
            continue
        for number in range(1, course.required_assignments + 1):
            make_completion(learner, course, f"作业{number}", on)
        make_result(learner, course, 75, on)
    if moral:
        make_moral(learner, True, on)
    give_hours(learner, platform_minutes=platform_minutes, self_study_minutes=12000, on=on)
    return learner
