"""Outreach visits (走访) to roster entries and the roster status they lead to (SPEC §3)."""
from __future__ import annotations

from datetime import date

from lms.audit.services import record
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.models import (
    ROSTER_STATUS_LABELS,
    WILLINGNESS_LABELS,
    WORK_SITUATIONS,
    OutreachVisit,
    RosterEntry,
)

#: Statuses a visit may set; 已报名 comes only from enrolment, 待核实 only from the import.
VISIT_OUTCOMES = ("visited", "ineligible", "declined", "away", "duplicate")
# Outcomes that mean nothing without a reason.
_REASON_REQUIRED = ("ineligible", "duplicate")


def record_visit(*, actor, entry: RosterEntry, visited_on: date, visitor: str, outcome: str, today: date,
                 contact_phone: str = "", residence: str = "", work_situation: str = "", health: str = "",
                 can_study: bool | None = None, willingness: str = "unknown", notes: str = "",
                 reason: str = "") -> OutreachVisit:
    """Record a visit and move the entry to `outcome` (已走访, 不符合, 不愿参加, 外出, 重复); audited.

    An entry already 已报名 keeps that status (the visit is still recorded). 不符合 and 重复 need a
    reason; a visit date may not lie in the future. Whether the person can study (`can_study`, None =
    未了解) and their willingness ("unknown" = 未了解) are saved only as the enroller gave them: a visit
    to someone away records nobody's guess.
    """
    if outcome not in VISIT_OUTCOMES:
        raise DomainError("请选择走访结果", field="outcome")
    if visited_on > today:
        raise DomainError("走访日期不能晚于今天", field="visited_on")
    if not (visitor or "").strip():
        raise DomainError("请填写走访人", field="visitor")
    if work_situation and work_situation not in WORK_SITUATIONS:
        raise DomainError("务工情况无法识别", field="work_situation")
    if can_study not in (None, True, False):
        raise DomainError("能否参加学习无法识别", field="can_study")
    if willingness not in WILLINGNESS_LABELS:
        raise DomainError("参加意愿无法识别", field="willingness")
    reason = (reason or "").strip()
    if outcome in _REASON_REQUIRED and not reason:
        raise DomainError(f"走访结果为“{ROSTER_STATUS_LABELS[outcome]}”时请填写原因", field="reason")
    resulting = "enrolled" if entry.status == "enrolled" else outcome
    visit = OutreachVisit(roster_entry=entry, visited_on=visited_on, visitor=visitor.strip(),
                          contact_phone=contact_phone, residence=residence, work_situation=work_situation,
                          health=health, can_study=can_study, willingness=willingness, notes=notes,
                          resulting_status=resulting, recorded_by_id=getattr(actor, "id", None))
    before = {"status": entry.status, "status_reason": entry.status_reason}
    entry.status = resulting
    if resulting != "enrolled":
        entry.status_reason = reason
    db.session.add(visit)
    db.session.flush()
    record(actor, "roster.visit", "roster_entry", entry.id,
           summary=f"走访：{entry.name}，{visited_on.isoformat()}，结果：{ROSTER_STATUS_LABELS[resulting]}",
           before=before, after={"status": entry.status, "status_reason": entry.status_reason,
                                 "visit_id": visit.id})
    return visit


def record_roster_id_view(*, actor, entry: RosterEntry) -> None:
    """Audit that `actor` was shown a roster entry's whole ID number and phone."""
    record(actor, "roster.view_id", "roster_entry", entry.id, summary=f"查看完整身份证号和手机号：{entry.name}")
