"""Student-status events (学籍异动): record one (休学, 复学, 退学, 转专业, 转出, 转入, 注销, 死亡) or revoke a
wrongly recorded one. Both go through ONE derivation, lms.rules.derive_status, over the events that
stand (not revoked): the learner's status, its date and the period's extension by 休学 follow it.

Shared by the single-learner form (registry) and the `status-events` import. Choices:
* Which event may follow which status: lms.rules.STATUS_CHANGES (e.g. 转出/注销/死亡 from 在读 or 休学,
  for good; 转入 from 在读, status kept). The kind is stored as a code; messages name it by its label.
* Events are dated no later than today, not before enrolment, and not before the learner's
  previous standing event, so the history reads in order.
* 复学 extends the study period (period_end_on) by the days suspended: 休学期间不计入修业年限; revoking
  a 休学 or 复学 moves it back (the period end is the enrolment end plus derive_status's suspended days).
* 转专业 moves the learner to the new specialty's teaching plan and out of the old specialty's
  class (a class is one specialty); revoking it restores the specialty the remaining events leave.
* 转出/转入 need the other school or area and the transfer document's number; 转入 may carry hours per
  category and course results from that document (CarriedHours, CarriedResult), dated on its day;
  revoking the 转入 voids them.
* A revoked event keeps its row (revoked_on, revoked_by_id, revoke_reason); a learner whose status a
  certificate set (毕业/结业) has no event revoked.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from lms import summaries
from lms.audit.services import changes, record, snapshot
from lms.core.clock import now_utc
from lms.core.clock import today as clock_today
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.models import CarriedHours, CarriedResult, Learner, StatusEvent
from lms.rules import (
    HOUR_CATEGORIES,
    HOUR_CATEGORY_LABELS,
    STATUS_CHANGES,
    STATUS_EVENT_KIND_LABELS,
    StatusSequenceError,
    derive_status,
    format_date_cn,
    transition_error,
)
from lms.rules.units import parts_from_hours

__all__ = ["STATUS_CHANGES", "TRANSFER_KINDS", "parse_carried_results", "record_status_event",
           "revoke_status_event"]

#: The kinds that name another school and a transfer document.
TRANSFER_KINDS = ("transfer_out", "transfer_in")
#: Statuses set by certificates, not by events: their learners' events are no longer revoked.
_CERTIFIED = ("graduated", "completed")


def _standing_events(learner: Learner) -> list[StatusEvent]:
    return list(db.session.scalars(select(StatusEvent).where(StatusEvent.learner_id == learner.id,
                                                             StatusEvent.standing())
                                   .order_by(StatusEvent.occurred_on, StatusEvent.id)))


def _derive(events: list[StatusEvent]):
    return derive_status((event.kind, event.occurred_on) for event in events)


def _apply(learner: Learner, before: list[StatusEvent], after: list[StatusEvent]) -> None:
    """Set the learner's status, its date and the period end from the events that stand (`after`);
    `before` is the history the current values were derived from."""
    old, new = _derive(before), _derive(after)
    learner.period_end_on += dt.timedelta(days=new.suspended_days - old.suspended_days)
    if learner.status not in _CERTIFIED:
        learner.status, learner.status_changed_on = new.status, new.changed_on


def record_status_event(*, actor, learner: Learner, kind: str, occurred_on: dt.date, reason: str,
                        approved_by: str = "", to_specialty=None, other_school: str = "",
                        document_number: str = "", carried_hours: dict[str, int] | None = None,
                        carried_results: list[tuple] | None = None, today: dt.date | None = None) -> StatusEvent:
    """Record a status event (`kind`: a code of lms.rules.STATUS_EVENT_KINDS) and update the learner
    (status, period end, specialty) by derive_status; audited.

    转出/转入 need `other_school` (转入学校/地区 or 原学校/地区) and `document_number` (转学证明编号). A 转入
    may carry `carried_hours` {category F/L/P/S: minutes} and `carried_results` [(course, score)] — a course
    of the learner's specialty and a passing-or-not score 0–100 — recorded on the event's day.

    Raises DomainError (Chinese, naming the field) when the event does not fit the learner's
    current status, its date is out of order, the reason is empty, 转专业 lacks a new specialty, or a
    transfer lacks its school or document.
    """
    today = today or clock_today()
    error = transition_error(learner.status, kind)
    if error:
        raise DomainError(error, field="kind")
    label = STATUS_EVENT_KIND_LABELS[kind]
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写异动原因", field="reason")
    if occurred_on > today:
        raise DomainError(f"异动日期 {format_date_cn(occurred_on)} 晚于今天", field="occurred_on")
    if occurred_on < learner.enrolled_on:
        raise DomainError(f"异动日期 {format_date_cn(occurred_on)} 早于入学日期 {format_date_cn(learner.enrolled_on)}",
                          field="occurred_on")
    standing = _standing_events(learner)
    if standing and occurred_on < standing[-1].occurred_on:
        previous = standing[-1]
        raise DomainError(f"异动日期早于上一次异动（{previous.kind_label}，{format_date_cn(previous.occurred_on)}）",
                          field="occurred_on")
    if kind == "change_specialty" and (to_specialty is None or to_specialty.id == learner.specialty_id):
        raise DomainError("转专业须选择一个不同的新专业", field="to_specialty_id")
    other_school, document_number = (other_school or "").strip(), (document_number or "").strip()
    if kind in TRANSFER_KINDS:
        where = "转入学校或地区" if kind == "transfer_out" else "原学校或地区"
        if not other_school:
            raise DomainError(f"{label}须填写{where}", field="other_school")
        if not document_number:
            raise DomainError(f"{label}须填写转学证明编号", field="document_number")
    hours = {category: int(minutes) for category, minutes in (carried_hours or {}).items() if minutes}
    results = list(carried_results or [])
    if kind != "transfer_in" and (hours or results):
        raise DomainError("只有转入可以带入学时和成绩", field="kind")
    _check_carried(learner, hours, results)

    before = snapshot(learner)
    event = StatusEvent(learner_id=learner.id, kind=kind, occurred_on=occurred_on, reason=reason[:200],
                        approved_by=(approved_by or getattr(actor, "display_name", "") or "")[:40],
                        other_school=other_school[:100], document_number=document_number[:40],
                        recorded_by_id=getattr(actor, "id", None))
    if kind == "change_specialty":
        event.from_specialty_id, event.to_specialty_id = learner.specialty_id, to_specialty.id
        learner.specialty_id, learner.class_id = to_specialty.id, None
    db.session.add(event)
    _apply(learner, standing, [*standing, event])
    db.session.flush()
    carried = _carry_in(actor, learner, event, hours, results)
    summaries.learners_changed([learner.id])
    if hours:
        summaries.hours_changed([learner.id])
    old, new = changes(before, snapshot(learner))
    old.pop("updated_at", None), new.pop("updated_at", None)
    details = {"other_school": other_school, "document_number": document_number} if kind in TRANSFER_KINDS else {}
    record(actor, "learner.status_event", "learner", learner.id,
           summary=f"{learner.name} {label}（{format_date_cn(occurred_on)}）：{reason}"
                   + (f"；{other_school}，转学证明 {document_number}" if details else "") + carried,
           before=old, after={**new, "event": label, "occurred_on": occurred_on, "reason": reason, **details,
                              **({"carried_hours": hours} if hours else {})})
    return event


def parse_carried_results(text: str, learner: Learner) -> list[tuple]:
    """The course results a 转入 carries, typed one per line as “课程名 成绩” (a space, tab, colon or comma
    between): [(Course of the learner's specialty, Decimal score)]. Raises DomainError naming the line."""
    import re
    from decimal import InvalidOperation

    from lms.teaching.models import Course

    courses = {course.name: course for course in db.session.scalars(
        select(Course).where(Course.specialty_id == learner.specialty_id, Course.active.is_(True)))}
    parsed = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = re.fullmatch(r"(.+?)[\s:：,，]+(\S+)", line)
        if match is None:
            raise DomainError(f"带入的课程成绩第 {number} 行“{line}”应写成“课程名 成绩”", field="carried_results")
        name, raw = match.group(1).strip(), match.group(2)
        course = courses.get(name)
        if course is None:
            raise DomainError(f"带入的课程成绩第 {number} 行：课程“{name}”不在学员专业的教学计划中",
                              field="carried_results")
        try:
            score = Decimal(raw)
        except InvalidOperation:
            score = None
        if score is None or not score.is_finite() or not 0 <= score <= 100:
            raise DomainError(f"带入的课程成绩第 {number} 行：成绩“{raw}”须是 0–100 的数字", field="carried_results")
        parsed.append((course, score.quantize(Decimal("0.1"))))
    return parsed


def _check_carried(learner: Learner, hours: dict[str, int], results: list[tuple]) -> None:
    for category, minutes in hours.items():
        if category not in HOUR_CATEGORIES:
            raise DomainError(f"学时类别“{category}”无法识别", field="carried_hours")
        if minutes < 0 or minutes > parts_from_hours(720):      # twice the 360-学时 rule: a typing slip
            raise DomainError(f"带入的{HOUR_CATEGORY_LABELS[category]}学时不合理", field="carried_hours")
    seen = set()
    for course, score in results:
        if course.specialty_id != learner.specialty_id:
            raise DomainError(f"课程“{course.name}”不属于学员的专业", field="carried_results")
        if course.id in seen:
            raise DomainError(f"课程“{course.name}”填了两次", field="carried_results")
        seen.add(course.id)
        if not isinstance(score, int | Decimal) or not 0 <= score <= 100:
            raise DomainError(f"课程“{course.name}”的成绩须在 0–100 之间", field="carried_results")


def _carry_in(actor, learner: Learner, event: StatusEvent, hours: dict[str, int], results: list[tuple]) -> str:
    """Write the hours and results a 转入 carries; returns the audit summary's tail.

    A carried result is a result (score, dated on the transfer day), not an exemption: the learner passed
    (or failed) the course elsewhere, and the audit shows it as 通过 with its score. The course's required
    assignments (R7) were part of that course there, so they are recorded done on the same day — without
    them the R7 gate would call the course 作业未完成, which the transfer document contradicts. Revoking
    the 转入 voids all of it."""
    from lms.assessment.facts import required_titles
    from lms.assessment.models import AssessmentResult, AssignmentCompletion

    for category, minutes in hours.items():
        db.session.add(CarriedHours(learner_id=learner.id, status_event_id=event.id, category=category,
                                    minutes=minutes, carried_on=event.occurred_on))
    for course, score in results:
        result = AssessmentResult(learner_id=learner.id, course_id=course.id, score=Decimal(score),
                                  sat_on=event.occurred_on, recorded_by_id=getattr(actor, "id", None))
        db.session.add(result)
        db.session.flush()
        db.session.add(CarriedResult(learner_id=learner.id, status_event_id=event.id, assessment_result_id=result.id))
        done = {row.title: row for row in db.session.scalars(select(AssignmentCompletion).where(
            AssignmentCompletion.learner_id == learner.id, AssignmentCompletion.course_id == course.id))}
        for title in required_titles(course.required_assignments):
            row = done.get(title)
            if row is None:
                db.session.add(AssignmentCompletion(learner_id=learner.id, course_id=course.id, title=title,
                                                    completed_on=event.occurred_on,
                                                    recorded_by_id=getattr(actor, "id", None)))
            elif row.voided_at is not None:
                row.voided_at, row.voided_by_id, row.completed_on = None, None, event.occurred_on
    db.session.flush()
    tail = []
    if hours:
        tail.append("带入学时 " + "、".join(f"{HOUR_CATEGORY_LABELS[c]}{m // 60}" for c, m in hours.items()))
    if results:
        tail.append("带入成绩 " + "、".join(f"{course.name}{score}" for course, score in results))
    return "；" + "；".join(tail) if tail else ""


def revoke_status_event(*, actor, event: StatusEvent, reason: str, today: dt.date | None = None) -> Learner:
    """Revoke a wrongly recorded status event with a reason (the row is kept: revoked_on/by/reason) and
    re-derive the learner's status from the events that remain (derive_status); a revoked 转入's carried
    hours and results are voided, a revoked 转专业 restores the specialty the remaining events leave.
    Audited.

    Raises DomainError when the reason is empty, the event is already revoked, the learner's status was
    set by a certificate, or the remaining events no longer read in order (e.g. a 复学 left without its
    休学: revoke the later one first).
    """
    today = today or clock_today()
    learner = event.learner
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写撤销原因", field="reason")
    if event.revoked:
        raise DomainError(f"这条{event.kind_label}已于{format_date_cn(event.revoked_on)}撤销")
    if learner.status in _CERTIFIED:
        raise DomainError(f"学员已{learner.status_label}，不能撤销学籍异动")
    standing = _standing_events(learner)
    remaining = [other for other in standing if other.id != event.id]
    try:
        _derive(remaining)
    except StatusSequenceError as error:
        raise DomainError(f"撤销这条{event.kind_label}后，{error.message}：请先撤销后面的异动", field="reason") from None

    before = snapshot(learner)
    event.revoked_on, event.revoked_by_id, event.revoke_reason = today, getattr(actor, "id", None), reason[:200]
    _apply(learner, standing, remaining)
    if event.kind == "change_specialty":
        changes_left = [other for other in remaining if other.kind == "change_specialty"]
        specialty = changes_left[-1].to_specialty_id if changes_left else event.from_specialty_id
        if specialty is not None and specialty != learner.specialty_id:
            learner.specialty_id, learner.class_id = specialty, None
    if event.kind == "transfer_in":
        _void_carried(actor, event)
    db.session.flush()
    summaries.learners_changed([learner.id])
    if event.kind == "transfer_in":
        summaries.hours_changed([learner.id])
    old, new = changes(before, snapshot(learner))
    old.pop("updated_at", None), new.pop("updated_at", None)
    record(actor, "learner.status_event_revoke", "learner", learner.id,
           summary=f"{learner.name} 撤销{event.kind_label}（{format_date_cn(event.occurred_on)}）：{reason}",
           before=old, after={**new, "event": event.kind_label, "event_id": event.id, "reason": reason})
    return learner


def _void_carried(actor, event: StatusEvent) -> None:
    from lms.assessment.models import AssessmentResult, AssignmentCompletion

    now = now_utc()
    for row in db.session.scalars(select(CarriedHours).where(CarriedHours.status_event_id == event.id,
                                                             CarriedHours.voided_at.is_(None))):
        row.voided_at = now
    result_ids = select(CarriedResult.assessment_result_id).where(CarriedResult.status_event_id == event.id)
    for result in db.session.scalars(select(AssessmentResult).where(AssessmentResult.id.in_(result_ids),
                                                                    AssessmentResult.voided_at.is_(None))):
        result.voided_at, result.voided_by_id = now, getattr(actor, "id", None)
        result.void_reason = f"转入（{event.document_number}）已撤销"
        # the assignments recorded with it: same course, dated on the transfer day
        for row in db.session.scalars(select(AssignmentCompletion).where(
                AssignmentCompletion.learner_id == result.learner_id, AssignmentCompletion.course_id == result.course_id,
                AssignmentCompletion.completed_on == event.occurred_on, AssignmentCompletion.voided_at.is_(None))):
            row.voided_at, row.voided_by_id = now, getattr(actor, "id", None)
