"""The 转学档案 of a learner who transferred out: a PDF (WeasyPrint, like the sign-in sheets and
certificates) that travels with the paper transfer certificate to the receiving school — identity (masked,
as every export), class and specialty, enrolment date, hours by category up to the transfer day, course
results and exemptions as the graduation engine stands them on that day, and the 转出 event itself.

A PDF rather than an .xlsx: it is a document to sign, seal and send, read by people at another school,
not rows for one of this system's imports (the receiving county types the hours and results into its 转入).
"""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from lms.assessment.facts import facts_and_policies
from lms.core.pdf import render_pdf
from lms.core.privacy import mask_id_number
from lms.extensions import db
from lms.learners.models import Learner, StatusEvent
from lms.rules import COURSE_STATUS_LABELS, HOUR_CATEGORY_LABELS, evaluate, format_hours, format_score
from lms.settings.services import get_setting


def transfer_out_event(learner: Learner) -> StatusEvent | None:
    """The learner's standing 转出 event, or None (one query)."""
    return db.session.scalars(select(StatusEvent).where(StatusEvent.learner_id == learner.id,
                                                        StatusEvent.kind == "transfer_out", StatusEvent.standing())
                              .order_by(StatusEvent.occurred_on.desc(), StatusEvent.id.desc())).first()


def transfer_record_pdf(learner: Learner, event: StatusEvent) -> bytes:
    """The 转学档案 of `learner` as of the day of `event` (their 转出)."""
    facts, policies = facts_and_policies([learner.id], event.occurred_on)
    evaluation = evaluate(facts[learner.id], event.occurred_on, policies[learner.id])
    hours = facts[learner.id].hours
    categories = [(HOUR_CATEGORY_LABELS[c], format_hours(minutes)) for c, minutes in
                  (("F", hours.face), ("L", hours.live), ("P", hours.platform), ("S", hours.self_study))]
    total = format_hours(hours.face + hours.live + hours.platform + hours.self_study)
    courses = [{"name": s.name, "status": COURSE_STATUS_LABELS.get(s.status, s.status),
                "score": format_score(s.best.score) if s.best is not None else "—"}
               for s in evaluation.courses]
    html = render_template("learners/pdf/transfer_record.html", learner=learner, event=event,
                           id_number=mask_id_number(learner.id_number), categories=categories, total=total,
                           courses=courses, school=get_setting("school.name"))
    return render_pdf(html)
