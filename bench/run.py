"""Time `flask lms hours` against the bare aggregate in the same run, and three pages, on a generated database.

    python -m bench.run --url sqlite:////tmp/bench.sqlite3 [--repeat 3]

Measured in one run on the same data (median of --repeat runs, all rows fetched):
  bare       SELECT learner_id, sum(minutes) FROM attendance GROUP BY learner_id — the floor
  hours      hour_totals_statement(): F, L, P, S per learner over attendance+sessions, platform, self-study
             (as the command asks it: up to as_of and each learner's period end)
  command    `flask lms hours --as-of 2025-12-31` in process (Flask's CLI runner, output captured): every
             learner's facts, hours F/L/P/S and R1, R2, R3, R5, R6, one line per learner, the audit record
and the latency of the learner hours page, the class page and a session's attendance sheet (test client,
logged in as a registrar). Prints a Markdown table for bench/README.md. Uses only what every version of the
application has, so the same file measures "before" on an older checkout.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date

from sqlalchemy import func, select

AS_OF = date(2025, 12, 31)


def _median(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run(url: str, repeat: int) -> list[tuple[str, str, str]]:
    from bench.generate import BENCH_PASSWORD
    from lms import create_app
    from lms.extensions import db
    from lms.learners.models import Learner
    from lms.teaching.hours import hour_totals_statement
    from lms.teaching.models import Attendance, ClassSession

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": "/tmp/lms-bench-data",
                                           "WTF_CSRF_ENABLED": False,
                                           "SUMMARIES_GUARD": False})   # as in production: no test guard
    rows = []
    with app.app_context():
        learners_count = db.session.scalar(select(func.count()).select_from(Learner))
        attendance_count = db.session.scalar(select(func.count()).select_from(Attendance))
        bare_sql = select(Attendance.learner_id, func.sum(Attendance.minutes)).group_by(Attendance.learner_id)
        within = sorted(db.session.scalars(select(Learner.cohort).distinct()))   # default policies: none after
        hours_sql = hour_totals_statement(as_of=AS_OF, within_period=within)

        def command():
            result = app.test_cli_runner().invoke(args=["lms", "hours", "--as-of", AS_OF.isoformat()])
            assert result.exit_code == 0, result.output
            return result.output.count("\n")

        # Interleaved, so that a change of load on the shared machine hits app and floor alike.
        times: dict[str, list[float]] = {"bare": [], "hours": [], "command": []}
        lines = 0
        for _ in range(repeat):
            for name, fn in (("bare", lambda: db.session.execute(bare_sql).all()),
                             ("hours", lambda: db.session.execute(hours_sql).all()), ("command", command)):
                started = time.perf_counter()
                result = fn()
                times[name].append(time.perf_counter() - started)
                if name == "command":
                    lines = result
                db.session.remove()
        assert lines == learners_count, (lines, learners_count)
        bare, hours, app_time = (statistics.median(times[name]) for name in ("bare", "hours", "command"))
        rows += [("bare aggregate (attendance only) — the floor", f"{bare:.2f} s", "1.0"),
                 ("hours F/L/P/S per learner, set-based SQL", f"{hours:.2f} s", f"{hours / bare:.1f}"),
                 ("`flask lms hours`: facts, hours, R1/R2/R3/R5/R6, a line per learner", f"{app_time:.2f} s",
                  f"{app_time / bare:.2f}")]
        middle = db.session.execute(select(Learner.id, Learner.class_id).order_by(Learner.id)
                                    .offset(learners_count // 2).limit(1)).one()
        learner_id, class_id = middle.id, middle.class_id
        session_id = db.session.scalar(select(ClassSession.id).where(ClassSession.class_id == class_id).limit(1))
        db.session.remove()
    client = app.test_client()
    login = client.post("/login", data={"username": "bench", "password": BENCH_PASSWORD})   # CSRF off in bench only
    assert login.status_code == 302, "bench login failed"
    for label, path in (("learner hours page", f"/learners/{learner_id}/hours"),
                        ("class page (sessions, R4, at-risk)", f"/classes/{class_id}"),
                        ("attendance sheet (40 learners)", f"/sessions/{session_id}/attendance")):
        client.get(path)                                                     # warm the template cache
        latency, response = _median(lambda path=path: client.get(path), max(repeat, 5))
        assert response.status_code == 200, (path, response.status_code)
        rows.append((label, f"{latency * 1000:.0f} ms", ""))
    print(f"\n{learners_count:,} learners, {attendance_count:,} attendance rows ({url.split(':')[0]}), "
          f"as of {AS_OF}, median of {repeat}; load average {os.getloadavg()[0]:.2f} at the end\n")
    print("| measure | time | × bare |\n|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run(args.url, args.repeat)


if __name__ == "__main__":
    main()
