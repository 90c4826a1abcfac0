"""A Flask test client that sends CSRF tokens like a browser does, and logs in through the form."""
from __future__ import annotations

import hashlib
import os

from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

TEST_PASSWORD = "test-pass-123"


class CsrfClient(FlaskClient):
    """post_form()/post_json() add a valid CSRF token; post() sends exactly what it is given."""

    def csrf_token(self) -> str:
        """A token for this client's session, made the way flask_wtf.csrf.generate_csrf makes it."""
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def post_json(self, url: str, payload, **kwargs):
        headers = {"X-CSRFToken": self.csrf_token(), **kwargs.pop("headers", {})}
        return self.post(url, json=payload, headers=headers, **kwargs)

    def login(self, username: str, password: str = TEST_PASSWORD):
        response = self.post_form("/login", {"username": username, "password": password})
        assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
        return response

    def logout(self):
        return self.post_form("/logout")


class SeparateBrowser(CsrfClient):
    """A client whose every request runs in an app context of its own, as on a real server.

    A plain test client's requests reuse the test's app context, so `g` — where Flask-Login keeps the
    user it loaded — carries over from one request to the next, even from another client's; tests of
    what one browser's request does to another browser's session need this one.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)
