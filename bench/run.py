"""Time every learner's hours and rule states against the bare aggregate, and two pages, on a generated database.

    python -m bench.run --url sqlite:////tmp/bench.sqlite3 [--repeat 3]

Measured in one run on the same data (median of --repeat runs, all rows fetched):
  bare       SELECT learner_id, sum(minutes) FROM attendance GROUP BY learner_id — the floor
  hours      hour_totals_statement(): F, L, P, S per learner over attendance+sessions, platform, self-study
  rules      every learner's facts by the one builder (lms.assessment.facts, hours included) + R1, R2, R3, R5, R6
             by the policy engine (what `flask lms hours` computes)
  summary    the learner_hours summary table in those facts + the engine (what a dashboard reads)
and the latency of the learner hours page, the class page and a session's attendance sheet (test client,
logged in as a registrar). Prints a Markdown table for bench/README.md.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from sqlalchemy import func, select


def _median(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run(url: str, repeat: int) -> list[tuple[str, str, str]]:
    from dataclasses import replace

    from bench.generate import BENCH_PASSWORD
    from lms import create_app
    from lms.assessment.facts import facts_and_policies
    from lms.core.gc import paused_gc
    from lms.extensions import db
    from lms.learners.models import Learner
    from lms.rules import HourTotals
    from lms.teaching.cli import learner_hours_report
    from lms.teaching.hours import hour_totals_statement, summary_totals
    from lms.teaching.models import Attendance, ClassSession

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": "/tmp/lms-bench-data",
                                           "WTF_CSRF_ENABLED": False,
                                           "SUMMARIES_GUARD": False})   # as in production: no test guard
    as_of = date(2025, 12, 31)
    rows = []
    with app.app_context():
        learners_count = db.session.scalar(select(func.count()).select_from(Learner))
        attendance_count = db.session.scalar(select(func.count()).select_from(Attendance))
        bare_sql = select(Attendance.learner_id, func.sum(Attendance.minutes)).group_by(Attendance.learner_id)
        bare, _ = _median(lambda: db.session.execute(bare_sql).all(), repeat)
        hours, _ = _median(lambda: db.session.execute(hour_totals_statement(as_of=as_of)).all(), repeat)
        learners = list(db.session.scalars(select(Learner).order_by(Learner.id)))

        def rules():
            with paused_gc():
                facts, policies = facts_and_policies(None, as_of, courses=False)
            return sum(1 for _ in learner_hours_report(learners, facts, policies))

        built, policies = facts_and_policies(None, as_of, courses=False)

        def summary():
            totals = summary_totals()
            facts = {i: replace(fact, hours=totals.get(i, HourTotals())) for i, fact in built.items()}
            return sum(1 for _ in learner_hours_report(learners, facts, policies))

        rules_time, judged = _median(rules, repeat)
        summary_time, _ = _median(summary, repeat)
        assert judged == learners_count
        rows += [("bare aggregate (attendance only)", f"{bare:.2f} s", "1.0"),
                 ("hours F/L/P/S per learner, set-based SQL", f"{hours:.2f} s", f"{hours / bare:.1f}"),
                 ("hours + R1/R2/R3/R5/R6 for every learner", f"{rules_time:.2f} s", f"{rules_time / bare:.1f}"),
                 ("summary table + R1/R2/R3/R5/R6", f"{summary_time:.2f} s", f"{summary_time / bare:.1f}")]
        learner_id = learners[len(learners) // 2].id
        class_id = learners[len(learners) // 2].class_id
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
    print(f"\n{learners_count:,} learners, {attendance_count:,} attendance rows ({url.split(':')[0]})\n")
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
