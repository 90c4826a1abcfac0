"""Policy: county defaults, validation with Chinese messages, JSON round-trip, field descriptors."""

import json
import re
from dataclasses import fields
from decimal import Decimal

import pytest

from lms.rules import POLICY_FIELDS, PRIOR_EDUCATIONS, Policy, PolicyError, policy_field


def test_defaults_are_the_county_plan():
    policy = Policy()
    assert (policy.min_age, policy.max_age) == (15, 59)
    assert policy.programme_years == {"未上过学": 3, "小学": 3, "初中肄业": 3, "初中": 3, "高中及以上": 1}
    assert policy.target_groups["未上过学"] == "core"
    assert policy.target_groups["小学"] == policy.target_groups["初中肄业"] == "2025"
    assert policy.target_groups["初中"] == policy.target_groups["高中及以上"] == "none"
    assert policy.target_counted_groups == {2023: ("core",), 2025: ("core", "2025")}
    assert policy.hours_categories == {"S", "P", "L"}
    assert policy.hours_required_minutes == 21600
    assert policy.balance_self_categories == {"S", "P"}
    assert policy.balance_concentrated_categories == {"F", "L"}
    assert (policy.cadence_day_minutes, policy.cadence_training_minutes) == (480, 7200)
    assert (policy.cadence_trainings_per_year, policy.cadence_gap_days) == (2, 2)
    assert (policy.cadence_month_by, policy.cadence_year_by) == ("day", "start")     # the plan's words
    assert policy.pass_mark == 60
    assert policy.resit_years == 2
    assert policy.internship_waiver_min_years == Decimal("2")
    assert policy.min_credits is None
    assert policy.funding_per_learner_fen == 150000
    assert policy.funding_basis == "graduated"
    assert policy.early_graduation_allowed is True
    assert policy.certificate_exempt_kinds == {"skill"}


def test_policy_is_immutable_and_hashable():
    policy = Policy()
    with pytest.raises(AttributeError):
        policy.min_age = 16  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.programme_years["小学"] = 1  # type: ignore[index]
    assert hash(policy) == hash(Policy())
    assert len({policy, Policy(), Policy(min_age=16)}) == 2


def test_round_trip_through_json_gives_an_equal_policy():
    policy = Policy(min_age=16, min_credits=Decimal("35.5"), hours_categories=frozenset({"S", "P"}),
                    funding_basis="graduated_or_completed", cadence_month_by="month", cadence_year_by="most_days",
                    target_counted_groups={2023: ("core",), 2025: ("core", "2025"), 2030: ("core",)})
    stored = json.loads(json.dumps(policy.to_mapping()))
    assert Policy.from_mapping(stored) == policy


def test_to_mapping_is_json_ready_with_strings_for_decimals_and_years():
    data = Policy(min_credits=Decimal("30")).to_mapping()
    assert data["internship_waiver_min_years"] == "2"
    assert data["min_credits"] == "30"
    assert data["target_counted_groups"] == {"2023": ["core"], "2025": ["core", "2025"]}
    assert (data["cadence_month_by"], data["cadence_year_by"]) == ("day", "start")
    assert data["hours_categories"] == ["L", "P", "S"]
    json.dumps(data)


def test_missing_keys_take_the_defaults():
    assert Policy.from_mapping({}) == Policy()
    assert Policy.from_mapping({"max_age": 60}).min_age == 15


def test_the_province_age_of_16_is_a_setting():
    assert Policy.from_mapping({"min_age": 16}).min_age == 16


def test_the_goals_are_not_a_policy_setting():
    """The county's goals (due date and number) live in the setting 县目标任务 alone; target_counts is gone."""
    with pytest.raises(PolicyError, match="未知的设置项：target_counts"):
        Policy.from_mapping({"target_counts": {"2023": 3000}})
    assert "target_counts" not in Policy().to_mapping()


def test_counted_groups_may_list_any_year_without_a_goal_there():
    policy = Policy(target_counted_groups={2023: ("core",), 2027: ("core", "2025"), 2100: ()})
    assert policy.target_counted_groups[2027] == ("core", "2025") and policy.target_counted_groups[2100] == ()


def test_unknown_keys_are_refused():
    with pytest.raises(PolicyError, match="未知的设置项：colour") as caught:
        Policy.from_mapping({"colour": "red"})
    assert caught.value.field == "colour"


