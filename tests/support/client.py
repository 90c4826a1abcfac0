"""A Flask test client that sends CSRF tokens like a browser does, and logs in through the form."""
from __future__ import annotations

import hashlib
import os

from flask import has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from lms.extensions import db

TEST_PASSWORD = "test-pass-123"


def commit_the_tests_writes() -> None:
    """Before a request: what the test wrote is committed, as on a server, where a request finds only what
    earlier ones committed. The request's transaction is then its own — a 4xx or an error rolls back the
    request's writes, never the test's set-up — and it loads afresh what it reads. (In the suite's
    rolled-back transaction this releases a SAVEPOINT.)"""
    if has_app_context():
        db.session.commit()


class CsrfClient(FlaskClient):
    """post_form()/post_json() add a valid CSRF token; post() sends exactly what it is given. Each request
    first commits what the test wrote (commit_the_tests_writes)."""

    def open(self, *args, **kwargs):
        commit_the_tests_writes()
        return super().open(*args, **kwargs)

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
        commit_the_tests_writes()       # the test's own session, before the request's context is pushed
        with self.application.app_context():
            return super().open(*args, **kwargs)
