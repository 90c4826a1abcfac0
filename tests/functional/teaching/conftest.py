"""A class with a teacher and learners, for the teaching tests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from tests.factories import (
    make_class,
    make_county,
    make_learner,
    make_teaching_point,
    make_township,
    make_user,
    make_village,
)


@dataclass
class ClassSetup:
    township: object
    village: object
    point: object
    teaching_class: object
    teacher: object
    learners: list = field(default_factory=list)


def build_class(size: int = 5, *, enrolled_on: date = date(2025, 3, 1), township_name: str | None = None):
    """A township, village and point, a class there taught by a new teacher, and `size` learners in it."""
    township = make_township(make_county(), township_name)
    village = make_village(township)
    point = make_teaching_point(village)
    teaching_class = make_class(point)
    teacher = make_user("teacher", classes=[teaching_class])
    learners = [make_learner(village, teaching_class=teaching_class, name=f"学员{i:02d}", enrolled_on=enrolled_on)
                for i in range(1, size + 1)]
    return ClassSetup(township, village, point, teaching_class, teacher, learners)


@pytest.fixture
def setup(app):
    return build_class()
