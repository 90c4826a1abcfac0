"""Handing out student numbers (学号) from the school's pattern setting and gap-free counters."""
from __future__ import annotations

from sqlalchemy import select

from lms.core.sequences import next_values
from lms.extensions import db
from lms.learners.models import Learner
from lms.learners.numbering import plan_number
from lms.settings.services import get_setting


def allocate_student_numbers(requests: list[tuple[int, str]]) -> list[str]:
    """Student numbers for (enrolment year, village code) pairs, in the same order.

    One counter UPDATE per distinct prefix (a bulk import of 10,000 learners costs a handful of
    queries). A number already taken — imported from an old ledger, or left by an earlier pattern —
    is skipped, never handed out twice.
    """
    pattern = get_setting("learners.student_number_pattern")
    school = get_setting("school.code")
    plans = [plan_number(pattern, year=year, school_code=school, village_code=code) for year, code in requests]
    numbers: list[str | None] = [None] * len(plans)
    by_prefix: dict[str, list[int]] = {}
    for index, plan in enumerate(plans):
        by_prefix.setdefault(plan.prefix_key, []).append(index)
    for prefix, indexes in by_prefix.items():
        plan = plans[indexes[0]]
        waiting = list(indexes)
        while waiting:
            candidates = [plan.number(value) for value in next_values(prefix, len(waiting))]
            taken = set(db.session.scalars(select(Learner.student_number)
                                           .where(Learner.student_number.in_(candidates))))
            free = [number for number in candidates if number not in taken]
            for index, number in zip(waiting, free, strict=False):
                numbers[index] = number
            waiting = waiting[len(free):]
    return numbers
