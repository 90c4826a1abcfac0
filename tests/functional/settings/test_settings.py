"""The administrator edits school settings; bad values are refused; changes are audited."""
from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.settings.services import get_setting


def test_defaults_apply_until_changed_and_changes_are_audited(client, login_as):
    assert get_setting("school.name") == "示例县中等职业学校"
    login_as("admin")
    response = client.post_form("/settings/", {"school.name": "册亨县中等职业学校", "school.code": "520123",
                                               "school.principal": "李四", "county.name": "册亨县"})
    assert response.status_code == 302
    assert get_setting("school.name") == "册亨县中等职业学校" and get_setting("school.code") == "520123"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.update"))
    assert event.before["school.name"] == "示例县中等职业学校" and event.after["school.name"] == "册亨县中等职业学校"


def test_a_bad_school_code_is_refused_and_nothing_is_saved(client, login_as):
    login_as("admin")
    page = client.post_form("/settings/", {"school.name": "新名字", "school.code": "12AB",
                                           "school.principal": "李四", "county.name": "册亨县"}).get_data(as_text=True)
    assert "学校代码应为 6 位数字" in page
    assert get_setting("school.name") == "示例县中等职业学校"
