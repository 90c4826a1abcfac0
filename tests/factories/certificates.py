"""Certificates, and learners whose database rows make the graduation audit say 毕业 or 结业.

`make_graduate` and `make_completer` write what the audit reads (results, assignments, the moral
evaluation, platform and self-study hours), so every issuing test goes through the real fact
gathering and the real engine — the same decisions the audit page shows.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from lms import summaries
from lms.certificates.services.batches import (
    create_diploma_batch,
    issue_batch,
    issue_directly,
    record_verification,
    submit_batch,
)
from lms.extensions import db
from lms.learners.models import Learner, StatusEvent
from lms.policies.services import policy_for
from lms.rules import CourseFacts, HourTotals, LearnerFacts, graduation_decision
from lms.teaching.models import Course
from tests.factories.assessment import complete_everything, give_hours, make_completion, make_moral, make_result
from tests.factories.teaching import make_course

# What make_completer gives: S 30 + P 40 学时, well short of R6's 360.
PART_SELF_STUDY_MINUTES, PART_PLATFORM_MINUTES = 30 * 60, 40 * 60


def plan_courses(specialty, count: int = 3) -> list:
    """`count` courses in the specialty's teaching plan (a cultural course first)."""
    return [make_course(specialty, kind="cultural" if i == 0 else "skill", hours=40 + 8 * i, credits=str(2 + i))
            for i in range(count)]


def _plan(learner: Learner) -> list[Course]:
    courses = list(db.session.scalars(select(Course).where(Course.specialty_id == learner.specialty_id,
                                                           Course.active.is_(True))))
    return courses or plan_courses(learner.specialty)


def _study_day(learner: Learner) -> date:
    """A day inside the study period, early enough for any as-of day a test uses."""
    return learner.enrolled_on + timedelta(days=30)


def make_graduate(learner: Learner) -> Learner:
    """Rows that meet R11 for `learner`: every planned course passed with its assignments, moral 合格,
    exactly 360 学时 (S 200 + P 160)."""
    complete_everything(learner, _plan(learner), on=_study_day(learner))
    return learner


def make_completer(learner: Learner) -> Learner:
    """Rows short of R11: the last planned course failed and only 70 学时 (S 30 + P 40) — 结业 once the
    period ended."""
    courses, day = _plan(learner), _study_day(learner)
    for course in courses:
        for number in range(1, course.required_assignments + 1):
            make_completion(learner, course, f"作业{number}", day)
        make_result(learner, course, 75 if course is not courses[-1] else 45, day)
    make_moral(learner, True, day)
    give_hours(learner, platform_minutes=PART_PLATFORM_MINUTES, self_study_minutes=PART_SELF_STUDY_MINUTES, on=day)
    return learner


def _graduate_facts(learner: Learner) -> LearnerFacts:
    """Facts meeting R11, for make_certificate's snapshot only (it bypasses the engine on purpose)."""
    courses = learner.specialty.courses or plan_courses(learner.specialty)
    sat_on = learner.enrolled_on + timedelta(days=200)
    return LearnerFacts(birth_on=learner.birth_on, enrolled_on=learner.enrolled_on,
                        prior_education=learner.prior_education,
                        hours=HourTotals(face=120 * 60, live=60 * 60, platform=150 * 60, self_study=180 * 60),
                        courses=tuple(CourseFacts(course_id=c.id, name=c.name, kind=c.kind, hours=c.minutes,
                                                  credits=Decimal(c.credits), attempts=((82, sat_on),))
                                      for c in courses),
                        moral_ok=True, period_end_on=learner.period_end_on, learner_id=learner.id)


def withdraw(learner: Learner, on: date, reason: str = "外出务工，无法继续学习") -> Learner:
    """Record a 退学 status event and set the learner's status, as the registry would."""
    db.session.add(StatusEvent(learner_id=learner.id, kind="withdraw", occurred_on=on, reason=reason, approved_by="教务"))
    learner.status, learner.status_changed_on = "withdrawn", on
    db.session.flush()
    summaries.learners_changed([learner.id])
    return learner


def after_period(learner: Learner, days: int = 30) -> date:
    """A day after the learner's study period ended."""
    return learner.period_end_on + timedelta(days=days)


def issued_diplomas(actor, learners: list[Learner], *, issued_on: date, name: str = "测试毕业批次"):
    """Make `learners` graduates (make_graduate), then carry a diploma batch through 验印 to issued."""
    for learner in learners:
        make_graduate(learner)
    batch = create_diploma_batch(actor=actor, name=name, as_of=issued_on, learner_ids=[l.id for l in learners])
    submit_batch(actor=actor, batch=batch, submitted_on=issued_on, print_without_photo=True)
    record_verification(actor=actor, batch=batch, verified_on=issued_on, reference="州教验〔2026〕1号")
    return batch, issue_batch(actor=actor, batch=batch, issued_on=issued_on)


def issued_study_records(actor, learners: list[Learner], *, issued_on: date):
    """Study records for learners who withdrew (退学 events are in the database)."""
    return issue_directly(actor=actor, kind="study_record", learner_ids=[l.id for l in learners], issued_on=issued_on)


def issued_completions(actor, learners: list[Learner], *, issued_on: date):
    """Make `learners` completers (make_completer), then issue their completion certificates."""
    for learner in learners:
        make_completer(learner)
    return issue_directly(actor=actor, kind="completion", learner_ids=[l.id for l in learners], issued_on=issued_on)


_numbers = iter(range(1, 10**6))


def make_certificate(learner: Learner, *, kind: str = "diploma", issued_on: date = date(2025, 7, 1), batch=None):
    """A certificate inserted directly (bypassing the engine, like make_learner bypasses enrolment),
    with a real snapshot; for tests of other things than issuing."""
    from lms.certificates.models import Certificate, GraduationBatch
    from lms.certificates.services import new_token, planned_courses
    from lms.certificates.snapshots import School, build_snapshot

    facts = _graduate_facts(learner)
    decision = graduation_decision(facts, max(issued_on, learner.period_end_on + timedelta(days=1)),
                                   policy_for(learner.cohort))
    school = School(name="示例县中等职业学校", code="520000", principal="张三", number_pattern="{school}{yy}{seq:4}",
                    seal=None)
    if batch is None:
        batch = GraduationBatch(name=f"直接插入的批次{next(_numbers)}", kind=kind, status="issued", as_of=issued_on,
                                issued_on=issued_on)
        db.session.add(batch)
    certificate = Certificate(
        kind=kind, number=f"9{next(_numbers):011d}", learner_id=learner.id, batch=batch, issued_on=issued_on,
        token=new_token(), status="valid",
        snapshot=build_snapshot(kind=kind, learner=learner, decision=decision, issued_on=issued_on, school=school,
                                photo=None, withdrawn_on=None, planned=planned_courses([decision])))
    db.session.add(certificate)
    db.session.flush()
    return certificate
