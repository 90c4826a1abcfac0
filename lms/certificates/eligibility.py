"""THE SEAM the graduation audit replaces: which document the engine allows each learner, as of a day.

`decide(learner_ids, as_of)` returns the policy engine's Decision (lms.rules.graduation_decision,
judged by lms.policies.services.policy_for(cohort)) for many learners in one call, set-based:
a fixed number of queries whatever the number of learners (per 5,000 learners).

What it knows today is only what the database holds before the assessment domain exists:
birth and enrolment dates, prior education, the study period's end, the status, the date of a
退学 status event, and the specialty's courses (lms.teaching.models.Course). Hours, assignments,
results, exemptions and the moral evaluation are not recorded yet, so they are zero / none — which
means only withdrawal (写实性学习证明) can be decided from real data, nobody is a graduate, and —
beware — every learner whose study period has ended is judged 结业 (complete): their missing
results read as "not passed". Connect the audit before issuing completion certificates for real. When the graduation audit
lands, replace `learner_facts` (or `decide_from_database` as a whole) with the audit's own fact
gathering, or register the audit's decider with `register_decider`; every issuing service, page,
command, export and the demo calls `decide`, so nothing else changes.

Which decision allows which document lives here too (`allows`), in one place.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal

from flask import current_app, has_app_context
from sqlalchemy import func, select

from lms.extensions import db
from lms.learners.models import Learner, StatusEvent
from lms.policies.services import policy_for
from lms.rules import CourseFacts, Decision, HourTotals, LearnerFacts, graduation_decision
from lms.rules.vocab import LEARNER_STATUSES
from lms.teaching.models import Course

DecideFn = Callable[[Sequence[int], date], dict[int, Decision]]
DECIDER_KEY = "lms.certificates.decider"
WITHDRAWAL_EVENT = "退学"
_CHUNK = 5000
# The outcome each document needs; a diploma for 'early_graduate' also needs the learner's
# application for early graduation (提前毕业申请), recorded on the batch member.
ALLOWED_OUTCOMES = {"diploma": ("graduate",), "completion": ("complete",), "study_record": ("withdrawn",)}


def allows(kind: str, decision: Decision | None, *, early_graduation_applied: bool = False) -> bool:
    """Whether `decision` allows issuing a document of `kind` (diploma / completion / study_record)."""
    if decision is None:
        return False
    if kind == "diploma" and decision.outcome == "early_graduate":
        return early_graduation_applied
    return decision.outcome in ALLOWED_OUTCOMES[kind]


def withdrawal_dates(learner_ids: Sequence[int]) -> dict[int, date]:
    """The date of each learner's (latest) 退学 status event, for those who have one (one query)."""
    rows = db.session.execute(
        select(StatusEvent.learner_id, func.max(StatusEvent.occurred_on))
        .where(StatusEvent.learner_id.in_(learner_ids), StatusEvent.kind == WITHDRAWAL_EVENT)
        .group_by(StatusEvent.learner_id))
    return dict(rows.all())


def learner_facts(learner_ids: Sequence[int]) -> dict[int, tuple[int, LearnerFacts]]:
    """(cohort, LearnerFacts) per learner from what the database holds today (three queries).

    The seam's fact gathering: hours and results are unknown until the assessment domain exists.
    """
    learners = db.session.execute(
        select(Learner.id, Learner.cohort, Learner.birth_on, Learner.enrolled_on, Learner.prior_education,
               Learner.period_end_on, Learner.status, Learner.status_changed_on, Learner.specialty_id)
        .where(Learner.id.in_(learner_ids))).all()
    withdrawn = withdrawal_dates(learner_ids)
    specialty_ids = {row.specialty_id for row in learners}
    plans: dict[int, list[CourseFacts]] = {}
    for course in db.session.scalars(select(Course).where(Course.specialty_id.in_(specialty_ids),
                                                          Course.active.is_(True))
                                     .order_by(Course.position, Course.id)):
        plans.setdefault(course.specialty_id, []).append(CourseFacts(
            course_id=course.id, name=course.name, kind=course.kind, hours=course.minutes,
            credits=Decimal(course.credits or 0)))
    facts = {}
    for row in learners:
        status = row.status if row.status in LEARNER_STATUSES else "studying"
        withdrawn_on = withdrawn.get(row.id) or (row.status_changed_on if status == "withdrawn" else None)
        facts[row.id] = (row.cohort, LearnerFacts(
            birth_on=row.birth_on, enrolled_on=row.enrolled_on, prior_education=row.prior_education,
            hours=HourTotals(), courses=tuple(plans.get(row.specialty_id, ())), moral_ok=None,
            period_end_on=row.period_end_on, status=status, withdrawn_on=withdrawn_on, learner_id=row.id))
    return facts


def register_decider(app, decider: DecideFn | None) -> None:
    """Make `decide` answer with `decider` in this app (None restores the default).

    The plug for a decision source other than `decide_from_database`: the browser tests feed the
    pages real engine decisions on hand-built facts through it; the graduation audit may register
    its own set-based decider here instead of replacing `decide_from_database`.
    """
    if decider is None:
        app.extensions.pop(DECIDER_KEY, None)
    else:
        app.extensions[DECIDER_KEY] = decider


def decide(learner_ids: Iterable[int], as_of: date) -> dict[int, Decision]:
    """THE SEAM: the engine's graduation decision (R11–R13) per learner id as of `as_of`.

    Every issuing service, page, command, export and the demo ask this function. It answers with
    the decider registered for the app (register_decider), else with `decide_from_database`.
    """
    registered = current_app.extensions.get(DECIDER_KEY) if has_app_context() else None
    return (registered or decide_from_database)(learner_ids, as_of)


def decide_from_database(learner_ids: Iterable[int], as_of: date) -> dict[int, Decision]:
    """The engine's decision per learner from the facts `learner_facts` gathers; unknown ids are left out.

    Set-based: three queries per 5,000 learners, then the pure engine with each cohort's policy.
    """
    ids = list(dict.fromkeys(learner_ids))
    decisions: dict[int, Decision] = {}
    policies = {}
    for start in range(0, len(ids), _CHUNK):
        for learner_id, (cohort, facts) in learner_facts(ids[start:start + _CHUNK]).items():
            if cohort not in policies:
                policies[cohort] = policy_for(cohort)
            decisions[learner_id] = graduation_decision(facts, as_of, policies[cohort])
    return decisions
