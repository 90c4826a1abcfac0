"""The registrar edits a cohort's policy: every save is a new version, the past is never rewritten."""
from __future__ import annotations

from sqlalchemy import select

from lms import summaries
from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.policies.models import PolicyVersion
from lms.policies.services import policies_for, policy_for
from lms.rules import POLICY_FIELDS, Policy, hours_from_parts
from lms.settings.services import save_settings


def form_of(policy: Policy, **overrides) -> dict:
    """The edit form's fields for a policy, as a browser would post them."""
    data = {}
    for spec in POLICY_FIELDS:
        value = policy.to_mapping()[spec.key]
        if spec.kind == "bool":
            if value:
                data[spec.key] = "on"
        elif spec.kind in ("categories", "course_kinds"):
            data[spec.key] = value
        elif spec.kind in ("education_years", "education_groups"):
            for edu, item in value.items():
                data[f"{spec.key}.{edu}"] = str(item)
        elif spec.kind == "year_groups":
            data[spec.key] = "\n".join(f"{y}: {', '.join(g)}" for y, g in value.items())
        elif spec.kind == "hours":            # durations are typed in 学时
            data[spec.key] = format(hours_from_parts(value).normalize(), "f")
        else:
            data[spec.key] = "" if value is None else str(value)
    data.update(overrides)
    return data


def test_a_cohort_without_versions_is_judged_by_the_defaults(app):
    assert policy_for(2031) == Policy()


