"""The county's targets (R2 counting, goals and due dates from the settings)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TargetGoal:
    """A goal of the county plan: `goal` learners counted by R2 for the year of `due`, by `due`."""

    due: dt.date
    goal: int


def parse_targets(text: str) -> list[TargetGoal]:
    """Goals from the setting's text, one "YYYY-MM-DD N" per line; ValueError (Chinese) naming the line."""
    goals = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.replace(",", " ").replace(",", " ").strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ValueError(f"第 {number} 行应为“到期日期 人数”，如 2025-12-31 6000")
        try:
            due = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise ValueError(f"第 {number} 行的日期“{parts[0]}”无法识别，请写成 2025-12-31") from None
        if not parts[1].isdigit() or int(parts[1]) <= 0:
            raise ValueError(f"第 {number} 行的人数“{parts[1]}”应为正整数")
        goals.append(TargetGoal(due, int(parts[1])))
    if len({goal.due.year for goal in goals}) != len(goals):
        raise ValueError("同一年份只能有一个目标")
    return sorted(goals, key=lambda goal: goal.due)


def targets_problem(text: str) -> str | None:
    """The settings validator: why the text is not a valid list of goals, or None."""
    try:
        goals = parse_targets(text)
    except ValueError as error:
        return f":{error}"
    return None if goals else "不能为空"
