"""Load test: many users at once against gunicorn on SQLite — no request may fail, no saved mark may be lost.

    .venv/bin/python bench/load.py [--users 16] [--seconds 60] [--workers 2] [--threads 4] [--keep]

Generates a fresh database and data folder in a temp folder (bench/load_data.py), starts
`gunicorn --workers 2 --threads 4 wsgi:app` on it with production settings (behind a pretend proxy, so
each public visitor has an address of its own), and runs the users as threads for --seconds:

- half of them are teachers, each with a class of 30: open a session's attendance sheet, save it with new
  marks (7 times in 10), or download the session's sign-in .xlsx;
- a quarter are registrars downloading certificate PDFs;
- a quarter are the public opening certificates' verification pages (/v/<token>).

Then it stops gunicorn and checks the database: every sheet holds the marks of its last successful save,
and every download, save and verification left its audit or log row. Prints a Markdown table for
bench/README.md; exit status 1 when a request failed or a write was lost.

    .venv/bin/python bench/load.py --saves [--users 16] [--class-size 40] [--seconds 30] [--runs 3] [--live]
                                   [--client-processes 2] [--timeout 10] [--data DIR] [--app-root DIR]

Saves only (issue 17): each of --users teachers saves the attendance sheet of one session of their own class
(--class-size learners, new random marks each time, the version the last save left) as fast as the server
answers, for --seconds. Just before, the floor: bench/hello_app.py on the same gunicorn settings, driven by
the same client (the same processes, threads and keep-alive connections, one GET / per turn instead of one
POST), so the ratio compares the app with the smallest Flask app on this machine at this moment. Prints
saves/s, p50/p95, client timeouts (no answer within --timeout) and errors, lost writes (marks not as last
saved, saves without audit, summaries that differ from a fresh count) beside the floor's req/s. --data keeps
the generated database (copied afresh for each run); --app-root runs the app of another source tree (e.g. the
code before a change) against the same data and client.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
VERSION = re.compile(r'name="version" value="(\d+)"')
STATUSES = ("present", "late", "leave", "absent")
CREDITING = ("present", "late")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LABELS = {"sheet": "点名页 GET", "save": "保存考勤 POST", "xlsx": "签到表 .xlsx", "pdf": "证书 PDF",
          "verify": "公开核验 /v/…", "login": "登录"}


@dataclass
class Result:
    kind: str
    status: int
    seconds: float
    ok: bool


@dataclass
class Ledger:
    """What the users did, for the table and for the checks against the database afterwards."""

    results: list[Result] = field(default_factory=list)
    saved: dict[int, dict[int, str]] = field(default_factory=dict)    # session → learner → status, last save
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


class Browser:
    """One user's connection and cookies (keep-alive, like a browser)."""

    def __init__(self, port: int, ledger: Ledger, address: str | None = None):
        self.port, self.ledger, self.address = port, ledger, address
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, form: dict | None = None, *, expect: int = 200,
                mimetype: str | None = None, address: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if address or self.address:
            headers["X-Forwarded-For"] = address or self.address
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.ledger.add(Result(kind, 0, time.perf_counter() - started, False))
            return 0, b""
        elapsed = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        content_type = response.getheader("Content-Type", "")
        ok = response.status == expect and (mimetype is None or content_type.startswith(mimetype))
        self.ledger.add(Result(kind, response.status, elapsed, ok))
        return response.status, content

    def login(self, username: str, password: str) -> None:
        _status, page = self.request("login", "GET", "/login")
        token = _csrf(page)
        status, _ = self.request("login", "POST", "/login", {"csrf_token": token, "username": username,
                                                              "password": password}, expect=302)
        if status != 302:
            raise SystemExit(f"{username} 无法登录(HTTP {status})")


def _csrf(page: bytes) -> str:
    match = CSRF.search(page.decode("utf-8", "replace"))
    if not match:
        raise SystemExit("页面中找不到 CSRF 令牌")
    return match.group(1) or match.group(2)


def teacher(port, plan, klass, ledger, stop, rng):
    browser = Browser(port, ledger)
    browser.login(klass["teacher"], plan["password"])
    while not stop.is_set():
        session_id = rng.choice(klass["sessions"])
        if rng.random() < 0.3:
            browser.request("xlsx", "GET", f"/sessions/{session_id}/sign-in.xlsx", mimetype=XLSX)
            continue
        status, page = browser.request("sheet", "GET", f"/sessions/{session_id}/attendance")
        if status != 200:
            continue
        text = page.decode()
        marks = {learner: rng.choice(STATUSES) for learner in klass["learners"]}
        form = {"csrf_token": _csrf(page), "version": VERSION.search(text).group(1)}
        for learner, mark in marks.items():
            form[f"status-{learner}"], form[f"hours-{learner}"] = mark, ""
        status, _ = browser.request("save", "POST", f"/sessions/{session_id}/attendance", form, expect=302)
        if status == 302:
            ledger.saved[session_id] = marks      # this teacher alone saves this class's sessions


