"""Formatting helpers used in reasons and templates."""

import datetime as dt
from decimal import Decimal

import pytest

from lms.rules import (
    format_credits,
    format_date_cn,
    format_hours,
    format_month_cn,
    format_number,
    format_score,
    format_yuan,
    hours_number,
)


@pytest.mark.parametrize(("minutes", "text"), [
    (0, "0"),
    (60, "1"),
    (19080, "318"),
    (19110, "318.5"),
    (21600, "360"),
    (21599, "359.9"),   # never overstated as 360
    (21541, "359.0"),   # not whole: one decimal shown
    (90, "1.5"),
    (-30, "-0.5"),
])
def test_format_hours_shows_a_decimal_only_for_partial_hours(minutes, text):
    assert format_hours(minutes) == text


@pytest.mark.parametrize(("minutes", "text"), [(1, "0.1"), (2520, "42"), (2490, "41.5"), (2521, "42.1")])
def test_format_hours_rounds_a_shortfall_up(minutes, text):
    assert format_hours(minutes, round_up=True) == text


def test_format_hours_and_hours_number_by_integers_read_as_the_decimal_quotient_cut_to_a_tenth():
    from decimal import ROUND_CEILING, ROUND_FLOOR

    for minutes in [*range(1, 3 * 60 * 60), *range(21000, 22000), 10**12 + 1, 10**20 + 7]:
        exact = Decimal(minutes) / Decimal(60)
        for round_up, rounding in ((False, ROUND_FLOOR), (True, ROUND_CEILING)):
            expected = str(int(exact)) if minutes % 60 == 0 else str(exact.quantize(Decimal("0.1"), rounding=rounding))
            assert format_hours(minutes, round_up=round_up) == expected, (minutes, round_up)
        text = format_hours(minutes)
        number = hours_number(minutes)
        assert number == (float(text) if "." in text else int(text)), minutes
        assert minutes > 10**9 or str(number) == text


@pytest.mark.parametrize(("minutes", "number"), [
    (0, 0), (480, 8), (510, 8.5), (21599, 359.9), (21600, 360), (16337, 272.2), (21541, 359.0),
])
def test_hours_number_is_the_shown_figure_as_a_number(minutes, number):
    assert hours_number(minutes) == number and type(hours_number(minutes)) is type(number)
    assert format_hours(minutes) == str(number)


@pytest.mark.parametrize("bad", [1.5, "60", True, None])
def test_format_hours_refuses_non_integer_minutes(bad):
    with pytest.raises(TypeError):
        format_hours(bad)


@pytest.mark.parametrize(("fen", "text"), [
    (0, "0"), (150000, "1,500"), (150050, "1,500.50"), (5, "0.05"),
    (18000000, "180,000"), (-150000, "-1,500"),
])
def test_format_yuan_uses_thousands_separators_and_drops_zero_fen(fen, text):
    assert format_yuan(fen) == text


def test_format_yuan_refuses_a_float():
    with pytest.raises(TypeError):
        format_yuan(1500.0)


@pytest.mark.parametrize(("value", "text"), [
    (52, "52"), (Decimal("59.5"), "59.5"), (Decimal("60.0"), "60"), (Decimal("4.50"), "4.5"),
    (Decimal("1E+2"), "100"),
])
def test_scores_and_credits_have_no_trailing_zeros(value, text):
    assert format_score(value) == text
    assert format_credits(value) == text


def test_dates_and_months_read_in_chinese_style():
    assert format_date_cn(dt.date(2025, 3, 1)) == "2025年3月1日"
    assert format_month_cn(2025, 11) == "2025年11月"


def test_format_number_refuses_a_bool():
    with pytest.raises(TypeError):
        format_number(True)
