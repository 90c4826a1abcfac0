"""Recording an inspection visit (督查走访) of a session: never edited or deleted, a later visit adds to it."""
from __future__ import annotations

from datetime import date

from lms.audit.services import record
from lms.core.errors import DomainError
from lms.extensions import db
from lms.inspection.models import VISIT_OUTCOME_LABELS, InspectionVisit
from lms.teaching.models import ClassSession


def record_visit(*, actor, session: ClassSession, visited_on: date, inspector: str, outcome: str, findings: str,
                 today: date) -> InspectionVisit:
    """Record that `inspector` checked `session` on `visited_on` and what they found; audited.

    Refused (DomainError on the field): a day after today or before the session's day, no inspector, an
    unknown outcome, and a problem found without saying what it is."""
    if visited_on > today:
        raise DomainError("督查日期不能晚于今天", field="visited_on")
    if visited_on < session.held_on:
        raise DomainError(f"督查日期不能早于课次日期（{session.held_on.isoformat()}）", field="visited_on")
    inspector, findings = inspector.strip(), findings.strip()
    if not inspector:
        raise DomainError("请填写督查人员", field="inspector")
    if outcome not in VISIT_OUTCOME_LABELS:
        raise DomainError("请选择督查结论", field="outcome")
    if outcome == "problem" and not findings:
        raise DomainError("发现问题时请写明发现了什么", field="findings")
    visit = InspectionVisit(session_id=session.id, visited_on=visited_on, inspector=inspector[:60], outcome=outcome,
                            findings=findings, recorded_by_id=getattr(actor, "id", None))
    db.session.add(visit)
    db.session.flush()
    record(actor, "inspection.visit", "inspection_visit", visit.id,
           summary=f"督查 {session.teaching_class.code} {session.held_on.isoformat()} 课次："
                   f"{VISIT_OUTCOME_LABELS[outcome]}（{inspector}，{visited_on.isoformat()}）",
           after={"session_id": session.id, "visited_on": visited_on.isoformat(), "inspector": inspector,
                  "outcome": outcome, "findings": findings})
    return visit


def record_lists_viewed(*, actor, area_name: str, query: dict, sample_session_ids: list[int]) -> None:
    """Audit that `actor` opened the 督查 lists for a period and area, with the sessions the spot-check sample
    offered: the log shows who looked at what, and which sample an inspection visit was chosen from."""
    record(actor, "inspection.view", "inspection", None,
           summary=f"查看督查清单（{area_name} {query['start']} 至 {query['end']}）",
           after={**query, "sample": sample_session_ids})