def registrar(port, plan, username, ledger, stop, rng):
    browser = Browser(port, ledger)
    browser.login(username, plan["password"])
    while not stop.is_set():
        certificate = rng.choice(plan["certificates"])
        browser.request("pdf", "GET", f"/certificates/{certificate['id']}/pdf", mimetype="application/pdf")


def visitor(port, plan, ledger, stop, rng):
    browser = Browser(port, ledger)
    while not stop.is_set():
        certificate = rng.choice(plan["certificates"])
        # A phone somewhere in the county: its own address, as nginx passes it on.
        address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        browser.request("verify", "GET", f"/v/{certificate['token']}", address=address)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int, threads: int, log: Path, *, app: str = "wsgi:app",
                   root: Path = ROOT) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                                "--threads", str(threads), "--worker-class", "gthread", "--timeout", "120",
                                app], cwd=root, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn 未能启动,见 {log}") from None
            time.sleep(0.1)
    raise SystemExit("gunicorn 30 秒内未就绪")


def check_database(url: str, data_dir: str, ledger: Ledger) -> dict[str, int]:
    """Compare the database with what the users were told was saved. Returns the counts of problems."""
    from sqlalchemy import func, select

    from bench.load_data import app_for
    from lms.audit.models import AuditEvent
    from lms.certificates.models import VerificationLog
    from lms.extensions import db
    from lms.teaching.models import Attendance

    counts = defaultdict(int)
    for result in ledger.results:
        if result.ok:
            counts[result.kind] += 1
    app = app_for(url, data_dir)
    problems = {}
    with app.app_context():
        lost = 0
        for session_id, marks in ledger.saved.items():
            stored = dict(db.session.execute(select(Attendance.learner_id, Attendance.status)
                                             .where(Attendance.session_id == session_id)).all())
            lost += sum(1 for learner, status in marks.items() if stored.get(learner) != status)
        problems["marks not as last saved"] = lost

        def audited(action):
            return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))

        problems["saves without audit"] = counts["save"] - audited("attendance.save")
        problems["sign-in downloads without audit"] = counts["xlsx"] - audited("export.sign_in_sheet")
        problems["PDF downloads without audit"] = counts["pdf"] - audited("certificate.pdf")
        problems["verifications without log"] = counts["verify"] - db.session.scalar(
            select(func.count()).select_from(VerificationLog))
        problems["sessions saved"] = -len(ledger.saved)      # reported, not a problem (negative = information)
    return problems


def table(ledger: Ledger, seconds: float) -> str:
    by_kind = defaultdict(list)
    for result in ledger.results:
        by_kind[result.kind].append(result)
    lines = ["| request | count | errors | median | p95 | max |", "|---|---:|---:|---:|---:|---:|"]
    for kind in ("sheet", "save", "xlsx", "pdf", "verify", "login"):
        results = by_kind.get(kind, [])
        if not results:
            continue
        times = sorted(r.seconds * 1000 for r in results)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        errors = sum(1 for r in results if not r.ok)
        lines.append(f"| {LABELS[kind]} | {len(results)} | {errors} | {statistics.median(times):.0f} ms | "
                     f"{p95:.0f} ms | {times[-1]:.0f} ms |")
    total = len(ledger.results)
    lines.append(f"| **all** | {total} | {sum(1 for r in ledger.results if not r.ok)} | | | "
                 f"{total / seconds:.1f} req/s |")
    return "\n".join(lines)


# --- saves only (issue 17) ------------------------------------------------------------------------------

@dataclass
class Turn:
    """One request of the saves-only client: when it ended (monotonic), how long it took, how it went."""

    ended: float
    seconds: float
    ok: bool
    timed_out: bool


def _sheet_form(user: dict, marks: dict[int, str]) -> str:
    form = {"csrf_token": user["csrf"], "version": str(user["version"])}
    for learner, mark in marks.items():
        form[f"status-{learner}"], form[f"hours-{learner}"] = mark, ""
    return urlencode(form)


