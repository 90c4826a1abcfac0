"""The policy page shows and edits the daily caps like every other setting: a new version per save; a version
stored before the caps existed reads their defaults and is not shown as changing them."""
from __future__ import annotations

from sqlalchemy import select

from lms import summaries
from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.policies.models import PolicyVersion
from lms.policies.services import policy_for
from lms.rules import Policy
from tests.functional.policies.test_policies import form_of

CAPS = ("daily_cap_self_study_minutes", "daily_cap_platform_minutes", "daily_cap_total_minutes")


def test_the_page_shows_the_caps_with_their_defaults_and_saves_a_change_as_a_new_version(client, login_as):
    login_as("registrar")
    page = client.get("/policies/2025").get_data(as_text=True)
    for label, key, value in (("每日自学上限（学时）", CAPS[0], 4), ("每日平台学习上限（学时）", CAPS[1], 8),
                              ("每日学时合计上限（学时）", CAPS[2], 12)):
        assert label in page and f'id="{key}" name="{key}" value="{value}"' in page
    assert "一天集中授课 8 学时后还可记 4 学时" in page
    response = client.post_form("/policies/2025", form_of(Policy(), daily_cap_self_study_minutes="3",
                                                          note="自学每天最多 3 学时"))
    assert response.status_code == 302
    assert policy_for(2025).daily_cap_self_study_minutes == 180 and policy_for(2024).daily_cap_self_study_minutes == 240
    history = client.get("/policies/2025/history").get_data(as_text=True)
    assert "每日自学上限（学时）：4 学时 → <strong>3 学时</strong>" in history


def test_a_cap_above_the_total_is_shown_on_its_field_and_nothing_is_saved(client, login_as):
    login_as("registrar")
    page = client.post_form("/policies/2025", form_of(Policy(), daily_cap_platform_minutes="12.02")).get_data(
        as_text=True)
    assert "每日平台学习上限不能超过每日学时合计上限" in page
    assert 'is-invalid" id="daily_cap_platform_minutes"' in page
    assert db.session.scalar(select(PolicyVersion)) is None


def test_a_version_stored_before_the_caps_is_not_shown_as_changing_them(client, login_as):
    before_caps = {key: value for key, value in Policy(min_age=16).to_mapping().items() if key not in CAPS}
    db.session.add(PolicyVersion(cohort=2025, version=1, settings=before_caps))
    db.session.flush()
    summaries.policy_changed(2025)
    login_as("registrar")
    assert policy_for(2025).daily_cap_total_minutes == 720
    client.post_form("/policies/2025", form_of(policy_for(2025), daily_cap_total_minutes="10"))
    history = client.get("/policies/2025/history").get_data(as_text=True)
    assert "每日学时合计上限（学时）：12 学时 → <strong>10 学时</strong>" in history
    assert "每日自学上限" not in history and "每日平台学习上限" not in history
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.save")).one()
    assert event.before == {"daily_cap_total_minutes": 720} and event.after == {"daily_cap_total_minutes": 600}
