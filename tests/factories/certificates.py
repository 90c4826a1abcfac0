"""Certificates, and decisions the real engine computes from hand-built facts.

Until the graduation audit exists, the database cannot make anyone a graduate (no results, no
hours). Tests feed the issuing services a `decide` callable built here: the facts are written by
hand, the decision is the real engine's (lms.rules.graduation_decision with policy_for(cohort)).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lms.assessment.audit import decide as audit_decide
from lms.certificates import eligibility
from lms.certificates.batches import create_diploma_batch, issue_batch, issue_directly, record_verification, submit_batch
from lms.learners.models import Learner, StatusEvent
from lms.policies.services import policy_for
from lms.rules import CourseFacts, HourTotals, LearnerFacts, graduation_decision
from lms.extensions import db
from tests.factories.teaching import make_course

# Enough hours for R6 (S+P+L ≥ 360 学时) and R5 (S+P ≥ F+L), split over the four categories.
FULL_HOURS = HourTotals(face=120 * 60, live=60 * 60, platform=150 * 60, self_study=180 * 60)
PART_HOURS = HourTotals(face=64 * 60, live=16 * 60, platform=40 * 60, self_study=30 * 60)


def plan_courses(specialty, count: int = 3) -> list:
    """`count` courses in the specialty's teaching plan (a cultural course first)."""
    return [make_course(specialty, kind="cultural" if i == 0 else "skill", hours=40 + 8 * i, credits=str(2 + i))
            for i in range(count)]


def _courses(learner: Learner, passed: bool, sat_on: date) -> tuple[CourseFacts, ...]:
    courses = learner.specialty.courses or plan_courses(learner.specialty)
    score = 82 if passed else 45
    return tuple(CourseFacts(course_id=c.id, name=c.name, kind=c.kind, hours=c.minutes, credits=Decimal(c.credits),
                             attempts=((score, sat_on),)) for c in courses)


def graduate_facts(learner: Learner, *, hours: HourTotals = FULL_HOURS) -> LearnerFacts:
    """Facts of a learner who met R11: moral 合格, every course passed, 360 hours."""
    return LearnerFacts(birth_on=learner.birth_on, enrolled_on=learner.enrolled_on,
                        prior_education=learner.prior_education, hours=hours,
                        courses=_courses(learner, True, learner.enrolled_on + timedelta(days=200)),
                        moral_ok=True, period_end_on=learner.period_end_on, learner_id=learner.id)


def completer_facts(learner: Learner, *, hours: HourTotals = PART_HOURS) -> LearnerFacts:
    """Facts of a learner short of R11 (hours missing, one course failed): 结业 once the period ended."""
    courses = _courses(learner, True, learner.enrolled_on + timedelta(days=200))
    failed = CourseFacts(course_id=courses[-1].course_id, name=courses[-1].name, kind=courses[-1].kind,
                         hours=courses[-1].hours, credits=courses[-1].credits,
                         attempts=((45, learner.enrolled_on + timedelta(days=300)),))
    return LearnerFacts(birth_on=learner.birth_on, enrolled_on=learner.enrolled_on,
                        prior_education=learner.prior_education, hours=hours, courses=(*courses[:-1], failed),
                        moral_ok=True, period_end_on=learner.period_end_on, learner_id=learner.id)


def engine_decider(facts: dict[int, LearnerFacts]) -> eligibility.DecideFn:
    """A `decide` for the issuing services: the real engine on these hand-built facts; other learners
    go through the graduation audit's real fact gathering."""

    def decide(learner_ids, as_of):
        ids = list(learner_ids)
        decisions = audit_decide([i for i in ids if i not in facts], as_of)
        cohorts = dict(db.session.execute(db.select(Learner.id, Learner.cohort).where(Learner.id.in_(ids))).all())
        for learner_id in ids:
            if learner_id in facts:
                decisions[learner_id] = graduation_decision(facts[learner_id], as_of, policy_for(cohorts[learner_id]))
        return decisions

    return decide


def withdraw(learner: Learner, on: date, reason: str = "外出务工,无法继续学习") -> Learner:
    """Record a 退学 status event and set the learner's status, as the registry would."""
    db.session.add(StatusEvent(learner_id=learner.id, kind="退学", occurred_on=on, reason=reason, approved_by="教务"))
    learner.status, learner.status_changed_on = "withdrawn", on
    db.session.flush()
    return learner


def after_period(learner: Learner, days: int = 30) -> date:
    """A day after the learner's study period ended."""
    return learner.period_end_on + timedelta(days=days)


def issued_diplomas(actor, learners: list[Learner], *, issued_on: date, name: str = "测试毕业批次"):
    """A diploma batch carried through 验印 to issued, for graduates (decisions from hand-built facts)."""
    decide = engine_decider({learner.id: graduate_facts(learner) for learner in learners})
    batch = create_diploma_batch(actor=actor, name=name, as_of=issued_on, learner_ids=[l.id for l in learners],
                                 decide=decide)
    submit_batch(actor=actor, batch=batch, submitted_on=issued_on)
    record_verification(actor=actor, batch=batch, verified_on=issued_on, reference="州教验〔2026〕1号")
    return batch, issue_batch(actor=actor, batch=batch, issued_on=issued_on, decide=decide)


def issued_study_records(actor, learners: list[Learner], *, issued_on: date):
    """Study records for learners who withdrew (the real seam decides: 退学 events are in the database)."""
    return issue_directly(actor=actor, kind="study_record", learner_ids=[l.id for l in learners], issued_on=issued_on)


def issued_completions(actor, learners: list[Learner], *, issued_on: date):
    """Completion certificates for learners short of R11 after their period (hand-built facts)."""
    decide = engine_decider({learner.id: completer_facts(learner) for learner in learners})
    return issue_directly(actor=actor, kind="completion", learner_ids=[l.id for l in learners], issued_on=issued_on,
                          decide=decide)


_numbers = iter(range(1, 10**6))


def make_certificate(learner: Learner, *, kind: str = "diploma", issued_on: date = date(2025, 7, 1), batch=None):
    """A certificate inserted directly (bypassing the engine, like make_learner bypasses enrolment),
    with a real snapshot; for tests of other things than issuing."""
    from lms.certificates.models import Certificate, GraduationBatch
    from lms.certificates.services import new_token, planned_courses
    from lms.certificates.snapshots import School, build_snapshot

    facts = graduate_facts(learner)
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
