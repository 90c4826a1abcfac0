"""Behind nginx the client's address comes from X-Forwarded-For, but only when proxies are trusted."""
from __future__ import annotations

from flask import request

from lms import create_app


def _address(app, forwarded: str) -> str:
    app.add_url_rule("/_address", "address", lambda: request.remote_addr)
    return app.test_client().get("/_address", headers={"X-Forwarded-For": forwarded},
                                 environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)


def test_the_forwarded_address_is_used_behind_one_trusted_proxy():
    assert _address(create_app("testing", overrides={"TRUSTED_PROXIES": 1}), "203.0.113.7") == "203.0.113.7"


def test_the_header_is_ignored_when_no_proxy_is_trusted():
    assert _address(create_app("testing"), "203.0.113.7") == "127.0.0.1"
