"""R2: target groups and which targets a learner counts toward."""

import pytest

from lms.rules import (
    PRIOR_EDUCATIONS,
    TARGET_GROUP_LABELS,
    Policy,
    counts_toward_target,
    target_group,
    target_group_label,
    target_rule,
)

POLICY = Policy()


@pytest.mark.parametrize(("education", "group", "in_2023", "in_2025"), [
    ("未上过学", "core", True, True),
    ("小学", "2025", False, True),
    ("初中肄业", "2025", False, True),
    ("初中", "none", False, False),
    ("高中及以上", "none", False, False),
])
def test_target_groups_and_counting(education, group, in_2023, in_2025):
    assert target_group(education, POLICY) == group
    assert counts_toward_target(education, 2023, POLICY) is in_2023
    assert counts_toward_target(education, 2025, POLICY) is in_2025


def test_every_prior_education_has_a_labelled_group():
    for education in PRIOR_EDUCATIONS:
        assert target_group_label(target_group(education, POLICY)) in TARGET_GROUP_LABELS.values()


@pytest.mark.parametrize("year, education, counted", [
    (2022, "未上过学", True), (2022, "小学", False),      # before every listed year: the earliest's groups
    (2024, "未上过学", True), (2024, "小学", False),      # between: the latest listed year before it
    (2026, "小学", True), (2027, "初中肄业", True), (2030, "初中", False),
])
def test_a_goal_in_a_year_the_policy_does_not_list_counts_the_groups_of_the_year_before(year, education, counted):
    assert counts_toward_target(education, year, POLICY) is counted


def test_a_policy_listing_no_year_counts_nobody():
    policy = Policy(target_counts={}, target_counted_groups={})
    assert not counts_toward_target("未上过学", 2025, policy)


def test_unknown_prior_education_is_an_error():
    with pytest.raises(ValueError):
        target_group("大学", POLICY)


def test_learners_outside_the_target_may_still_enrol():
    result = target_rule("初中", POLICY)
    assert result.ok and not result.blocking
    assert result.reason == "入学前学历初中，可以报名，但不计入目标人数"
    assert result.numbers == {"group": "none", "years": ()}


def test_core_learner_reason_names_both_targets():
    result = target_rule("未上过学", POLICY)
    assert result.reason == "入学前学历未上过学，属核心目标（未上过学），计入2023年、2025年目标人数"
    assert result.numbers["years"] == (2023, 2025)


def test_target_groups_are_a_setting():
    groups = dict(POLICY.target_groups, 初中="2025")
    assert counts_toward_target("初中", 2025, Policy(target_groups=groups))
