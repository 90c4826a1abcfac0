"""The public verification rate limit holds for the whole site, whatever the number of worker processes."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from lms.extensions import db
from tests.factories import make_county, make_learner, make_township, make_user, make_village
from tests.factories.certificates import issued_study_records, withdraw

PROJECT = Path(__file__).resolve().parents[3]
# One gunicorn worker: its own process and its own app, on the shared database and data folder.
WORKER = """
import json, sys
from lms import create_app
url, data_dir, token, count = sys.argv[1:5]
app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": data_dir,
                                       "VERIFY_RATE_LIMIT": "3 per minute"})
client = app.test_client()
print(json.dumps([client.get(f"/v/{token}").status_code for _ in range(int(count))]))
"""


def _worker(database_url: str, data_dir: Path, token: str, requests: int) -> list[int]:
    done = subprocess.run([sys.executable, "-c", WORKER, database_url, str(data_dir), token, str(requests)],
                          cwd=PROJECT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.commits
def test_two_worker_processes_share_the_verification_rate_limit(app, database_url, tmp_path):
    with app.app_context():
        village = make_village(make_township(make_county()))
        learner = withdraw(make_learner(village, enrolled_on=date(2022, 3, 1)), date(2024, 5, 10))
        batch = issued_study_records(make_user("registrar"), [learner], issued_on=date(2025, 7, 1))
        token = batch.members[0].certificate.token
        db.session.commit()
    data_dir = tmp_path / "data"     # the embedded default: counters in the data folder both workers share
    first = _worker(database_url, data_dir, token, 2)
    second = _worker(database_url, data_dir, token, 2)
    assert first + second == [200, 200, 200, 429]