@pytest.mark.parametrize(("data", "message", "field"), [
    ({"min_age": 121}, "最低年龄必须在 0–120 之间", "min_age"),
    ({"min_age": -1}, "最低年龄必须在 0–120 之间", "min_age"),
    ({"max_age": 200}, "最高年龄必须在 0–120 之间", "max_age"),
    ({"min_age": "十五"}, "最低年龄必须是整数", "min_age"),
    ({"min_age": True}, "最低年龄必须是整数", "min_age"),
    ({"min_age": 1.5}, "最低年龄必须是整数", "min_age"),
    ({"min_age": 40, "max_age": 30}, "最高年龄不能小于最低年龄", "max_age"),
    ({"pass_mark": 101}, "及格分必须在 0–100 之间", "pass_mark"),
    ({"hours_required_minutes": 0}, "学时要求（学时）必须在 0.1–", "hours_required_minutes"),
    ({"hours_categories": []}, "计入 360 学时的类别不能为空", "hours_categories"),
    ({"hours_categories": ["S", "X"]}, "含有未知取值：X", "hours_categories"),
    ({"hours_categories": "SPL"}, "必须是以下取值的列表", "hours_categories"),
    ({"balance_self_categories": ["S", "F"]}, "不能同时在自学一侧和集中授课一侧", "balance_concentrated_categories"),
    ({"internship_waiver_min_years": "两年"}, "免除顶岗实习的工作年限必须是数字", "internship_waiver_min_years"),
    ({"internship_waiver_min_years": "-1"}, "必须在 0–50 之间", "internship_waiver_min_years"),
    ({"internship_waiver_min_years": "NaN"}, "必须是数字", "internship_waiver_min_years"),
    ({"min_credits": "-3"}, "最低学分必须在", "min_credits"),
    ({"funding_basis": "enrolled"}, "经费计算口径必须是以下之一", "funding_basis"),
    ({"funding_per_learner_fen": -1}, "每人经费（分）必须在", "funding_per_learner_fen"),
    ({"early_graduation_allowed": "yes"}, "允许提前毕业必须是 true 或 false", "early_graduation_allowed"),
    ({"programme_years": {"小学": 3}}, "学制（年）缺少学历", "programme_years"),
    ({"programme_years": {**dict.fromkeys(PRIOR_EDUCATIONS, 3), "大学": 1}}, "含有未知学历：大学", "programme_years"),
    ({"programme_years": dict.fromkeys(PRIOR_EDUCATIONS, 0)}, "学制（年）必须在 1–10 之间", "programme_years"),
    ({"target_groups": dict.fromkeys(PRIOR_EDUCATIONS, "all")}, "目标群体的取值 all 无效", "target_groups"),
    ({"target_counted_groups": {"二〇二三": ["core"]}}, "年份 二〇二三 无效", "target_counted_groups"),
    ({"target_counted_groups": {"1999": ["core"]}}, "年份 1999 无效", "target_counted_groups"),
    ({"target_counted_groups": {"2023": ["vip"]}}, "含有未知群体：vip", "target_counted_groups"),
    ({"internship_waiver_min_years": None}, "免除顶岗实习的工作年限必须是数字", "internship_waiver_min_years"),
    ({"programme_years": [3, 3, 3, 3, 1]}, "学制（年）必须按入学前学历逐项设置", "programme_years"),
    ({"cadence_month_by": "evening"}, "每月集中授课的计算方式必须是以下之一", "cadence_month_by"),
    ({"cadence_year_by": "end"}, "跨年集中培训计入年份必须是以下之一", "cadence_year_by"),
    ({"target_counted_groups": "core"}, "计入目标的群体必须按年份逐项设置", "target_counted_groups"),
    ({"target_counted_groups": {"2023": "core"}}, "计入目标的群体每年必须是群体列表", "target_counted_groups"),
    ({"certificate_exempt_kinds": ["skill", "hobby"]}, "含有未知取值：hobby", "certificate_exempt_kinds"),
])
def test_invalid_values_raise_a_chinese_message_naming_the_field(data, message, field):
    with pytest.raises(PolicyError, match=re.escape(message)) as caught:
        Policy.from_mapping(data)
    assert caught.value.field == field


def test_from_mapping_refuses_something_that_is_not_a_mapping():
    with pytest.raises(PolicyError):
        Policy.from_mapping(["min_age", 15])  # type: ignore[arg-type]


def test_direct_construction_is_validated_too():
    with pytest.raises(PolicyError, match="最低年龄"):
        Policy(min_age=500)


def test_decimal_settings_accept_strings_ints_and_floats_exactly():
    assert Policy(internship_waiver_min_years="1.5").internship_waiver_min_years == Decimal("1.5")
    assert Policy(internship_waiver_min_years=3).internship_waiver_min_years == Decimal("3")
    assert Policy(internship_waiver_min_years=1.9).internship_waiver_min_years == Decimal("1.9")
    assert Policy(min_credits="").min_credits is None


def test_every_policy_field_has_a_descriptor_in_order():
    assert [spec.key for spec in POLICY_FIELDS] == [f.name for f in fields(Policy)]
    for spec in POLICY_FIELDS:
        assert spec.label and spec.help and spec.kind
    assert policy_field("min_age").label == "最低年龄"
    assert policy_field("funding_basis").choices == ("graduated", "graduated_or_completed")
    assert (policy_field("pass_mark").minimum, policy_field("pass_mark").maximum) == (0, 100)


# --- the length of a 学时 ------------------------------------------------------------------


def test_a_hour_lasts_45_minutes_by_default_and_the_length_round_trips():
    assert Policy().hour_length_minutes == 45
    assert Policy.from_mapping(Policy(hour_length_minutes=60).to_mapping()).hour_length_minutes == 60
    assert Policy.from_mapping({}).hour_length_minutes == 45


@pytest.mark.parametrize(("value", "ok"), [(29, False), (30, True), (45, True), (60, True), (61, False),
                                           ("50", True), ("四十五", False), (45.5, False)])
def test_the_hour_length_is_30_to_60_whole_minutes(value, ok):
    if ok:
        assert Policy(hour_length_minutes=value).hour_length_minutes == int(value)
        return
    with pytest.raises(PolicyError) as caught:
        Policy(hour_length_minutes=value)
    assert caught.value.field == "hour_length_minutes" and str(caught.value).startswith("学时长度（分钟）必须")


def test_durations_are_refused_in_hours_not_parts():
    with pytest.raises(PolicyError) as caught:
        Policy(daily_cap_total_minutes=1441)
    assert str(caught.value) == "每日学时合计上限（学时）必须在 0.1–24 学时之间"
    with pytest.raises(PolicyError) as caught:
        Policy(hours_required_minutes="三百六十")
    assert str(caught.value) == "学时要求（学时）必须是数字"