def _user_turns(port: int, user: dict | None, start_at: float, seconds: float, timeout: float, seed: int):
    """One user's loop on its own keep-alive connection: GET / (user None: the floor) or save the sheet."""
    rng = random.Random(seed)
    turns, saved, uncertain = [], None, False
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {} if user is None else {"Cookie": user["cookie"], "Content-Type": "application/x-www-form-urlencoded"}
    path = "/" if user is None else f"/sessions/{user['session']}/attendance"
    time.sleep(max(0.0, start_at - time.monotonic()))
    deadline = start_at + seconds
    while time.monotonic() < deadline:
        marks = None if user is None else {learner: rng.choice(STATUSES) for learner in user["learners"]}
        started = time.monotonic()
        try:
            if user is None:
                connection.request("GET", path)
            else:
                connection.request("POST", path, body=_sheet_form(user, marks), headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            timed_out = isinstance(error, TimeoutError)
            turns.append(Turn(time.monotonic(), time.monotonic() - started, False, timed_out))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            if user is not None:        # the save may have landed: start again from the sheet as it is now
                uncertain = True
                user["version"] = _current_version(port, user, timeout)
            continue
        ok = response.status == (200 if user is None else 302)
        turns.append(Turn(time.monotonic(), time.monotonic() - started, ok, False))
        if user is not None:
            if ok:
                user["version"] += 1        # this teacher alone saves this session
                saved, uncertain = marks, False
            else:
                user["version"] = _current_version(port, user, timeout)
    connection.close()
    return turns, (None if user is None else (user["session"], saved, uncertain))


def _current_version(port: int, user: dict, timeout: float) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=max(timeout, 60))
    connection.request("GET", f"/sessions/{user['session']}/attendance", headers={"Cookie": user["cookie"]})
    page = connection.getresponse().read().decode()
    connection.close()
    return int(VERSION.search(page).group(1))


