"""Reading the audit log."""
from __future__ import annotations

from sqlalchemy import or_, select

from lms.audit.models import AuditEvent
from lms.extensions import db


def events_for(entity_type: str, entity_id, *, limit: int = 200) -> list[AuditEvent]:
    """The newest events about one entity (e.g. a learner's record trail)."""
    stmt = (select(AuditEvent).where(AuditEvent.entity_type == entity_type,
                                     AuditEvent.entity_id == str(entity_id))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def search_events(*, text: str = "", action: str = "", page: int = 1, per_page: int = 50):
    """A page of the log, newest first, filtered by free text (actor, summary) and an action (exact, as the
    page's list offers; a value ending in "." is a prefix: "learner." is every learner action)."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(AuditEvent.actor_label.like(like), AuditEvent.summary.like(like),
                              AuditEvent.entity_id == text))
    if action.endswith("."):
        stmt = stmt.where(AuditEvent.action.like(f"{action}%"))
    elif action:
        stmt = stmt.where(AuditEvent.action == action)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
