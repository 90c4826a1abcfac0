"""Benchmark: the graduation audit (decide() for every learner) on N learners, against its SQL floor.

    .venv/bin/python bench/audit.py 10000                  # SQLite file under /tmp
    .venv/bin/python bench/audit.py 10000 --db /tmp/a.sqlite3   # keep (and reuse) that SQLite file
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/audit.py 10000 [--reuse]

The floor is the audit's OWN SQL: every statement the app sent (captured with a SQLAlchemy
before_cursor_execute listener, with its parameters) replayed on a raw DB-API connection of the same
driver (sqlite3 / psycopg), every row fetched — no ORM, no result processing, no rules. Each round times
the app, then the floor, in the same process; medians of `--rounds` (3) rounds after one warm-up audit.
Also prints the .xlsx export (once). With --reuse (or an existing --db file) a database that already
holds N learners is used as it is (generation takes most of a minute at 10 k learners).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.audit_data import generate  # noqa: E402
from lms import create_app  # noqa: E402
from lms.assessment.audit import audit_decisions  # noqa: E402
from lms.assessment.views.graduation import audit_workbook  # noqa: E402
from lms.auth.scope import EVERYTHING  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.learners.models import Learner  # noqa: E402

AS_OF = dt.date(2026, 7, 1)


def replay(statements: list[tuple[str, object]]) -> tuple[float, int]:
    """Run the captured statements on a raw DB-API connection, fetching every row: (seconds, rows)."""
    raw = db.engine.raw_connection()
    try:
        started = time.perf_counter()
        rows = 0
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            rows += len(cursor.fetchall())
        cursor.close()
        raw.rollback()
        return time.perf_counter() - started, rows
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("learners", type=int, nargs="?", default=10000)
    parser.add_argument("--db", help="SQLite file to keep and reuse")
    parser.add_argument("--reuse", action="store_true", help="reuse a database already holding N learners")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-export", action="store_true")
    args = parser.parse_args()
    url = (os.environ.get("LMS_BENCH_DATABASE_URL")
           or f"sqlite:///{args.db or Path(tempfile.mkdtemp()) / 'bench.sqlite3'}")
    reuse = args.reuse or bool(args.db)
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": tempfile.mkdtemp()})
    with app.app_context():
        have = 0
        if reuse:
            try:
                have = db.session.scalar(select(func.count()).select_from(Learner))
            except Exception:  # no tables yet
                pass
            db.session.rollback()   # let go of the read before drop_all's connection writes
        if have != args.learners:
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            generate(args.learners)
            print(f"generate {args.learners} learners: {time.perf_counter() - started:.1f} s")
        db.session.commit()
        if args.rounds == 0:  # generate only (no lock needed for that on the shared machine)
            return
        print(f"{db.engine.dialect.name}, {args.learners} learners, as of {AS_OF}, load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        statements: list[tuple[str, object]] = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            statements.append((statement, parameters))

        event.listen(Engine, "before_cursor_execute", capture)
        db.session.expire_all()
        started = time.perf_counter()
        report = audit_decisions(EVERYTHING, AS_OF)
        db.session.commit()
        print(f"warm-up audit: {time.perf_counter() - started:.2f} s, {len(statements)} statements, "
              f"counts {dict(report.counts)}")
        apps, floors, cpus = [], [], []
        for _ in range(args.rounds):
            db.session.expire_all()
            statements.clear()
            started, cpu = time.perf_counter(), time.process_time()
            report = audit_decisions(EVERYTHING, AS_OF)
            apps.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            db.session.commit()
            captured = list(statements)
            event.remove(Engine, "before_cursor_execute", capture)
            try:
                seconds, rows = replay(captured)
            finally:
                event.listen(Engine, "before_cursor_execute", capture)
            floors.append(seconds)
            print(f"  round: app {apps[-1]:.2f} s (CPU {cpus[-1]:.2f} s), floor {seconds:.2f} s "
                  f"({len(captured)} statements, {rows} rows)")
        event.remove(Engine, "before_cursor_execute", capture)
        app_s, floor_s = statistics.median(apps), statistics.median(floors)
        print(f"audit median of {args.rounds}: app {app_s:.2f} s, floor {floor_s:.2f} s, "
              f"ratio {app_s / floor_s:.1f}×  (app min–max {min(apps):.2f}–{max(apps):.2f} s)")
        if not args.no_export:
            started, cpu = time.perf_counter(), time.process_time()
            data = audit_workbook(report)
            print(f"xlsx export: {time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, "
                  f"{len(data) // 1024} KiB")
        db.session.remove()
        if not reuse:
            db.drop_all()


if __name__ == "__main__":
    main()
