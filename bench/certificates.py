"""Benchmark: print a batch of N diplomas with the application, against plain WeasyPrint of the same template
in one and in two processes, in the same run.

    .venv/bin/python bench/certificates.py [--count 200] [--chunk 100] [--repeat 3] [--processes N]

Builds a throwaway SQLite database and DATA_DIR in a temp folder, generates N graduates (results, assignments,
moral evaluation and 360 hours written as rows, so the graduation audit decides, as in production) and issues
them (batch → 验印 → numbers, snapshots, audit). Then, holding /tmp/bench.lock (the machine's benchmark lock)
only while measuring, each round times:

1. app, cold helpers — the background task's own code (`jobs.run_render_job`): load certificates, sign the
   QR payloads, draw the QR codes, render chunks of --chunk on --processes processes (this one and helpers
   started inside the timing), progress rows committed after each chunk, join with pypdf;
2. app, warm helpers — the same for a second job of the same process (the helpers are kept, as in
   `flask lms worker`);
3. floor, 1 process — plain WeasyPrint: the same print template rendered as ONE document from its HTML,
   made beforehand (QR images drawn, signatures made): no database, no QR drawing, no chunks, no join;
4. floor, 2 processes — the same, the pages split in two halves, one document each, in two fresh processes
   (spawn, imports and fonts inside the timing) — how "two WeasyPrint processes" is run by hand;
5. floor, 2 warm processes — the same halves on two processes that already loaded WeasyPrint and the fonts.

Prints the medians as a Markdown table (with the load average) for bench/README.md. The code under test is
the checkout this script sits in, so copying it into an older checkout measures "before".
"""
from __future__ import annotations

import argparse
import fcntl
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASE_URL = "https://lms.example.gov.cn"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--processes", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--no-lock", action="store_true", help="do not take /tmp/bench.lock")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-certificates-"))

    from lms import create_app
    from lms.extensions import db

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}",
                                           "DATA_DIR": str(workdir / "data"), "RENDER_CHUNK_SIZE": args.chunk,
                                           "RENDER_PROCESSES": args.processes})
    with app.app_context():
        db.create_all()
        registrar, certificates, issuing = issue(args.count)
        pages = floor_pages(app)
        rounds, loads, memory = [], [], []
        with bench_lock(not args.no_lock):
            for _ in range(args.repeat):
                loads.append(os.getloadavg()[0])
                rounds.append(one_round(registrar, certificates, pages, memory))
            loads.append(os.getloadavg()[0])
    medians = {name: statistics.median(r[name][0] for r in rounds) for name in rounds[0]}
    busiest = {name: statistics.median(r[name][1] for r in rounds) for name in rounds[0]}
    print(f"\n{args.count} 份毕业证书, chunks of {args.chunk}, {args.processes} processes, medians of {args.repeat} "
          f"(load average {min(loads):.2f}–{max(loads):.2f}; issuing {issuing:.1f} s; data {workdir})\n")
    print("| step | seconds (median) | all rounds | certificates/second | CPU s of the busiest process (median) |")
    print("|---|---:|---|---:|---:|")
    for name, seconds in medians.items():
        every = " / ".join(f"{r[name][0]:.1f}" for r in rounds)
        print(f"| {name} | {seconds:.1f} | {every} | {args.count / seconds:.1f} | {busiest[name]:.1f} |")
    for floor_name in (FLOOR_2, FLOOR_2_WARM):
        for name in (APP_COLD, APP_WARM):
            print(f"\n{name} / {floor_name}: time {medians[name] / medians[floor_name]:.2f}× "
                  f"({medians[floor_name] / medians[name]:.0%} of its throughput; goal ≥ 80 %); "
                  f"busiest process's CPU {busiest[name] / busiest[floor_name]:.2f}×")
    print(f"\npeak resident memory after the app's prints of round 1: {memory[0]}")


APP_COLD, APP_WARM = "app print, helpers started in the timing", "app print, helpers already up (second job)"
FLOOR_1, FLOOR_2, FLOOR_2_WARM = ("floor: plain WeasyPrint, 1 process", "floor: plain WeasyPrint, 2 fresh processes",
                                  "floor: plain WeasyPrint, 2 warm processes")


