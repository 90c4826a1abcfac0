"""Failed logins slow further attempts on the same account — never other accounts behind the same address
(a village office or a township shares one NAT address) — and every attempt stays on record."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.auth.models import LoginAttempt
from lms.core.clock import now_utc
from lms.extensions import db
from tests.factories import make_user
from tests.support.client import TEST_PASSWORD

VILLAGE_OFFICE = "10.20.30.40"


def _try(client, username: str, password: str, address: str = VILLAGE_OFFICE):
    return client.post_form("/login", {"username": username, "password": password},
                            environ_base={"REMOTE_ADDR": address})


def _time_passes(minutes: float) -> None:
    """Move every recorded attempt `minutes` into the past, as if that much time had gone by."""
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at -= timedelta(minutes=minutes)
    db.session.flush()


def _waiting(response, minutes: int) -> bool:
    page = response.get_data(as_text=True)
    return response.status_code == 200 and f"密码错误次数过多，请 {minutes} 分钟后再试。" in page


def test_failures_on_other_accounts_never_refuse_a_right_password_from_the_same_address(client):
    colleagues = [make_user("enroller") for _ in range(4)]
    for n in range(25):
        target = colleagues[n % 4].username if n % 5 else f"guess{n}"    # real accounts and unknown names
        assert _try(client, target, f"wrong-pass-{n}").status_code == 200
    newcomer = make_user("enroller")
    response = _try(client, newcomer.username, TEST_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_account_attacked_from_many_addresses_is_slowed_for_every_address(client, app):
    user = make_user("township")
    for n in range(2 * app.config["LOGIN_MAX_FAILURES"]):
        _try(client, user.username, "wrong-pass-1", address=f"203.0.113.{n + 1}")
    assert _waiting(_try(client, user.username, TEST_PASSWORD, address="198.51.100.7"), 1)
    assert _waiting(_try(client, user.username, TEST_PASSWORD), 1)
    _time_passes(1.1)
    assert _try(client, user.username, TEST_PASSWORD).status_code == 302


def test_one_address_mistyping_slows_only_that_address(client, app):
    user = make_user("township")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _try(client, user.username, "wrong-pass-1")
    assert _waiting(_try(client, user.username, TEST_PASSWORD), 1)
    assert _try(client, user.username, TEST_PASSWORD, address="198.51.100.7").status_code == 302


def test_the_wait_doubles_with_each_further_failure_up_to_the_window(client, app):
    user = make_user("teacher")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _try(client, user.username, "wrong-pass-1")
    assert _waiting(_try(client, user.username, "wrong-pass-1"), 1)
    waited = 1
    for expected in (2, 4, 8, 15, 15, 15):      # the window (15 minutes) caps the wait; a guesser who tries
        _time_passes(waited + 0.1)              # as soon as each wait is over keeps it at its longest
        assert _try(client, user.username, "wrong-pass-1").status_code == 200    # checked, and wrong again
        assert _waiting(_try(client, user.username, TEST_PASSWORD), expected), expected
        waited = expected


def test_failures_are_forgotten_a_whole_window_after_the_wait(client, app):
    user = make_user("teacher")
    db.session.add_all([LoginAttempt(username=user.username, remote_addr=VILLAGE_OFFICE, succeeded=False,
                                     at=now_utc()) for _ in range(2 * app.config["LOGIN_MAX_FAILURES"])])
    db.session.flush()
    assert _waiting(_try(client, user.username, TEST_PASSWORD), 15)
    _time_passes(15 + app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):       # counted from nothing again
        _try(client, user.username, "wrong-pass-1")
    assert _try(client, user.username, TEST_PASSWORD).status_code == 302


def test_attempts_refused_while_waiting_are_recorded_and_do_not_lengthen_the_wait(client, app):
    user = make_user("teacher")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _try(client, user.username, "wrong-pass-1")
    for _ in range(3):
        assert _waiting(_try(client, user.username, "wrong-pass-2"), 1)
    attempts = db.session.scalars(select(LoginAttempt).where(LoginAttempt.username == user.username)).all()
    assert [(a.remote_addr, a.succeeded, a.throttled) for a in attempts] == (
        [(VILLAGE_OFFICE, False, False)] * app.config["LOGIN_MAX_FAILURES"] + [(VILLAGE_OFFICE, False, True)] * 3)
    _time_passes(1.1)
    assert _try(client, user.username, TEST_PASSWORD).status_code == 302
    assert db.session.scalars(select(LoginAttempt.succeeded).order_by(LoginAttempt.id.desc())).first() is True


def test_unknown_usernames_are_slowed_exactly_like_real_ones(client, app):
    """Otherwise whether the wait appears would tell which usernames exist."""
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _try(client, "no-such-user", "wrong-pass-1")
    assert _waiting(_try(client, "no-such-user", "wrong-pass-1"), 1)
