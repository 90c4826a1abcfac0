"""Two townships with a class each, for the 督查 tests: 甲镇 (four learners) and 乙镇 (one)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.factories import make_class, make_county, make_learner, make_teaching_point, make_township, make_village

PERIOD = {"start": "2026-09-01", "end": "2026-12-31"}


@dataclass
class Inspected:
    township_a: object
    township_b: object
    class_a: object
    class_b: object
    learners: list
    learner_b: object


@pytest.fixture
def county(app):
    county = make_county("督查县")
    township_a, township_b = make_township(county, "甲镇"), make_township(county, "乙镇")
    village_a, village_b = make_village(township_a, "甲村"), make_village(township_b, "乙村")
    class_a = make_class(make_teaching_point(village_a), code="JIA-01")
    class_b = make_class(make_teaching_point(village_b), code="YI-01")
    learners = [make_learner(village_a, teaching_class=class_a, name=f"甲{i}", enrolled_on=date(2025, 3, 1))
                for i in range(1, 5)]
    learner_b = make_learner(village_b, teaching_class=class_b, name="乙一", enrolled_on=date(2025, 3, 1))
    return Inspected(township_a, township_b, class_a, class_b, learners, learner_b)
