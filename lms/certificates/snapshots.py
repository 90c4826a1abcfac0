"""What is printed on a certificate, frozen at issue as a JSON snapshot.

Personal data comes from the learner's row, hours and course standings from the engine's
Decision (the R6 rule's minutes per category and the course standings), school data from the
settings. A later change to any of them never alters an issued document.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lms.learners.models import SEX_LABELS, Learner
from lms.rules import Decision
from lms.rules.formatting import format_credits, format_score

HOUR_KEYS = ("F", "L", "P", "S")


@dataclass(frozen=True)
class School:
    """The school's details as printed: name, 6-digit code, principal, seal image (asset path) and number pattern."""

    name: str
    code: str
    principal: str
    number_pattern: str
    seal: str | None


def hours_by_category(decision: Decision) -> dict[str, int]:
    """Minutes per hour category (F, L, P, S) the engine counted, read from its R6 result."""
    for rule in decision.rules:
        if rule.code == "R6":
            counted = rule.numbers.get("by_category", {})
            return {key: int(counted.get(key, 0)) for key in HOUR_KEYS}
    return dict.fromkeys(HOUR_KEYS, 0)


def _course_rows(decision: Decision, planned: dict[Any, tuple[int, str]]) -> list[dict[str, Any]]:
    rows = []
    for standing in decision.courses:
        minutes, credits = planned.get(standing.course_id, (None, None))
        best = standing.best
        rows.append({
            "name": standing.name, "kind": standing.kind, "status": standing.status, "status_label": standing.label,
            "planned_minutes": minutes, "credits": credits, "credits_earned": format_credits(standing.credits_earned),
            "score": None if best is None else format_score(best.score),
            "assessed_on": None if best is None else best.sat_on.isoformat(),
        })
    return rows


def study_dates(kind: str, learner: Learner, issued_on: date, withdrawn_on: date | None) -> tuple[date, date]:
    """(from, to) of the study printed: enrolment to withdrawal for a study record, else to the period's
    end (or the issue day, for an early graduate)."""
    if kind == "study_record":
        return learner.enrolled_on, withdrawn_on or learner.status_changed_on or issued_on
    return learner.enrolled_on, min(learner.period_end_on, issued_on)


def build_snapshot(*, kind: str, learner: Learner, decision: Decision, issued_on: date, school: School,
                   photo: str | None, withdrawn_on: date | None, planned: dict[Any, tuple[int, str]],
                   replaces_number: str | None = None) -> dict[str, Any]:
    """Everything printed on one certificate, as JSON-ready data."""
    hours = hours_by_category(decision)
    study_from, study_to = study_dates(kind, learner, issued_on, withdrawn_on)
    return {
        "name": learner.name,
        "sex": SEX_LABELS.get(learner.sex, ""),
        "birth_on": learner.birth_on.isoformat(),
        "id_number": learner.id_number,
        "student_number": learner.student_number,
        "specialty": learner.specialty.name,
        "programme_years": learner.programme_years,
        "enrolled_on": learner.enrolled_on.isoformat(),
        "period_end_on": learner.period_end_on.isoformat(),
        "study_from": study_from.isoformat(),
        "study_to": study_to.isoformat(),
        "outcome": decision.outcome,
        "hours": hours,
        "hours_total": sum(hours.values()),
        "hours_counted": decision.hours_360,
        "credits_earned": format_credits(decision.credits),
        "courses": _course_rows(decision, planned) if kind != "diploma" else [],
        "school": {"name": school.name, "code": school.code, "principal": school.principal},
        "seal": school.seal,
        "photo": photo,
        "replaces_number": replaces_number,
    }
