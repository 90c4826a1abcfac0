"""Jinja filters users see on every page."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from lms.rules import format_hours
from lms.web.filters import date_cn, datetime_cn, hours, hours_input, yuan


def test_dates_read_the_chinese_way(app):
    with app.test_request_context():
        assert date_cn(date(2025, 3, 1)) == "2025年3月1日"
        assert date_cn(None) == ""


def test_timestamps_are_shown_in_china_time(app):
    with app.test_request_context():
        assert datetime_cn(datetime(2025, 3, 1, 23, 30, tzinfo=UTC)) == "2025年3月2日 07:30"


def test_hours_from_minutes_are_the_engines_figures():
    assert [hours(m) for m in (0, 480, 510, 21600, 21599)] == ["0", "8", "8.5", "360", "359.9"]
    assert hours(20) == "0.3" and hours(16337) == "272.2" and hours(None) == ""
    assert all(hours(m) == format_hours(m) for m in range(0, 3000, 7))


def test_hours_in_an_input_box_keep_every_minute():
    for minutes in range(0, 24 * 60 + 1):
        assert int((Decimal(hours_input(minutes)) * 60).to_integral_value()) == minutes
    assert [hours_input(m) for m in (480, 450, 25, 0)] == ["8", "7.5", "0.42", "0"]


def test_money_from_fen():
    assert yuan(150000) == "1,500" and yuan(150050) == "1,500.50" and yuan(0) == "0"