@contextmanager
def bench_lock(take: bool):
    """Hold the machine's benchmark lock (as `flock /tmp/bench.lock` does) while measuring."""
    if not take:
        yield
        return
    with open("/tmp/bench.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def generate(count: int):
    """N graduates of the 2022 cohort in one village: rows that meet R11 (tests.factories.make_graduate)."""
    from lms.extensions import db
    from lms.teaching.services import ensure_default_specialties
    from tests.factories import make_county, make_learner, make_township, make_user, make_village
    from tests.factories.certificates import make_graduate

    ensure_default_specialties()
    village = make_village(make_township(make_county("示例县"), "清水镇"), "上寨村")
    # Birth dates vary: the ID-number factory has a few hundred sequence numbers per birth date.
    people = [make_learner(village, name=f"王德{chr(0x4E00 + i % 2000)}", enrolled_on=date(2022, 3, 1),
                           birth_on=date(1970 + i % 30, 1 + i % 12, 1 + i % 28)) for i in range(count)]
    for learner in people:
        make_graduate(learner)
    registrar = make_user("registrar")
    db.session.commit()
    return registrar, people


def issue(count: int):
    from lms.certificates.services import batches
    from lms.extensions import db

    registrar, people = generate(count)
    day = date(2025, 7, 1)
    started = time.perf_counter()
    batch = batches.create_diploma_batch(actor=registrar, name="基准批次", as_of=day,
                                         learner_ids=[learner.id for learner in people])
    batches.submit_batch(actor=registrar, batch=batch, submitted_on=day, print_without_photo=True)
    batches.record_verification(actor=registrar, batch=batch, verified_on=day, reference="基准")
    certificates = batches.issue_batch(actor=registrar, batch=batch, issued_on=day)
    db.session.commit()
    return registrar, [c.id for c in certificates], time.perf_counter() - started


def floor_pages(app) -> list[dict]:
    """Every page's template data, QR images drawn and payloads signed (the floors render from these)."""
    from lms.certificates.models import Certificate
    from lms.certificates.rendering import page_context
    from lms.certificates.signing import load_private_key
    from lms.extensions import db

    key = load_private_key(app.config["DATA_DIR"])
    ordered = db.session.scalars(db.select(Certificate).order_by(Certificate.number)).all()
    return [page_context(c, base_url=BASE_URL, private_key=key) for c in ordered]


_fonts = []


def plain_weasyprint(html: str) -> int:
    """Plain WeasyPrint: one document from its HTML, one FontConfiguration per process. The floor's
    processes import nothing else."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if not _fonts:
        _fonts.append(FontConfiguration())
    return len(HTML(string=html, base_url=str(ROOT / "static") + "/").write_pdf(font_config=_fonts[0]))


def warm_up() -> None:
    plain_weasyprint('<html lang="zh-CN"><body style="font-family: \'Noto Serif CJK SC\'">预热</body></html>')


def cpu_of(pid) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def helper_pids() -> list[int]:
    try:
        from lms.certificates import chunks
    except ImportError:                     # the code before printing on every core
        return []
    return list(chunks._helpers._processes) if chunks._helpers is not None else []


def app_print(registrar, certificate_ids) -> tuple[float, float]:
    """Seconds of the print, and the CPU seconds of its busiest process (this one or a helper)."""
    from lms.certificates.services import jobs
    from lms.extensions import db

    helpers_before = {pid: cpu_of(pid) for pid in helper_pids()}
    cpu = time.process_time()
    started = time.perf_counter()
    job = jobs.create_render_job(actor=registrar, label="基准批次", base_url=BASE_URL,
                                 certificate_ids=certificate_ids)
    db.session.commit()
    jobs.run_render_job(job.id)
    assert job.status == "done", job.error
    seconds = time.perf_counter() - started
    busiest = max([time.process_time() - cpu] + [cpu_of(pid) - helpers_before.get(pid, 0) for pid in helper_pids()])
    return seconds, busiest


def floor_part(html: str) -> float:
    """A floor process's half: render it, return the CPU seconds this process has used since it started
    (fresh processes: imports and fonts included)."""
    plain_weasyprint(html)
    return time.process_time()


def one_round(registrar, certificate_ids, pages, memory: list[str]) -> dict[str, tuple[float, float]]:
    """Each step's (seconds, CPU seconds of its busiest process)."""
    from lms.certificates.rendering import document_html

    spawn = multiprocessing.get_context("spawn")
    whole = document_html(pages)
    halves = [document_html(pages[:len(pages) // 2]), document_html(pages[len(pages) // 2:])]
    times = {}
    try:
        from lms.certificates import chunks

        chunks.drop_helper_pool(wait=True)  # the helpers start inside the timing
    except ImportError:                     # the code before printing on every core
        pass
    times[APP_COLD] = app_print(registrar, certificate_ids)
    times[APP_WARM] = app_print(registrar, certificate_ids)
    memory.append(peak_memory())

    cpu = time.process_time()
    started = time.perf_counter()
    plain_weasyprint(whole)
    times[FLOOR_1] = (time.perf_counter() - started, time.process_time() - cpu)

    started = time.perf_counter()
    with spawn.Pool(2) as pool:
        cpus = pool.map(floor_part, halves, chunksize=1)
    times[FLOOR_2] = (time.perf_counter() - started, max(cpus))

    with spawn.Pool(2, initializer=warm_up) as pool:
        before = pool.map(floor_part, [halves[0][:0]] * 2, chunksize=1)    # both up and warm before the timing
        started = time.perf_counter()
        after = pool.map(floor_part, halves, chunksize=1)
        times[FLOOR_2_WARM] = (time.perf_counter() - started, max(after) - min(before))
    return times


def peak_memory() -> str:
    """Peak resident memory (VmHWM) of this process and of the print helpers still running."""
    def hwm(pid) -> str:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return f"{int(line.split()[1]) // 1024} MB"
        return "?"

    try:
        from lms.certificates import chunks
    except ImportError:
        return f"this process {hwm('self')}"
    helpers = chunks._helpers._processes.values() if chunks._helpers is not None else []
    return f"this process {hwm('self')}; print helpers " + ", ".join(hwm(p.pid) for p in helpers)


if __name__ == "__main__":
    main()
