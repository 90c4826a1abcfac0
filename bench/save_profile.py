"""Where one attendance save spends its time: the same POST as bench/load.py --saves, in one process.

    .venv/bin/python bench/save_profile.py --data /tmp/load-saves [--saves 200] [--top 30] [--live]

Copies the database that `bench/load.py --saves --data DIR --prepare-only` generated, logs a teacher in with
Flask's test client, and saves their 40-learner sheet --saves times under cProfile (production settings,
no server, no client, no other request): prints the time per save, the SQL statements one save runs, and the
functions that take the time.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATUSES = ("present", "late", "leave", "absent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a folder made by bench/load.py --saves --prepare-only")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime)")
    parser.add_argument("--live", action="store_true", help="a teacher whose sessions are live-online")
    args = parser.parse_args()
    data = Path(args.data)
    plan = json.loads((data / "plan.json").read_text())
    work = Path(tempfile.mkdtemp(prefix="lms-save-profile-"))
    shutil.copyfile(data / "lms.sqlite3", work / "lms.sqlite3")

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from bench.load import _csrf
    from bench.load_data import app_for

    os.environ.update({"LMS_SESSION_COOKIE_SECURE": "0", "LMS_TRUSTED_PROXIES": "1"})
    app = app_for(f"sqlite:///{work / 'lms.sqlite3'}", str(data / "data"))
    app.config["PREFERRED_URL_SCHEME"] = "http"       # the test client's requests: plain http, as from the bench
    klass = next(c for c in plan["classes"] if (c["mode"] == "live") == args.live)
    client = app.test_client()
    token = _csrf(client.get("/login").get_data())
    client.post("/login", data={"csrf_token": token, "username": klass["teacher"], "password": plan["password"]})
    session_id = klass["sessions"][0]
    page = client.get(f"/sessions/{session_id}/attendance").get_data(as_text=True)
    token = _csrf(page.encode())
    version = int(re.search(r'name="version" value="(\d+)"', page).group(1))
    rng = random.Random(1)

    def save() -> None:
        nonlocal version
        form = {"csrf_token": token, "version": str(version)}
        for learner in klass["learners"]:
            form[f"status-{learner}"], form[f"hours-{learner}"] = rng.choice(STATUSES), ""
        response = client.post(f"/sessions/{session_id}/attendance", data=form)
        assert response.status_code == 302, response.status_code
        version += 1

    save()      # the first save inserts the rows; the rest update them, as a teacher correcting a sheet
    statements: list[str] = []
    listener = lambda _c, _cur, statement, *_a: statements.append(statement)   # noqa: E731
    event.listen(Engine, "before_cursor_execute", listener)
    save()
    event.remove(Engine, "before_cursor_execute", listener)
    print(f"one save: {len(statements)} SQL statements")
    for statement in statements:
        print("   ", " ".join(statement.split())[:140])
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.saves):
        save()
    profile.disable()
    elapsed = time.perf_counter() - started
    print(f"\n{args.saves} saves: {1000 * elapsed / args.saves:.1f} ms per save under cProfile "
          f"({klass['mode']}, {len(klass['learners'])} learners)\n")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    started = time.perf_counter()
    for _ in range(args.saves):
        save()
    print(f"without the profiler: {1000 * (time.perf_counter() - started) / args.saves:.1f} ms per save")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
