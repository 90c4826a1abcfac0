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


def start_gunicorn(env: dict, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                                "--threads", str(threads), "--worker-class", "gthread", "--timeout", "120",
                                "wsgi:app"], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (database, data, gunicorn log)")
    args = parser.parse_args()

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
