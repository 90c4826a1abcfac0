"""Benchmark: the roster import (.csv and .xlsx, 100,000 rows) against its floors, side by side in the same run.

    .venv/bin/python bench/roster_data.py --rows 100000          # once: writes bench/data/
    .venv/bin/python bench/roster_import.py                      # SQLite file in a temporary folder
    .venv/bin/python bench/roster_import.py --database-url postgresql+psycopg://…/db
    bench/run-roster-benchmark                                   # both, with a throwaway PostgreSQL

Each round (median of --repeat, default 3) times, into an emptied roster_entries table:
- **app import**: read + check + write + commit, as `flask lms import roster` does;
- **re-import**: the same file again at once, on the same connection (every row unchanged, nothing written) —
  the PostgreSQL stall of issue 17 (a generic plan of the ID look-up) showed here;
- **floor** (bench/roster_floor.py): .csv — plain read + prepare the same values + one executemany/COPY into
  roster_entries with its indexes; .xlsx — python-calamine's read alone.
It prints one Markdown row per file: medians, the app/floor ratio and the load average.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from roster_floor import csv_floor, xlsx_floor  # noqa: E402
from sqlalchemy import delete, func, select  # noqa: E402

from lms import create_app  # noqa: E402
from lms.auth.scope import EVERYTHING  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.geo.importers import DivisionImporter  # noqa: E402
from lms.imports.pipeline import run_import  # noqa: E402
from lms.learners.importers.roster import RosterImporter  # noqa: E402
from lms.learners.models import RosterEntry  # noqa: E402
from lms.learners.pinyin import name_initials  # noqa: E402
from lms.teaching.services import ensure_default_specialties  # noqa: E402

DATA = Path(__file__).parent / "data"
TODAY = date(2025, 9, 1)


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def emptied() -> None:
    db.session.execute(delete(RosterEntry))
    db.session.commit()


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(RosterEntry))


def main() -> None:
    parser = argparse.ArgumentParser(description="roster import benchmark: app vs floor")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", default="csv,xlsx")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": str(workdir),
                                           "IMPORT_MAX_BYTES": 64 * 1024 * 1024})
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_default_specialties()
        run_import(DivisionImporter(actor=None, scope=EVERYTHING, today=TODAY),
                   (DATA / "divisions.csv").read_bytes(), "divisions.csv")
        db.session.commit()
        name_initials("王德才")        # pypinyin's dictionaries load once per process, before any timing
        print("| database | file | rows | app import | floor | app ÷ floor | re-import (unchanged) | load avg |")
        print("|---|---|---:|---:|---:|---:|---:|---:|", flush=True)
        for suffix in args.files.split(","):
            path = DATA / f"roster-{args.rows}.{suffix}"
            data = path.read_bytes()
            app_times, again_times, floor_times = [], [], []

            def import_and_commit(data=data, path=path):
                summary = run_import(RosterImporter(actor=None, scope=EVERYTHING, today=TODAY), data, path.name)
                db.session.commit()
                return summary

            for _ in range(args.repeat):
                emptied()
                summary, seconds = timed(import_and_commit)
                assert summary.written == stored() == args.rows - len(summary.errors), (summary.written, stored())
                app_times.append(seconds)
                again, seconds = timed(import_and_commit)
                assert again.written == 0 and again.unchanged == summary.written
                again_times.append(seconds)
                emptied()
                if suffix == "csv":
                    count, seconds = timed(lambda data=data: csv_floor(data))
                    assert count == stored() == args.rows
                else:
                    count, seconds = timed(lambda path=path: xlsx_floor(path))
                    assert count == args.rows + 1
                floor_times.append(seconds)
            app_s, floor_s, again_s = (statistics.median(t) for t in (app_times, floor_times, again_times))
            floor_name = "csv read + prepare + executemany" if suffix == "csv" else "calamine read"
            if backend == "PostgreSQL" and suffix == "csv":
                floor_name = "csv read + prepare + COPY"
            print(f"| {backend} | .{suffix} | {args.rows:,} | {app_s:.2f} s | {floor_s:.2f} s ({floor_name}) | "
                  f"{app_s / floor_s:.2f}× | {again_s:.2f} s | {os.getloadavg()[0]:.2f} |", flush=True)
            print(f"  runs: app {[round(t, 2) for t in app_times]}, floor {[round(t, 2) for t in floor_times]}, "
                  f"re-import {[round(t, 2) for t in again_times]}", file=sys.stderr, flush=True)
            if summary.errors:
                print(f"  ({len(summary.errors)} refused, e.g. {summary.errors[0]})", file=sys.stderr)
        emptied()
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
