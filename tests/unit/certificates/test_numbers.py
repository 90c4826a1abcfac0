"""Certificate number patterns: the default, tokens, and the patterns the admin may not save."""
from __future__ import annotations

import pytest

from lms.certificates.numbers import DEFAULT_PATTERN, counter_name, format_number, pattern_problem


def test_the_default_is_school_code_two_digit_year_and_four_digit_sequence():
    assert format_number(DEFAULT_PATTERN, school_code="520000", year=2025, kind="diploma", sequence=7) == "520000250007"


def test_every_token_is_filled():
    number = format_number("{school}-{type}-{yyyy}-{seq:6}", school_code="523001", year=2026, kind="study_record",
                           sequence=42)
    assert number == "523001-3-2026-000042"


def test_kinds_share_a_counter_unless_the_pattern_has_the_type():
    assert counter_name(DEFAULT_PATTERN, school_code="520000", year=2025, kind="diploma") == \
        counter_name(DEFAULT_PATTERN, school_code="520000", year=2025, kind="completion") == "certificate:52000025####"
    assert counter_name("{type}{yy}{seq:4}", school_code="", year=2025, kind="diploma") != \
        counter_name("{type}{yy}{seq:4}", school_code="", year=2025, kind="completion")
    assert counter_name(DEFAULT_PATTERN, school_code="520000", year=2026, kind="diploma").endswith("26####")


@pytest.mark.parametrize("pattern, problem", [
    ("", "不能为空"),
    ("{school}{yy}", "必须有且只有一个顺序号"),
    ("{seq:4}{seq:4}", "必须有且只有一个顺序号"),
    ("{school}{seq:2}", "3–8"),
    ("{school}{seq:9}", "3–8"),
    ("{school}/{seq:4}", "无法识别的部分「/」"),
    ("{school}{month}{seq:4}", "无法识别"),
    ("证{seq:4}", "无法识别的部分「证」"),
    ("A" * 40 + "{seq:4}", "超过 40 位"),
])
def test_bad_patterns_are_explained(pattern, problem):
    assert problem in pattern_problem(pattern)


@pytest.mark.parametrize("pattern", [DEFAULT_PATTERN, "{school}{type}{yyyy}{seq:5}", "ZZ-{yy}-{seq:3}", "{seq:8}"])
def test_good_patterns_pass(pattern):
    assert pattern_problem(pattern) is None
