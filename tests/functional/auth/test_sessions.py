"""A session ends everywhere when its user logs out, changes password, is reset, changes role or scope, or is
deactivated: every other browser — and every copy of the cookie — is sent to the login page."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from tests.factories import make_county, make_township, make_user
from tests.support.client import TEST_PASSWORD, SeparateBrowser

COOKIE = "lms_session"


def _browser(app, user_agent: str | None = None) -> SeparateBrowser:
    browser = SeparateBrowser(app, app.response_class, use_cookies=True)
    if user_agent:
        browser.environ_base["HTTP_USER_AGENT"] = user_agent
    return browser


@pytest.fixture
def client(app):
    """The user's browser."""
    return _browser(app)


@pytest.fixture
def second_client(app):
    """The same user's other browser (of the same kind: a second phone, a colleague's computer)."""
    return _browser(app)


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _copy_of_cookie(app, client, user_agent: str | None = None):
    """A new client holding a copy of `client`'s session cookie (a stolen or replayed cookie)."""
    copy = _browser(app, user_agent)
    copy.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return copy


def _admin_edits(app, user, **changes):
    admin_client = _browser(app)
    admin_client.login(make_user("admin").username)
    form = {"username": user.username, "display_name": user.display_name, "role": user.role, "scope_codes": "",
            "active": "y", **changes}
    if form["active"] is None:
        del form["active"]
    response = admin_client.post_form(f"/users/{user.id}/edit", form)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_logging_out_ends_the_session_in_the_users_other_browser(client, second_client):
    user = make_user("bureau")
    client.login(user.username)
    second_client.login(user.username)
    assert second_client.get("/reports/").status_code == 200
    client.logout()
    assert _sent_to_login(second_client.get("/reports/"))


def test_a_copy_of_the_cookie_opens_nothing_after_logout(app, client):
    user = make_user("bureau")
    client.login(user.username)
    assert _copy_of_cookie(app, client).get("/reports/").status_code == 200
    copied = _copy_of_cookie(app, client)
    client.logout()
    assert _sent_to_login(copied.get("/reports/"))
    assert _sent_to_login(copied.get("/"))


def test_a_copy_of_the_cookie_opens_nothing_in_another_browser(app, client):
    user = make_user("bureau")
    client.login(user.username)
    other_browser = _copy_of_cookie(app, client, "Mozilla/5.0 (Linux; Android 13) Chrome/131.0")
    assert _sent_to_login(other_browser.get("/reports/"))
    assert client.get("/reports/").status_code == 200       # the owner's own browser goes on


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(client, second_client):
    user = make_user("teacher")
    client.login(user.username)
    second_client.login(user.username)
    response = client.post_form("/password", {"current_password": TEST_PASSWORD, "new_password": "new-pass-99",
                                              "confirm": "new-pass-99"})
    assert response.status_code == 302
    assert _sent_to_login(second_client.get("/"))
    assert client.get("/").status_code == 200


def test_a_refused_password_change_ends_no_session(client, second_client):
    user = make_user("teacher")
    client.login(user.username)
    second_client.login(user.username)
    client.post_form("/password", {"current_password": "wrong-pass-1", "new_password": "new-pass-99",
                                   "confirm": "new-pass-99"})
    assert second_client.get("/").status_code == 200


def test_an_administrators_password_reset_ends_the_users_sessions(app, client):
    user = make_user("bureau")
    client.login(user.username)
    _admin_edits(app, user, password="reset-pass-7")
    assert _sent_to_login(client.get("/reports/"))


def test_a_new_role_ends_the_users_sessions(app, client):
    user = make_user("bureau")
    client.login(user.username)
    _admin_edits(app, user, role="registrar")
    assert _sent_to_login(client.get("/"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.after == {"role": "registrar"}          # the session bookkeeping is not audit news


def test_a_new_scope_ends_the_users_sessions(app, client):
    county = make_county()
    first, second = make_township(county), make_township(county)
    user = make_user("township", divisions=[first])
    client.login(user.username)
    _admin_edits(app, user, scope_codes=f"{first.code}\n{second.code}")
    db.session.refresh(user)
    assert [s.division_id for s in user.division_scopes] == [first.id, second.id]
    assert _sent_to_login(client.get("/"))


def test_editing_only_the_name_keeps_the_users_sessions(app, client):
    user = make_user("bureau")
    client.login(user.username)
    _admin_edits(app, user, display_name="改了名字")
    assert client.get("/").status_code == 200


def test_a_deactivated_session_stays_ended_when_the_user_is_enabled_again(app, client):
    user = make_user("bureau")
    client.login(user.username)
    _admin_edits(app, user, active=None)
    db.session.refresh(user)
    assert not user.active
    _admin_edits(app, user)
    db.session.refresh(user)
    assert user.active
    assert _sent_to_login(client.get("/"))
    client.login(user.username)                  # logging in again works
    assert client.get("/").status_code == 200


def test_a_session_from_before_session_versions_is_sent_to_log_in_again(client):
    """Sessions written before the upgrade hold a bare user id; they no longer open anything."""
    user = make_user("bureau")
    client.login(user.username)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert _sent_to_login(client.get("/"))
