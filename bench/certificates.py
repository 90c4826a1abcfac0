"""Benchmark: issue and print a batch of N diplomas, against plain WeasyPrint on the same template.

    .venv/bin/python bench/certificates.py [--count 1000] [--chunk 100]

Builds a throwaway SQLite database and DATA_DIR in a temp folder, generates N graduates (results, assignments,
moral evaluation and 360 hours written as rows, so the graduation audit decides, as in production), then measures in the
same run:

1. issuing: build the batch, 验印, assign numbers and issue (snapshots, audit) — one transaction;
2. the application's batch print: the background task's code path (chunks of --chunk, progress rows,
   signing, QR codes, join) into one PDF;
3. plain WeasyPrint: the same print template rendered from already prepared page data, one document,
   no database, no signing, no QR generation, no chunking.

Prints a Markdown table; copy it into bench/README.md.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=100)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-certificates-"))

    from lms import create_app
    from lms.extensions import db

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}",
                                           "DATA_DIR": str(workdir / "data"), "RENDER_CHUNK_SIZE": args.chunk})
    with app.app_context():
        db.create_all()
        results = run(app, args.count)
    print(f"\n{args.count} 份毕业证书,每块 {args.chunk} 份(数据目录 {workdir})\n")
    print("| step | seconds | certificates/second |")
    print("|---|---:|---:|")
    for name, seconds in results:
        print(f"| {name} | {seconds:.1f} | {args.count / seconds:.1f} |")
    app_seconds, plain_seconds = results[1][1], results[2][1]
    print(f"\nratio plain WeasyPrint / application print: {app_seconds / plain_seconds:.2f}× "
          f"(the application reaches {plain_seconds / app_seconds:.0%} of plain WeasyPrint's speed)")


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


def run(app, count: int) -> list[tuple[str, float]]:
    from weasyprint import HTML

    from lms.certificates.models import Certificate
    from lms.certificates.rendering import document_html, page_context
    from lms.certificates.services import batches, jobs
    from lms.certificates.signing import load_private_key
    from lms.core.weasy import font_configuration
    from lms.extensions import db

    registrar, people = generate(count)
    ids = [learner.id for learner in people]
    day = date(2025, 7, 1)
    render_warm_up(app)

    started = time.perf_counter()
    batch = batches.create_diploma_batch(actor=registrar, name="基准批次", as_of=day, learner_ids=ids)
    batches.submit_batch(actor=registrar, batch=batch, submitted_on=day, print_without_photo=True)
    batches.record_verification(actor=registrar, batch=batch, verified_on=day, reference="基准")
    certificates = batches.issue_batch(actor=registrar, batch=batch, issued_on=day)
    db.session.commit()
    issuing = time.perf_counter() - started

    started = time.perf_counter()
    job = jobs.create_render_job(actor=registrar, label="基准批次", batch=batch, base_url="https://lms.example",
                                 certificate_ids=[c.id for c in certificates])
    db.session.commit()
    jobs.run_render_job(job.id)
    printing = time.perf_counter() - started

    started = time.perf_counter()
    key = load_private_key(app.config["DATA_DIR"])
    ordered = db.session.scalars(db.select(Certificate).order_by(Certificate.number)).all()
    html = document_html([page_context(c, base_url="https://lms.example", private_key=key) for c in ordered])
    page_data = time.perf_counter() - started
    started = time.perf_counter()
    HTML(string=html, base_url=str(Path(__file__).resolve().parent.parent / "static") + "/").write_pdf(
        font_config=font_configuration())
    plain = time.perf_counter() - started
    return [("issue (batch → 验印 → numbers, snapshots, audit)", issuing),
            (f"application batch print (background task, chunks of {app.config['RENDER_CHUNK_SIZE']})", printing),
            ("plain WeasyPrint, same template, one document", plain),
            ("(part of the application print: page data — QR codes, signatures, snapshots)", page_data)]


def render_warm_up(app) -> None:
    """Load fonts once, so neither side pays the first-use cost."""
    from lms.core.pdf import render_pdf

    render_pdf('<html lang="zh-CN"><body style="font-family: \'Noto Serif CJK SC\'">预热</body></html>')


if __name__ == "__main__":
    main()
