"""Benchmark: import a generated roster (.xlsx and .csv) into an empty database, then again (idempotent).

    .venv/bin/python bench/roster_data.py --rows 100000          # once: writes bench/data/
    .venv/bin/python bench/roster_import.py                      # SQLite file in a temporary folder
    .venv/bin/python bench/roster_import.py --database-url postgresql+psycopg://…/db
    bench/run-roster-benchmark                                   # both, with a throwaway PostgreSQL

For each file it times: reading the spreadsheet alone (read_table), checking every row (a dry run),
the whole import (read + check + write + commit, as `flask lms import roster` does) and a second import
of the same file (nothing to write). It prints one Markdown table row per file.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, select  # noqa: E402

from lms import create_app  # noqa: E402
from lms.auth.scope import EVERYTHING  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.geo.importers import DivisionImporter  # noqa: E402
from lms.imports.files import read_table  # noqa: E402
from lms.imports.pipeline import run_import  # noqa: E402
from lms.learners.importers.roster import RosterImporter  # noqa: E402
from lms.learners.models import RosterEntry  # noqa: E402
from lms.teaching.services import ensure_default_specialties  # noqa: E402

DATA = Path(__file__).parent / "data"
TODAY = date(2025, 9, 1)


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description="roster import benchmark")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rows", type=int, default=100_000)
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
        print("| database | file | rows | read only | check (dry run) | whole import | rows/s | again (unchanged) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for suffix in ("xlsx", "csv"):
            path = DATA / f"roster-{args.rows}.{suffix}"
            data = path.read_bytes()
            _, read_seconds = timed(lambda data=data, path=path: read_table(data, path.name, max_bytes=64 * 1024 * 1024))
            _, check_seconds = timed(lambda data=data, path=path: run_import(RosterImporter(actor=None, scope=EVERYTHING, today=TODAY),
                                                        data, path.name, write=False))
            db.session.rollback()

            def import_and_commit(data=data, path=path):
                summary = run_import(RosterImporter(actor=None, scope=EVERYTHING, today=TODAY), data, path.name)
                db.session.commit()
                return summary

            summary, import_seconds = timed(import_and_commit)
            again, again_seconds = timed(import_and_commit)
            stored = db.session.scalar(select(func.count()).select_from(RosterEntry))
            assert summary.written == stored == args.rows - len(summary.errors), (summary.written, stored)
            assert again.written == 0 and again.unchanged == summary.written
            print(f"| {backend} | .{suffix} | {summary.rows:,} | {read_seconds:.1f} s | {check_seconds:.1f} s | "
                  f"{import_seconds:.1f} s | {summary.rows / import_seconds:,.0f} | {again_seconds:.1f} s |",
                  flush=True)
            if summary.errors:
                print(f"  ({len(summary.errors)} refused, e.g. {summary.errors[0]})", file=sys.stderr)
            db.session.execute(delete(RosterEntry))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
