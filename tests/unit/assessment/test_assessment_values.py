"""Small value helpers of the assessment domain: assignment titles, JSON hours."""
from __future__ import annotations

import pytest

from lms.assessment.audit import hours_number
from lms.assessment.facts import chunks, required_titles
from lms.assessment.importers import assignment_title

REQUIRED = required_titles(3)


def test_required_titles_follow_the_courses_count():
    assert REQUIRED == ("作业1", "作业2", "作业3") and required_titles(0) == ()


@pytest.mark.parametrize("text, title", [
    ("作业2", "作业2"), ("2", "作业2"), ("第2次作业", "作业2"), ("实操3", "作业3"), ("第 1 项", "作业1"),
    ("作业4", None), ("0", None), ("期末作业", None), ("", None),
])
def test_assignment_titles_people_type(text, title):
    assert assignment_title(text, REQUIRED) == title


@pytest.mark.parametrize("minutes, hours", [(21600, 360), (0, 0), (21599, 359.9), (21545, 359.0), (90, 1.5)])
def test_hours_in_json_are_whole_or_rounded_down_to_a_tenth(minutes, hours):
    assert hours_number(minutes) == hours


def test_chunks_keep_order_and_drop_duplicates():
    assert list(chunks([3, 1, 3, 2, 1], size=2)) == [[3, 1], [2]]
