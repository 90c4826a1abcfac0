"""Logging in and out, throttling, session cookies, own password."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
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


def _answers(page: str) -> list[str]:
    """What the page tells the user: error boxes, field errors and the error page's message."""
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(
        r'(?s)(?:role="alert"|class="invalid-feedback[^"]*"|class="text-muted[^"]*")>(.*?)</(?:div|p)>', page)]


# What the login page answers in each case (asked by a browser that prefers English).
ANSWERS = {
    "empty": "请输入用户名",
    "long username": "用户名不超过 40 个字符",
    "unknown username": "用户名或密码不正确。",
    "wrong password": "用户名或密码不正确。",
    "deactivated": "用户名或密码不正确。",
    "waiting": "密码错误次数过多，请 1 分钟后再试。",
    "no csrf token": "页面已过期或表单校验失败（CSRF），请刷新页面后重新提交。",
}


@pytest.mark.parametrize("case", ANSWERS)
def test_the_login_page_answers_in_chinese_in_every_case(client, app, case):
    user = make_user("teacher", active=case != "deactivated")
    data = {"username": user.username, "password": TEST_PASSWORD}
    if case == "empty":
        data = {"username": " ", "password": ""}
    elif case == "long username":
        data["username"] = "x" * 41
    elif case == "unknown username":
        data["username"] = "nobody-here"
    elif case == "wrong password":
        data["password"] = "wrong-pass-1"
    elif case == "waiting":
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            client.post_form("/login", {"username": user.username, "password": "wrong-pass-1"})
    post = client.post if case == "no csrf token" else client.post_form
    answers = _answers(post("/login", data=data, headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True))
    assert ANSWERS[case] in answers
    assert all(re.search(r"[\u4e00-\u9fff]", a) and not re.search(r"[A-Za-z]{2,}", a.replace("CSRF", ""))
               for a in answers), answers


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


def test_five_failures_make_the_next_attempt_wait_even_with_the_right_password(client, app):
    user = make_user("admin")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post_form("/login", {"username": user.username, "password": "wrong-pass-1"})
    response = client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "密码错误次数过多，请 1 分钟后再试。" in page
    assert client.get("/").status_code == 302   # still not logged in


def test_four_failures_do_not_lock(client, app):
    user = make_user("admin")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post_form("/login", {"username": user.username, "password": "wrong-pass-1"})
    assert client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302


def test_failures_a_whole_window_after_their_wait_no_longer_count(client, app):
    user = make_user("admin")
    long_ago = now_utc() - timedelta(minutes=2 * app.config["LOGIN_FAILURE_WINDOW_MINUTES"] + 1)
    db.session.add_all([LoginAttempt(username=user.username, remote_addr="127.0.0.1", succeeded=False, at=long_ago)
                        for _ in range(10)])
    db.session.flush()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post_form("/login", {"username": user.username, "password": "wrong-pass-1"})
    assert client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302


def _login_error(response) -> str:
    """The message in the login page's error box."""
    page = response.get_data(as_text=True)
    return re.search(r'<div class="alert alert-danger" role="alert"><div>(.*?)</div>', page).group(1)


def test_a_deactivated_account_with_its_right_password_is_answered_as_a_wrong_password(client):
    """The answer must not tell that the username exists (nor that the password was right)."""
    user = make_user("teacher", active=False)
    deactivated = client.post_form("/login", {"username": user.username, "password": TEST_PASSWORD})
    wrong = client.post_form("/login", {"username": make_user("teacher").username, "password": "wrong-pass-1"})
    unknown = client.post_form("/login", {"username": "nobody-here", "password": TEST_PASSWORD})
    assert _login_error(deactivated) == _login_error(wrong) == _login_error(unknown) == "用户名或密码不正确。"
    assert "停用" not in deactivated.get_data(as_text=True)
    assert client.get("/").status_code == 302


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
    logged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.logout")).all()
    assert [(event.user_id, event.entity_id) for event in logged] == [(user.id, str(user.id))]


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
