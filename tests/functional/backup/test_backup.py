"""`flask lms backup` and `flask lms restore`: a county's system moved to another machine, under another
secret key, keeps finding its people, printing and verifying its certificates."""
from __future__ import annotations

import json
import os
import tarfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.certificates.models import Certificate
from lms.certificates.rendering import qr_text
from lms.certificates.signing import load_private_key
from lms.core.queue import init_queue
from lms.extensions import db
from lms.learners.lookup import id_hash_key
from tests.factories import make_county, make_learner, make_township, make_user, make_village, next_id_number
from tests.factories.certificates import issued_study_records, withdraw
from tests.support.client import CsrfClient
from tests.support.database import seed_baseline
from tests.support.spreadsheets import csv_bytes

ROSTER_HEADER = ("姓名", "身份证号", "性别", "乡镇", "村", "文化程度", "联系电话")
NAMES = ("王德才", "罗春花", "杨秀英", "吴国强", "韦小芳")


@pytest.fixture(autouse=True)
def _the_suites_queue_back(app):
    """These tests build systems of their own; the suite's app gets the background queue back after them."""
    yield
    init_queue(app)


def _system(root: Path, secret: str, database_url: str | None = None):
    """One installation: its own database, data folder and secret key."""
    app = create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{root / 'lms.sqlite3'}",
        "DATA_DIR": str(root / "data"), "SECRET_KEY": secret})
    app.test_client_class = CsrfClient
    return app


def _cli(app, *args):
    with app.app_context():     # (the suite's own app context is active around every test)
        return app.test_cli_runner().invoke(args=["lms", *args])


def _import_roster(app, path: Path) -> dict:
    result = _cli(app, "import", "roster", str(path), "--json")
    return json.loads(result.output.strip().splitlines()[-1])


def _postgres_database(base_url: str, name: str) -> str:
    """A new, empty database beside the suite's one; its URL."""
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(base_url: str, name: str) -> None:
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _urls(backend: str, database_url: str):
    if backend == "sqlite":
        return None, None
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("pg_dump/pg_restore round trip: set LMS_TEST_DATABASE_URL to a PostgreSQL database")
    return (_postgres_database(database_url, "lms_backup_source"),
            _postgres_database(database_url, "lms_backup_target"))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres_only)])
def test_a_restored_system_under_another_secret_key_keeps_its_people_and_certificates(
        backend, database_url, tmp_path):
    source_url, target_url = _urls(backend, database_url)
    try:
        _round_trip(tmp_path, source_url, target_url)
    finally:
        if source_url:
            for name in ("lms_backup_source", "lms_backup_target"):
                _drop_postgres_database(database_url, name)


def _round_trip(tmp_path: Path, source_url: str | None, target_url: str | None) -> None:
    # The county's server: a roster of five people, a certificate printed with its QR code.
    old = _system(tmp_path / "old", "the-old-servers-secret", source_url)
    with old.app_context():
        db.create_all()
        seed_baseline()
        village = make_village(make_township(make_county("样本县"), "甲镇"), "甲一村")
        registrar = make_user("registrar")
        learner = withdraw(make_learner(village, enrolled_on=date(2022, 3, 1)), date(2024, 5, 10))
        certificate = issued_study_records(registrar, [learner], issued_on=date(2025, 7, 1)).members[0].certificate
        db.session.commit()
        printed = qr_text(certificate, base_url="https://lms.example", private_key=load_private_key(
            old.config["DATA_DIR"]))
        certificate_id, token, registrar_name = certificate.id, certificate.token, registrar.username
        old_key = id_hash_key()
    roster = tmp_path / "名册.csv"
    roster.write_bytes(csv_bytes(ROSTER_HEADER, [
        [name, next_id_number(birth_on=date(1980, 5, 6 + i)), "", "甲镇", "甲一村", "未上过学", ""]
        for i, name in enumerate(NAMES)]))
    first = _import_roster(old, roster)
    assert first["written"] == 5, first["errors"][:2]

    if source_url is None:      # the import is still in the write-ahead log, where a file copy misses it
        assert (tmp_path / "old" / "lms.sqlite3-wal").stat().st_size > 0
    made = _cli(old, "backup", str(tmp_path / "backups"))
    assert made.exit_code == 0, made.output
    archive = next((tmp_path / "backups").glob("lms-backup-*.tar.gz"))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "keys/id-hash.key", "keys/certificate-ed25519.pem",
            "keys/certificate-ed25519.pub.pem"} <= names
    assert manifest["database"]["file"] in names and manifest["counts"]["roster_entries"] == 5
    assert not [name for name in names if name.endswith(("queue.sqlite3", "ratelimits.sqlite3"))]

    # A database in use is never overwritten by mistake.
    refused = _cli(old, "restore", str(archive))
    assert refused.exit_code != 0 and "数据库不是空的" in refused.output and "--force" in refused.output

    # The new machine: empty database and data folder, and a secret key of its own.
    new = _system(tmp_path / "new", "a-new-secret-on-the-new-machine", target_url)
    restored = _cli(new, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert oct(os.stat(Path(new.config["DATA_DIR"]) / "keys" / "id-hash.key").st_mode & 0o777) == "0o600"

    again = _import_roster(new, roster)                      # the same people are found, not added twice
    assert (again["written"], again["unchanged"], again["errors"]) == (0, 5, [])
    with new.app_context():
        assert id_hash_key() == old_key
        reprinted = qr_text(db.session.get(Certificate, certificate_id), base_url="https://lms.example",
                            private_key=load_private_key(new.config["DATA_DIR"]))
    assert reprinted == printed                              # the same signing key

    client = new.test_client()
    client.login(registrar_name)
    pdf = client.get(f"/certificates/{certificate_id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    offline = _cli(new, "verify-qr", printed)                # the restored public key, no database
    assert offline.exit_code == 0 and "签名有效" in offline.output
    assert _cli(new, "verify-qr", printed, "--record").exit_code == 0
    online = new.test_client().get(f"/v/{token}")
    assert online.status_code == 200 and "有效" in online.get_data(as_text=True)
    for app in (old, new):
        with app.app_context():
            db.engine.dispose()


def test_an_installation_without_a_key_file_keeps_the_key_derived_from_its_secret(tmp_path):
    import hashlib
    import hmac

    app = _system(tmp_path, "some-secret")
    with app.app_context():
        assert id_hash_key() == hmac.new(b"some-secret", b"lms-id-number-hash", hashlib.sha256).digest()
