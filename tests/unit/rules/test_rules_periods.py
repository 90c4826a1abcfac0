"""R3 programme length and study period; R12 re-sit window and the facts cut-off."""

import datetime as dt

import pytest

from lms.rules import (
    PRIOR_EDUCATIONS,
    Policy,
    anniversary,
    facts_cutoff,
    hours_cutoff,
    learner_period_end,
    programme_rule,
    programme_years,
    resit_until,
    study_period_end,
)

POLICY = Policy()


@pytest.mark.parametrize(("education", "years"), [
    ("未上过学", 3), ("小学", 3), ("初中肄业", 3), ("初中", 3), ("高中及以上", 1),
])
def test_programme_years_by_prior_education(education, years):
    assert programme_years(education, POLICY) == years


def test_programme_years_are_a_setting():
    policy = Policy(programme_years=dict.fromkeys(PRIOR_EDUCATIONS, 2))
    assert programme_years("未上过学", policy) == 2


def test_unknown_prior_education_has_no_programme_length():
    with pytest.raises(ValueError):
        programme_years("研究生", POLICY)


@pytest.mark.parametrize(("enrolled", "years", "last_day"), [
    (dt.date(2023, 3, 1), 3, dt.date(2026, 2, 28)),
    (dt.date(2024, 2, 29), 1, dt.date(2025, 2, 28)),
    (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 28)),
    (dt.date(2023, 9, 1), 1, dt.date(2024, 8, 31)),
    (dt.date(2025, 3, 1), 3, dt.date(2028, 2, 29)),
    (dt.date(2023, 1, 1), 3, dt.date(2025, 12, 31)),
])
def test_study_period_end_is_the_last_day_of_the_period(enrolled, years, last_day):
    assert study_period_end(enrolled, years) == last_day


def test_a_study_period_has_at_least_one_year():
    with pytest.raises(ValueError):
        study_period_end(dt.date(2023, 3, 1), 0)


def test_anniversary_of_29_february_in_a_common_year_is_1_march():
    assert anniversary(dt.date(2024, 2, 29), 1) == dt.date(2025, 3, 1)
    assert anniversary(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_learner_period_end_prefers_a_given_end_date():
    enrolled = dt.date(2023, 3, 1)
    assert learner_period_end(enrolled, "小学", POLICY) == dt.date(2026, 2, 28)
    assert learner_period_end(enrolled, "小学", POLICY, dt.date(2026, 8, 31)) == dt.date(2026, 8, 31)


@pytest.mark.parametrize(("period_end", "until"), [
    (dt.date(2026, 2, 28), dt.date(2028, 2, 29)),
    (dt.date(2025, 6, 30), dt.date(2027, 6, 30)),
    (dt.date(2025, 12, 31), dt.date(2027, 12, 31)),
])
def test_resit_window_is_two_years_after_the_period(period_end, until):
    assert resit_until(period_end, POLICY) == until


def test_no_resit_window_when_set_to_zero_years():
    assert resit_until(dt.date(2026, 2, 28), Policy(resit_years=0)) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(("as_of", "cutoff"), [
    (dt.date(2025, 1, 1), dt.date(2025, 1, 1)),      # during the period: as_of
    (dt.date(2027, 5, 1), dt.date(2027, 5, 1)),      # inside the re-sit window: as_of
    (dt.date(2028, 2, 29), dt.date(2028, 2, 29)),    # the window's last day
    (dt.date(2028, 3, 1), dt.date(2028, 2, 29)),     # after the window: its last day
    (dt.date(2031, 1, 1), dt.date(2028, 2, 29)),
])
def test_facts_cutoff_is_as_of_capped_at_the_end_of_the_resit_window(as_of, cutoff):
    assert facts_cutoff(as_of, dt.date(2026, 2, 28), POLICY) == cutoff


def test_programme_rule_explains_the_period():
    result = programme_rule(dt.date(2023, 3, 1), "小学", POLICY)
    assert result.ok and not result.blocking
    assert result.reason == "入学前学历小学，学制 3 年，修业期 2023年3月1日至2026年2月28日"
    assert result.numbers["resit_until"] == dt.date(2028, 2, 29)


def test_programme_rule_mentions_an_extended_period():
    result = programme_rule(dt.date(2023, 3, 1), "高中及以上", POLICY, dt.date(2024, 8, 31))
    assert result.reason.endswith("修业期 2023年3月1日至2024年8月31日（标准修业期至2024年2月29日）")


LAST_DAY = dt.date(2026, 2, 28)


@pytest.mark.parametrize(("as_of", "cutoff"), [
    (dt.date(2025, 1, 1), dt.date(2025, 1, 1)),      # during the period: as_of
    (dt.date(2026, 2, 27), dt.date(2026, 2, 27)),
    (LAST_DAY, LAST_DAY),                            # an hour dated on the last day counts
    (dt.date(2026, 3, 1), LAST_DAY),                 # the day after: no later hour counts
    (dt.date(2028, 2, 29), LAST_DAY),
    (dt.date(2031, 1, 1), LAST_DAY),
])
def test_by_default_hours_count_up_to_the_last_day_of_the_period(as_of, cutoff):
    assert hours_cutoff(as_of, LAST_DAY, POLICY) == cutoff


@pytest.mark.parametrize(("as_of", "cutoff"), [
    (LAST_DAY, LAST_DAY),
    (dt.date(2026, 3, 1), dt.date(2026, 3, 1)),      # the day after the period: counts within the window
    (dt.date(2028, 2, 29), dt.date(2028, 2, 29)),    # the window's last day
    (dt.date(2028, 3, 1), dt.date(2028, 2, 29)),     # after the window: its last day
])
def test_hours_within_the_resit_window_count_when_the_policy_says_so(as_of, cutoff):
    policy = Policy(hours_after_period="resit_window")
    assert hours_cutoff(as_of, LAST_DAY, policy) == cutoff == facts_cutoff(as_of, LAST_DAY, policy)


def test_with_no_resit_window_either_setting_stops_hours_at_the_period_end():
    for setting in ("none", "resit_window"):
        policy = Policy(resit_years=0, hours_after_period=setting)
        assert hours_cutoff(dt.date(2026, 3, 1), LAST_DAY, policy) == LAST_DAY


def test_hours_after_period_is_a_checked_setting_defaulting_to_none():
    from lms.rules import PolicyError

    assert Policy().hours_after_period == "none"
    assert Policy.from_mapping({}).hours_after_period == "none"       # stored versions without the key
    assert Policy.from_mapping({"hours_after_period": "resit_window"}).hours_after_period == "resit_window"
    with pytest.raises(PolicyError) as error:
        Policy.from_mapping({"hours_after_period": "forever"})
    assert error.value.field == "hours_after_period"
