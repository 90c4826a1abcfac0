"""The administrator manages users: create with role and scope, edit, deactivate (never delete)."""
from __future__ import annotations

import re

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.auth.models import User
from lms.extensions import db
from tests.factories import make_county, make_township, make_user, make_village


def _user(username):
    return db.session.scalar(select(User).where(User.username == username))


def test_admin_creates_a_township_user_holding_two_townships(client, login_as):
    county = make_county()
    t1, t2 = make_township(county, "一镇"), make_township(county, "二镇")
    login_as("admin")
    response = client.post_form("/users/new", {"username": "zhuangan", "display_name": "专干甲", "role": "township",
                                               "scope_codes": f"{t1.code}\n{t2.code}", "password": "abc12345"})
    assert response.status_code == 302
    user = _user("zhuangan")
    assert {s.division.name for s in user.division_scopes} == {"一镇", "二镇"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event.after["scope"] == [t1.code, t2.code] and "password_hash" not in event.after


def test_a_village_code_is_refused_as_a_township_scope(client, login_as):
    village = make_village(make_township(make_county()))
    login_as("admin")
    page = client.post_form("/users/new", {"username": "x1", "display_name": "x", "role": "township",
                                           "scope_codes": village.code, "password": "abc12345"}).get_data(as_text=True)
    assert "不是乡镇（街道）" in page and _user("x1") is None


def test_township_user_without_scope_is_refused(client, login_as):
    login_as("admin")
    page = client.post_form("/users/new", {"username": "x2", "display_name": "x", "role": "township",
                                           "scope_codes": "", "password": "abc12345"}).get_data(as_text=True)
    assert "请至少指定一个管辖区划" in page and _user("x2") is None


def test_duplicate_username_is_refused(client, login_as):
    make_user("bureau", username="taken")
    login_as("admin")
    page = client.post_form("/users/new", {"username": "taken", "display_name": "x", "role": "bureau",
                                           "password": "abc12345"}).get_data(as_text=True)
    assert "已被使用" in page


def test_deactivating_keeps_the_user_and_audits_it(client, login_as):
    target = make_user("bureau")
    login_as("admin")
    response = client.post_form(f"/users/{target.id}/edit", {"username": target.username,
                                                             "display_name": target.display_name,
                                                             "role": "bureau", "scope_codes": ""})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.active is False
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "user.deactivate"))
    assert "已停用" in client.get("/users/").get_data(as_text=True)


def test_admin_cannot_deactivate_themself(client, login_as):
    admin = login_as("admin")
    page = client.post_form(f"/users/{admin.id}/edit", {"username": admin.username, "display_name": "a",
                                                        "role": "admin", "scope_codes": ""}).get_data(as_text=True)
    assert "不能停用自己的账号" in page
    db.session.refresh(admin)
    assert admin.active


def test_changing_scope_is_audited_with_before_and_after(client, login_as):
    county = make_county()
    t1, t2 = make_township(county), make_township(county)
    target = make_user("township", divisions=[t1])
    login_as("admin")
    client.post_form(f"/users/{target.id}/edit", {"username": target.username, "display_name": "新名字",
                                                  "role": "township", "scope_codes": t2.code, "active": "y"})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.before["scope"] == [t1.code] and event.after["scope"] == [t2.code]
    assert event.after["display_name"] == "新名字"


def test_the_new_user_form_has_no_preselected_role(client, login_as):
    login_as("admin")
    page = client.get("/users/new").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="role".*?</select>', page, re.S).group(0)
    first = re.search(r"<option([^>]*)>([^<]*)</option>", select)
    assert first.group(2) == "请选择" and 'value=""' in first.group(1)
    assert "selected" not in select


def test_a_new_user_without_a_chosen_role_is_refused_in_chinese(client, login_as):
    login_as("admin")
    response = client.post_form("/users/new", {"username": "norole", "display_name": "无角色", "role": "",
                                               "password": "abc12345"})
    assert response.status_code == 200 and "请选择角色" in response.get_data(as_text=True)
    assert _user("norole") is None
