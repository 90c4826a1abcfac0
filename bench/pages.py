"""Page GETs against their floor: the attendance sheet, the class page and the county dashboard (issue 17).

    .venv/bin/python bench/pages.py [--seconds 10] [--repeat 3] [--processes 2] [--connections 4] [--keep]
    .venv/bin/python bench/pages.py --profile sheet|class|dashboard [--iterations 300]   # cProfile, in-process

Builds a fresh SQLite database with the migrations (a county of 4 townships × 3 villages, a class of 40
learners in each village with a term of 36 past 8-hour sessions, attendance marked on every one, the summaries
counted; a teacher of the first class and a bureau user), then starts two gunicorns with the same flags as
bench/load.py (`--workers 2 --threads 4`, gthread, production settings): the application, and the hello-world
floor (bench/hello_app.py). One client hammers each in turn for --seconds: --processes client processes with
--connections keep-alive connections each, every request read to the end. The floor and the pages get THE SAME
client in the same run, so the ratio is fair; the client shares the two cores with gunicorn (as it would with
nginx), and it costs the floor more than the pages, so the ratios are if anything flattered in favour of the
floor being lower than a faster client would show.

Then, in-process, for each page: its SQL statements (captured for one warm request), the time of those same
statements replayed bare with the sqlite3 driver (every row fetched), against the page's own time (Flask's test
client, median of 50).
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load as load_test  # noqa: E402  (after the path: gunicorn start and free ports shared with the load test)

PASSWORD = "test-pass-123"
TOWNSHIPS, VILLAGES, CLASS_SIZE, SESSIONS = 4, 3, 40, 36
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
LABELS = {"floor": "hello-world floor", "sheet": "attendance sheet", "class": "class page",
          "dashboard": "county dashboard"}


# --- the data ------------------------------------------------------------------------------------

def app_for(url: str, data_dir: str):
    """The application with production settings on this database (as gunicorn runs it)."""
    os.environ.update({"LMS_ENV": "production", "LMS_DATABASE_URL": url, "LMS_DATA_DIR": data_dir,
                       "LMS_SECRET_KEY": "pages-bench-secret-key", "LMS_SESSION_COOKIE_SECURE": "0",
                       "LMS_PUBLIC_BASE_URL": os.environ.get("LMS_PUBLIC_BASE_URL", "http://127.0.0.1")})
    from lms import create_app

    return create_app("production")


def build(url: str, data_dir: str) -> dict:
    """The county (see the module doc); returns the plan: users and the pages' paths."""
    import random
    from datetime import date, timedelta

    from flask_migrate import upgrade

    from lms import summaries
    from lms.core import clock
    from lms.extensions import db
    from tests.factories import (
        make_class,
        make_county,
        make_learner,
        make_session,
        make_teaching_point,
        make_township,
        make_user,
        make_village,
    )
    from tests.factories.teaching import mark_attendance

    rng = random.Random(17)
    app = app_for(url, data_dir)
    with app.app_context():
        upgrade()
        today = clock.today()
        with summaries.counted_once_at_the_end():
            county = make_county("压测县")
            classes, sessions_of_first = [], []
            for t in range(TOWNSHIPS):
                township = make_township(county, f"第{t + 1}镇")
                for v in range(VILLAGES):
                    village = make_village(township, f"第{t + 1}镇{v + 1}村")
                    index = len(classes)
                    teaching_class = make_class(make_teaching_point(village), code=f"YM-{index + 1:02d}")
                    learners = [make_learner(village, teaching_class=teaching_class,
                                             name=f"学员{index + 1}-{n + 1:02d}", enrolled_on=date(2026, 3, 1),
                                             birth_on=date(1975 + n % 25, 1 + n % 12, 1 + index % 28))
                                for n in range(CLASS_SIZE)]
                    sessions = [make_session(teaching_class, held_on=today - timedelta(days=1 + 4 * k), hours=8)
                                for k in range(SESSIONS)]
                    for session in sessions:
                        for learner in learners:
                            mark_attendance(session, learner, refresh=False, status=rng.choices(
                                ("present", "late", "leave", "absent"), (85, 5, 5, 5))[0])
                    summaries.hours_changed([learner.id for learner in learners])
                    classes.append(teaching_class)
                    if index == 0:
                        sessions_of_first = sessions
            teacher = make_user("teacher", classes=[classes[0]], username="teacher")
            make_user("bureau", username="bureau")
        db.session.commit()
        return {"sheet": f"/sessions/{sessions_of_first[0].id}/attendance", "class": f"/classes/{classes[0].id}",
                "dashboard": "/reports/", "users": {"sheet": teacher.username, "class": teacher.username,
                                                    "dashboard": "bureau"}}


