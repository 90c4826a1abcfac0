"""Configuration: LMS_* overrides and production's refusal to start half-configured."""
from __future__ import annotations

import pytest

from config.settings import ConfigurationError, load_config


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    monkeypatch.setenv("LMS_PUBLIC_BASE_URL", "https://lms.example.gov.cn")
    with pytest.raises(ConfigurationError, match="LMS_SECRET_KEY and LMS_DATABASE_URL"):
        load_config("production")


def test_production_refuses_without_database_even_with_a_secret(monkeypatch):
    monkeypatch.setenv("LMS_SECRET_KEY", "s" * 40)
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="LMS_DATABASE_URL"):
        load_config("production")


def test_production_starts_with_all_three_and_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("LMS_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("LMS_DATABASE_URL", "postgresql+psycopg://lms@db/lms")
    monkeypatch.setenv("LMS_PUBLIC_BASE_URL", "https://lms.example.gov.cn")
    settings = load_config("production")
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://lms@db/lms"
    assert settings["PUBLIC_BASE_URL"] == "https://lms.example.gov.cn"
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["SESSION_COOKIE_HTTPONLY"] is True


def test_production_refuses_without_the_public_base_url_of_qr_codes(monkeypatch):
    """Otherwise diplomas printed on the server itself would carry http://127.0.0.1:… in their QR codes."""
    monkeypatch.setenv("LMS_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("LMS_DATABASE_URL", "postgresql+psycopg://lms@db/lms")
    monkeypatch.delenv("LMS_PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="without LMS_PUBLIC_BASE_URL"):
        load_config("production")


@pytest.mark.parametrize("base", ["lms.example.gov.cn", "ftp://lms.example.gov.cn", "https://", "https:// lms.cn"])
def test_production_refuses_a_public_base_url_that_is_not_a_web_address(monkeypatch, base):
    monkeypatch.setenv("LMS_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("LMS_DATABASE_URL", "postgresql+psycopg://lms@db/lms")
    monkeypatch.setenv("LMS_PUBLIC_BASE_URL", base)
    with pytest.raises(ConfigurationError, match="LMS_PUBLIC_BASE_URL"):
        load_config("production")


def test_lms_variables_override_settings(monkeypatch):
    monkeypatch.setenv("LMS_LOGIN_MAX_FAILURES", "9")
    monkeypatch.setenv("LMS_SESSION_COOKIE_SECURE", "true")
    settings = load_config("testing")
    assert settings["LOGIN_MAX_FAILURES"] == 9 and settings["SESSION_COOKIE_SECURE"] is True


def test_unknown_environment_name_is_an_error():
    with pytest.raises(ConfigurationError):
        load_config("staging")
