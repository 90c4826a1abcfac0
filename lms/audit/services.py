"""Writing the audit log: the one helper every service calls after a write, export or ID view."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from sqlalchemy import inspect

from lms.audit.models import AuditEvent
from lms.core.clock import now_utc
from lms.extensions import db

COMMAND_LINE = "命令行"


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj, *, exclude: tuple[str, ...] = ("password_hash",)) -> dict[str, Any]:
    """The column values of an ORM object as a JSON-safe dict (for before/after)."""
    mapper = inspect(obj).mapper
    return {attr.key: _jsonable(getattr(obj, attr.key)) for attr in mapper.column_attrs
            if attr.key not in exclude}


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(actor, action: str, entity_type: str, entity_id: Any = None, *, summary: str = "",
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Append one audit event to the session (never commits). `actor` is a User, or None for the command line.

    action: a dotted verb such as "learner.enrol", "roster.import", "learner.view_id", "export.xlsx".
    """
    event = AuditEvent(
        at=now_utc(),
        user_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "display_name", None) or COMMAND_LINE,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        summary=summary,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        remote_addr=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(event)     # written with the caller's next flush or commit (a flush here costs every writer)
    return event


def record_save(actor, entity_type: str, obj, before: dict | None, *, summary: str) -> None:
    """Audit a create-or-edit of `obj`: "<type>.create" with the whole row when `before` is None, else
    "<type>.update" with only the changed columns (nothing is recorded when nothing changed)."""
    if before is None:
        record(actor, f"{entity_type}.create", entity_type, obj.id, summary=summary, after=snapshot(obj))
        return
    old, new = changes(before, snapshot(obj))
    if new:
        record(actor, f"{entity_type}.update", entity_type, obj.id, summary=summary, before=old, after=new)
