"""`flask lms create-user` and `flask lms demo`."""
from __future__ import annotations

from sqlalchemy import func, select

from lms.auth.models import User
from lms.extensions import db
from tests.factories import make_county, make_township


def test_create_user_reads_the_password_from_standard_input(app, client):
    township = make_township(make_county())
    result = app.test_cli_runner().invoke(
        args=["lms", "create-user", "zhang", "--role", "township", "--scope", township.code], input="secret-pw-1\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "zhang"))
    assert [s.division_id for s in user.division_scopes] == [township.id]
    client.login("zhang", "secret-pw-1")


def test_create_user_generates_and_prints_a_password(app, client):
    result = app.test_cli_runner().invoke(args=["lms", "create-user", "li", "--role", "bureau"], input="")
    assert result.exit_code == 0
    password = result.output.split("初始密码：")[1].strip()
    client.login("li", password)


def test_create_user_with_an_unknown_scope_fails_cleanly(app):
    result = app.test_cli_runner().invoke(
        args=["lms", "create-user", "wang", "--role", "enroller", "--scope", "999999999999"], input="pw-123456\n")
    assert result.exit_code != 0 and "区划代码 999999999999 不存在" in result.output
    assert db.session.scalar(select(User).where(User.username == "wang")) is None


def test_demo_loads_a_county_with_a_user_per_role_and_is_skipped_when_not_empty(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lms", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"admin", "bureau", "township", "enroller", "teacher", "registrar"}
    client.login("township", "demo2025")
    assert "清水镇" in client.get("/divisions").get_data(as_text=True)
    from lms.reports.tallies import tally_drift
    from lms.teaching.hours import hours_drift

    assert tally_drift() == set()       # the demo writes through the services: the dashboard's summaries hold
    assert hours_drift() == set()
    users_before = db.session.scalar(select(func.count()).select_from(User))
    again = runner.invoke(args=["lms", "demo", "--if-empty"])
    assert "未加载演示数据" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before
