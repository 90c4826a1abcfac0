"""Benchmark: the graduation audit (decide() for every learner) and its .xlsx export on N learners.

    .venv/bin/python bench/audit.py 10000          # SQLite file under /tmp
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/audit.py 10000

Prints wall and CPU seconds for each step (CPU time is the fairer figure on a shared machine) and the
number of SQL statements the audit ran.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.audit_data import generate  # noqa: E402
from lms import create_app  # noqa: E402
from lms.assessment.audit import audit_decisions  # noqa: E402
from lms.assessment.views.graduation import audit_workbook  # noqa: E402
from lms.auth.scope import EVERYTHING  # noqa: E402
from lms.extensions import db  # noqa: E402


def main(learners: int) -> None:
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": tempfile.mkdtemp()})
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        generate(learners)
        print(f"generate {learners} learners: {time.perf_counter() - started:.1f} s")
        statements = []
        event.listen(Engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        for label in ("audit (cold)", "audit (warm)"):
            db.session.expire_all()
            statements.clear()
            started, cpu = time.perf_counter(), time.process_time()
            report = audit_decisions(EVERYTHING, dt.date(2026, 7, 1))
            print(f"{label}: {time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, "
                  f"{len(statements)} queries, counts {dict(report.counts)}")
        started, cpu = time.perf_counter(), time.process_time()
        data = audit_workbook(report)
        print(f"xlsx export: {time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, "
              f"{len(data) // 1024} KiB")
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
