"""The working rules of crediting live in lms.rules.crediting, and LearnerFacts are built in one place: no other
module spells out the daily cap, the statuses that earn hours, a session mode's or a self-study status's
meaning, and only the rules and lms.assessment.facts construct LearnerFacts. A new place that decides any of
this fails here — use lms.rules (mark_minutes, mark_problem, daily_cap_problem …) or the SQL of
lms.teaching.hours (attended_minutes, earning_attendance, credited_self_study …) instead."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / "lms" / "rules"
#: The schema's CHECK constraints spell the statuses and the cap for the database (migrations mirror them).
SCHEMA = ROOT / "lms" / "teaching" / "models.py"
DECISIONS = {
    "the daily cap": r"24\s*\*\s*60|(?<![\d.])1440(?!\d)",
    "the statuses that earn hours": r"['\"]present['\"]\s*,\s*['\"]late['\"]|['\"]leave['\"]\s*,\s*['\"]absent['\"]",
    "an attendance status compared with a literal":
        r"status\s*(==|!=)\s*['\"](present|late|leave|absent)['\"]"
        r"|status\s+(not\s+)?in\s+\(\s*['\"](present|late|leave|absent)",
    "a session mode compared with a literal":
        r"\bmode\s*(==|!=)\s*['\"](face|live)['\"]|\bmode\s+(not\s+)?in\s+\(\s*['\"](face|live)",
    "a self-study status chosen in SQL": r"SelfStudyEntry\.status\s*(==|!=)\s*['\"](approved|rejected)['\"]"
                                         r"|SelfStudyEntry\.status\.in_\(",
    "an attendance status chosen in SQL": r"Attendance\.status\.in_\(|Attendance\.status\s*(==|!=)",
}


def _sources():
    for path in sorted([*(ROOT / "lms").rglob("*.py"), *(ROOT / "tests" / "factories").rglob("*.py")]):
        if RULES not in path.parents and path != SCHEMA:
            yield path


def _lines(path: Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("#", 1)[0]
        if code.strip():
            yield number, code


@pytest.mark.parametrize("what", DECISIONS)
def test_only_the_rules_decide_crediting(what):
    pattern = re.compile(DECISIONS[what])
    found = [f"{path.relative_to(ROOT)}:{number}" for path in _sources()
             for number, code in _lines(path) if pattern.search(code)]
    assert found == [], f"{what} decided outside lms/rules/crediting.py: {found}"


def test_the_sheets_script_reads_the_crediting_statuses_from_the_page():
    script = (ROOT / "static" / "js" / "attendance.js").read_text(encoding="utf-8")
    assert not re.search(r"(present|late)\s*:\s*true", script)
    assert 'getAttribute("data-crediting")' in script


def test_only_the_rules_and_the_one_builder_make_learner_facts():
    builder = ROOT / "lms" / "assessment" / "facts.py"
    found = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "lms").rglob("*.py"))
             if RULES not in path.parents and path != builder
             for number, code in _lines(path) if re.search(r"\bLearnerFacts\(", code)]
    assert found == [], f"LearnerFacts built outside lms/assessment/facts.py: {found}"
