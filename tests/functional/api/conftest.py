"""Fixtures of the API tests: the two-township world with keys of each purpose for 甲镇 and for the county."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from lms.extensions import limiter
from tests.factories.api import bearer, make_api_key


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """Rate-limit counters live as long as the data folder (the whole session): start every test from zero."""
    with app.app_context():
        limiter.reset()
    yield


@dataclass
class Keys:
    platform_a: dict        # push platform hours for 甲镇
    status_a: dict          # read status and certificates of 甲镇
    status_county: dict     # read status and certificates of the whole county
    platform_county: dict


@pytest.fixture
def keys(world) -> Keys:
    """Authorization headers of four keys."""
    return Keys(platform_a=bearer(make_api_key(world.township_a, purpose="platform_hours", name="平台甲镇")[1]),
                status_a=bearer(make_api_key(world.township_a, purpose="status_read", name="甲镇只读")[1]),
                status_county=bearer(make_api_key(world.county, purpose="status_read", name="州只读")[1]),
                platform_county=bearer(make_api_key(world.county, purpose="platform_hours", name="平台全县")[1]))


def record(learner, **fields) -> dict:
    """One platform record of `learner` as the platform sends it."""
    data = {"id_number": learner.id_number, "name": learner.name, "platform": "省社区教育学习平台",
            "course": "种植技术入门", "minutes": 45, "studied_on": "2026-11-02", "record_id": "R-0001"}
    return {**data, **fields}
