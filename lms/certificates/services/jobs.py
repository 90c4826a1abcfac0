"""Batch printing in the background: one multi-page PDF per batch, rendered in chunks on every core, resumable.

A RenderJob lists its certificates in print (number) order. The task renders them CHUNK at a time
into DATA_DIR/certificates/jobs/<id>/chunk-NNNN.pdf — several chunks at once, one per usable core
(lms.certificates.chunks: this process and helper processes that get the pages as plain data and never
touch the database) — recording progress (`done`: certificates whose chunk is written) and committing
after each chunk; when all chunks exist it joins them in order into one PDF. An interrupted job (the
worker stopped or was killed, the machine restarted) renders only its missing chunks: every job not
finished is queued again when a worker starts (`flask lms worker`), and a failed one when the registrar
presses 继续. RENDER_PROCESSES sets the number of processes (default: one per usable core; 1 under
testing, so the suite's path is the one-process one unless a test asks). This module is a task handler,
so unlike services it commits.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from lms.audit.services import record
from lms.certificates.chunks import ChunkRenderers, render_chunk_file, start_helpers, usable_cores
from lms.certificates.models import Certificate, GraduationBatch, RenderJob
from lms.certificates.rendering import page_data
from lms.certificates.signing import load_private_key
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.core.queue import app_task, on_worker_start, pending_calls
from lms.extensions import db

log = logging.getLogger(__name__)
JOB_ROOT = Path("certificates") / "jobs"


def job_dir(job: RenderJob) -> Path:
    """Where a job keeps its chunks and result, under DATA_DIR."""
    return Path(current_app.config["DATA_DIR"]) / JOB_ROOT / str(job.id)


def chunk_path(job: RenderJob, index: int) -> Path:
    """The file of chunk `index` (0-based)."""
    return job_dir(job) / f"chunk-{index:04d}.pdf"


def print_order(certificate_ids: Sequence[int]) -> list[int]:
    """The ids sorted by certificate number (one query)."""
    rows = db.session.execute(select(Certificate.id).where(Certificate.id.in_(certificate_ids))
                              .order_by(Certificate.number))
    return [row.id for row in rows]


def create_render_job(*, actor, label: str, certificate_ids: Sequence[int], base_url: str,
                      batch: GraduationBatch | None = None) -> RenderJob:
    """A queued print job for these certificates (in number order). Flushes and audits; enqueue after commit."""
    ordered = print_order(certificate_ids)
    if not ordered:
        raise DomainError("没有可打印的证书")
    job = RenderJob(label=label, batch=batch, certificate_ids=ordered, base_url=base_url, status="queued",
                    done=0, total=len(ordered), chunk_size=int(current_app.config.get("RENDER_CHUNK_SIZE", 100)),
                    created_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    record(actor, "certificate.print", "render_job", job.id, summary=f"批量打印“{label}”共 {len(ordered)} 份",
           after={"certificate_ids": ordered, "batch_id": batch.id if batch else None})
    return job


def render_processes() -> int:
    """How many processes render a job's chunks: RENDER_PROCESSES, else one per usable core (1 under testing)."""
    configured = current_app.config.get("RENDER_PROCESSES")
    if configured:
        return max(1, int(configured))
    return 1 if current_app.testing else usable_cores()


def _chunk_ids(job: RenderJob, index: int) -> list[int]:
    return job.certificate_ids[index * job.chunk_size:(index + 1) * job.chunk_size]


def _chunk_count(job: RenderJob) -> int:
    return (job.total + job.chunk_size - 1) // job.chunk_size


def missing_chunks(job: RenderJob) -> list[int]:
    """The chunks (0-based, in order) whose file is not written yet: a chunk written before an
    interruption is kept, not rendered again."""
    return [index for index in range(_chunk_count(job)) if not chunk_path(job, index).exists()]


def _chunk_pages(job: RenderJob, index: int, private_key) -> list[dict[str, Any]]:
    """The chunk's pages as plain data (one query; signing here, QR images where the pages are rendered)."""
    ids = _chunk_ids(job, index)
    by_id = {c.id: c for c in db.session.scalars(select(Certificate).where(Certificate.id.in_(ids)))}
    return [page_data(by_id[i], base_url=job.base_url, private_key=private_key) for i in ids]


def _record_progress(job: RenderJob, missing: Sequence[int]) -> None:
    job.status, job.error = "running", ""
    job.done = job.total - sum(len(_chunk_ids(job, index)) for index in missing)
    db.session.commit()


def render_next_chunk(job_id: int) -> bool:
    """Render the job's first missing chunk in this process and record the progress (commits). True while
    chunks remain."""
    job = db.session.get(RenderJob, job_id)
    if job is None or job.status == "done":
        return False
    missing = missing_chunks(job)
    if missing:
        private_key = load_private_key(current_app.config["DATA_DIR"])
        render_chunk_file(_chunk_pages(job, missing[0], private_key), str(chunk_path(job, missing[0])))
        missing = missing[1:]
    _record_progress(job, missing)
    return bool(missing)


