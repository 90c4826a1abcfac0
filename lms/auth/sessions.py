"""Login sessions: what the session cookie holds, and the check every request makes of it.

Sessions live in signed cookies, so the server cannot delete one. A session instead carries the user's
session version (User.get_id gives "<id>:<version>") and the browser it was started in; a request whose
session names another version (lms.auth.services.end_sessions raised it) or another browser is treated
as not logged in. Flask-Login's own session_protection cannot do this: with a permanent session (ours
expire after PERMANENT_SESSION_LIFETIME) its "strong" mode only marks the session not fresh, and it would
bind to an address that phones change between Wi-Fi and mobile data.
"""
from __future__ import annotations

import hashlib

from flask import request, session
from flask_login import login_user

from lms.auth.models import User
from lms.extensions import db

_BROWSER_KEY = "_browser"


def _browser() -> str:
    """A digest of the User-Agent, kept in the session so that a copied cookie fails in another browser."""
    return hashlib.sha256(request.headers.get("User-Agent", "").encode("utf-8", "replace")).hexdigest()[:32]


def start_session(user) -> None:
    """Log `user` in with a fresh session (no fixation) bound to their session version and this browser."""
    session.clear()
    login_user(user)
    session[_BROWSER_KEY] = _browser()
    session.permanent = True


def load_user(session_id: str):
    """Flask-Login's user loader: the user whose session this is, or None (not logged in) when the user is
    unknown or deactivated, or the session is from an earlier version or another browser."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdecimal() and version.isdecimal()) or session.get(_BROWSER_KEY) != _browser():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
