"""Logging in and out, throttling, session cookies, own password."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.auth.models import LoginAttempt
from lms.core.clock import now_utc
from lms.extensions import db
from tests.factories import make_user
from tests.support.client import TEST_PASSWORD


def test_login_page_is_chinese(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "用户名" in page and "密码" in page


def test_valid_login_lands_on_the_role_home_page(client):
    user = make_user("registrar")
    response = client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert f"您好，{user.display_name}" in home and "教务" in home


def test_username_is_case_insensitive(client):
    make_user("bureau", username="libureau")
    assert client.post_form("/login", {"username": "LiBureau", "password": TEST_PASSWORD}).status_code == 302


def test_wrong_password_says_so_in_chinese(client):
    user = make_user("admin")
    response = client.post_form("/login", {"username": user.username, "password": "nope-1234"})
    assert response.status_code == 200 and "用户名或密码不正确" in response.get_data(as_text=True)


def test_five_failures_lock_the_account_even_for_the_right_password(client, app):
    user = make_user("admin")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post_form("/login", {"username": user.username, "password": "wrong-pass-1"})
    response = client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "登录失败次数过多" in page and "分钟后再试" in page
    assert client.get("/").status_code == 302   # still not logged in


def test_four_failures_do_not_lock(client, app):
    user = make_user("admin")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post_form("/login", {"username": user.username, "password": "wrong-pass-1"})
    assert client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302


def test_failures_older_than_the_window_no_longer_count(client, app):
    user = make_user("admin")
    long_ago = now_utc() - timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"] + 1)
    db.session.add_all([LoginAttempt(username=user.username, remote_addr="127.0.0.1", succeeded=False, at=long_ago)
                        for _ in range(10)])
    db.session.flush()
    assert client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302


def test_deactivated_user_cannot_log_in(client):
    user = make_user("teacher", active=False)
    response = client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD})
    assert "该账号已停用" in response.get_data(as_text=True)


def test_deactivating_a_logged_in_user_ends_their_session(client):
    user = make_user("bureau")
    client.login(user.username)
    user.active = False
    db.session.flush()
    assert client.get("/").status_code == 302


def test_logout_needs_post_and_ends_the_session(client):
    user = make_user("bureau")
    client.login(user.username)
    assert client.get("/logout").status_code == 405
    client.logout()
    assert client.get("/").status_code == 302


def test_session_cookie_is_http_only_and_same_site(client):
    user = make_user("bureau")
    response = client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD})
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and "lms_session" in v)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_redirects_only_to_local_next_urls(client):
    user = make_user("admin")
    response = client.post_form("/login?next=https://evil.example/", {"username": user.username,
                                                                       "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"
    client.logout()
    response = client.post_form("/login?next=/users/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/users/"


def test_user_changes_own_password_and_it_is_audited(client):
    user = make_user("teacher")
    client.login(user.username)
    response = client.post_form("/password", {"current_password": TEST_PASSWORD, "new_password": "new-pass-99",
                                              "confirm": "new-pass-99"})
    assert response.status_code == 302
    client.logout()
    assert client.post_form("/login", {"username": user.username, "password": "new-pass-99"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "user.change_password", AuditEvent.entity_id == str(user.id))) == 1


def test_weak_or_wrong_current_password_is_refused(client):
    user = make_user("teacher")
    client.login(user.username)
    page = client.post_form("/password", {"current_password": "wrong", "new_password": "new-pass-99",
                                          "confirm": "new-pass-99"}).get_data(as_text=True)
    assert "当前密码不正确" in page
    page = client.post_form("/password", {"current_password": TEST_PASSWORD, "new_password": "short",
                                          "confirm": "short"}).get_data(as_text=True)
    assert "密码至少 8 位" in page
