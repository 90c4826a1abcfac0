"""Evidence of a session (课次佐证): class photos and scans of the signed sign-in sheet.

Checked by content as the recognition scans and self-study proofs are (lms.recognition.evidence), stored
beside them under DATA_DIR/evidence/<year>/, never deleted: a replaced file is kept and marked superseded,
so an inspection (lms.inspection) sees what was shown before as well as what is shown now.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from lms.audit.services import record
from lms.auth.permissions import may
from lms.auth.scope import scope_for
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.extensions import db
from lms.recognition.evidence import EXTENSIONS, evidence_mime, max_scan_bytes, scan_file, store_scan, stored_mime
from lms.teaching.models import SESSION_EVIDENCE_KIND_LABELS, ClassSession, SessionEvidence

# What each kind may be: a photo is a picture (JPEG or PNG); a signed sheet may be scanned to PDF as well.
IMAGE_MAGICS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
KIND_FORMATS = {"photo": "JPG 或 PNG 图片", "sign_in": "PDF、JPG 或 PNG 文件"}


def upload_refusal(actor, session: ClassSession) -> str | None:
    """Why `actor` may not add evidence to `session` (Chinese), or None.

    Allowed: holders of "sessions.evidence" (lms/auth/permissions.py) for sessions in their scope (the view
    loads the session within it); a user whose scope is their classes (a teacher) only for a session they
    taught, or one that names no teacher. None (the command line) may."""
    if actor is None:
        return None
    if not may(actor, "sessions.evidence"):
        return "您没有上传课次佐证材料的权限"
    scope = scope_for(actor)
    by_class = not scope.everything and not scope.township_ids and not scope.village_ids
    if by_class and session.teacher_id not in (None, actor.id):
        return "只有本课次的授课教师可以上传佐证材料"
    return None


def add_session_evidence(*, actor, session: ClassSession, kind: str, content: bytes, today: date,
                         replaces: SessionEvidence | None = None, note: str = "") -> SessionEvidence:
    """Store a class photo or a sign-in sheet scan for a held, uncancelled session; audited.

    The file is judged by its bytes (PDF, JPEG or PNG; a photo JPEG or PNG only), refused when empty or over
    EVIDENCE_MAX_BYTES, with the message on the field "file". `replaces` (a current file of the same session)
    is kept and marked superseded by the new one. Raises DomainError; writes nothing when refused."""
    label = SESSION_EVIDENCE_KIND_LABELS.get(kind)
    if label is None:
        raise DomainError("请选择材料类别", field="kind")
    refusal = upload_refusal(actor, session)
    if refusal:
        raise DomainError(refusal)
    if session.cancelled_at is not None:
        raise DomainError("该课次已取消，不能上传佐证材料")
    if session.held_on > today:
        raise DomainError("课次日期在今天之后，上课后才能上传佐证材料")
    if replaces is not None and (replaces.session_id != session.id or replaces.superseded_at is not None):
        raise DomainError("要替换的材料不是本课次当前的材料，请刷新后重试", field="replaces_id")
    if not content:
        raise DomainError(f"请选择要上传的{label}", field="file")
    if kind == "photo" and not content.startswith(IMAGE_MAGICS):     # the shared check would also take a PDF
        raise DomainError(f"{label}只能是 {KIND_FORMATS[kind]}", field="file")
    mime = evidence_mime(content, label=label, field="file", max_bytes=max_scan_bytes())
    evidence = SessionEvidence(session_id=session.id, kind=kind, path=store_scan(content, mime, today=today),
                               mime=mime, size_bytes=len(content), note=note.strip()[:100],
                               uploaded_by_id=getattr(actor, "id", None))
    db.session.add(evidence)
    db.session.flush()
    if replaces is not None:
        replaces.superseded_at, replaces.superseded_by_id = now_utc(), evidence.id
        db.session.flush()
    summary = f"上传{label} {session.teaching_class.code} {session.held_on.isoformat()}"
    if replaces is not None:
        summary += f"（替换第 {replaces.id} 号材料，原文件保留）"
    record(actor, "session.evidence", "session", session.id, summary=summary,
           after={"evidence_id": evidence.id, "kind": kind, "mime": mime, "bytes": len(content),
                  "replaces": replaces.id if replaces else None})
    return evidence


def session_evidence_files(session: ClassSession) -> list[SessionEvidence]:
    """Every file of a session, current ones first, each group newest first (one query)."""
    return list(db.session.scalars(
        select(SessionEvidence).where(SessionEvidence.session_id == session.id)
        .order_by(SessionEvidence.superseded_at.is_not(None), SessionEvidence.id.desc())
        .options(db.joinedload(SessionEvidence.uploaded_by))))


def evidence_download(evidence: SessionEvidence) -> tuple[Path, str, str] | None:
    """The stored file: its path, its MIME type judged by its bytes and a download name; None when missing."""
    path = scan_file(evidence.path)
    if path is None:
        return None
    mime = stored_mime(path)
    return path, mime, f"{evidence.kind_label}-{evidence.session_id}-{evidence.id}{EXTENSIONS.get(mime, '.bin')}"
