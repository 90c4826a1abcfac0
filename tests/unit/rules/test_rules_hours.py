"""R5 self-study balance (warning) and R6 the 360-hour rule (blocking)."""

import pytest

from lms.rules import HourTotals, Policy, categories_label, hours_rule, self_study_balance

POLICY = Policy()
HOUR = 60


def test_359_hours_is_not_enough():
    result = hours_rule(HourTotals(self_study=359 * HOUR), POLICY)
    assert not result.ok and result.blocking
    assert result.reason == "自学+线上 359/360 学时，还差 1 学时"


def test_360_hours_is_enough():
    result = hours_rule(HourTotals(self_study=360 * HOUR), POLICY)
    assert result.ok
    assert result.reason == "自学+线上 360/360 学时，已达标"


@pytest.mark.parametrize(("minutes", "ok", "shortfall"), [(21599, False, 1), (21600, True, 0), (21601, True, 0)])
def test_360_rule_at_the_minute(minutes, ok, shortfall):
    result = hours_rule(HourTotals(platform=minutes), POLICY)
    assert result.ok is ok
    assert result.numbers["shortfall_minutes"] == shortfall
    assert result.numbers["counted_minutes"] == minutes


def test_one_missing_minute_reads_as_a_tenth_of_an_hour():
    assert hours_rule(HourTotals(platform=21599), POLICY).reason == "自学+线上 359.9/360 学时，还差 0.1 学时"


def test_the_example_from_the_spec():
    totals = HourTotals(self_study=10000, platform=6080, live=3000)
    result = hours_rule(totals, POLICY)
    assert result.reason == "自学+线上 318/360 学时，还差 42 学时"
    assert result.numbers["categories"] == ("L", "P", "S")


def test_half_hours_show_one_decimal():
    result = hours_rule(HourTotals(self_study=19110), POLICY)
    assert result.reason == "自学+线上 318.5/360 学时，还差 41.5 学时"


def test_face_to_face_hours_do_not_count_toward_360():
    result = hours_rule(HourTotals(face=30000, self_study=21540), POLICY)
    assert not result.ok
    assert result.numbers["counted_minutes"] == 21540


def test_live_online_hours_count_toward_360():
    assert hours_rule(HourTotals(live=10800, self_study=10800), POLICY).ok


def test_categories_excluded_by_policy_do_not_count():
    policy = Policy(hours_categories=frozenset({"S", "P"}))
    result = hours_rule(HourTotals(live=10800, self_study=10800), policy)
    assert not result.ok
    assert result.reason == "自学+平台线上 180/360 学时，还差 180 学时"


def test_threshold_is_a_setting():
    assert hours_rule(HourTotals(self_study=12000), Policy(hours_required_minutes=12000)).ok


def test_self_study_at_least_concentrated_is_balanced():
    result = self_study_balance(HourTotals(face=6000, live=3000, self_study=6000, platform=3000), POLICY)
    assert result.ok and not result.blocking
    assert result.reason == "自学+平台线上 150 学时，不少于集中授课 150 学时"


def test_less_self_study_than_concentrated_is_only_a_warning():
    result = self_study_balance(HourTotals(face=9000, live=3000, self_study=5970), POLICY)
    assert not result.ok
    assert not result.blocking
    assert result.severity == "warning"
    assert result.reason == "自学+平台线上 99.5 学时，少于集中授课 200 学时，还差 100.5 学时（原则上自学不少于集中授课）"
    assert result.numbers["shortfall_minutes"] == 6030


def test_balance_sides_are_settings():
    policy = Policy(balance_self_categories=frozenset({"S"}), balance_concentrated_categories=frozenset({"F"}))
    result = self_study_balance(HourTotals(face=600, platform=6000, self_study=540), policy)
    assert not result.ok
    assert result.numbers["self_minutes"] == 540


@pytest.mark.parametrize(("categories", "label"), [
    ({"S", "P", "L"}, "自学+线上"), ({"F", "L"}, "集中授课"), ({"S"}, "自学"),
    ({"S", "P"}, "自学+平台线上"), ({"F"}, "集中面授"), ({"P", "F"}, "平台线上+集中面授"),
])
def test_category_sets_have_short_names(categories, label):
    assert categories_label(categories) == label


def test_hour_totals_refuse_negative_or_fractional_minutes():
    with pytest.raises(ValueError):
        HourTotals(self_study=-1)
    with pytest.raises(ValueError):
        HourTotals(platform=1.5)  # type: ignore[arg-type]


def test_hour_totals_from_category_letters():
    totals = HourTotals.from_categories({"S": 1, "P": 2, "L": 3, "F": 4})
    assert totals.by_category() == {"F": 4, "L": 3, "P": 2, "S": 1}
    assert totals.total() == 10
    with pytest.raises(ValueError):
        HourTotals.from_categories({"X": 1})
