"""Reporting periods and the targets setting, at their edges."""
from __future__ import annotations

from datetime import date

import pytest

from lms.reports.hours_bands import band_labels
from lms.reports.quarterly import Period
from lms.reports.standings import window_start
from lms.reports.targets import TargetGoal, parse_targets, targets_problem


@pytest.mark.parametrize("text, start, end, label", [
    ("2025Q1", date(2025, 1, 1), date(2025, 3, 31), "2025年第一季度"),
    ("2024q1", date(2024, 1, 1), date(2024, 3, 31), "2024年第一季度"),
    ("2025Q3", date(2025, 7, 1), date(2025, 9, 30), "2025年第三季度"),
    ("2025Q4", date(2025, 10, 1), date(2025, 12, 31), "2025年第四季度"),
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "2025年"),
])
def test_periods_parse_quarters_and_years(text, start, end, label):
    period = Period.parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2025Q5", "2025Q0", "25Q1", "", "2025-07"])
def test_bad_periods_are_refused_in_chinese(text):
    with pytest.raises(ValueError, match="请写成 2025Q3"):
        Period.parse(text)


def test_the_quarter_containing_a_day():
    assert Period.containing(date(2025, 9, 30)).code == "2025Q3"
    assert Period.containing(date(2025, 10, 1)).code == "2025Q4"


def test_targets_parse_one_goal_per_line_sorted_by_due_date():
    assert parse_targets("2025-12-31 6000\n\n2023-12-31, 3000") == [
        TargetGoal(date(2023, 12, 31), 3000), TargetGoal(date(2025, 12, 31), 6000)]


@pytest.mark.parametrize("text, message", [
    ("2023-12-31", "第 1 行应为"), ("2023-13-31 30", "日期“2023-13-31”无法识别"),
    ("2023-12-31 0", "应为正整数"), ("2023-06-30 1\n2023-12-31 2", "同一年份"), ("  ", "不能为空"),
])
def test_bad_targets_name_the_line(text, message):
    assert message in targets_problem(text)


def test_the_cadence_window_is_twelve_months_including_the_current_one():
    assert window_start(date(2025, 6, 30)) == date(2024, 7, 1)
    assert window_start(date(2025, 12, 1)) == date(2025, 1, 1)


def test_hours_bands_are_labelled_in_hours_for_one_requirement():
    assert band_labels({21600}) == ("0–60", "60–120", "120–180", "180–240", "240–300", "300–360", "≥360")
    assert band_labels({21600, 18000})[-1] == "≥100%"
