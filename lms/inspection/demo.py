"""Demo evidence and an inspection: photos and sign-in sheet scans on most of the last three months' face-to-face
sessions (so the 督查 page lists some without), one scan replaced (kept, superseded), and one inspection visit
that found a problem. Dated relative to the load day; runs after the teaching demo."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.core.clock import now_utc
from lms.extensions import db
from lms.inspection.models import InspectionVisit
from lms.inspection.queries import face_to_face_modes
from lms.recognition.evidence import store_scan
from lms.teaching.models import ClassSession, SessionEvidence


def _picture(colour: str) -> bytes:
    """A small plain PNG standing in for a photo or a scan."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), colour)
    ImageDraw.Draw(image).rectangle((20, 20, 300, 220), outline="white", width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def load(*, today: date) -> dict[str, int]:
    """Add evidence to recent sessions and one inspection visit (flushes; the caller commits). Returns counts."""
    rng = random.Random(2025)
    sessions = list(db.session.scalars(
        select(ClassSession).where(ClassSession.mode.in_(face_to_face_modes()), ClassSession.cancelled_at.is_(None),
                                   ClassSession.held_on >= today - timedelta(days=90), ClassSession.held_on < today)
        .order_by(ClassSession.held_on, ClassSession.id)))
    # The session's teacher uploads; for a session naming none, the registrar (who may upload for any class).
    registrar_id = db.session.scalar(select(User.id).where(User.username == "registrar"))
    photo, sheet = _picture("#6c8ebf"), _picture("#d6b656")
    files = []
    for session in sessions:
        if rng.random() < 0.3:          # about a third left without evidence, for the 督查 page to list
            continue
        uploader = session.teacher_id or registrar_id
        files.append(SessionEvidence(session_id=session.id, kind="photo", mime="image/png", size_bytes=len(photo),
                                     path=store_scan(photo, "image/png", today=session.held_on),
                                     uploaded_by_id=uploader))
        files.append(SessionEvidence(session_id=session.id, kind="sign_in", mime="image/png", size_bytes=len(sheet),
                                     path=store_scan(sheet, "image/png", today=session.held_on),
                                     uploaded_by_id=uploader))
    db.session.add_all(files)
    db.session.flush()
    if files:                           # the first sign-in sheet was scanned again: the old scan stays on record
        old = next(f for f in files if f.kind == "sign_in")
        again = SessionEvidence(session_id=old.session_id, kind="sign_in", mime="image/png", size_bytes=len(sheet),
                                path=store_scan(sheet, "image/png", today=today), uploaded_by_id=old.uploaded_by_id,
                                note="重新扫描，上一份缺第二页")
        db.session.add(again)
        db.session.flush()
        old.superseded_at, old.superseded_by_id = now_utc(), again.id
    visits = 0
    recorder = db.session.scalar(select(User.id).where(User.username == "bureau"))
    if sessions:
        visited = sessions[-1]
        db.session.add(InspectionVisit(session_id=visited.id, visited_on=visited.held_on, inspector="县督查室 王明",
                                       outcome="problem", recorded_by_id=recorder,
                                       findings="现场实到 9 人，签到表有 12 人签名；3 人当天在外务工，已要求核减学时。"))
        visits = 1
    db.session.flush()
    return {"evidence": len(files) + (1 if files else 0), "visits": visits}
