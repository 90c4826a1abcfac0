"""Benchmark: platform records pushed through the API (batches of JSON over HTTP) against the same number of
records imported as a file (`online-hours`, the same check and writer).

    .venv/bin/python bench/api_push.py 20000                  # SQLite file under /tmp
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/api_push.py 20000

A county of learners from bench/audit_data.py; each learner gets records on distinct days (45 minutes each, under
every daily cap). The file is a CSV imported by the pipeline behind `flask lms import`; the pushes go through the
whole request (JSON parsing, key check, rate limit, audit row, one commit per batch) with Flask's test client,
so only the network is left out. Both sets are new records; each is then sent again (every record unchanged).
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.audit_data import generate  # noqa: E402
from lms import create_app  # noqa: E402
from lms.api.services import create_key  # noqa: E402
from lms.auth.scope import EVERYTHING  # noqa: E402
from lms.core import clock  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.geo.models import Division  # noqa: E402
from lms.imports.pipeline import run_import  # noqa: E402
from lms.learners.models import Learner  # noqa: E402
from lms.teaching.importers.hours import OnlineHoursImporter  # noqa: E402

BATCH = 1000
HEADER = "身份证号,姓名,平台,课程名称,学习时长（分钟）,学习日期,记录编号"


def _records(learners, count: int, platform: str, first_day: dt.date) -> list[dict]:
    per = max(1, -(-count // len(learners)))
    records = []
    for n, (id_number, name) in enumerate(learners):
        for k in range(per):
            if len(records) == count:
                return records
            records.append({"id_number": id_number, "name": name, "platform": platform, "course": "基准课程",
                            "minutes": 45, "studied_on": (first_day + dt.timedelta(days=k)).isoformat(),
                            "record_id": f"{platform}-{n}-{k}"})
    return records


def _csv(records: list[dict]) -> bytes:
    lines = [HEADER] + [",".join(str(r[f]) for f in ("id_number", "name", "platform", "course", "minutes",
                                                     "studied_on", "record_id")) for r in records]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _file_import(data: bytes) -> tuple[float, float, dict]:
    started, cpu = time.perf_counter(), time.process_time()
    importer = OnlineHoursImporter(actor=None, scope=EVERYTHING, today=clock.today())
    summary = run_import(importer, data, "bench.csv")
    db.session.commit()
    return time.perf_counter() - started, time.process_time() - cpu, summary.as_dict()


def _push(client, headers, records: list[dict]) -> tuple[float, float, dict]:
    totals = {"written": 0, "unchanged": 0, "refused": 0}
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(records), BATCH):
        response = client.post("/api/v1/platform-records", json={"records": records[start:start + BATCH]},
                               headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        for name in totals:
            totals[name] += response.json[name]
    return time.perf_counter() - started, time.process_time() - cpu, totals


def main(count: int) -> None:
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": tempfile.mkdtemp(),
                                           "SUMMARIES_GUARD": False, "API_RATE_LIMIT": "100000 per minute"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        generate(max(200, count // 20))
        db.session.commit()
        learners = db.session.execute(select(Learner.id_number, Learner.name).where(
            Learner.prior_education != "高中及以上", Learner.cohort >= 2024).order_by(Learner.id)).all()
        county = db.session.scalar(select(Division).where(Division.level == "county"))
        _, secret = create_key(actor=None, name="基准", purpose="platform_hours", area_id=county.id,
                               expires_on=clock.today())
        db.session.commit()
        headers = {"Authorization": f"Bearer {secret}"}
        as_file = _records(learners, count, "文件平台", dt.date(2025, 10, 8))
        as_json = _records(learners, count, "接口平台", dt.date(2026, 3, 2))
        client = app.test_client()
        rows = []
        for label, run in (("file import", lambda: _file_import(_csv(as_file))),
                           ("API push", lambda: _push(client, headers, as_json)),
                           ("file again", lambda: _file_import(_csv(as_file))),
                           ("API again", lambda: _push(client, headers, as_json))):
            wall, cpu, result = run()
            rows.append((label, wall, cpu, result))
            if result.get("errors") and label == "file import":
                print("  e.g.", result["errors"][0])
            print(f"{label}: {count} records, {wall:.2f} s wall, {cpu:.2f} s CPU, {count / wall:,.0f} records/s, "
                  f"written {result['written']}, unchanged {result['unchanged']}, "
                  f"refused {result.get('refused', len(result.get('errors', [])))}")
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
