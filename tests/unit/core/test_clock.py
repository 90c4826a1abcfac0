"""lms.core.clock: the one reader of today, which tests, trials (LMS_TODAY) and the demo checker can set."""
from __future__ import annotations

from datetime import UTC, date

import pytest

from config.settings import ConfigurationError, load_config
from lms.core import clock


def test_a_fixed_day_is_today_inside_the_block_and_the_previous_day_after_it():
    before = clock.today()
    with clock.frozen_at(date(2028, 2, 29)):
        assert clock.today() == date(2028, 2, 29)
        with clock.frozen_at(date(2029, 1, 1)):
            assert clock.today() == date(2029, 1, 1)
        assert clock.today() == date(2028, 2, 29)
    assert clock.today() == before


def test_now_is_on_the_fixed_day_in_china_and_stored_as_utc():
    with clock.frozen_at(date(2027, 3, 1)):
        now = clock.now_utc()
        assert now.tzinfo == UTC
        assert now.astimezone(clock.CHINA).date() == date(2027, 3, 1)
        assert clock.now_china().date() == date(2027, 3, 1)


def test_lms_today_is_read_outside_production(monkeypatch):
    monkeypatch.setenv("LMS_TODAY", "2027-03-01")
    assert load_config("development")["TODAY"] == date(2027, 3, 1)


def test_an_app_made_with_lms_today_answers_that_day(monkeypatch):
    from lms import create_app

    previous = clock.fixed_day()
    monkeypatch.setenv("LMS_TODAY", "2027-03-01")
    try:
        create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})
        assert clock.today() == date(2027, 3, 1)
    finally:
        clock.set_today(previous)


def test_production_refuses_a_fixed_day(monkeypatch):
    monkeypatch.setenv("LMS_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("LMS_DATABASE_URL", "postgresql+psycopg://lms@db/lms")
    monkeypatch.setenv("LMS_PUBLIC_BASE_URL", "https://lms.example.gov.cn")
    monkeypatch.setenv("LMS_TODAY", "2027-03-01")
    with pytest.raises(ConfigurationError, match="LMS_TODAY"):
        load_config("production")
