"""Writing self-study (S) entries: logged with content and evidence, approved by a class teacher."""
from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from flask import current_app

from lms import summaries
from lms.audit.services import record
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.studying import refusal, study_histories, study_history
from lms.policies.services import policy_for
from lms.recognition.evidence import EXTENSIONS, evidence_mime, stored_mime
from lms.rules import StudyHistory, daily_cap_problem, day_minutes_problem, format_hours
from lms.rules.crediting import SELF_STUDY_CATEGORY
from lms.teaching.hours import daily_minutes
from lms.teaching.models import SelfStudyEntry

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def check_study_day(learner, studied_on: date, today: date, history: StudyHistory | None = None) -> str | None:
    """Why hours cannot be dated `studied_on` for this learner (Chinese), or None.

    Refused: a future date, and any day the learner is not studying (before enrolment, while
    suspended, after withdrawal, graduation or completion — lms.rules.studying). Callers checking
    many learners pass each one's `history` (lms.learners.studying.study_histories, set-based);
    without it, one query reads it.
    """
    if studied_on > today:
        return "日期不能晚于今天"
    return refusal(learner, history or study_history(learner), studied_on)


def self_study_problem(learner, studied_on: date, minutes: int, content: str, today: date,
                       history: StudyHistory | None = None) -> tuple[str, str] | None:
    """(field, why) a self-study entry cannot be recorded (Chinese), or None — THE check of an entry, for the
    self-study form and the self-study import alike: the day (check_study_day), the minutes (more than 0, at
    most a day: lms.rules.day_minutes_problem) and the content. Fields: studied_on, hours, content. The
    daily caps are checked over the day (the form) or the whole file (the import) by the caller."""
    problem = check_study_day(learner, studied_on, today, history)
    if problem:
        return "studied_on", problem
    problem = day_minutes_problem(minutes)
    if problem:
        return "hours", problem
    if not content.strip():
        return "content", "内容不能为空"
    return None


def _store_evidence(content: bytes) -> str:
    """Store an uploaded proof checked by its content (as recognition scans are), named by its real type."""
    mime = evidence_mime(content, label="学习证明", field="evidence", max_bytes=EVIDENCE_MAX_BYTES)
    folder = Path(current_app.config["DATA_DIR"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}{EXTENSIONS[mime]}"
    (folder / name).write_bytes(content)
    return f"evidence/{name}"


def evidence_file(entry: SelfStudyEntry) -> tuple[Path, str, str] | None:
    """The stored proof of an entry: its path, its MIME type judged by its content (a file stored before
    uploads were checked gets "application/octet-stream", to be downloaded, never shown) and a download
    name; None when there is none or the path points outside DATA_DIR/evidence."""
    if not entry.evidence_path:
        return None
    root = (Path(current_app.config["DATA_DIR"]) / "evidence").resolve()
    path = (Path(current_app.config["DATA_DIR"]) / entry.evidence_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    mime = stored_mime(path)
    return path, mime, f"学习证明-{entry.id}{EXTENSIONS.get(mime, '.bin')}"


def log_self_study(*, actor, learner, studied_on: date, minutes: int, content: str, today: date,
                   evidence: tuple[str, bytes] | None = None) -> SelfStudyEntry:
    """Record a self-study entry for a learner, pending a class teacher's approval; audited.

    Refused as the self-study import refuses a row: self_study_problem, then the daily caps of the learner's
    cohort (lms.rules.daily_cap_problem; the message names the learner, the day and the cap)."""
    problem = self_study_problem(learner, studied_on, minutes, content, today)
    if problem:
        raise DomainError(problem[1], field=problem[0])
    already = daily_minutes([learner.id], [studied_on]).get((learner.id, studied_on), {})
    problem = daily_cap_problem(policy_for(learner.cohort), SELF_STUDY_CATEGORY, already, minutes, studied_on,
                                who=learner.name)
    if problem:
        raise DomainError(problem, field="hours")
    entry = SelfStudyEntry(learner_id=learner.id, studied_on=studied_on, minutes=minutes, content=content.strip(),
                           status="pending", source="teacher", created_by_id=getattr(actor, "id", None))
    if evidence is not None:
        entry.evidence_path = _store_evidence(evidence[1])
    db.session.add(entry)
    db.session.flush()
    record(actor, "self_study.create", "self_study", entry.id,
           summary=f"登记自学 {learner.name} {studied_on.isoformat()} {format_hours(minutes)} 学时", after={
               "learner_id": learner.id, "studied_on": studied_on.isoformat(), "minutes": minutes})
    return entry


def decide_self_study(*, actor, entry: SelfStudyEntry, approve: bool, note: str = "") -> SelfStudyEntry:
    """Approve or reject a pending entry (an approved one counts as S hours); audited."""
    if entry.status != "pending":
        raise DomainError(f"该记录{entry.status_label}，不能重复审核")
    if not approve and not note.strip():
        raise DomainError("不通过时请填写原因", field="note")
    if approve:
        problem = refusal(entry.learner, study_history(entry.learner), entry.studied_on)
        if problem:      # logged before the learner stopped studying, dated after: never counts
            raise DomainError(problem)
    entry.status = "approved" if approve else "rejected"
    entry.decided_by_id = getattr(actor, "id", None)
    entry.decided_at = now_utc()
    entry.decision_note = note.strip()[:200]
    db.session.flush()
    summaries.hours_changed([entry.learner_id])
    record(actor, "self_study.approve" if approve else "self_study.reject", "self_study", entry.id,
           summary=f"{'通过' if approve else '不通过'}自学记录", before={"status": "pending"},
           after={"status": entry.status, "note": entry.decision_note})
    return entry


def approve_pending(*, actor, entries: list[SelfStudyEntry]) -> tuple[int, list[str]]:
    """Approve every pending entry among `entries` in one go (the class teacher's 全部通过); audited once.

    Entries dated on a day their learner was not studying are left pending; returns (approved, why not
    for each left)."""
    pending = [entry for entry in entries if entry.status == "pending"]
    histories = study_histories({entry.learner for entry in pending})
    refused = {entry.id: refusal(entry.learner, histories[entry.learner_id], entry.studied_on) for entry in pending}
    pending = [entry for entry in pending if refused[entry.id] is None]
    now = now_utc()
    for entry in pending:
        entry.status, entry.decided_by_id, entry.decided_at = "approved", getattr(actor, "id", None), now
    db.session.flush()
    summaries.hours_changed({entry.learner_id for entry in pending})
    if pending:
        record(actor, "self_study.approve_all", "self_study", None, summary=f"批量通过 {len(pending)} 条自学记录",
               after={"entry_ids": [entry.id for entry in pending]})
    return len(pending), [why for why in refused.values() if why]
