"""Reading through the API: a learner's status, hours and decision as the audit judges them; certificates since a
day, page by page; the public verification as JSON, masked like its page."""
from __future__ import annotations

from datetime import date

from lms.assessment.audit import decide
from lms.certificates.services import revoke_certificate
from lms.core.clock import today
from lms.extensions import db
from lms.rules import hours_number
from tests.factories import give_hours, make_certificate, make_learner


def test_a_learners_status_hours_and_decision_are_the_audits(client, world, keys):
    learner = world.learner_a
    give_hours(learner, platform_minutes=600, self_study_minutes=120, on=date(2026, 5, 4))
    body = client.get(f"/api/v1/learners/{learner.student_number}", headers=keys.status_a).json
    decision = decide([learner.id], today())[learner.id]
    assert body["decision"]["outcome"] == decision.outcome and body["decision"]["label"] == decision.label
    assert body["decision"]["hours_360"] == hours_number(decision.hours_360)          # 学时, as pages show them
    assert body["decision"]["reasons"] == list(decision.reasons)
    hours = {h["category"]: h["hours"] for h in body["hours"]}
    assert hours["P"] >= 10 and hours["S"] >= 2 and body["total_hours"] == sum(hours.values())
    assert [h["label"] for h in body["hours"]] == ["集中面授", "集中线上", "平台线上学习", "自学"]
    assert body["status"] == "studying" and body["status_label"] == "在读"
    assert body["enrolled_on"] == "2025-03-01" and body["as_of"] == "2026-12-07"
    assert body["township"]["name"] == "甲镇"
    assert "id_number" not in body


def test_certificates_since_a_day_come_page_by_page_with_their_verification_urls(client, world, keys):
    for _ in range(4):
        make_certificate(make_learner(world.village_a), issued_on=date(2026, 7, 1))
    old = make_certificate(make_learner(world.village_a), issued_on=date(2024, 7, 1))
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/certificates?since=2026-01-01&limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=keys.status_a).json
        seen += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 2 and len(seen) == 4 and len({c["number"] for c in seen}) == 4
    assert old.number not in {c["number"] for c in seen}
    first = seen[0]
    assert first["issued_on"] == "2026-07-01" and first["status"] == "valid" and first["kind_label"] == "毕业证书"
    assert first["verification_url"].startswith("http://localhost/v/")
    assert client.get(first["verification_url"].removeprefix("http://localhost")).status_code == 200


def test_a_cursor_not_made_by_the_api_is_refused(client, keys):
    for cursor in ("%25", "abc", "Yzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"):
        response = client.get(f"/api/v1/certificates?since=2020-01-01&cursor={cursor}", headers=keys.status_a)
        assert response.status_code == 400 and response.json["code"] == "invalid_cursor"


def test_dates_are_iso_and_a_bad_one_is_refused(client, keys):
    response = client.get("/api/v1/certificates?since=2026年1月1日", headers=keys.status_a)
    assert response.status_code == 422 and "since" in response.json["errors"]["query"]


def test_public_verification_as_json_masks_the_name_like_the_page(client, world):
    certificate = world.certificate_a
    body = client.get(f"/api/v1/verify/{certificate.token}").json
    assert body["number"] == certificate.number and body["status"] == "valid"
    assert body["name"] == "甲*员" and "id_number" not in body
    page = client.get(f"/v/{certificate.token}").get_data(as_text=True)
    assert body["name"] in page and body["school"] in page
    revoke_certificate(actor=None, certificate=certificate, reason="信息有误", revoked_on=date(2026, 12, 1))
    db.session.flush()
    revoked = client.get(f"/api/v1/verify/{certificate.token}").json
    assert (revoked["status"], revoked["status_label"], revoked["revoked_on"], revoked["revoke_reason"]) == (
        "revoked", "已撤销", "2026-12-01", "信息有误")
    missing = client.get("/api/v1/verify/no-such-token")
    assert missing.status_code == 404 and missing.json["code"] == "not_found"


def test_each_public_verification_is_logged_like_the_pages(client, world):
    from lms.certificates.queries import verification_summary

    before, _ = verification_summary(world.certificate_a)
    client.get(f"/api/v1/verify/{world.certificate_a.token}")
    after, _ = verification_summary(world.certificate_a)
    assert after == before + 1


def test_json_answers_carry_chinese_as_readable_utf8(client, world, keys):
    response = client.get(f"/api/v1/learners/{world.learner_a.student_number}", headers=keys.status_a)
    assert "甲镇".encode() in response.data and b"\\u" not in response.data
    assert response.json["township"]["name"] == "甲镇"
