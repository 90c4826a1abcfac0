"""`flask lms certificates issue|render` and `flask lms verify-qr`."""
from __future__ import annotations

import json
import re
from datetime import date

from flask import current_app
from pypdf import PdfReader

from lms import create_app
from lms.certificates.models import GraduationBatch
from lms.certificates.rendering import qr_text
from lms.certificates.signing import load_private_key, public_key_of_data_dir, raw_public_key
from lms.extensions import db
from tests.factories.certificates import issued_study_records, make_graduate, withdraw


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["lms", *args], input=input)


def test_issue_study_records_prints_one_json_line_per_certificate(app, learners):
    withdrawn = [withdraw(learner, date(2024, 5, 10)) for learner in learners(2)]
    learners(1, enrolled_on=date(2024, 3, 1))      # still studying: nothing for them
    result = run(app, "certificates", "issue", "--type", "study-record", "--as-of", "2025-07-01", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["id_number"] for r in rows) == sorted(l.id_number for l in withdrawn)
    assert {r["type"] for r in rows} == {"study-record"}
    assert all(re.fullmatch(r"http://127\.0\.0\.1:5000/v/[\w-]{22}", r["verify_url"]) for r in rows)


def test_diplomas_stop_at_submitted_until_the_verification_is_given_then_render_in_number_order(
        app, learners, tmp_path):
    graduates = learners(3)
    for learner in graduates:
        make_graduate(learner)
    first = run(app, "certificates", "issue", "--type", "diploma", "--batch", "2025届", "--as-of", "2025-07-01",
                "--allow-no-photo", "--json")
    assert first.exit_code == 0 and first.stdout == ""
    batch = db.session.scalar(db.select(GraduationBatch).where(GraduationBatch.name == "2025届"))
    assert batch.status == "submitted" and len(batch.members) == 3
    second = run(app, "certificates", "issue", "--type", "diploma", "--batch", "2025届", "--as-of", "2025-07-10",
                 "--verified-on", "2025-07-08", "--verification-ref", "州教验〔2025〕3号", "--json")
    assert second.exit_code == 0, second.output
    numbers = [json.loads(line)["number"] for line in second.stdout.splitlines()]
    assert numbers == ["520000250001", "520000250002", "520000250003"]
    out = tmp_path / "batch.pdf"
    rendered = run(app, "certificates", "render", "--batch", "2025届", "--out", str(out))
    assert rendered.exit_code == 0, rendered.output
    assert "3/3" in rendered.output                     # the progress, chunk by chunk
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    assert [re.search(r"5200002500\d\d", page.extract_text()).group() for page in reader.pages] == numbers


def test_render_warns_when_the_qr_codes_would_name_this_machine(app, registrar, learners, tmp_path, monkeypatch):
    learner = withdraw(learners(1)[0], date(2024, 5, 10))
    batch = issued_study_records(registrar, [learner], issued_on=date(2025, 7, 1))
    local = run(app, "certificates", "render", "--batch", batch.name, "--out", str(tmp_path / "a.pdf"))
    assert local.exit_code == 0 and "二维码将指向 http://127.0.0.1:5000：这是本机或内网地址" in local.stderr
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://lms.example.gov.cn")
    public = run(app, "certificates", "render", "--batch", batch.name, "--out", str(tmp_path / "b.pdf"))
    assert public.exit_code == 0 and "本机或内网地址" not in public.stderr


def test_verification_options_must_come_together(app):
    result = run(app, "certificates", "issue", "--type", "diploma", "--verified-on", "2025-07-01")
    assert result.exit_code != 0 and "同时给出" in result.output


def _printed_qr(registrar, learners):
    learner = withdraw(learners(name="王德才")[0], date(2024, 5, 10))
    certificate = issued_study_records(registrar, [learner], issued_on=date(2025, 7, 1)).members[0].certificate
    key = load_private_key(current_app.config["DATA_DIR"])
    return certificate, qr_text(certificate, base_url="https://lms.example", private_key=key)


def test_verify_qr_accepts_the_whole_qr_text_and_refuses_a_tampered_one(app, registrar, learners):
    certificate, text = _printed_qr(registrar, learners)
    good = run(app, "verify-qr", text, "--json")
    assert good.exit_code == 0
    assert json.loads(good.stdout) == {"ok": True, "message": "签名有效：本证书由学校签发，内容未被改动",
                                           "type": "写实性学习证明", "number": certificate.number, "name": "王*才",
                                           "specialty": certificate.snapshot["specialty"], "issued_on": "2025-07-01",
                                           "school": "示例县中等职业学校"}
    url, payload = text.split("#")
    body, signature = payload.split(".")
    forged_body = body[:-2] + ("AA" if body[-2:] != "AA" else "BA")
    tampered = run(app, "verify-qr", f"{url}#{forged_body}.{signature}")
    assert tampered.exit_code == 1 and "签名无效" in tampered.output


def test_verify_qr_needs_no_database_and_no_network(app, registrar, learners, tmp_path):
    _certificate, text = _printed_qr(registrar, learners)
    key = raw_public_key(public_key_of_data_dir(current_app.config["DATA_DIR"]))
    # A machine with no data directory and a database that does not exist: only the public key is given.
    offline = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                                               "DATA_DIR": str(tmp_path / "empty")})
    result = offline.test_cli_runner().invoke(args=["lms", "verify-qr", text, "--public-key", key])
    assert result.exit_code == 0, result.output
    assert "签名有效" in result.output and "王*才" in result.output


def test_verify_qr_records_a_check_when_asked(app, registrar, learners):
    certificate, text = _printed_qr(registrar, learners)
    assert run(app, "verify-qr", text, "--record").exit_code == 0
    from lms.certificates.models import VerificationLog

    assert db.session.scalar(db.select(VerificationLog.channel).where(
        VerificationLog.certificate_id == certificate.id)) == "offline-cli"



def test_verify_qr_with_record_says_a_revoked_certificate_is_revoked_and_fails(app, registrar, learners):
    from lms.certificates.services import revoke_certificate

    certificate, text = _printed_qr(registrar, learners)
    revoke_certificate(actor=registrar, certificate=certificate, reason="信息有误,已补发", revoked_on=date(2025, 8, 1))
    offline = run(app, "verify-qr", text)       # the signature alone cannot know
    assert offline.exit_code == 0 and "签名有效" in offline.output
    checked = run(app, "verify-qr", text, "--record")
    assert checked.exit_code == 2
    assert checked.output.startswith("✗ 已撤销") and "2025年8月1日" in checked.output and "信息有误,已补发" in checked.output
    assert "签名有效:" not in checked.output
    as_json = json.loads(run(app, "verify-qr", text, "--record", "--json").stdout)
    assert (as_json["ok"], as_json["status"], as_json["revoked_on"], as_json["revoke_reason"]) == (
        False, "revoked", "2025-08-01", "信息有误,已补发")
