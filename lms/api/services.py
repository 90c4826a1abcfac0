"""Writes of the API: keys created and revoked by the admin, each call's audit row, platform records pushed."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from lms.api.models import PURPOSE_LABELS, PURPOSES, ApiKey
from lms.api.queries import KEY_PREFIX, secret_hash
from lms.audit.services import record, snapshot
from lms.core import clock
from lms.core.errors import DomainError
from lms.extensions import db
from lms.geo.models import Division
from lms.imports.pipeline import ImportSummary, SourceRow, check_rows, write_plan
from lms.teaching.importers.hours import OnlineHoursImporter

MAX_DAYS = 3 * 366           # a key lives at most about three years; a new one is made before it expires


def create_key(*, actor, name: str, purpose: str, area_id: int, expires_on: dt.date,
               note: str = "") -> tuple[ApiKey, str]:
    """Create a key for a machine client; returns it and its secret, which is shown once and never stored."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("请填写密钥名称", field="name")
    if purpose not in PURPOSES:
        raise DomainError("请选择密钥用途", field="purpose")
    area = db.session.get(Division, area_id)
    if area is None:
        raise DomainError("请选择密钥适用的区划", field="area_id")
    today = clock.today()
    if expires_on < today:
        raise DomainError("有效期不能早于今天", field="expires_on")
    if (expires_on - today).days > MAX_DAYS:
        raise DomainError("有效期最长三年", field="expires_on")
    prefix = secrets.token_hex(6)
    while db.session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is not None:
        prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(name=name[:60], purpose=purpose, area_id=area.id, prefix=prefix, secret_hash=secret_hash(secret),
                 note=note[:200], created_by_id=getattr(actor, "id", None), expires_on=expires_on)
    db.session.add(key)
    db.session.flush()
    record(actor, "api_key.create", "api_key", key.id,
           summary=f"新建接口密钥“{key.name}”：{PURPOSE_LABELS[purpose]}，{area.name}，有效至 {expires_on.isoformat()}",
           after=snapshot(key, exclude=("secret_hash",)))
    return key, secret


def revoke_key(*, actor, key: ApiKey) -> None:
    """Revoke a key at once (kept, never deleted: the audit log names it)."""
    if key.revoked_at is not None:
        raise DomainError("该密钥已吊销")
    key.revoked_at = clock.now_utc()
    key.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(actor, "api_key.revoke", "api_key", key.id, summary=f"吊销接口密钥“{key.name}”")


@dataclass(frozen=True)
class KeyActor:
    """Who a call's writes and audit row name: the key (no user logs in through the API)."""

    key: ApiKey

    @property
    def display_name(self) -> str:
        return f"接口密钥：{self.key.name}"[:60]


def note_call(*, key: ApiKey, method: str, path: str, status: int, details: dict | None = None) -> None:
    """The one audit row of an API call (reads too), and the key's last use."""
    key.last_used_at = clock.now_utc()
    after = {"method": method, "path": path[:200], "status": status, **(details or {})}
    summary = f"{method} {path[:120]} → {status}"
    if method == "GET":
        record(KeyActor(key), "api.read", "api_key", key.id, summary=summary, after=after)
    else:
        record(KeyActor(key), "api.push", "api_key", key.id, summary=summary, after=after)
    db.session.flush()


#: The JSON fields of a pushed record and the online-hours import's column each one fills.
RECORD_FIELDS = {"id_number": "id_number", "name": "name", "platform": "platform", "course": "course",
                 "minutes": "minutes", "studied_on": "day", "record_id": "record_id"}


def push_platform_records(*, key: ApiKey, scope, records: list[dict], atomic: bool) -> ImportSummary:
    """Check and write platform (P) records a learning platform pushed, through the online-hours import's own
    check (lms.teaching.importers.hours) as if they were the rows of a file: the same caps, duplicates
    (platform + record id: a record already stored is unchanged, so a batch pushed twice writes nothing the
    second time), learner matching within the key's area, and messages. Record n is "row" n (1-based).
    `atomic`: any refused record means nothing is written."""
    importer = OnlineHoursImporter(actor=KeyActor(key), scope=scope, today=clock.today())
    rows = [SourceRow(position, {column: item.get(field) for field, column in RECORD_FIELDS.items()})
            for position, item in enumerate(records, start=1)]
    summary = ImportSummary(kind=importer.kind)
    planned = check_rows(importer, rows, summary)
    if planned and not (atomic and summary.errors):
        with db.session.begin_nested():
            write_plan(importer, planned, summary)
    return summary
