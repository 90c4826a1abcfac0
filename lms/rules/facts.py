"""The plain inputs of the rules: hour totals, course facts, learner facts and class sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lms.rules.vocab import (
    COURSE_KINDS,
    EXEMPTION_KINDS,
    HOUR_CATEGORIES,
    LEARNER_STATUSES,
    PRIOR_EDUCATIONS,
    SESSION_MODES,
)

Score = int | Decimal
Attempt = tuple[Score, dt.date]


def _minutes(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative int of minutes, got {value!r}")
    return value


def to_decimal(value: Any, name: str = "value") -> Decimal:
    """An int, str or Decimal (or a float via its shortest repr) as a finite Decimal; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | str | float | Decimal):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def score_error(score: Any) -> str | None:
    """Why a score is invalid (Chinese), or None when it is an int/Decimal in 0–100."""
    if isinstance(score, bool) or not isinstance(score, int | Decimal):
        return f"成绩必须是数字（收到 {score!r}）"
    if isinstance(score, Decimal) and not score.is_finite():
        return "成绩必须是数字"
    if not 0 <= score <= 100:
        return f"成绩必须在 0–100 之间（收到 {score}）"
    return None


@dataclass(frozen=True)
class HourTotals:
    """Credited hours per category, in parts of a 学时 (1/60, lms.rules.units; the fields keep the name
    "minutes"): F face-to-face, L live online, P platform, S self-study."""

    face: int = 0
    live: int = 0
    platform: int = 0
    self_study: int = 0

    def __post_init__(self) -> None:
        for name in ("face", "live", "platform", "self_study"):
            _minutes(getattr(self, name), name)

    @classmethod
    def from_categories(cls, minutes: Mapping[str, int]) -> HourTotals:
        """Build from a mapping keyed by category letter, e.g. {"S": 6000, "P": 9000}."""
        unknown = set(minutes) - set(HOUR_CATEGORIES)
        if unknown:
            raise ValueError(f"unknown hour categories: {sorted(unknown)}")
        return cls(face=minutes.get("F", 0), live=minutes.get("L", 0),
                   platform=minutes.get("P", 0), self_study=minutes.get("S", 0))

    def by_category(self) -> dict[str, int]:
        """Minutes keyed by category letter F, L, P, S."""
        return {"F": self.face, "L": self.live, "P": self.platform, "S": self.self_study}

    def total(self, categories: frozenset[str] | set[str] | tuple[str, ...] = HOUR_CATEGORIES) -> int:
        """Sum of the minutes of the given categories (all four by default)."""
        per = self.by_category()
        return sum(per[cat] for cat in set(categories))


