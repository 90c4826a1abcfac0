"""API keys for tests: made by the admin's own service, so the secret is real and stored hashed."""
from __future__ import annotations

from datetime import date

from lms.api.services import create_key, revoke_key
from lms.extensions import db


def make_api_key(area, *, purpose: str = "status_read", name: str = "测试密钥", expires_on: date = date(2027, 12, 31),
                 revoked: bool = False):
    """(key, secret): a key of `purpose` for `area` (a county, township or village)."""
    key, secret = create_key(actor=None, name=name, purpose=purpose, area_id=area.id, expires_on=expires_on)
    if revoked:
        revoke_key(actor=None, key=key)
    db.session.flush()
    return key, secret


def bearer(secret: str) -> dict:
    """The request header carrying a key."""
    return {"Authorization": f"Bearer {secret}"}
