"""A small county for the report tests: two townships, a class each, learners at the edges of R2,
R6 and R4, roster entries with visits, and helpers to grow it for the query-count tests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from lms.extensions import db
from tests.factories import (
    make_class,
    make_county,
    make_learner,
    make_roster_entry,
    make_session,
    make_teaching_point,
    make_township,
    make_village,
    make_visit,
    mark_attendance,
)
from tests.factories.assessment import give_hours
from tests.factories.certificates import withdraw

AS_OF = date(2025, 6, 30)


@dataclass
class County:
    county: object
    towns: list = field(default_factory=list)
    villages: list = field(default_factory=list)
    classes: list = field(default_factory=list)
    learners: dict = field(default_factory=dict)

    def grow(self, per_village: int) -> None:
        """Add `per_village` more learners (with hours and a roster entry) to every village."""
        for index, village in enumerate(self.villages):
            for _ in range(per_village):
                learner = make_learner(village, teaching_class=self.classes[index], enrolled_on=date(2024, 3, 1))
                give_hours(learner, platform_minutes=600, on=date(2024, 5, 1))
                make_visit(make_roster_entry(village), visited_on=date(2024, 2, 1), outcome="enrolled")
        from lms import summaries

        summaries.hours_changed([learner_id for learner_id in _all_learner_ids()])
        db.session.flush()


def _all_learner_ids():
    from sqlalchemy import select

    from lms.learners.models import Learner

    return db.session.scalars(select(Learner.id)).all()


@pytest.fixture
def county() -> County:
    """甲镇 (甲一村, class A) and 乙镇 (乙一村, class B) with learners chosen for the rules' edges."""
    from lms import summaries

    c = County(make_county("报表县"))
    for name in ("甲镇", "乙镇"):
        town = make_township(c.county, name)
        village = make_village(town, f"{name[0]}一村")
        c.towns.append(town)
        c.villages.append(village)
        c.classes.append(make_class(make_teaching_point(village), code=f"R-{name}", cohort=2023))
    a, b = c.villages
    class_a, class_b = c.classes
    c.learners = {
        # R2: 未上过学 by 2023 counts for both targets; 小学 only for 2025; 初中 for none; enrolled late → only 2025.
        "core_2023": make_learner(a, teaching_class=class_a, prior_education="未上过学", enrolled_on=date(2023, 5, 1)),
        "primary_2023": make_learner(a, teaching_class=class_a, prior_education="小学", enrolled_on=date(2023, 6, 1)),
        "junior": make_learner(a, teaching_class=class_a, prior_education="初中", enrolled_on=date(2023, 6, 1)),
        "core_2024": make_learner(b, teaching_class=class_b, prior_education="未上过学", enrolled_on=date(2024, 1, 10)),
        "left": make_learner(b, teaching_class=class_b, enrolled_on=date(2023, 9, 1)),
        "future": make_learner(b, teaching_class=class_b, enrolled_on=date(2025, 9, 1)),
    }
    withdraw(c.learners["left"], date(2024, 11, 5))
    # R6 edges: exactly 360 hours (S+P) meets the rule, one minute less does not.
    give_hours(c.learners["core_2023"], platform_minutes=9600, self_study_minutes=12000, on=date(2024, 5, 1))
    give_hours(c.learners["primary_2023"], platform_minutes=9599, self_study_minutes=12000, on=date(2024, 5, 1))
    # R4: class A meets every month of the window; class B has no full day since January 2025.
    for month in range(12):      # July 2024 … June 2025, one 8-hour day each
        make_session(class_a, held_on=date(2024 + (month + 6) // 12, (month + 6) % 12 + 1, 3))
    session_b = make_session(class_b, held_on=date(2025, 1, 4))
    mark_attendance(session_b, c.learners["core_2024"])
    summaries.hours_changed([learner.id for learner in c.learners.values()])
    # The roster: three people in 甲一村, two visited (one enrolled); one in 乙一村, not visited.
    for outcome in ("visited", "enrolled"):
        make_visit(make_roster_entry(a), visited_on=date(2023, 4, 1), outcome=outcome)
    make_roster_entry(a)
    make_roster_entry(b)
    db.session.flush()
    return c
