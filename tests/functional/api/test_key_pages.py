"""The admin's key pages: a key is shown once, stored hashed, listed, revoked at once; every change audited."""
from __future__ import annotations

import re

from sqlalchemy import select

from lms.api.models import ApiKey
from lms.audit.models import AuditEvent
from lms.extensions import db
from tests.factories.api import bearer


def _create(client, world, **fields):
    data = {"name": "州教育局只读", "purpose": "status_read", "area_id": world.county.id, "expires_on": "2027-12-31",
            "note": ""}
    return client.post_form("/api-keys/new", {**data, **fields})


def test_a_new_key_is_shown_once_stored_hashed_and_works(client, world, login_as):
    login_as("admin")
    page = _create(client, world)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    secret = re.search(r"(lms_[0-9a-f]{12}_[A-Za-z0-9_-]+)", page.get_data(as_text=True))[1]
    key = db.session.scalar(select(ApiKey).where(ApiKey.name == "州教育局只读"))
    assert key.secret_hash != secret and secret not in key.secret_hash and len(key.secret_hash) == 64
    listing = client.get("/api-keys/").get_data(as_text=True)
    assert "州教育局只读" in listing and secret not in listing and f"lms_{key.prefix}" in listing
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_key.create",
                                                       AuditEvent.entity_id == str(key.id)))
    assert event.user_id is not None and "secret_hash" not in event.after and secret not in str(event.after)
    client.logout()
    assert client.get(f"/api/v1/learners/{world.learner_b.student_number}", headers=bearer(secret)).status_code == 200


def test_a_revoked_key_stops_at_once(client, world, login_as):
    login_as("admin")
    secret = re.search(r"(lms_[0-9a-f]{12}_[A-Za-z0-9_-]+)", _create(client, world).get_data(as_text=True))[1]
    key = db.session.scalar(select(ApiKey).where(ApiKey.name == "州教育局只读"))
    response = client.post_form(f"/api-keys/{key.id}/revoke")
    assert response.status_code == 302
    db.session.refresh(key)
    assert key.revoked_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_key.revoke",
                                                      AuditEvent.entity_id == str(key.id))) is not None
    answer = client.get(f"/api/v1/learners/{world.learner_a.student_number}", headers=bearer(secret))
    assert answer.status_code == 401 and answer.json == {"code": "key_revoked", "message": "接口密钥已吊销"}
    assert "已吊销" in client.get("/api-keys/").get_data(as_text=True)


def test_a_key_with_a_past_expiry_is_refused_on_its_field(client, world, login_as):
    login_as("admin")
    page = _create(client, world, expires_on="2026-12-06")
    assert page.status_code == 200 and "有效期不能早于今天" in page.get_data(as_text=True)
    too_long = _create(client, world, expires_on="2030-12-31")
    assert "有效期最长三年" in too_long.get_data(as_text=True)
    assert db.session.scalar(select(ApiKey).where(ApiKey.name == "州教育局只读")) is None
