"""Keyed hashes of ID numbers, so look-ups never need the plain number in a query or a log.

The key is the first found of: DATA_DIR/keys/id-hash.key (hex; written by `flask lms restore`, so a
restored system finds the key its data was hashed with whatever LMS_SECRET_KEY it runs under),
LMS_ID_HASH_KEY, and a key derived from the secret key (every installation that never restored a backup
keeps this one). `flask lms backup` saves whichever is in use.
"""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from flask import Flask, current_app

from lms.learners.idnumbers import id_number_hash

ID_HASH_KEY_FILE = Path("keys") / "id-hash.key"
_CACHE = "lms.id_hash_key"


def id_hash_key() -> bytes:
    """The HMAC key: the key file in DATA_DIR if there is one, else LMS_ID_HASH_KEY, else one derived from
    the secret key. Read once per app (imports hash every row): `forget_id_hash_key` after writing the file."""
    key = current_app.extensions.get(_CACHE)
    if key is None:
        key = current_app.extensions[_CACHE] = _find_key(current_app)
    return key


def _find_key(app: Flask) -> bytes:
    path = Path(app.config["DATA_DIR"]) / ID_HASH_KEY_FILE
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    configured = app.config.get("ID_HASH_KEY")
    if configured:
        return configured.encode()
    return hmac.new(app.secret_key.encode(), b"lms-id-number-hash", hashlib.sha256).digest()


def forget_id_hash_key(app: Flask) -> None:
    """Read the key again on next use (after a restore wrote the key file)."""
    app.extensions.pop(_CACHE, None)


def hash_id(number: str) -> str:
    """The keyed hash stored beside an ID number (learners.id_hash, roster_entries.id_hash)."""
    return id_number_hash(number, id_hash_key())
