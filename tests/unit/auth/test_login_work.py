"""A refused login costs the same one password-hash check whether the username exists or not.

The time of the answer must not tell which usernames exist (a wrong password for a real user once took
≈160 ms, an unknown user ≈12 ms). Timing itself is not asserted: the hash checks are counted instead.
"""
from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from lms.auth import services
from tests.factories import make_user
from tests.support.client import TEST_PASSWORD


@pytest.fixture
def hash_checks(monkeypatch):
    """The hashes the login service checks a password against, in order."""
    checked: list[str] = []

    def counting(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    return checked


def _refusal(username: str, password: str) -> str:
    with pytest.raises(services.LoginRefused) as refused:
        services.login(username, password, remote_addr="10.0.0.1")
    return refused.value.message


def test_an_unknown_username_costs_one_check_against_a_hash_made_the_configured_way(app, hash_checks):
    message = _refusal("nobody-here", TEST_PASSWORD)
    method = app.config["PASSWORD_HASH_METHOD"]
    assert len(hash_checks) == 1 and hash_checks[0].startswith(method + "$")
    assert hash_checks[0] == services.dummy_password_hash(method)    # made once, not per attempt
    assert message == "用户名或密码不正确。"


def test_a_wrong_password_costs_one_check(hash_checks):
    user = make_user("bureau")
    assert _refusal(user.username, "wrong-pass-1") == "用户名或密码不正确。"
    assert hash_checks == [user.password_hash]


def test_a_deactivated_account_with_its_right_password_costs_one_check_and_reads_as_wrong(hash_checks):
    user = make_user("bureau", active=False)
    assert _refusal(user.username, TEST_PASSWORD) == "用户名或密码不正确。"
    assert hash_checks == [user.password_hash]


def test_a_right_password_costs_one_check(hash_checks):
    user = make_user("bureau")
    assert services.login(user.username, TEST_PASSWORD, remote_addr="10.0.0.1") == user
    assert hash_checks == [user.password_hash]
