"""Reading and writing settings (writes are audited)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms.audit.services import record
from lms.core.db import forget_cached, transaction_cache
from lms.core.errors import DomainError
from lms.extensions import db
from lms.settings.models import Setting
from lms.settings.registry import SETTINGS, spec


def get_setting(key: str) -> Any:
    """The stored value of a registered setting, or its default (all settings are read once per transaction)."""
    spec(key)                                   # an unknown key is a programming error, cached or not
    return _values()[key]


def all_settings() -> dict[str, Any]:
    """Every registered setting's current value (one query per transaction; a save forgets them)."""
    return dict(_values())


def _values() -> dict[str, Any]:
    cached = transaction_cache(db.session, "settings")
    if not cached:
        stored = {s.key: s.value for s in db.session.scalars(select(Setting))}
        cached.update({item.key: stored.get(item.key, item.default) for item in SETTINGS})
    return cached


def save_settings(*, actor, values: dict[str, str]) -> list[str]:
    """Validate and store changed settings; returns the keys changed. Raises DomainError naming the field."""
    current = all_settings()
    changed = []
    for key, value in values.items():
        item = spec(key)
        value = value.strip() if isinstance(value, str) else value
        if item.validate and (problem := item.validate(value)):
            raise DomainError(f"{item.label}{problem}", field=key)
        if current.get(key) != value:
            changed.append(key)
    for key in changed:
        stored = db.session.get(Setting, key)
        if stored is None:
            db.session.add(Setting(key=key, value=values[key].strip(), updated_by_id=getattr(actor, "id", None)))
        else:
            stored.value, stored.updated_by_id = values[key].strip(), getattr(actor, "id", None)
    if changed:
        db.session.flush()
        forget_cached(db.session, "settings")
        record(actor, "settings.update", "settings", None, summary=f"修改设置：{'、'.join(spec(k).label for k in changed)}",
               before={k: current[k] for k in changed}, after={k: values[k].strip() for k in changed})
    return changed
