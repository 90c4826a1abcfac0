"""Fixtures of the certificate tests: a village, a registrar, learners of the 2022 cohort."""
from __future__ import annotations

from datetime import date

import pytest

from lms.extensions import limiter
from tests.factories import make_county, make_learner, make_township, make_user, make_village


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """Rate-limit counters live as long as the data folder (the whole session): start every test from zero."""
    with app.app_context():
        limiter.reset()
    yield


@pytest.fixture
def village():
    return make_village(make_township(make_county(), "清水镇"), "上寨村")


@pytest.fixture
def registrar():
    return make_user("registrar")


@pytest.fixture
def learners(village):
    """make(n, **options): n learners of the 2022 cohort (3-year period ended 2025-02-28)."""

    def make(count=1, **options):
        options.setdefault("enrolled_on", date(2022, 3, 1))
        return [make_learner(village, **options) for _ in range(count)]

    return make
