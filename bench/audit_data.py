"""Data generator for the graduation-audit benchmark: a county of N learners with plans, results
(some retakes), assignments, moral evaluations, platform/self-study hours and a few exemptions.

Bulk inserts (no ORM objects per row) so 10,000 learners take seconds. Used by bench/audit.py; also handy
to look at the audit pages with realistic volumes (see bench/README.md).
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import insert, select

from lms.assessment.models import AssessmentResult, AssignmentCompletion, MoralEvaluation
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.learners.idnumbers import generate_id_number
from lms.learners.lookup import hash_id
from lms.learners.models import Learner
from lms.recognition.models import RecognitionApplication, RecognitionItem
from lms.rules import study_period_end
from lms.summaries import counted_once_at_the_end, hours_changed, learners_changed
from lms.teaching.models import Course, PlatformRecord, SelfStudyEntry, TeachingClass
from lms.teaching.services import ensure_default_specialties

COURSES = (("读写算", "cultural", 0), ("普通话", "cultural", 0), ("公民道德", "cultural", 0),
           ("专业基础", "skill", 2), ("专业技能", "skill", 2), ("顶岗实习", "internship", 0))


def generate(learners: int, *, seed: int = 7) -> None:
    """Fill an empty database with a county of `learners` learners (commits)."""
    # Bulk inserts: declare them, so the dashboard's summaries and learner_hours are counted once at the end.
    with counted_once_at_the_end():
        _generate(learners, seed)
    db.session.commit()


def _generate(learners: int, seed: int) -> None:
    rng = random.Random(seed)
    specialties = ensure_default_specialties()
    county = Division(code="522398000000", name="基准县", level="county")
    db.session.add(county)
    villages = []
    for t in range(10):
        township = Division(code=f"522398{100 + t:03d}000", name=f"基准镇{t}", level="township", parent=county)
        db.session.add(township)
        for v in range(10):
            village = Division(code=f"522398{100 + t:03d}{v + 1:03d}", name=f"基准村{t}-{v}", level="village",
                               parent=township)
            db.session.add(village)
            villages.append(village)
    db.session.flush()
    points = [TeachingPoint(name=f"{v.name}讲习所", village_id=v.id) for v in villages]
    db.session.add_all(points)
    plans = {}
    for specialty in specialties:
        plans[specialty.id] = [Course(specialty_id=specialty.id, name=f"{specialty.name[:6]}{name}", kind=kind,
                                      minutes=4800, credits=Decimal(3), required_assignments=required, position=i)
                               for i, (name, kind, required) in enumerate(COURSES)]
        db.session.add_all(plans[specialty.id])
    db.session.flush()
    classes = []
    for i, point in enumerate(points):
        for cohort in (2023, 2024, 2025):
            specialty = specialties[(i + cohort) % len(specialties)]
            classes.append(TeachingClass(code=f"B{cohort}-{i:03d}", name=f"{point.name}{cohort}级",
                                         specialty_id=specialty.id, teaching_point_id=point.id, cohort=cohort))
    db.session.add_all(classes)
    db.session.flush()

    learner_rows = []
    for n in range(learners):
        group = classes[n % len(classes)]
        point = points[(n % len(classes)) // 3]
        education = "高中及以上" if n % 5 == 0 else "未上过学"
        enrolled = dt.date(group.cohort, 3, 1)
        years = 1 if education == "高中及以上" else 3
        number = generate_id_number(address_code="522327", birth_on=dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
                                    sequence=n // 360 % 499 + 1, sex="1" if n % 2 else "2")
        learner_rows.append(dict(
            id_number=number, id_hash=hash_id(number), name=f"学员{n}", sex="1" if n % 2 else "2",
            birth_on=dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28), prior_education=education,
            village_id=point.village_id, teaching_point_id=point.id, specialty_id=group.specialty_id,
            class_id=group.id, student_number=f"B{n:07d}", cohort=group.cohort, enrolled_on=enrolled,
            programme_years=years, period_end_on=study_period_end(enrolled, years), status="studying"))
    db.session.execute(insert(Learner), learner_rows)
    ids = list(db.session.execute(select(Learner.id, Learner.specialty_id, Learner.enrolled_on)).all())

    results, completions, morals, platform, self_study = [], [], [], [], []
    for learner_id, specialty_id, enrolled in ids:
        day = enrolled + dt.timedelta(days=200)
        for course in plans[specialty_id]:
            if rng.random() < 0.15:
                continue
            for k in range(course.required_assignments):
                completions.append(dict(learner_id=learner_id, course_id=course.id, title=f"作业{k + 1}",
                                        completed_on=day))
            if rng.random() < 0.2:
                results.append(dict(learner_id=learner_id, course_id=course.id, score=Decimal(45), sat_on=day))
            results.append(dict(learner_id=learner_id, course_id=course.id, score=Decimal(rng.randint(55, 95)),
                                sat_on=day + dt.timedelta(days=30)))
        morals.append(dict(learner_id=learner_id, passed=rng.random() > 0.05, evaluated_on=day))
        platform.append(dict(learner_id=learner_id, platform="基准平台", minutes=rng.randint(6000, 14000),
                             studied_on=day, record_ref=f"B-{learner_id}"))
        self_study.append(dict(learner_id=learner_id, studied_on=day, minutes=rng.randint(6000, 12000),
                               content="自学", status="approved"))
    for model, rows in ((AssessmentResult, results), (AssignmentCompletion, completions), (MoralEvaluation, morals),
                        (PlatformRecord, platform), (SelfStudyEntry, self_study)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[start:start + 5000])
    for learner_id, specialty_id, enrolled in ids[::50]:
        internship = plans[specialty_id][-1]
        db.session.add(RecognitionApplication(
            learner_id=learner_id, evidence_type="工作经历", basis="work_experience", work_post="对口岗位",
            work_years=Decimal(3), status="approved", decided_on=enrolled + dt.timedelta(days=60),
            items=[RecognitionItem(course_id=internship.id, kind="waived", credits=internship.credits)]))
    learner_ids = [learner_id for learner_id, _, _ in ids]
    learners_changed(learner_ids)
    hours_changed(learner_ids)


