"""Canary for the rollback-per-test fixture: the first test writes, the second must not see it."""
from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.geo.models import Division
from tests.factories import make_county


def test_1_a_test_writes_and_commits_through_a_request(client, login_as):
    make_county("金丝雀县", code="529999000000")
    login_as("admin")
    client.post_form("/divisions/new", {"code": "529999100000", "name": "金丝雀镇"})
    db.session.commit()
    assert db.session.scalar(select(Division).where(Division.code == "529999100000")) is not None


def test_2_the_next_test_does_not_see_it():
    assert db.session.scalar(select(Division).where(Division.code.like("529999%"))) is None
