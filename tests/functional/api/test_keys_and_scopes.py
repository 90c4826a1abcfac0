"""Every API endpoint × key purpose × area: the key's purpose and area decide what exists for it (404 beyond),
a missing, unknown, revoked or expired key gets 401, and every call with a key leaves one audit row."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.extensions import db
from tests.factories.api import bearer, make_api_key
from tests.functional.api.conftest import record

SINCE = "/api/v1/certificates?since=2020-01-01"


def _learner_url(learner) -> str:
    return f"/api/v1/learners/{learner.student_number}"


def _push(client, headers, *records, atomic=False):
    return client.post("/api/v1/platform-records", json={"records": list(records), "atomic": atomic}, headers=headers)


def test_a_status_key_reads_the_learners_of_its_area_and_no_one_else(client, world, keys):
    inside = client.get(_learner_url(world.learner_a), headers=keys.status_a)
    assert inside.status_code == 200
    assert inside.json["name"] == "甲学员" and inside.json["village"]["name"] == "甲一村"
    outside = client.get(_learner_url(world.learner_b), headers=keys.status_a)
    assert outside.status_code == 404
    assert outside.json == {"code": "not_found", "message": "未找到该学员（或不在该密钥的适用区划内）"}
    assert client.get("/api/v1/learners/NO-SUCH", headers=keys.status_a).status_code == 404


def test_a_county_key_reads_every_township(client, world, keys):
    for learner in (world.learner_a, world.learner_b):
        assert client.get(_learner_url(learner), headers=keys.status_county).status_code == 200


def test_a_village_key_sees_its_village_only(client, world):
    headers = bearer(make_api_key(world.village_a2, purpose="status_read")[1])
    assert client.get(_learner_url(world.learner_a), headers=headers).status_code == 404   # 甲一村
    assert client.get(_learner_url(world.learner_a2), headers=headers).status_code == 200  # 丁邻村 of 甲二村


def test_certificates_are_listed_within_the_keys_area(client, world, keys):
    numbers_a = {c["number"] for c in client.get(SINCE, headers=keys.status_a).json["items"]}
    numbers_all = {c["number"] for c in client.get(SINCE, headers=keys.status_county).json["items"]}
    assert world.certificate_a.number in numbers_a and world.certificate_b.number not in numbers_a
    assert {world.certificate_a.number, world.certificate_b.number} <= numbers_all


@pytest.mark.parametrize("method, url", [("GET", "learner"), ("GET", SINCE)])
def test_a_platform_key_reads_nothing(client, world, keys, method, url):
    url = _learner_url(world.learner_a) if url == "learner" else url
    for headers in (keys.platform_a, keys.platform_county):
        response = client.open(url, method=method, headers=headers)
        assert response.status_code == 404 and response.json["code"] == "not_found"


def test_a_status_key_pushes_nothing(client, world, keys):
    for headers in (keys.status_a, keys.status_county):
        response = _push(client, headers, record(world.learner_a))
        assert response.status_code == 404 and response.json["code"] == "not_found"
    from lms.teaching.models import PlatformRecord
    assert db.session.scalar(select(func.count()).select_from(PlatformRecord).where(
        PlatformRecord.record_ref == "R-0001")) == 0


def test_a_platform_key_pushes_for_its_area_only(client, world, keys):
    response = _push(client, keys.platform_a, record(world.learner_a, record_id="A-1"),
                     record(world.learner_b, record_id="B-1"))
    assert response.status_code == 200
    assert response.json["written"] == 1 and response.json["refused"] == 1
    assert response.json["errors"] == [{"position": 2, "record_id": "B-1", "field": "id_number",
                                        "message": "该身份证号没有已报名的学员（或不在您的管辖范围内）"}]
    county = _push(client, keys.platform_county, record(world.learner_b, record_id="B-1"))
    assert county.json["written"] == 1 and county.json["errors"] == []


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "missing", "malformed"])
def test_a_key_that_does_not_work_gets_401_everywhere(client, world, state):
    if state == "revoked":
        headers = bearer(make_api_key(world.county, revoked=True)[1])
    elif state == "expired":
        key, secret = make_api_key(world.county, expires_on=date(2026, 12, 7))    # the suite's today
        key.expires_on = date(2026, 12, 6)          # as if made earlier (the form refuses a day past)
        headers = bearer(secret)
    elif state == "unknown":
        _, secret = make_api_key(world.county)
        headers = bearer(secret[:-4] + "AAAA")
    elif state == "missing":
        headers = {}
    else:
        headers = {"Authorization": "Basic dXNlcjpwYXNz"}
    expected = {"revoked": "key_revoked", "expired": "key_expired"}.get(state, "unauthorized")
    for response in (client.get(_learner_url(world.learner_a), headers=headers), client.get(SINCE, headers=headers),
                     _push(client, headers, record(world.learner_a))):
        assert response.status_code == 401 and response.json["code"] == expected, state


def test_a_key_works_through_its_expiry_day(client, world):
    headers = bearer(make_api_key(world.county, expires_on=date(2026, 12, 7))[1])
    assert client.get(_learner_url(world.learner_a), headers=headers).status_code == 200


def _events():
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(("api.read", "api.push")))
                                   .order_by(AuditEvent.id)))


def test_every_call_with_a_key_leaves_one_audit_row_whatever_it_answers(client, world, keys):
    calls = [
        lambda: client.get(_learner_url(world.learner_a), headers=keys.status_a),        # 200
        lambda: client.get(_learner_url(world.learner_b), headers=keys.status_a),        # 404: out of area
        lambda: client.get(SINCE, headers=keys.status_a),                                # 200
        lambda: client.get("/api/v1/certificates?since=2020-01-01&cursor=%25", headers=keys.status_a),   # 400
        lambda: client.get(SINCE, headers=keys.platform_a),                              # 404: purpose
        lambda: _push(client, keys.platform_a, record(world.learner_a)),                 # 200
        lambda: _push(client, keys.platform_a, record(world.learner_a, minutes=-1, record_id="X"),
                      atomic=True),                                                      # 409: refused batch
        lambda: client.post("/api/v1/platform-records", json={"records": []}, headers=keys.platform_a),  # 422
    ]
    statuses = []
    for number, call in enumerate(calls, start=1):
        statuses.append(call().status_code)
        assert len(_events()) == number, f"call {number} ({statuses[-1]})"
    assert statuses == [200, 404, 200, 400, 404, 200, 409, 422]
    events = _events()
    assert [e.action for e in events] == ["api.read"] * 5 + ["api.push"] * 3
    assert events[1].after["status"] == 404 and events[1].after["path"].endswith(world.learner_b.student_number)
    assert events[0].actor_label == "接口密钥：甲镇只读" and events[0].user_id is None
    assert events[5].after["written"] == 1
    client.get(_learner_url(world.learner_a))                  # no key: nobody to name, no row
    assert len(_events()) == len(calls)
    key, secret = make_api_key(world.county, revoked=True)
    assert client.get(_learner_url(world.learner_a), headers=bearer(secret)).status_code == 401
    assert _events()[-1].entity_id == str(key.id) and _events()[-1].after["status"] == 401   # a revoked key still tried


def test_a_call_notes_when_the_key_was_last_used(client, world):
    key, secret = make_api_key(world.county)
    assert key.last_used_at is None
    client.get(_learner_url(world.learner_a), headers=bearer(secret))
    db.session.refresh(key)
    assert key.last_used_at is not None


def test_calls_beyond_the_keys_rate_limit_get_429_and_other_keys_go_on(app, client, world, keys):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    try:
        answers = [client.get(_learner_url(world.learner_a), headers=keys.status_a).status_code for _ in range(3)]
        other = client.get(_learner_url(world.learner_a), headers=keys.status_county)
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"
    assert answers == [200, 200, 429]
    assert [e.after["status"] for e in _events()][-4:] == [200, 200, 429, 200]     # refused calls are audited too
    assert other.status_code == 200
    refused = client.get(_learner_url(world.learner_a), headers=keys.status_a)
    assert refused.status_code in (200, 429)
