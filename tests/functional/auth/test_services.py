"""lms.auth.services called directly: users created, edited, (de)activated; passwords changed and reset; the
scope codes a role may hold — results, audit events, and refusals in Chinese naming the field."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from lms.audit.models import AuditEvent
from lms.auth.models import User
from lms.auth.services import (
    change_password,
    check_password_policy,
    create_user,
    generate_password,
    reset_password,
    set_active,
    update_user,
)
from lms.core.errors import DomainError
from lms.extensions import db
from lms.teaching.models import ClassTeacher
from tests.factories import make_class, make_county, make_teaching_point, make_township, make_user, make_village
from tests.support.client import TEST_PASSWORD
from tests.support.refusals import refused

GOOD_PASSWORD = "abcdefg1"


def _events(action: str, user: User) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                           AuditEvent.entity_id == str(user.id))))


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def _user_named(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _create(actor, **options) -> User:
    options.setdefault("username", "newuser")
    options.setdefault("display_name", "新用户")
    options.setdefault("role", "registrar")
    options.setdefault("password", GOOD_PASSWORD)
    return create_user(actor=actor, **options)


@pytest.fixture
def admin():
    return make_user("admin")


@pytest.fixture
def area():
    township = make_township(make_county(), "甲镇")
    return township, make_village(township, "甲一村"), make_village(township, "甲二村")


# --- create_user -----------------------------------------------------------------------------------

def test_a_created_user_has_a_cleaned_username_an_initial_password_and_is_audited(admin):
    user = _create(admin, username="  WangLi.Two_3-x ", display_name="  ", phone="13800000000")
    assert user.username == "wangli.two_3-x" and user.display_name == "wangli.two_3-x"
    assert check_password_hash(user.password_hash, GOOD_PASSWORD) and user.password_hash != GOOD_PASSWORD
    assert user.must_change_password is True and user.active is True and user.password_changed_at is not None
    [event] = _events("user.create", user)
    assert event.user_id == admin.id and event.summary == "新建用户 wangli.two_3-x（教务）"
    assert event.after["role"] == "registrar" and event.after["phone"] == "13800000000"
    assert event.after["scope"] == []
    assert "password_hash" not in event.after and "session_version" not in event.after


def test_a_township_user_holds_the_townships_given_once_each(admin, area):
    township, _, _ = area
    user = _create(admin, role="township", scope_codes=[f" {township.code} ", township.code, ""])
    assert [scope.division_id for scope in user.division_scopes] == [township.id]
    assert _events("user.create", user)[0].after["scope"] == [township.code]


def test_an_enroller_holds_villages(admin, area):
    _, village, village2 = area
    user = _create(admin, role="enroller", scope_codes=[village2.code, village.code])
    assert [scope.division_id for scope in user.division_scopes] == [village2.id, village.id]


def test_a_teacher_created_with_class_codes_teaches_those_classes(admin, area):
    _, village, _ = area
    point = make_teaching_point(village)
    first, second = make_class(point), make_class(point)
    user = _create(admin, role="teacher", scope_codes=[first.code, second.code])
    taught = set(db.session.scalars(select(ClassTeacher.class_id).where(ClassTeacher.user_id == user.id)))
    assert taught == {first.id, second.id} and user.division_scopes == []


def test_a_county_wide_role_holds_no_divisions_whatever_codes_are_sent(admin, area):
    township, _, _ = area
    assert _create(admin, role="bureau", scope_codes=[township.code]).division_scopes == []


def test_the_command_line_creates_users_as_itself():
    user = _create(None, username="cliuser")
    [event] = _events("user.create", user)
    assert event.user_id is None and event.actor_label == "命令行"


@pytest.mark.parametrize(("options", "field", "message"), [
    ({"role": "boss"}, "role", "角色 boss 不存在，可选：admin、bureau、township、enroller、teacher、registrar"),
    ({"username": "王 丽"}, "username", "用户名只能包含字母、数字、下划线、点和连字符"),
    ({"username": "a b"}, "username", "用户名只能包含字母、数字、下划线、点和连字符"),
    ({"username": "   "}, "username", "用户名只能包含字母、数字、下划线、点和连字符"),
    ({"password": "abcdef1"}, "password", "密码至少 8 位"),
    ({"password": "abcdefgh"}, "password", "密码需同时包含字母和数字"),
    ({"password": "12345678"}, "password", "密码需同时包含字母和数字"),
], ids=["role", "space-in-chinese-name", "space", "blank", "seven-characters", "letters-only", "digits-only"])
def test_a_bad_user_is_refused_before_anything_is_written(admin, options, field, message):
    events = _audit_count()
    with pytest.raises(DomainError) as caught:
        _create(admin, **options)
    assert (caught.value.message, caught.value.field) == (message, field)
    assert _user_named("newuser") is None and _audit_count() == events


def test_a_username_in_use_is_refused_whatever_its_case(admin):
    make_user("teacher", username="liming")
    with pytest.raises(DomainError) as caught:
        _create(admin, username="LiMing")
    assert (caught.value.message, caught.value.field) == ("用户名 liming 已被使用", "username")
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "liming")) == 1


def test_scope_codes_are_refused_with_the_code_and_what_the_role_may_hold(admin, area):
    township, village, _ = area
    cases = [
        ({"role": "township", "scope_codes": []}, "请至少指定一个管辖区划"),
        ({"role": "enroller", "scope_codes": [" ", ""]}, "请至少指定一个管辖区划"),
        ({"role": "township", "scope_codes": ["522399999000"]}, "区划代码 522399999000 不存在"),
        ({"role": "township", "scope_codes": [village.code]},
         f"{village.code} 甲一村 不是乡镇（街道），乡镇专干只能管辖乡镇（街道）"),
        ({"role": "enroller", "scope_codes": [village.code, township.code]},
         f"{township.code} 甲镇 不是村（社区），村级招生员只能管辖村（社区）"),
        ({"role": "teacher", "scope_codes": ["NO-1", "NO-2"]}, "班级代码不存在：NO-1、NO-2"),
    ]
    for options, message in cases:
        error = refused(lambda options=options: _create(admin, **options))
        assert (error.message, error.field) == (message, "scope_codes"), options
    assert _user_named("newuser") is None


# --- update_user -----------------------------------------------------------------------------------

def test_a_new_name_and_phone_are_audited_as_changes_and_keep_the_users_sessions(admin):
    user = make_user("registrar")
    old_name, version = user.display_name, user.session_version
    update_user(actor=admin, user=user, display_name=" 李老师 ", role="registrar", scope_codes=[],
                phone="13900000000")
    assert user.display_name == "李老师" and user.phone == "13900000000"
    assert user.session_version == version
    [event] = _events("user.update", user)
    assert event.summary == f"修改用户 {user.username}"
    assert event.before == {"display_name": old_name, "phone": ""}
    assert event.after == {"display_name": "李老师", "phone": "13900000000"}


def test_a_blank_name_falls_back_to_the_username(admin):
    user = make_user("bureau")
    update_user(actor=admin, user=user, display_name="  ", role="bureau", scope_codes=[])
    assert user.display_name == user.username


def test_a_new_role_ends_the_users_sessions_and_is_audited_before_and_after(admin, area):
    township, _, _ = area
    user = make_user("registrar")
    version = user.session_version
    update_user(actor=admin, user=user, display_name=user.display_name, role="township",
                scope_codes=[township.code])
    assert user.session_version == version + 1
    [event] = _events("user.update", user)
    assert event.before == {"role": "registrar", "scope": []}
    assert event.after == {"role": "township", "scope": [township.code]}


def test_a_new_scope_ends_the_sessions_and_a_kept_division_keeps_its_row(admin, area):
    _, village, village2 = area
    user = make_user("enroller", divisions=[village])
    kept_row = user.division_scopes[0].id
    version = user.session_version
    update_user(actor=admin, user=user, display_name=user.display_name, role="enroller",
                scope_codes=[village.code, village2.code])
    assert [scope.division_id for scope in user.division_scopes] == [village.id, village2.id]
    assert user.division_scopes[0].id == kept_row
    assert user.session_version == version + 1
    [event] = _events("user.update", user)
    assert event.before == {"scope": [village.code]} and event.after == {"scope": [village.code, village2.code]}


def test_an_unknown_role_is_refused_and_the_user_left_as_it_was(admin):
    user = make_user("registrar")
    with pytest.raises(DomainError) as caught:
        update_user(actor=admin, user=user, display_name="某人", role="root", scope_codes=[])
    assert (caught.value.message, caught.value.field) == ("角色 root 不存在", "role")
    assert user.role == "registrar" and user.display_name != "某人" and _events("user.update", user) == []


def test_a_township_user_cannot_lose_every_township(admin, area):
    township, _, _ = area
    user = make_user("township", divisions=[township])
    error = refused(lambda: update_user(actor=admin, user=user, display_name=user.display_name, role="township",
                                        scope_codes=[]))
    assert (error.message, error.field) == ("请至少指定一个管辖区划", "scope_codes")


# --- set_active ------------------------------------------------------------------------------------

def test_deactivating_keeps_the_user_ends_their_sessions_and_is_audited(admin):
    user = make_user("teacher")
    version = user.session_version
    set_active(actor=admin, user=user, active=False)
    assert _user_named(user.username) is user and user.active is False
    assert user.session_version == version + 1
    [event] = _events("user.deactivate", user)
    assert event.summary == f"停用用户 {user.username}"
    assert event.before == {"active": True} and event.after == {"active": False}


def test_reactivating_is_audited_and_starts_no_new_session_version(admin):
    user = make_user("teacher", active=False)
    version = user.session_version
    set_active(actor=admin, user=user, active=True)
    assert user.active is True and user.session_version == version
    [event] = _events("user.activate", user)
    assert event.summary == f"启用用户 {user.username}" and event.after == {"active": True}


def test_an_administrator_cannot_deactivate_themselves_but_the_command_line_can(admin):
    with pytest.raises(DomainError) as caught:
        set_active(actor=admin, user=admin, active=False)
    assert caught.value.message == "不能停用自己的账号"
    assert admin.active is True and _events("user.deactivate", admin) == []
    set_active(actor=None, user=admin, active=False)
    assert admin.active is False and _events("user.deactivate", admin)[0].actor_label == "命令行"


# --- passwords -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "message"), [
    ("abcdef1", "密码至少 8 位"),
    ("", "密码至少 8 位"),
    ("abcdefgh", "密码需同时包含字母和数字"),
    ("1234567890", "密码需同时包含字母和数字"),
    ("abcdefg1", None),
    ("密码密码密码12", None),
])
def test_the_password_policy_at_its_edges(password, message):
    if message is None:
        check_password_policy(password)
        return
    with pytest.raises(DomainError) as caught:
        check_password_policy(password, field="new_password")
    assert (caught.value.message, caught.value.field) == (message, "new_password")


def test_a_generated_password_meets_the_policy_and_differs_each_time():
    passwords = {generate_password() for _ in range(20)}
    assert len(passwords) == 20
    for password in passwords:
        check_password_policy(password)


def test_changing_an_initial_password_ends_the_obligation_and_every_session():
    user = make_user("teacher")
    user.must_change_password = True
    version = user.session_version
    change_password(user=user, current_password=TEST_PASSWORD, new_password="brand-new-9")
    assert check_password_hash(user.password_hash, "brand-new-9")
    assert user.must_change_password is False and user.session_version == version + 1
    [event] = _events("user.change_password", user)
    assert event.user_id == user.id and event.summary == "修改了管理员设置的初始密码"
    assert event.before == {"must_change_password": True} and event.after == {"must_change_password": False}
    assert "brand-new-9" not in str(event.before) + str(event.after) + event.summary


def test_changing_ones_own_password_says_so():
    user = make_user("teacher")
    change_password(user=user, current_password=TEST_PASSWORD, new_password="brand-new-9")
    assert _events("user.change_password", user)[0].summary == "修改了自己的密码"


@pytest.mark.parametrize(("current", "new", "field", "message"), [
    ("wrong-pass-1", "brand-new-9", "current_password", "当前密码不正确"),
    (TEST_PASSWORD, TEST_PASSWORD, "new_password", "新密码不能与当前密码相同"),
    (TEST_PASSWORD, "short1", "new_password", "密码至少 8 位"),
    (TEST_PASSWORD, "nodigitshere", "new_password", "密码需同时包含字母和数字"),
])
def test_a_password_change_is_refused_and_nothing_changes(current, new, field, message):
    user = make_user("teacher")
    password_hash, version = user.password_hash, user.session_version
    with pytest.raises(DomainError) as caught:
        change_password(user=user, current_password=current, new_password=new)
    assert (caught.value.message, caught.value.field) == (message, field)
    assert user.password_hash == password_hash and user.session_version == version
    assert _events("user.change_password", user) == []


def test_a_reset_password_is_initial_ends_every_session_and_is_audited(admin):
    user = make_user("teacher")
    version = user.session_version
    reset_password(actor=admin, user=user, new_password="reset-pass-7")
    assert check_password_hash(user.password_hash, "reset-pass-7")
    assert user.must_change_password is True and user.session_version == version + 1
    [event] = _events("user.reset_password", user)
    assert event.user_id == admin.id and event.summary == f"重置用户 {user.username} 的密码（首次登录须修改）"
    assert event.before == {"must_change_password": False} and event.after == {"must_change_password": True}


def test_a_weak_reset_password_is_refused_and_the_old_one_still_works(admin):
    user = make_user("teacher")
    with pytest.raises(DomainError) as caught:
        reset_password(actor=admin, user=user, new_password="weak")
    assert (caught.value.message, caught.value.field) == ("密码至少 8 位", "password")
    assert check_password_hash(user.password_hash, TEST_PASSWORD) and user.must_change_password is False
    assert _events("user.reset_password", user) == []