# --- the servers ---------------------------------------------------------------------------------

def start_gunicorn(target: str, env: dict, port: int, log: Path) -> subprocess.Popen:
    """gunicorn as bench/load.py starts it: 2 workers × 4 threads (gthread)."""
    return load_test.start_gunicorn(env, port, 2, 4, log, app=target)


def login_cookie(port: int, username: str) -> str:
    """Log in through the form; the session cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookies = _cookies(response, {})
    match = CSRF.search(page)
    form = urlencode({"csrf_token": match.group(1) or match.group(2), "username": username, "password": PASSWORD})
    connection.request("POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(cookies)})
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"{username} 无法登录(HTTP {response.status})")
    return _cookie_header(_cookies(response, cookies))


def _cookies(response, cookies: dict) -> dict:
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return cookies


def _cookie_header(cookies: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# --- the client ----------------------------------------------------------------------------------

def _connection_loop(port, path, cookie, deadline, out):
    import threading  # noqa: F401  (run in a thread of a client process)

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    times, errors = [], 0
    while True:
        started = time.perf_counter()
        if started >= deadline:
            break
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ok = False
        if ok:
            times.append(time.perf_counter() - started)
        else:
            errors += 1
    connection.close()
    out.append((times, errors))


def _client_process(port, path, cookie, start_at, seconds, connections, queue):
    import threading

    while time.time() < start_at:
        time.sleep(0.005)
    deadline = time.perf_counter() + seconds
    out: list = []
    threads = [threading.Thread(target=_connection_loop, args=(port, path, cookie, deadline, out))
               for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(out)


def hammer(port: int, path: str, cookie: str, seconds: float, processes: int, connections: int) -> dict:
    """processes × connections keep-alive clients GET `path` for `seconds`: req/s, p50, p95, errors."""
    queue = multiprocessing.Queue()
    start_at = time.time() + 0.5
    clients = [multiprocessing.Process(target=_client_process,
                                       args=(port, path, cookie, start_at, seconds, connections, queue))
               for _ in range(processes)]
    for client in clients:
        client.start()
    results = [queue.get() for _ in clients]
    for client in clients:
        client.join()
    times = sorted(t for out in results for times, _ in out for t in times)
    errors = sum(errors for out in results for _, errors in out)
    if not times:
        return {"rps": 0.0, "p50": 0.0, "p95": 0.0, "errors": errors}
    return {"rps": len(times) / seconds, "p50": times[len(times) // 2] * 1000,
            "p95": times[min(len(times) - 1, int(len(times) * 0.95))] * 1000, "errors": errors}


# --- in-process: queries against the page -------------------------------------------------------

def in_process(url: str, data_dir: str, plan: dict, iterations: int = 50) -> dict:
    """For each page: statements of one warm request, their bare replay time, and the page's own time."""
    from sqlalchemy import event

    from lms.extensions import db

    app = app_for(url, data_dir)
    database = url.removeprefix("sqlite:///")
    found = {}
    for page in ("sheet", "class", "dashboard"):
        client = _test_client_logged_in(app, plan["users"][page])
        client.get(plan[page])
        captured: list = []

        def before(_conn, _cursor, statement, parameters, _context, _many, captured=captured):
            captured.append((statement, parameters))

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        response = client.get(plan[page])
        event.remove(engine, "before_cursor_execute", before)
        assert response.status_code == 200, (page, response.status_code)
        page_times = []
        for _ in range(iterations):
            started = time.perf_counter()
            client.get(plan[page])
            page_times.append(time.perf_counter() - started)
        selects = [(s, p) for s, p in captured if s.lstrip().upper().startswith(("SELECT", "WITH"))]
        bare = sqlite3.connect(database)
        bare_times = []
        for _ in range(iterations):
            started = time.perf_counter()
            for statement, parameters in selects:
                bare.execute(statement, parameters).fetchall()
            bare_times.append(time.perf_counter() - started)
        bare.close()
        found[page] = {"statements": len(captured), "selects": len(selects),
                       "page_ms": statistics.median(page_times) * 1000,
                       "bare_ms": statistics.median(bare_times) * 1000,
                       "sql": [s for s, _ in captured]}
    return found


