"""Benchmark: the dashboard and drill-down pages against the bare aggregate queries, same database.

    .venv/bin/python -m bench.generate --url postgresql+psycopg://postgres@127.0.0.1:PORT/bench \
        --size province --attendance 10000000
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/bench .venv/bin/python bench/reports.py

Each page is requested through the app (logged in as a county-wide user, templates rendered) twice:
first with no R4 standing stored (as on the first day of a month, when every standing has expired),
then again (standings read); the "bare" lines run the minimal GROUP BY each figure needs, with no scope, no rules and
no rendering. Prints wall seconds and the number of SQL statements of each page.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, event, select, text
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402

BARE = {
    "learners by status": "SELECT status, count(*) FROM learners GROUP BY status",
    "learners by township, status": "SELECT d.parent_id, l.status, count(*) FROM learners l "
                                    "JOIN divisions d ON d.id = l.village_id GROUP BY d.parent_id, l.status",
    "roster by status": "SELECT status, count(*) FROM roster_entries GROUP BY status",
    "hours ≥ 360 (summary)": "SELECT count(*) FROM learner_hours WHERE self_minutes + platform_minutes "
                             "+ live_minutes >= 21600",
    "certificates by kind": "SELECT kind, count(*) FROM certificates GROUP BY kind",
}


def _timed(label, run, statements):
    statements.clear()
    started = time.perf_counter()
    run()
    print(f"| {label} | {time.perf_counter() - started:.2f} | {len(statements)} |", flush=True)


def main() -> None:
    url = os.environ["LMS_BENCH_DATABASE_URL"]
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": tempfile.mkdtemp(),
                                           "WTF_CSRF_ENABLED": False,
                                           "SUMMARIES_GUARD": False})   # as in production: no test guard
    statements: list[str] = []
    event.listen(Engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with app.app_context():
        from lms.auth.models import User
        from lms.geo.models import Division
        from lms.teaching.models import TeachingClass

        user = db.session.scalar(select(User).where(User.role.in_(("bureau", "admin", "registrar"))).limit(1))
        township = db.session.scalar(select(Division.id).where(Division.level == "township").limit(1))
        village = db.session.scalar(select(Division.id).where(Division.parent_id == township).limit(1))
        klass = db.session.scalar(select(TeachingClass.id).limit(1))
        learners = db.session.scalar(text("SELECT count(*) FROM learners"))
        attendance = db.session.scalar(text("SELECT count(*) FROM attendance"))
        print(f"{learners:,} learners, {attendance:,} attendance rows, user {user.username}")
    client = app.test_client()
    from bench.generate import BENCH_PASSWORD

    client.post("/login", data={"username": user.username, "password": BENCH_PASSWORD})
    with app.app_context():     # start as on the first day of a month: no R4 standing holds
        from lms.reports.models import CadenceStanding

        db.session.execute(delete(CadenceStanding))
        db.session.commit()
    print("| what | seconds | SQL statements |\n|---|---:|---:|")
    for label, url_path in (("dashboard (county)", "/reports/"), ("township", f"/reports/townships/{township}"),
                            ("village", f"/reports/villages/{village}"), ("class", f"/reports/classes/{klass}")):
        for state in ("first view: judges R4, stores standings", "next view: R4 standings read"):
            def fetch(path=url_path):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            _timed(f"{label} page ({state})", fetch, statements)
    for quarter in ("2024Q3", "2025Q4"):     # the generated sessions run 2023–2025
        def fetch_quarter(path=f"/reports/quarterly?period={quarter}"):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        _timed(f"quarterly report {quarter} page", fetch_quarter, statements)
    with app.app_context():
        for label, sql in BARE.items():
            _timed(f"bare: {label}", lambda sql=sql: db.session.execute(text(sql)).all(), statements)
    _write_costs(app, statements)


def _write_costs(app, statements) -> None:
    """What keeping the summaries adds to writes (each rolled back): a class's hours refreshed after an
    attendance sheet, and a new policy for the cohort of every learner (re-bands all of them)."""
    from lms.learners.models import Learner
    from lms.policies.services import save_policy
    from lms.rules import Policy
    from lms.summaries import hours_changed

    with app.app_context():
        class_id = db.session.scalar(select(Learner.class_id).where(Learner.class_id.is_not(None)).limit(1))
        cohort = db.session.scalar(select(Learner.cohort).limit(1))
        ids = db.session.scalars(select(Learner.id).where(Learner.class_id == class_id)).all()
        writes = {f"write: refresh the hours of one class ({len(ids)} learners) + summaries":
                  lambda: hours_changed(ids),
                  f"write: new policy for cohort {cohort} (re-bands its learners)":
                  lambda: save_policy(actor=None, cohort=cohort,
                                      values={**Policy().to_mapping(), "hours_required_minutes": 21000})}
        for label, write in writes.items():
            _timed(label, lambda write=write: (write(), db.session.flush()), statements)
            db.session.rollback()


if __name__ == "__main__":
    main()
