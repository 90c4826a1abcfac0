"""A password an administrator generated or set is an initial password: its holder must change it first."""
from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.auth.demo import DEMO_USERS
from lms.auth.models import User
from lms.extensions import db
from tests.factories import make_county, make_township, make_user, make_village
from tests.support.client import TEST_PASSWORD


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _events(action: str, user: User) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                            AuditEvent.entity_id == str(user.id))))


def _log_in(client, username: str, password: str):
    return client.post_form("/login", {"username": username, "password": password})


def _admin_creates(client, login_as, username: str = "newclerk", password: str = "first-pass-1") -> User:
    login_as("admin")
    response = client.post_form("/users/new", {"username": username, "display_name": "新用户", "role": "bureau",
                                               "password": password})
    assert response.status_code == 302
    client.logout()
    return _user(username)


def test_a_user_the_admin_created_is_sent_to_change_the_password_after_logging_in(client, login_as):
    user = _admin_creates(client, login_as)
    assert user.must_change_password
    response = _log_in(client, "newclerk", "first-pass-1")
    assert response.status_code == 302 and response.headers["Location"] == "/password"
    page = client.get("/password").get_data(as_text=True)
    assert "初始密码" in page and "修改密码" in page


def test_every_other_page_redirects_to_the_password_page_until_it_is_changed(client, login_as):
    _admin_creates(client, login_as)
    _log_in(client, "newclerk", "first-pass-1")
    for url in ("/", "/reports/", "/learners/", "/no-such-page", "/login"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/password", url
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200
    response = client.post_form("/password", {"current_password": "first-pass-1", "new_password": "my-own-pass-2",
                                              "confirm": "my-own-pass-2"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200 and client.get("/reports/").status_code == 200


def test_the_menu_is_hidden_while_the_initial_password_stands(client, login_as):
    _admin_creates(client, login_as)
    _log_in(client, "newclerk", "first-pass-1")
    page = client.get("/password").get_data(as_text=True)
    assert "数据看板" not in page and "退出" in page


def test_logging_out_still_works_with_an_initial_password(client, login_as):
    _admin_creates(client, login_as)
    _log_in(client, "newclerk", "first-pass-1")
    response = client.post_form("/logout")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "/login" in client.get("/").headers["Location"]


def test_the_new_password_must_differ_from_the_initial_one(client, login_as):
    user = _admin_creates(client, login_as)
    _log_in(client, "newclerk", "first-pass-1")
    page = client.post_form("/password", {"current_password": "first-pass-1", "new_password": "first-pass-1",
                                          "confirm": "first-pass-1"}).get_data(as_text=True)
    assert "新密码不能与当前密码相同" in page
    db.session.refresh(user)
    assert user.must_change_password
    assert client.get("/").headers["Location"] == "/password"


def test_the_change_is_audited(client, login_as):
    user = _admin_creates(client, login_as)
    (created,) = _events("user.create", user)
    assert created.after["must_change_password"] is True
    _log_in(client, "newclerk", "first-pass-1")
    client.post_form("/password", {"current_password": "first-pass-1", "new_password": "my-own-pass-2",
                                   "confirm": "my-own-pass-2"})
    (changed,) = _events("user.change_password", user)
    assert changed.before == {"must_change_password": True} and changed.after == {"must_change_password": False}


def test_a_password_the_admin_resets_must_be_changed_again(client, login_as):
    target = make_user("teacher")
    assert not target.must_change_password
    login_as("admin")
    response = client.post_form(f"/users/{target.id}/edit", {
        "username": target.username, "display_name": target.display_name, "role": "teacher", "scope_codes": "",
        "password": "reset-pass-3", "active": "y"})
    assert response.status_code == 302
    client.logout()
    db.session.refresh(target)
    assert target.must_change_password
    (reset,) = _events("user.reset_password", target)
    assert reset.after == {"must_change_password": True}
    assert _log_in(client, target.username, "reset-pass-3").headers["Location"] == "/password"


def test_editing_a_user_without_a_new_password_does_not_force_a_change(client, login_as):
    target = make_user("bureau")
    login_as("admin")
    client.post_form(f"/users/{target.id}/edit", {"username": target.username, "display_name": "改名",
                                                  "role": "bureau", "scope_codes": "", "active": "y"})
    db.session.refresh(target)
    assert not target.must_change_password


def test_create_user_on_the_command_line_gives_an_initial_password(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lms", "create-user", "given", "--role", "bureau"], input="given-pass-4\n").exit_code == 0
    result = runner.invoke(args=["lms", "create-user", "generated", "--role", "admin"], input="")
    password = result.output.split("初始密码：")[1].strip()
    assert "首次登录" in result.output
    assert _user("given").must_change_password and _user("generated").must_change_password
    assert _log_in(client, "given", "given-pass-4").headers["Location"] == "/password"
    client.logout()
    assert _log_in(client, "generated", password).headers["Location"] == "/password"


def test_demo_users_and_test_users_are_not_forced(client):
    """Their passwords are published (demo2025) or the suite's own, not initial passwords handed to a person."""
    from lms.auth.demo import load

    county = make_county()
    qingshui, shiqiao, wangjiang = (make_township(county, name) for name in ("清水镇", "石桥乡", "望江街道"))
    divisions = {"清水镇": qingshui, "石桥乡": shiqiao, "望江街道": wangjiang,
                 "上寨村": make_village(qingshui, "上寨村"), "下寨村": make_village(qingshui, "下寨村")}
    users = load(divisions, "demo2025")
    assert set(users) == {username for username, *_ in DEMO_USERS}
    assert not any(user.must_change_password for user in users.values())
    assert _log_in(client, "teacher", "demo2025").headers["Location"] == "/"
    client.logout()
    assert _log_in(client, make_user("registrar").username, TEST_PASSWORD).headers["Location"] == "/"
