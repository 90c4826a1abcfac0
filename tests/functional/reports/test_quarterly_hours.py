"""The quarterly report's hours come from the villages' monthly hours, kept by every write of hours
and every move of a learner: they always equal the hour records of the period."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from lms import summaries
from lms.auth.scope import EVERYTHING, Scope
from lms.extensions import db
from lms.learners.models import Learner
from lms.reports.quarterly import Period, quarterly_report
from lms.teaching.hours import hour_totals_statement
from lms.teaching.models import ClassSession
from lms.teaching.services.sessions import cancel_session


def reported(period: str, scope=EVERYTHING) -> dict[str, dict[str, int]]:
    return {row.name: row.hours for row in quarterly_report(scope, Period.parse(period)).rows if row.hours_total}


def from_the_records(period: str) -> dict[str, dict[str, int]]:
    """The same figures summed from each learner's dated hour records (no summary involved)."""
    chosen = Period.parse(period)
    township_of = {learner.id: learner.village.parent.name for learner in db.session.scalars(select(Learner))}
    sums: dict[str, dict[str, int]] = defaultdict(lambda: {"F": 0, "L": 0, "P": 0, "S": 0})
    for row in db.session.execute(hour_totals_statement(as_of=chosen.end, since=chosen.start)):
        for category, value in zip("FLPS", (row.face, row.live, row.platform, row.self_study), strict=True):
            sums[township_of[row.learner_id]][category] += int(value)
    return {name: hours for name, hours in sums.items() if sum(hours.values())}


def test_a_quarters_hours_are_the_hour_records_dated_in_it(county):
    assert reported("2024Q2") == from_the_records("2024Q2") == {"甲镇": {"F": 0, "L": 0, "P": 19199, "S": 24000}}
    assert reported("2025Q1") == from_the_records("2025Q1") == {"乙镇": {"F": 480, "L": 0, "P": 0, "S": 0}}
    assert reported("2024") == from_the_records("2024")


def test_cancelling_a_session_takes_its_hours_out_of_the_quarter(county):
    session = db.session.scalar(select(ClassSession).where(ClassSession.class_id == county.classes[1].id))
    cancel_session(actor=None, session=session, reason="暴雨停课")
    assert reported("2025Q1") == from_the_records("2025Q1") == {}


def test_a_learner_who_moves_takes_their_hours_to_the_new_township(county):
    learner = county.learners["core_2023"]
    learner.village_id, learner.class_id = county.villages[1].id, county.classes[1].id
    summaries.learners_changed([learner.id], moved_from=[county.villages[0].id])     # as a mover must declare
    assert reported("2024Q2") == from_the_records("2024Q2") == {
        "甲镇": {"F": 0, "L": 0, "P": 9599, "S": 12000}, "乙镇": {"F": 0, "L": 0, "P": 9600, "S": 12000}}


def test_township_staff_see_only_their_townships_hours(county):
    scope = Scope(township_ids=frozenset({county.towns[1].id}))
    assert reported("2024Q2", scope) == {}
    assert reported("2025Q1", scope) == {"乙镇": {"F": 480, "L": 0, "P": 0, "S": 0}}
