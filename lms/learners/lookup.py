"""Keyed hashes of ID numbers, so look-ups never need the plain number in a query or a log."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from lms.learners.idnumbers import id_number_hash


def id_hash_key() -> bytes:
    """The HMAC key: LMS_ID_HASH_KEY if set, else one derived from the secret key."""
    configured = current_app.config.get("ID_HASH_KEY")
    if configured:
        return configured.encode()
    return hmac.new(current_app.secret_key.encode(), b"lms-id-number-hash", hashlib.sha256).digest()


def hash_id(number: str) -> str:
    """The keyed hash stored beside an ID number (learners.id_hash, roster_entries.id_hash)."""
    return id_number_hash(number, id_hash_key())
