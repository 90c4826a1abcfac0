"""Summaries the county's view keeps so the province-wide dashboard does not re-judge everything.

A summary row is a cache with its own validity, never a nightly job: the writes that make rows wrong
declare it (lms.summaries), which re-counts or removes them in the same transaction, and a standing
states the days it holds for, so it is never read outside them.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class CadenceStanding(db.Model):
    """A class's R4 judgement (lms.rules.class_cadence), true for every report day from `valid_from` up
    to the day before `valid_until`: the first of the next month (the window and the running month
    move) or the class's next session, whichever comes first. A class has at most two: this month's
    and, when no session is due before it, next month's."""

    __tablename__ = "cadence_standings"

    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), primary_key=True)
    valid_from: Mapped[date] = mapped_column(primary_key=True)
    valid_until: Mapped[date]
    ok: Mapped[bool]
    failing_months: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(500))


class LearnerTally(db.Model):
    """How many learners share one combination of everything the dashboard counts by: village, class,
    cohort, prior education, status (and its date), enrolment date and R6 hours band (by the cohort's
    policy, from the learner_hours summary). The dashboard sums these rows instead of a million
    learners when it reports on today; lms.reports.tallies keeps them equal to the learners."""

    __tablename__ = "learner_tallies"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"))
    cohort: Mapped[int]
    prior_education: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    status_changed_on: Mapped[date | None]
    enrolled_on: Mapped[date]
    band: Mapped[int]
    learners: Mapped[int]


class VillageMonthHours(db.Model):
    """Hours delivered to a village's learners in one month, by category (minutes; the learners' current
    village, as the quarterly report counts them). lms.reports.tallies re-counts a village whenever
    its learners' hours change or a learner moves, so a quarter's hours are a sum of a few rows."""

    __tablename__ = "village_month_hours"

    village_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)        # year * 100 + month, e.g. 202507
    face_minutes: Mapped[int] = mapped_column(default=0)
    live_minutes: Mapped[int] = mapped_column(default=0)
    platform_minutes: Mapped[int] = mapped_column(default=0)
    self_minutes: Mapped[int] = mapped_column(default=0)