def _test_client_logged_in(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    match = CSRF.search(page)
    response = client.post("/login", data={"csrf_token": match.group(1) or match.group(2), "username": username,
                                           "password": PASSWORD},
                           headers={"Referer": "https://localhost/login"})   # production: https, strict CSRF
    assert response.status_code == 302, response.status_code
    return client


def profile(url: str, data_dir: str, plan: dict, page: str, iterations: int) -> None:
    """cProfile of `iterations` requests of one page, in-process; the top of the cumulative and own times."""
    import cProfile
    import pstats

    app = app_for(url, data_dir)
    client = _test_client_logged_in(app, plan["users"][page])
    for _ in range(5):
        client.get(plan[page])
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(iterations):
        client.get(plan[page])
    profiler.disable()
    print(f"{page}: {(time.perf_counter() - started) / iterations * 1000:.2f} ms per request under cProfile")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


# --- main ----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--connections", type=int, default=4, help="keep-alive connections per client process")
    parser.add_argument("--pages", default="sheet,class,dashboard")
    parser.add_argument("--work", type=Path, help="reuse (or build into) this folder instead of a temp one")
    parser.add_argument("--profile", choices=("sheet", "class", "dashboard"))
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)   # the child that builds
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="lms-bench-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    url, data_dir, plan_file = f"sqlite:///{work / 'lms.sqlite3'}", str(work / "data"), work / "plan.json"
    if args.build:
        plan_file.write_text(json.dumps(build(url, data_dir)))
        return
    if not plan_file.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--build", "--work", str(work)],
                       check=True, cwd=ROOT)
        print(f"database built in {time.perf_counter() - started:.0f} s: {work}", file=sys.stderr)
    plan = json.loads(plan_file.read_text())
    if args.profile:
        profile(url, data_dir, plan, args.profile, args.iterations)
        return

    pages = args.pages.split(",")
    env = {**os.environ, "LMS_ENV": "production", "LMS_DATABASE_URL": url, "LMS_DATA_DIR": data_dir,
           "LMS_SECRET_KEY": "pages-bench-secret-key", "LMS_SESSION_COOKIE_SECURE": "0"}
    app_port, floor_port = load_test.free_port(), load_test.free_port()
    env["LMS_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{app_port}"
    servers = [start_gunicorn("wsgi:app", env, app_port, work / "gunicorn-app.log"),
               start_gunicorn("bench.hello_app:app", env, floor_port, work / "gunicorn-floor.log")]
    runs: dict[str, list[dict]] = {key: [] for key in ["floor", *pages]}
    try:
        cookies = {page: login_cookie(app_port, plan["users"][page]) for page in pages}
        for page in pages:      # warm every worker's caches (templates, policies) before measuring
            hammer(app_port, plan[page], cookies[page], 1, args.processes, args.connections)
        hammer(floor_port, "/", "", 1, args.processes, args.connections)
        for _ in range(args.repeat):
            runs["floor"].append(hammer(floor_port, "/", "", args.seconds, args.processes, args.connections))
            for page in pages:
                runs[page].append(hammer(app_port, plan[page], cookies[page], args.seconds, args.processes,
                                         args.connections))
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=60)
    load = os.getloadavg()
    print(f"\ngunicorn 2 workers × 4 threads, SQLite, {args.processes} client processes × {args.connections} "
          f"keep-alive connections, {args.seconds:.0f} s each, {args.repeat} runs (median); "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    floor = statistics.median(r["rps"] for r in runs["floor"])
    print("| page | req/s (runs) | median req/s | p50 | p95 | errors | of the floor |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for key, results in runs.items():
        rps = statistics.median(r["rps"] for r in results)
        print(f"| {LABELS[key]} | {' / '.join(format(r['rps'], '.0f') for r in results)} | {rps:.0f} | "
              f"{statistics.median(r['p50'] for r in results):.1f} ms | "
              f"{statistics.median(r['p95'] for r in results):.1f} ms | {sum(r['errors'] for r in results)} | "
              f"{rps / floor * 100:.1f} % |")
    found = in_process(url, data_dir, plan)
    print("\n| page | SQL statements | of them SELECT | bare replay (sqlite3) | page in-process | queries' share |")
    print("|---|---:|---:|---:|---:|---:|")
    for page in pages:
        f = found[page]
        print(f"| {LABELS[page]} | {f['statements']} | {f['selects']} | {f['bare_ms']:.2f} ms | {f['page_ms']:.2f} ms "
              f"| {f['bare_ms'] / f['page_ms'] * 100:.0f} % |")
    if os.environ.get("PAGES_SHOW_SQL"):
        for page in pages:
            print(f"\n-- {page}")
            for statement in found[page]["sql"]:
                print(" ".join(statement.split())[:200])
    if not args.keep and not args.work:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
