"""A small plan (家政: 读写算, 家政服务 with two assignments, 顶岗实习) and helpers that make a learner ready."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from lms.teaching.models import Course, Specialty
from tests.factories import (
    give_hours, make_class, make_completion, make_county, make_course, make_learner, make_moral, make_result,
    make_teaching_point, make_township, make_village, specialty_named,
)


@dataclass
class Plan:
    specialty: Specialty
    literacy: Course
    skill: Course
    internship: Course

    @property
    def courses(self) -> tuple[Course, ...]:
        return (self.literacy, self.skill, self.internship)


@pytest.fixture
def plan() -> Plan:
    specialty = specialty_named("家政")
    return Plan(specialty,
                make_course(specialty, name="读写算", kind="cultural", credits="4"),
                make_course(specialty, name="家政服务", kind="skill", credits="3", required_assignments=2),
                make_course(specialty, name="家政顶岗实习", kind="internship", credits="2"))


@pytest.fixture
def place():
    township = make_township(make_county())
    village = make_village(township)
    return village


@pytest.fixture
def home_class(place, plan):
    return make_class(make_teaching_point(place), specialty=plan.specialty, cohort=2023)


@pytest.fixture
def enrol(place, plan, home_class):
    """enrol(enrolled_on=..., prior_education=...) → a learner of the 家政 plan in the test class."""

    def build(**options):
        options.setdefault("enrolled_on", date(2023, 3, 1))
        return make_learner(place, teaching_class=home_class, specialty=plan.specialty, **options)

    return build


@pytest.fixture
def make_ready(plan):
    """make_ready(learner, on=...) passes every course, completes the assignments, moral 合格, exactly 360 hours."""

    def ready(learner, *, on: date = date(2024, 6, 1), skip=(), moral: bool = True, platform_minutes: int = 9600):
        for course in plan.courses:
            if course in skip:
                continue
            for number in range(1, course.required_assignments + 1):
                make_completion(learner, course, f"作业{number}", on)
            make_result(learner, course, 75, on)
        if moral:
            make_moral(learner, True, on)
        give_hours(learner, platform_minutes=platform_minutes, self_study_minutes=12000, on=on)
        return learner

    return ready