@dataclass(frozen=True, slots=True)
class CourseFacts:
    """One course of a learner's teaching plan and what the learner did in it.

    ``attempts`` are (score, sat_on) pairs in any order; ``exemption`` is None or one of
    'exempt_study' 免修, 'exempt_exam' 免考, 'waived' (internship only); ``awarded_credits``
    are extra credits granted for competition awards or innovations (R9).
    """

    course_id: Any
    name: str
    kind: str
    hours: int = 0
    credits: Decimal = Decimal(0)
    required_assignments: tuple[str, ...] = ()
    completed_assignments: frozenset[str] = frozenset()
    attempts: tuple[Attempt, ...] = ()
    exemption: str | None = None
    awarded_credits: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.kind not in COURSE_KINDS:
            raise ValueError(f"course kind must be one of {COURSE_KINDS}, got {self.kind!r}")
        _minutes(self.hours, "hours")
        if self.exemption is not None and self.exemption not in EXEMPTION_KINDS:
            raise ValueError(f"exemption must be None or one of {EXEMPTION_KINDS}, got {self.exemption!r}")
        if self.exemption == "waived" and self.kind != "internship":
            raise ValueError("only an internship (顶岗实习) can be waived")
        for name in ("credits", "awarded_credits"):
            number = to_decimal(getattr(self, name), name)
            if number < 0:
                raise ValueError(f"{name} must not be negative")
            object.__setattr__(self, name, number)
        object.__setattr__(self, "required_assignments",
                           tuple(title.strip() for title in self.required_assignments))
        object.__setattr__(self, "completed_assignments",
                           frozenset(title.strip() for title in self.completed_assignments))
        attempts = tuple(tuple(attempt) for attempt in self.attempts)
        for attempt in attempts:
            if len(attempt) != 2 or not isinstance(attempt[1], dt.date):
                raise ValueError(f"an attempt is (score, date), got {attempt!r}")
            error = score_error(attempt[0])
            if error:
                raise ValueError(error)
        object.__setattr__(self, "attempts", attempts)

    @classmethod
    def trusted(cls, course_id: Any, name: str, kind: str, hours: int, credits: Decimal,
                required_assignments: tuple[str, ...], completed_assignments: frozenset[str],
                attempts: tuple[Attempt, ...], exemption: str | None, awarded_credits: Decimal) -> CourseFacts:
        """CourseFacts from values already in their checked form, WITHOUT the checks of the constructor: for the
        facts builder (lms.assessment.facts), whose values the database's types and constraints guarantee —
        a known kind and exemption, Decimal credits ≥ 0, stripped titles as a tuple and a frozenset, attempts as
        (Decimal or int score in 0–100, date) tuples. Anyone building facts by hand uses CourseFacts(...)."""
        facts = object.__new__(cls)
        setter = object.__setattr__
        setter(facts, "course_id", course_id)
        setter(facts, "name", name)
        setter(facts, "kind", kind)
        setter(facts, "hours", hours)
        setter(facts, "credits", credits)
        setter(facts, "required_assignments", required_assignments)
        setter(facts, "completed_assignments", completed_assignments)
        setter(facts, "attempts", attempts)
        setter(facts, "exemption", exemption)
        setter(facts, "awarded_credits", awarded_credits)
        return facts


@dataclass(frozen=True)
class LearnerFacts:
    """Everything the rules need to know about one learner.

    ``period_end_on`` is the last day of the study period; leave it None to derive it
    from ``enrolled_on`` and the policy's 学制 (pass it when a suspension extended it).
    ``moral_ok`` is None (not yet evaluated), True 合格 or False 不合格.
    ``status`` is the student-status code; 'withdrawn' and the statuses that leave the register
    ('transferred', 'cancelled', 'deceased') change the decision.
    ``left_on``: the date of the 转出/注销/死亡 event (its status in ``status`` when as_of is on or after it).
    ``suspended_on``: the day the learner's 休学 began when suspended as of the decision day (the period
    does not run: never graduate/complete), else None (lms.rules.suspended_since).
    """

    birth_on: dt.date
    enrolled_on: dt.date
    prior_education: str
    hours: HourTotals = field(default_factory=HourTotals)
    courses: tuple[CourseFacts, ...] = ()
    moral_ok: bool | None = None
    period_end_on: dt.date | None = None
    status: str = "studying"
    withdrawn_on: dt.date | None = None
    learner_id: Any = None
    suspended_on: dt.date | None = None
    left_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.prior_education not in PRIOR_EDUCATIONS:
            raise ValueError(f"prior_education must be one of {PRIOR_EDUCATIONS}, got {self.prior_education!r}")
        if self.status not in LEARNER_STATUSES:
            raise ValueError(f"status must be one of {LEARNER_STATUSES}, got {self.status!r}")
        if self.moral_ok is not None and not isinstance(self.moral_ok, bool):
            raise ValueError("moral_ok must be None, True or False")
        if self.period_end_on is not None and self.period_end_on < self.enrolled_on:
            raise ValueError("period_end_on is before enrolled_on")
        object.__setattr__(self, "courses", tuple(self.courses))
        ids = [course.course_id for course in self.courses]
        if len(ids) != len(set(ids)):
            raise ValueError("a course appears twice in the plan")


@dataclass(frozen=True)
class SessionFacts:
    """One held class session for R4: its date, credited minutes and mode ('face' or 'live')."""

    held_on: dt.date
    minutes: int
    mode: str = "face"

    def __post_init__(self) -> None:
        _minutes(self.minutes, "minutes")
        if self.mode not in SESSION_MODES:
            raise ValueError(f"mode must be one of {SESSION_MODES}, got {self.mode!r}")