def test_saving_the_form_makes_a_new_version_and_keeps_the_old_one(client, login_as):
    login_as("registrar")
    response = client.post_form("/policies/2025", form_of(Policy(), min_age="16", note="省公告 16 岁"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/policies/2025/history")
    assert policy_for(2025).min_age == 16
    client.post_form("/policies/2025", form_of(policy_for(2025), hours_required_minutes="300"))
    versions = db.session.scalars(select(PolicyVersion).where(PolicyVersion.cohort == 2025)
                                  .order_by(PolicyVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].settings["hours_required_minutes"] == 21600      # the first version is untouched
    assert policy_for(2025).hours_required_minutes == 18000 and policy_for(2025).min_age == 16
    assert policy_for(2024) == Policy()                                 # other cohorts are unaffected
    history = client.get("/policies/2025/history").get_data(as_text=True)
    assert "第 2 版" in history and "学时要求（学时）：360 学时 → <strong>300 学时</strong>" in history and "省公告 16 岁" in history
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.save")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.before == {"hours_required_minutes": 21600} and event.after == {"hours_required_minutes": 18000}
    assert event.summary == "修改 2025 级政策（第 2 版）：学时要求（学时） 360 学时 → 300 学时"   # as the log shows it


def test_an_invalid_value_is_shown_on_its_field_and_nothing_is_saved(client, login_as):
    login_as("registrar")
    response = client.post_form("/policies/2025", form_of(Policy(), min_age="40", max_age="30"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "最高年龄不能小于最低年龄" in page
    assert 'id="max_age" name="max_age" value="30"' in page and "is-invalid" in page
    assert db.session.scalar(select(PolicyVersion).where(PolicyVersion.cohort == 2025)) is None


def test_a_category_set_cannot_be_empty_and_unchanged_forms_save_nothing(client, login_as):
    login_as("registrar")
    data = form_of(Policy())
    data.pop("hours_categories")
    page = client.post_form("/policies/2025", data).get_data(as_text=True)
    assert "计入 360 学时的类别不能为空" in page
    page = client.post_form("/policies/2025", form_of(Policy())).get_data(as_text=True)
    assert "没有修改任何设置" in page


def test_year_lines_typed_with_a_chinese_input_method_are_understood(client, login_as):
    """A Chinese keyboard types 2027：core，2025: the full-width colon and comma read as ":" and ","."""
    login_as("registrar")
    response = client.post_form("/policies/2025", form_of(Policy(),
                                                          target_counted_groups="2023：core\n2027：core，2025"))
    assert response.status_code == 302
    assert policy_for(2025).target_counted_groups == {2023: ("core",), 2027: ("core", "2025")}


def test_the_policy_page_has_no_goals_and_shows_the_countys_from_the_settings(client, login_as):
    """Goals live in one place, the setting 县目标任务: the policy page shows them read-only beside who counts."""
    save_settings(actor=None, values={"reports.targets": "2025-12-31 6000\n2027-12-31 8000"})
    login_as("registrar")
    page = client.get("/policies/2025").get_data(as_text=True)
    assert ">目标人数<" not in page and "target_counts" not in page
    assert "当前县目标任务：2025年12月31日前累计 6,000 人；2027年12月31日前累计 8,000 人" in page
    assert "（系统管理员在“系统设置”中修改）" in page        # only the registrar edits a policy, only admin settings
    # A goal count posted by an old form is no setting at all: nothing of it is stored.
    client.post_form("/policies/2025", form_of(Policy(), target_counts="2027: 9000", min_age="16"))
    stored = db.session.scalar(select(PolicyVersion).where(PolicyVersion.cohort == 2025))
    assert "target_counts" not in stored.settings and stored.settings["min_age"] == 16


def test_the_r4_choices_are_on_the_form_with_their_labels_and_saved(client, login_as):
    login_as("registrar")
    page = client.get("/policies/2025").get_data(as_text=True)
    assert "每月集中授课的计算方式" in page and "跨年集中培训计入年份" in page
    assert '<option value="day" selected>须有一天达到</option>' in page
    assert '<option value="month" >当月各次累计达到</option>' in page
    assert '<option value="start" selected>开始的年份</option>' in page
    assert '<option value="most_days" >上课天数多的年份</option>' in page
    response = client.post_form("/policies/2025", form_of(Policy(), cadence_month_by="month",
                                                          cadence_year_by="most_days", note="乡村夜校"))
    assert response.status_code == 302
    policy = policy_for(2025)
    assert (policy.cadence_month_by, policy.cadence_year_by) == ("month", "most_days")
    history = client.get("/policies/2025/history").get_data(as_text=True)
    assert "每月集中授课的计算方式：day →" in history and "跨年集中培训计入年份：start →" in history
    refused = client.post_form("/policies/2025", form_of(Policy(), cadence_month_by="week")).get_data(as_text=True)
    assert "每月集中授课的计算方式必须是以下之一" in refused and policy_for(2025).cadence_month_by == "month"


def test_a_version_saved_before_the_r4_choices_existed_has_their_defaults(client, login_as):
    """Its stored settings lack the keys: history shows no change from nothing, and an unchanged form saves nothing."""
    old = Policy(min_age=16).to_mapping()
    del old["cadence_month_by"], old["cadence_year_by"]
    db.session.add(PolicyVersion(cohort=2024, version=1, settings=old))
    summaries.policy_changed(2024)
    assert policy_for(2024).cadence_month_by == "day"
    login_as("registrar")
    page = client.post_form("/policies/2024", form_of(Policy(min_age=16))).get_data(as_text=True)
    assert "没有修改任何设置" in page
    client.post_form("/policies/2024", form_of(Policy(min_age=17)))
    history = client.get("/policies/2024/history").get_data(as_text=True)
    assert "最低年龄：16 →" in history and "每月集中授课的计算方式" not in history


def test_policies_for_many_cohorts_is_one_query(app, count_queries):
    from lms.policies.services import save_policy

    save_policy(actor=None, cohort=2023, values={"min_age": 16})
    save_policy(actor=None, cohort=2023, values={"min_age": 17})
    with count_queries() as statements:
        policies = policies_for({2023, 2024, 2025})
    assert len(statements) == 1
    assert policies[2023].min_age == 17 and policies[2024] == Policy()


def test_durations_are_typed_and_shown_in_hours_and_stored_in_parts(client, login_as):
    """The registrar types 学时 (360, 8, 1.5); the policy keeps parts of a 学时 (1/60), so the rules are unchanged."""
    login_as("registrar")
    page = client.get("/policies/2025").get_data(as_text=True)
    assert 'id="hours_required_minutes" name="hours_required_minutes" value="360"' in page
    assert 'id="cadence_day_minutes" name="cadence_day_minutes" value="8"' in page
    assert 'id="cadence_training_minutes" name="cadence_training_minutes" value="120"' in page
    assert 'id="hour_length_minutes" name="hour_length_minutes" value="45"' in page
    assert "学时长度（分钟）" in page and "90 分钟 = 2 学时" in page and "= 21600 分钟" not in page
    response = client.post_form("/policies/2025", form_of(Policy(), hours_required_minutes="359.5",
                                                          daily_cap_self_study_minutes="3.5",
                                                          hour_length_minutes="50"))
    assert response.status_code == 302
    policy = policy_for(2025)
    assert (policy.hours_required_minutes, policy.daily_cap_self_study_minutes) == (21570, 210)
    assert policy.hour_length_minutes == 50
    page = client.get("/policies/2025").get_data(as_text=True)
    assert 'name="hours_required_minutes" value="359.5"' in page and 'name="daily_cap_self_study_minutes" value="3.5"' in page
    page = client.post_form("/policies/2025", form_of(policy)).get_data(as_text=True)
    assert "没有修改任何设置" in page                  # the 学时 shown read back as the same parts
    history = client.get("/policies/2025/history").get_data(as_text=True)
    assert "每日自学上限（学时）：4 学时 → <strong>3.5 学时</strong>" in history
    assert "学时长度（分钟）：45 → <strong>50</strong>" in history


def test_a_duration_that_is_not_a_number_or_too_long_is_refused_in_hours(client, login_as):
    login_as("registrar")
    page = client.post_form("/policies/2025", form_of(Policy(), cadence_day_minutes="八")).get_data(as_text=True)
    assert "每月集中授课学时必须是数字" in page and 'is-invalid" id="cadence_day_minutes"' in page
    page = client.post_form("/policies/2025", form_of(Policy(), daily_cap_total_minutes="25")).get_data(as_text=True)
    assert "每日学时合计上限（学时）必须在 0.1–24 学时之间" in page
    page = client.post_form("/policies/2025", form_of(Policy(), hour_length_minutes="90")).get_data(as_text=True)
    assert "学时长度（分钟）必须在 30–60 之间" in page
    assert db.session.scalar(select(PolicyVersion).where(PolicyVersion.cohort == 2025)) is None


def test_a_parsed_policy_is_shared_yet_never_answers_for_other_settings():
    from lms.policies.services import parsed_policy

    stored = Policy(min_age=16).to_mapping()
    assert parsed_policy(stored) is parsed_policy(dict(reversed(list(stored.items()))))   # parsed once
    assert parsed_policy(stored) == Policy.from_mapping(stored)
    other = {**stored, "min_age": 17}
    assert parsed_policy(other).min_age == 17 and parsed_policy(stored).min_age == 16
