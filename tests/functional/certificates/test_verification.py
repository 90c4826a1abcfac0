"""Public verification: the page behind the QR code, the log, the rate limit, the key and the offline page."""
from __future__ import annotations

import hashlib
import os
import stat
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.certificates import services
from lms.certificates.models import VerificationLog
from lms.certificates.signing import PRIVATE_KEY_FILE, public_key_of_data_dir, raw_public_key
from lms.core.clock import today
from lms.extensions import db
from tests.factories.certificates import issued_study_records, withdraw


def study_record(registrar, learners, name="王德才"):
    learner = withdraw(learners(name=name)[0], date(2024, 5, 10))
    return issued_study_records(registrar, [learner], issued_on=date(2025, 7, 1)).members[0].certificate


def test_anyone_can_verify_without_logging_in_and_never_sees_the_id_number(client, registrar, learners):
    certificate = study_record(registrar, learners)
    page = client.get(f"/v/{certificate.token}").get_data(as_text=True)
    for shown in ("写实性学习证明", certificate.number, "王*才", "种植", "2025年7月1日", "有效"):
        assert shown in page
    # Not even its last four digits (which may also occur inside the certificate number, e.g. 5200002500 01).
    assert certificate.snapshot["id_number"] not in page
    assert certificate.snapshot["id_number"][-4:] not in page.replace(certificate.number, "")
    assert "王德才" not in page


def test_a_revoked_certificate_says_so_with_date_and_reason_and_is_never_404(client, registrar, learners):
    certificate = study_record(registrar, learners)
    services.revoke_certificate(actor=registrar, certificate=certificate, reason="冒用他人信息",
                                revoked_on=date(2025, 9, 1))
    response = client.get(f"/v/{certificate.token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已撤销" in page and "2025年9月1日" in page and "冒用他人信息" in page


def test_a_reissued_certificate_points_to_its_replacement(client, registrar, learners):
    old = study_record(registrar, learners)
    new = services.reissue_certificate(actor=registrar, certificate=old, reason="遗失", issued_on=date(2025, 8, 1))
    assert new.number in client.get(f"/v/{old.token}").get_data(as_text=True)
    assert f"替代原证书 {old.number}" in client.get(f"/v/{new.token}").get_data(as_text=True)


def test_an_unknown_token_is_404(client):
    assert client.get("/v/not-a-real-token").status_code == 404


def test_every_view_is_logged_with_address_and_browser(client, registrar, learners):
    certificate = study_record(registrar, learners)
    client.get(f"/v/{certificate.token}", headers={"User-Agent": "WeChat/8.0 村委会手机"})
    client.get(f"/v/{certificate.token}")
    logs = db.session.scalars(select(VerificationLog).where(VerificationLog.certificate_id == certificate.id)).all()
    assert len(logs) == 2 and logs[0].channel == "online" and logs[0].remote_addr == "127.0.0.1"
    assert logs[0].user_agent == "WeChat/8.0 村委会手机"


def test_too_many_verifications_from_one_address_get_429_in_chinese(app, client, registrar, learners):
    certificate = study_record(registrar, learners)
    limit = int(app.config["VERIFY_RATE_LIMIT"].split()[0])
    statuses = [client.get(f"/v/{certificate.token}").status_code for _ in range(limit)]
    assert set(statuses) == {200}
    refused = client.get(f"/v/{certificate.token}")
    assert refused.status_code == 429
    assert "请求次数过多" in refused.get_data(as_text=True)


def test_the_signing_key_is_created_once_outside_the_database_with_mode_0600(client):
    data_dir = Path(current_app.config["DATA_DIR"])
    first = raw_public_key(public_key_of_data_dir(data_dir))
    path = data_dir / PRIVATE_KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert raw_public_key(public_key_of_data_dir(data_dir)) == first
    page = client.get("/verify/public-key").get_data(as_text=True)
    assert first in page and "BEGIN PUBLIC KEY" in page and "PRIVATE" not in page


def test_the_offline_page_embeds_only_the_public_key_and_registers_a_service_worker(client):
    key = raw_public_key(public_key_of_data_dir(current_app.config["DATA_DIR"]))
    page = client.get("/verify/offline").get_data(as_text=True)
    assert f'data-public-key="{key}"' in page and "nacl.min.js" in page and "jsQR.js" in page
    worker = client.get("/verify/sw.js")
    assert worker.headers["Content-Type"].startswith("application/javascript")
    assert "/verify/offline" in worker.get_data(as_text=True)


def test_the_revocation_list_for_offline_checks_holds_numbers_only(client, registrar, learners):
    certificate = study_record(registrar, learners)
    services.revoke_certificate(actor=registrar, certificate=certificate, reason="有误", revoked_on=date(2025, 9, 1))
    data = client.get("/verify/revoked.json").get_json()
    assert data["numbers"] == [certificate.number] and set(data) == {"as_of", "on", "numbers"}


def test_the_revocation_list_is_dated_by_chinas_calendar(client):
    """Its day is the one a user in China would name (UTC is still "yesterday" before 08:00 there)."""
    data = client.get("/verify/revoked.json").get_json()
    assert data["on"] == today().isoformat()
    assert data["as_of"].endswith("+08:00") and data["as_of"].startswith(today().isoformat())


def test_the_offline_cache_is_renewed_when_the_offline_script_changes(app, client):
    """The service worker serves its cached scripts first: its cache name carries their content's hash, so
    a corrected script (e.g. the revocation list's date) replaces the copy phones already hold."""
    script = (Path(app.static_folder) / "js" / "verify-offline.js").read_bytes()
    worker = client.get("/verify/sw.js").get_data(as_text=True)
    digest = hashlib.sha256()
    for name in ("css/app.css", "js/app.js", "img/favicon.svg", "vendor/tweetnacl/nacl.min.js",
                 "vendor/jsqr/jsQR.js"):
        digest.update((Path(app.static_folder) / name).read_bytes())
    digest.update(script)
    assert f"-{digest.hexdigest()[:12]}\"" in worker