def render_missing_chunks(job: RenderJob, processes: int, on_progress: Callable[[RenderJob], None] | None = None,
                          ) -> None:
    """Render every missing chunk of the job on `processes` processes (this one included), recording the
    progress after each chunk written, whichever process wrote it (commits), then calling `on_progress`."""
    missing = missing_chunks(job)
    _record_progress(job, missing)
    if not missing:
        return
    private_key = load_private_key(current_app.config["DATA_DIR"])
    renderers = ChunkRenderers(min(processes, len(missing)))
    left = list(missing)
    by_path = {str(chunk_path(job, index)): index for index in missing}

    def written(paths):
        for path in paths:
            left.remove(by_path[path])
        if paths:
            _record_progress(job, left)
            if on_progress is not None:
                on_progress(job)

    for index in missing:
        path = chunk_path(job, index)
        if renderers.submit(_chunk_pages(job, index, private_key), path) is None:     # rendered here
            written([str(path)])
        written(renderers.finished())
    while renderers.in_flight:
        written(renderers.finished(wait=True))


def _join(job: RenderJob) -> Path:
    chunks = [chunk_path(job, index) for index in range(_chunk_count(job))]
    result = job_dir(job) / "result.pdf"
    from pypdf import PdfWriter  # here, not at start-up: only a print's join needs it

    writer = PdfWriter()
    for chunk in chunks:
        writer.append(str(chunk))
    temporary = result.with_suffix(".part")
    with temporary.open("wb") as handle:
        writer.write(handle)
    os.replace(temporary, result)
    for chunk in chunks:
        chunk.unlink()
    for stray in job_dir(job).glob("chunk-*.part"):     # left by a process killed while writing
        stray.unlink()
    return result


def run_render_job(job_id: int, on_progress: Callable[[RenderJob], None] | None = None) -> None:
    """Render every missing chunk (on every core: render_processes), then join them into the job's result
    (commits after each step; `on_progress(job)` after each chunk, for the command line).

    On an error the job is marked failed with the message; pressing 继续 resumes it.
    """
    try:
        job = db.session.get(RenderJob, job_id)
        if job is None or job.status == "done":
            return
        render_missing_chunks(job, render_processes(), on_progress)
        result = _join(job)
        job.status, job.done, job.finished_at = "done", job.total, now_utc()
        job.file_path = str(result.relative_to(Path(current_app.config["DATA_DIR"])))
        db.session.commit()
    except Exception as error:  # the job must show why it stopped; the consumer logs the traceback
        db.session.rollback()
        job = db.session.get(RenderJob, job_id)
        if job is not None:
            job.status, job.error = "failed", f"{type(error).__name__}: {error}"[:1000]
            db.session.commit()
        raise


@app_task()
def render_job_task(job_id: int) -> None:
    """The background task: run (or resume) one print job."""
    run_render_job(job_id)


def enqueue(job: RenderJob) -> None:
    """Queue a job for the worker (runs at once when QUEUE_IMMEDIATE). Call after committing the job."""
    render_job_task(job.id)


def resume(*, actor, job: RenderJob) -> None:
    """Queue an interrupted or failed job again; it continues from its first missing chunk. Audited."""
    if job.status == "done":
        raise DomainError("该打印任务已完成")
    record(actor, "certificate.print_resume", "render_job", job.id, summary=f"继续打印任务“{job.label}”",
           before={"status": job.status, "done": job.done})
    job.status = "queued"
    db.session.flush()


@on_worker_start
def start_print_helpers() -> None:
    """When a worker starts, start its print helper processes (one per usable core beyond its own): each
    loads WeasyPrint and the fonts, seconds a first print would otherwise wait."""
    start_helpers(render_processes() - 1)


@on_worker_start
def requeue_unfinished_jobs() -> list[int]:
    """When a worker starts, queue again every job not finished — queued or running — whose task is not
    already waiting in the queue: a worker stopped mid-job, or killed after taking a job's task and before
    its first chunk (the job still says 排队中 and no task is left for it). Returns the ids queued again.
    A failed job waits for the registrar's 继续: it shows why it stopped."""
    waiting = {args[0] for args in pending_calls(render_job_task) if args}
    unfinished = db.session.scalars(select(RenderJob.id).where(RenderJob.status.in_(("queued", "running")))
                                    .order_by(RenderJob.id)).all()
    db.session.commit()     # end the read: an immediate queue (tests) runs each job at once, committing
    queued = [job_id for job_id in unfinished if job_id not in waiting]
    for job_id in queued:
        log.info("queuing unfinished print job %s again", job_id)
        render_job_task(job_id)
    return queued