def _client_process(port: int, users: list, start_at: float, seconds: float, timeout: float, first_seed: int):
    """One client process: a thread per user; returns every user's turns and last save."""
    outcomes: list = [None] * len(users)

    def run(index):
        outcomes[index] = _user_turns(port, users[index], start_at, seconds, timeout, first_seed + index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def drive(port: int, users: list, seconds: float, timeout: float, processes: int) -> tuple[list, list, float]:
    """Run `users` (None: the floor's GET /) spread over `processes` client processes for `seconds`.
    Returns (turns, last saves, the seconds from the start to the last answer)."""
    import multiprocessing

    chunks = [users[index::processes] for index in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        start_at = time.monotonic() + 1.0
        waiting = [pool.apply_async(_client_process, (port, chunk, start_at, seconds, timeout, 1000 * index))
                   for index, chunk in enumerate(chunks) if chunk]
        outcomes = [outcome for job in waiting for outcome in job.get()]
    turns = [turn for user_turns, _last in outcomes for turn in user_turns]
    elapsed = max((turn.ended for turn in turns), default=start_at + seconds) - start_at
    return turns, [last for _turns, last in outcomes if last is not None], elapsed


def _figures(turns: list, elapsed: float) -> dict:
    times = sorted(turn.seconds * 1000 for turn in turns if turn.ok)
    return {"per_second": len(times) / elapsed if elapsed else 0.0,
            "p50": statistics.median(times) if times else float("nan"),
            "p95": times[min(len(times) - 1, int(len(times) * 0.95))] if times else float("nan"),
            "ok": len(times), "timeouts": sum(turn.timed_out for turn in turns),
            "errors": sum(not turn.ok and not turn.timed_out for turn in turns)}


def _log_in_teachers(port: int, plan: dict, users: int) -> list[dict]:
    """Log each teacher in once (scrypt) and open their sheet: the cookie, CSRF token and version the client
    then reuses for every save."""
    teachers = []
    for index in range(users):
        klass = plan["classes"][index]
        browser = Browser(port, Ledger())
        browser.login(klass["teacher"], plan["password"])
        session_id = klass["sessions"][0]
        _status, page = browser.request("sheet", "GET", f"/sessions/{session_id}/attendance")
        teachers.append({"cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()), "csrf": _csrf(page),
                         "version": int(VERSION.search(page.decode()).group(1)), "session": session_id,
                         "learners": klass["learners"], "mode": klass["mode"]})
        browser.connection.close()
    return teachers


def check_saves(url: str, data_dir: str, last_saves: list, saves: int, timeouts: int) -> dict[str, int]:
    """What the database holds after a saves-only run: each session's marks as last saved, one audit event
    per save, and the summaries equal to a fresh count."""
    from sqlalchemy import func, select

    from bench.load_data import app_for
    from lms.audit.models import AuditEvent
    from lms.extensions import db
    from lms.reports.tallies import tally_drift
    from lms.teaching.hours import hours_drift
    from lms.teaching.models import Attendance

    app = app_for(url, data_dir)
    with app.app_context():
        lost = 0
        for session_id, marks, uncertain in last_saves:
            if marks is None or uncertain:
                continue
            stored = dict(db.session.execute(select(Attendance.learner_id, Attendance.status)
                                             .where(Attendance.session_id == session_id)).all())
            lost += sum(1 for learner, status in marks.items() if stored.get(learner) != status)
        audited = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                    .where(AuditEvent.action == "attendance.save"))
        # A save the client gave up on may still have landed: it is audited, and not lost.
        unaudited = saves - audited if audited <= saves + timeouts else audited - saves - timeouts
        return {"marks not as last saved": lost, "saves without audit": max(unaudited, 0),
                "villages off a fresh count": len(tally_drift()), "learners off a fresh count": len(hours_drift())}


def saves_only(args) -> None:
    import shutil

    work = Path(tempfile.mkdtemp(prefix="lms-bench-saves-"))
    data = Path(args.data) if args.data else work / "pristine"
    pristine = data / "lms.sqlite3"
    if not pristine.exists():
        data.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "load_data.py"), "--url", f"sqlite:///{pristine}",
                        "--data-dir", str(data / "data"), "--out", str(data / "plan.json"), "--classes",
                        str(args.users), "--class-size", str(args.class_size), "--certificates", "0",
                        *(["--live"] if args.live else [])], check=True, cwd=ROOT)
    if args.prepare_only:
        print(f"数据:{data}")
        return
    plan = json.loads((data / "plan.json").read_text())
    app_root = Path(args.app_root).resolve() if args.app_root else ROOT
    rows = []
    for run in range(args.runs):
        url, data_dir = f"sqlite:///{work / 'lms.sqlite3'}", str(data / "data")
        for suffix in ("", "-wal", "-shm"):
            (work / f"lms.sqlite3{suffix}").unlink(missing_ok=True)
        shutil.copyfile(pristine, work / "lms.sqlite3")
        env = {**os.environ, "LMS_ENV": "production", "LMS_DATABASE_URL": url, "LMS_DATA_DIR": data_dir,
               "LMS_SECRET_KEY": "load-test-secret-key", "LMS_SESSION_COOKIE_SECURE": "0",
               "LMS_TRUSTED_PROXIES": "1"}
        port = free_port()
        floor = start_gunicorn(env, port, args.workers, args.threads, work / "hello.log",
                               app="bench.hello_app:app", root=ROOT)
        try:
            floor_turns, _, floor_elapsed = drive(port, [None] * args.users, args.floor_seconds, args.timeout,
                                                  args.client_processes)
        finally:
            floor.send_signal(signal.SIGTERM)
            floor.wait(timeout=60)
        port = free_port()
        env["LMS_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
        server = start_gunicorn(env, port, args.workers, args.threads, work / "gunicorn.log", root=app_root)
        try:
            users = _log_in_teachers(port, plan, args.users)
            turns, last_saves, elapsed = drive(port, users, args.seconds, args.timeout, args.client_processes)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        hello, saves = _figures(floor_turns, floor_elapsed), _figures(turns, elapsed)
        problems = check_saves(url, data_dir, last_saves, saves["ok"], saves["timeouts"])
        load = os.getloadavg()[0]
        rows.append((hello, saves, problems, load))
        print(f"run {run + 1}: floor {hello['per_second']:.0f} req/s; saves {saves['per_second']:.1f}/s "
              f"({100 * saves['per_second'] / hello['per_second']:.2f} %), p50 {saves['p50']:.0f} ms, "
              f"p95 {saves['p95']:.0f} ms, timeouts {saves['timeouts']}, errors {saves['errors']}, "
              f"lost {sum(problems.values())} {problems}, load {load:.1f}", flush=True)
    modes = sorted({user["mode"] for user in plan["classes"][:args.users]})
    print(f"\n{args.users} 名教师各保存 {args.class_size} 人的考勤表({'、'.join(modes)}),gunicorn {args.workers} × "
          f"{args.threads} 线程,SQLite,{args.seconds:.0f} 秒;客户端 {args.client_processes} 个进程,"
          f"超时 {args.timeout:.0f} 秒;{app_root}\n")
    print("| run | hello-world req/s | saves/s | ratio | p50 | p95 | client timeouts | errors | lost writes | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run, (hello, saves, problems, load) in enumerate(rows, 1):
        print(f"| {run} | {hello['per_second']:.0f} | {saves['per_second']:.1f} | "
              f"{100 * saves['per_second'] / hello['per_second']:.2f} % | {saves['p50']:.0f} ms | {saves['p95']:.0f} ms | "
              f"{saves['timeouts']} | {saves['errors']} | {sum(problems.values())} | {load:.1f} |")
    if len(rows) > 1:
        ratios = sorted(100 * s["per_second"] / h["per_second"] for h, s, _p, _l in rows)
        print(f"| median | {statistics.median(h['per_second'] for h, *_ in rows):.0f} | "
              f"{statistics.median(s['per_second'] for _h, s, *_ in rows):.1f} | {statistics.median(ratios):.2f} % | "
              f"{statistics.median(s['p50'] for _h, s, *_ in rows):.0f} ms | "
              f"{statistics.median(s['p95'] for _h, s, *_ in rows):.0f} ms | | | | |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    failed = any(s["timeouts"] or s["errors"] or sum(p.values()) for _h, s, p, _l in rows)
    sys.exit(1 if failed else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (database, data, gunicorn log)")
    saves = parser.add_argument_group("saves only (issue 17)")
    saves.add_argument("--saves", action="store_true", help="teachers saving sheets only, against the hello-world floor")
    saves.add_argument("--class-size", type=int, default=40)
    saves.add_argument("--live", action="store_true", help="every other teacher's sessions are live-online (R6 hours)")
    saves.add_argument("--runs", type=int, default=1, help="floor + saves, this many times (medians printed)")
    saves.add_argument("--floor-seconds", type=float, default=10)
    saves.add_argument("--timeout", type=float, default=10, help="a client gives up on an answer after this")
    saves.add_argument("--client-processes", type=int, default=2)
    saves.add_argument("--data", help="generate the data here once, reuse it afterwards")
    saves.add_argument("--prepare-only", action="store_true", help="only generate --data")
    saves.add_argument("--app-root", help="serve the app from this source tree (e.g. the code before)")
    args = parser.parse_args()
    if args.saves:
        args.seconds = 30 if "--seconds" not in sys.argv else args.seconds
        saves_only(args)
        return

    work = Path(tempfile.mkdtemp(prefix="lms-bench-load-"))
    url, data_dir = f"sqlite:///{work / 'lms.sqlite3'}", str(work / "data")
    plan_file = work / "plan.json"
    teachers, registrars = args.users // 2, args.users // 4
    visitors = args.users - teachers - registrars
    subprocess.run([sys.executable, str(ROOT / "bench" / "load_data.py"), "--url", url, "--data-dir", data_dir,
                    "--out", str(plan_file), "--classes", str(max(1, teachers))], check=True, cwd=ROOT)
    plan = json.loads(plan_file.read_text())
    env = {**os.environ, "LMS_ENV": "production", "LMS_DATABASE_URL": url, "LMS_DATA_DIR": data_dir,
           "LMS_SECRET_KEY": "load-test-secret-key", "LMS_SESSION_COOKIE_SECURE": "0", "LMS_TRUSTED_PROXIES": "1"}
    port = free_port()
    env["LMS_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"    # production requires it (QR codes)
    server = start_gunicorn(env, port, args.workers, args.threads, work / "gunicorn.log")
    ledger, stop = Ledger(), threading.Event()
    workers = ([threading.Thread(target=teacher, args=(port, plan, plan["classes"][i],
                                                       ledger, stop, random.Random(i))) for i in range(teachers)]
               + [threading.Thread(target=registrar, args=(port, plan, plan["registrars"][i % len(plan["registrars"])],
                                                           ledger, stop, random.Random(100 + i)))
                  for i in range(registrars)]
               + [threading.Thread(target=visitor, args=(port, plan, ledger, stop, random.Random(200 + i)))
                  for i in range(visitors)])
    try:
        started = time.perf_counter()
        for thread in workers:
            thread.start()
        stop.wait(args.seconds)
        stop.set()
        for thread in workers:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    problems = check_database(url, data_dir, ledger)
    print(f"\n{args.users} 个用户({teachers} 名教师、{registrars} 名教务、{visitors} 名公众),"
          f"gunicorn {args.workers} × {args.threads} 线程,SQLite,{elapsed:.0f} 秒\n")
    print(table(ledger, elapsed))
    sessions = -problems.pop("sessions saved")
    lost = sum(problems.values())
    print(f"\nlost writes: {lost}({sessions} 个课次的最后一次保存逐人核对;" + ",".join(
        f"{name} {value}" for name, value in problems.items()) + ")")
    errors = sum(1 for r in ledger.results if not r.ok)
    if args.keep:
        print(f"数据与日志:{work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if errors or lost else 0)


if __name__ == "__main__":
    main()
