"""R2: target groups and which targets a learner counts toward."""

import pytest

from lms.rules import (
    PRIOR_EDUCATIONS,
    TARGET_GROUP_LABELS,
    Policy,
    counted_spans,
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
    policy = Policy(target_counted_groups={})
    assert not counts_toward_target("未上过学", 2025, policy)


def test_unknown_prior_education_is_an_error():
    with pytest.raises(ValueError):
        target_group("大学", POLICY)


def test_learners_outside_the_target_may_still_enrol():
    result = target_rule("初中", POLICY)
    assert result.ok and not result.blocking
    assert result.reason == "入学前学历初中，可以报名，但不计入目标人数"
    assert result.numbers == {"group": "none", "years": (), "spans": ()}


def test_core_learner_reason_says_every_goal_whatever_its_year():
    result = target_rule("未上过学", POLICY)
    assert result.reason == "入学前学历未上过学，属核心目标（未上过学），计入各年度目标人数"
    assert result.numbers["years"] == (2023, 2025) and result.numbers["spans"] == ((None, None),)


def test_2025_group_reason_names_the_first_year_it_counts():
    result = target_rule("小学", POLICY)
    assert result.reason == "入学前学历小学，属2025年目标（初中以下），计入2025年及以后到期的目标人数"


# Every goal year against a policy listing 2023 (core), 2025 (core, 2025), 2027 (2025 only), 2029 (none):
# a year counts the groups of the latest listed year up to it, a year before them all the earliest's.
STEPS = Policy(target_counted_groups={2023: ("core",), 2025: ("core", "2025"), 2027: ("2025",), 2029: ()})


@pytest.mark.parametrize(("year", "core", "primary"), [
    (2000, True, False), (2022, True, False), (2023, True, False), (2024, True, False),
    (2025, True, True), (2026, True, True), (2027, False, True), (2028, False, True),
    (2029, False, False), (2100, False, False),
])
def test_a_goal_in_any_year_counts_by_the_listed_year_in_force(year, core, primary):
    assert counts_toward_target("未上过学", year, STEPS) is core
    assert counts_toward_target("小学", year, STEPS) is primary
    assert counts_toward_target("初中", year, STEPS) is False


@pytest.mark.parametrize(("education", "spans", "words"), [
    ("未上过学", ((None, 2026),), "计入2026年及以前到期的目标人数"),
    ("小学", ((2025, 2028),), "计入2025–2028年到期的目标人数"),
    ("初中", (), None),
])
def test_the_reason_names_the_due_years_counted(education, spans, words):
    assert counted_spans(education, STEPS) == spans
    result = target_rule(education, STEPS)
    assert result.numbers["spans"] == spans
    assert (words in result.reason) if words else result.reason.endswith("不计入目标人数")


@pytest.mark.parametrize(("listed", "spans", "words"), [
    ({2025: ("2025",)}, ((None, None),), "各年度"),                       # one listed year governs every year
    ({2023: ("core",), 2025: ("2025",)}, ((2025, None),), "2025年及以后到期的"),
    ({2023: ("2025",), 2024: ("core",), 2025: ("2025",)}, ((None, 2023), (2025, None)),
     "2023年及以前到期的、2025年及以后到期的"),
    ({2023: ("core",), 2024: ("2025",), 2025: ("core",)}, ((2024, 2024),), "2024年到期的"),
])
def test_spans_at_their_edges(listed, spans, words):
    policy = Policy(target_counted_groups=listed)
    assert counted_spans("小学", policy) == spans
    assert f"计入{words}目标人数" in target_rule("小学", policy).reason
    for first, last in spans:           # a span's ends count, the years just outside it do not
        if first is not None:
            assert counts_toward_target("小学", first, policy) and not counts_toward_target("小学", first - 1, policy)
        if last is not None:
            assert counts_toward_target("小学", last, policy) and not counts_toward_target("小学", last + 1, policy)


def test_target_groups_are_a_setting():
    groups = dict(POLICY.target_groups, 初中="2025")
    assert counts_toward_target("初中", 2025, Policy(target_groups=groups))
