"""Student-status events (学籍异动) that change a learner's status: 休学, 复学, 退学, 转专业.

Shared by the single-learner form (registry) and the `status-events` import. Choices:
* 休学 from 在读; 复学 from 休学; 退学 from 在读 or 休学; 转专业 from 在读 or 休学 (status kept).
* The event's kind is stored as a code (suspend, resume, withdraw, change_specialty: lms.rules
  STATUS_EVENT_KINDS); messages name it by STATUS_EVENT_KIND_LABELS.
* Events are dated no later than today, not before enrolment, and not before the learner's
  previous event, so the history reads in order.
* 复学 extends the study period (period_end_on) by the days suspended: 休学期间不计入修业年限.
* 转专业 moves the learner to the new specialty's teaching plan and out of the old specialty's
  class (a class is one specialty); the registry assigns the new class.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lms import summaries
from lms.audit.services import changes, record, snapshot
from lms.core.clock import today as clock_today
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.models import Learner, StatusEvent
from lms.rules import LEARNER_STATUS_LABELS, STATUS_EVENT_KIND_LABELS, format_date_cn

#: kind → (statuses it may follow, the status it sets; None keeps the status)
STATUS_CHANGES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "suspend": (("studying",), "suspended"),
    "resume": (("suspended",), "studying"),
    "withdraw": (("studying", "suspended"), "withdrawn"),
    "change_specialty": (("studying", "suspended"), None),
}


def record_status_event(*, actor, learner: Learner, kind: str, occurred_on: dt.date, reason: str,
                        approved_by: str = "", to_specialty=None, today: dt.date | None = None) -> StatusEvent:
    """Record a 休学/复学/退学/转专业 event (`kind`: suspend/resume/withdraw/change_specialty) and update
    the learner (status, period end, specialty); audited.

    Raises DomainError (Chinese, naming the field) when the event does not fit the learner's
    current status, its date is out of order, the reason is empty, or 转专业 lacks a new specialty.
    """
    today = today or clock_today()
    if kind not in STATUS_CHANGES:
        raise DomainError(f"异动类型“{kind}”无法识别，只能是：{'、'.join(STATUS_EVENT_KIND_LABELS.values())}",
                          field="kind")
    follows, new_status = STATUS_CHANGES[kind]
    label = STATUS_EVENT_KIND_LABELS[kind]
    if learner.status not in follows:
        raise DomainError(f"学员当前状态为{LEARNER_STATUS_LABELS[learner.status]}，不能办理{label}", field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写异动原因", field="reason")
    if occurred_on > today:
        raise DomainError(f"异动日期 {format_date_cn(occurred_on)} 晚于今天", field="occurred_on")
    if occurred_on < learner.enrolled_on:
        raise DomainError(f"异动日期 {format_date_cn(occurred_on)} 早于入学日期 {format_date_cn(learner.enrolled_on)}",
                          field="occurred_on")
    previous = db.session.scalars(select(StatusEvent).where(StatusEvent.learner_id == learner.id)
                                  .order_by(StatusEvent.occurred_on.desc(), StatusEvent.id.desc())).first()
    if previous is not None and occurred_on < previous.occurred_on:
        raise DomainError(f"异动日期早于上一次异动（{previous.kind_label}，{format_date_cn(previous.occurred_on)}）",
                          field="occurred_on")
    if kind == "change_specialty" and (to_specialty is None or to_specialty.id == learner.specialty_id):
        raise DomainError("转专业须选择一个不同的新专业", field="to_specialty_id")

    before = snapshot(learner)
    event = StatusEvent(learner_id=learner.id, kind=kind, occurred_on=occurred_on, reason=reason[:200],
                        approved_by=(approved_by or getattr(actor, "display_name", "") or "")[:40],
                        recorded_by_id=getattr(actor, "id", None))
    if kind == "resume":
        suspended = db.session.scalar(select(StatusEvent.occurred_on).where(
            StatusEvent.learner_id == learner.id, StatusEvent.kind == "suspend").order_by(StatusEvent.occurred_on.desc()))
        if suspended is not None:
            learner.period_end_on += occurred_on - suspended
    if kind == "change_specialty":
        event.from_specialty_id, event.to_specialty_id = learner.specialty_id, to_specialty.id
        learner.specialty_id, learner.class_id = to_specialty.id, None
    if new_status is not None:
        learner.status = new_status
    learner.status_changed_on = occurred_on
    db.session.add(event)
    db.session.flush()
    summaries.learners_changed([learner.id])
    old, new = changes(before, snapshot(learner))
    old.pop("updated_at", None), new.pop("updated_at", None)
    record(actor, "learner.status_event", "learner", learner.id,
           summary=f"{learner.name} {label}（{format_date_cn(occurred_on)}）：{reason}",
           before=old, after={**new, "event": label, "occurred_on": occurred_on, "reason": reason})
    return event
