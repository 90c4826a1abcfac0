"""The teaching demo works on whatever classes and learners exist (here made by factories)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.auth.scope import EVERYTHING
from lms.extensions import db
from lms.rules import HourTotals
from lms.teaching import demo
from lms.teaching.hours import hour_totals, summary_totals
from lms.teaching.models import ClassSession, ClassTeacher, SelfStudyEntry
from lms.teaching.progress import progress_for
from lms.teaching.queries import class_cadence_report, class_sessions
from lms.teaching.services.sessions import Mark, save_attendance, sheet_learners
from tests.factories import make_class, make_learner, make_user, specialty_named
from tests.functional.teaching.conftest import build_class
from tests.support.demo_days import days_over_caps

TODAY = date(2025, 11, 20)


def test_the_demo_gives_a_year_of_teaching_to_existing_classes(app):
    teacher = make_user("teacher", username="teacher")
    first = build_class(20, enrolled_on=date(2024, 9, 1))
    second = build_class(15, enrolled_on=date(2024, 9, 1))
    embroidery = make_class(second.point, specialty=specialty_named("刺绣"))
    for _ in range(10):
        make_learner(second.village, teaching_class=embroidery, enrolled_on=date(2025, 3, 1))
    build_class(0)                                              # a class without learners is left alone
    counts = demo.load(today=TODAY)
    assert counts["sessions"] >= 30 and counts["attendance"] > 400 and counts["platform"] and counts["self_study"]
    taught = set(db.session.scalars(select(ClassTeacher.class_id).where(ClassTeacher.user_id == teacher.id)))
    assert taught == {first.teaching_class.id, second.teaching_class.id}
    assert first.teaching_class.head_teacher_id == teacher.id
    assert db.session.scalar(select(func.count()).select_from(ClassSession).where(
        ClassSession.held_on == TODAY)) == 1

    reports = [class_cadence_report(c, class_sessions(c), TODAY)
               for c in (first.teaching_class, second.teaching_class, embroidery)]
    assert any(not r.result.ok for r in reports) and any(r.result.ok for r in reports)
    assert all(sum(m.status == "ok" for m in r.months) >= 8 for r in reports)
    # One class held a winter training across the last New Year: one training, counted in 2024 where it began.
    winter = [(t.start_on, t.end_on, t.days, y.year) for r in reports for y in r.years for t in y.trainings
              if t.crosses_year]
    assert winter == [(date(2024, 12, 20), date(2025, 1, 5), 17, 2024)]

    learners = first.learners + second.learners
    progress = progress_for(learners, TODAY)
    assert any(p.hours.ok for p in progress.values()), "some learners are past 360 hours"
    assert any(p.behind_schedule for p in progress.values()), "some learners are behind"
    assert db.session.scalar(select(func.count()).select_from(SelfStudyEntry).where(
        SelfStudyEntry.status == "pending")) > 0

    assert days_over_caps() == [], "every day's hours within the daily caps"
    todays = db.session.scalar(select(ClassSession).where(ClassSession.held_on == TODAY))
    everyone = {learner.id: Mark("present", todays.minutes) for learner in sheet_learners(todays, EVERYTHING)}
    save_attendance(actor=teacher, session=todays, expected_version=todays.version, marks=everyone, today=TODAY,
                    scope=EVERYTHING)       # the day's study left room for the teacher to mark a whole day
    ids = [learner.id for learner in learners]
    recomputed, summary = hour_totals(learners=ids), summary_totals(learners=ids)
    assert all(summary[i] == recomputed.get(i, HourTotals()) for i in ids)


def test_the_demos_platform_records_are_clock_minutes_converted_at_each_cohorts_hour_length(app):
    """The demo cohorts take the default 45-minute 学时; a cohort whose policy keeps 60 gets parts equal to
    its minutes. Either way each record keeps the platform's minutes and its 学时 are those minutes converted."""
    from lms.policies.services import save_policy
    from lms.rules import parts_from_clock_minutes
    from lms.teaching.models import PlatformRecord

    make_user("teacher", username="teacher")
    save_policy(actor=None, cohort=2024, values={"hour_length_minutes": 60})
    old, new = build_class(10, enrolled_on=date(2024, 9, 1)), build_class(10, enrolled_on=date(2025, 3, 1))
    demo.load(today=TODAY)
    for setup, length in ((old, 60), (new, 45)):
        records = db.session.execute(select(PlatformRecord.minutes, PlatformRecord.clock_minutes).where(
            PlatformRecord.learner_id.in_([learner.id for learner in setup.learners]))).all()
        assert records and all(clock and minutes == parts_from_clock_minutes(clock, length)
                               for minutes, clock in records)
    assert any(minutes != clock for minutes, clock in db.session.execute(
        select(PlatformRecord.minutes, PlatformRecord.clock_minutes)))
