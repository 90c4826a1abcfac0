"""A small plan (家政: 读写算, 家政服务 with two assignments, 家政顶岗实习), a class, and helpers that make a learner ready."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from lms.teaching.models import Course, Specialty
from tests.factories import (
    complete_everything,
    make_class,
    make_county,
    make_learner,
    make_plan,
    make_teaching_point,
    make_township,
    make_village,
    specialty_named,
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
    return Plan(specialty, *make_plan(specialty))


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

    def ready(learner, **options):
        return complete_everything(learner, plan.courses, **options)

    return ready
