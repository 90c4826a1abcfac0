"""Batch printing: one PDF of N pages in number order, made by the real background task, resumable."""
from __future__ import annotations

import multiprocessing
import os
import re
import signal
import subprocess
from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.certificates import chunks
from lms.certificates.models import RenderJob
from lms.certificates.services import jobs
from lms.extensions import db
from tests.factories.certificates import issued_study_records, withdraw


def withdrawn_batch(registrar, learners, count):
    people = [withdraw(learner, date(2024, 5, 10)) for learner in learners(count)]
    return issued_study_records(registrar, people, issued_on=date(2025, 7, 1))


def numbers_in(path: Path) -> list[str]:
    return [re.search(r"5200002500\d\d", page.extract_text()).group() for page in PdfReader(path).pages]


def test_the_registrar_prints_a_batch_as_one_pdf_through_the_queue(app, client, login_as, registrar, learners):
    batch = withdrawn_batch(registrar, learners, 3)
    login_as(registrar)
    response = client.post_form(f"/certificates/batches/{batch.id}/print")
    job = db.session.scalar(select(RenderJob).order_by(RenderJob.id.desc()))
    assert response.headers["Location"].endswith(f"/certificates/jobs/{job.id}")
    progress = client.get(f"/certificates/jobs/{job.id}.json").get_json()
    assert progress["status"] == "done" and progress["done"] == progress["total"] == 3 and progress["percent"] == 100
    download = client.get(progress["download"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    path = Path(current_app.config["DATA_DIR"]) / job.file_path
    assert numbers_in(path) == ["520000250001", "520000250002", "520000250003"]
    assert "certificate.print_download" in set(db.session.scalars(select(AuditEvent.action)))


def test_an_interrupted_job_continues_from_its_first_missing_chunk(app, registrar, learners):
    batch = withdrawn_batch(registrar, learners, 5)
    default, app.config["RENDER_CHUNK_SIZE"] = app.config["RENDER_CHUNK_SIZE"], 2
    try:
        job = jobs.create_render_job(actor=registrar, label=batch.name, batch=batch, base_url="http://x",
                                     certificate_ids=[m.certificate_id for m in batch.members])
    finally:
        app.config["RENDER_CHUNK_SIZE"] = default
    # The worker rendered one chunk, then stopped (machine restarted): progress 2/5 is recorded.
    assert jobs.render_next_chunk(job.id) is True
    assert (job.status, job.done, job.total) == ("running", 2, 5)
    # Swap the finished chunk for two blank pages: if the resumed job rendered it again, they would not be blank.
    first_chunk = jobs.chunk_path(job, 0)
    blank = PdfWriter()
    blank.add_blank_page(842, 595)
    blank.add_blank_page(842, 595)
    blank.write(first_chunk)
    jobs.render_job_task(job.id)                        # the task, as the restarted worker runs it
    assert job.status == "done" and job.done == 5
    pages = PdfReader(Path(current_app.config["DATA_DIR"]) / job.file_path).pages
    assert [page.extract_text().strip() for page in pages[:2]] == ["", ""]
    assert [re.search(r"5200002500\d\d", page.extract_text()).group() for page in pages[2:]] == [
        "520000250003", "520000250004", "520000250005"]
    assert not first_chunk.exists()                     # joined and tidied up


def test_a_failed_job_says_why_and_can_be_resumed(app, client, login_as, registrar, learners):
    batch = withdrawn_batch(registrar, learners, 1)
    job = jobs.create_render_job(actor=registrar, label=batch.name, batch=batch, base_url="http://x",
                                 certificate_ids=[batch.members[0].certificate_id])
    job.status, job.error = "failed", "OSError: 磁盘已满"
    db.session.flush()
    login_as(registrar)
    assert "磁盘已满" in client.get(f"/certificates/jobs/{job.id}").get_data(as_text=True)
    client.post_form(f"/certificates/jobs/{job.id}/resume")
    assert client.get(f"/certificates/jobs/{job.id}.json").get_json()["status"] == "done"


def test_every_unfinished_job_is_printed_when_a_worker_starts_and_none_twice(app, registrar, learners):
    from huey.storage import MemoryStorage

    from lms.core import queue

    batch = withdrawn_batch(registrar, learners, 3)
    ids = [m.certificate_id for m in batch.members]

    def new_job(status):
        job = jobs.create_render_job(actor=registrar, label=f"{batch.name} {status}", batch=batch,
                                     base_url="http://x", certificate_ids=ids)
        job.status = status
        return job

    # A real queue that keeps its messages until a worker takes them (the suite's runs tasks at once).
    immediate, storage = queue.huey._immediate, queue.huey.storage
    queue.huey._immediate, queue.huey.storage = False, MemoryStorage("lms")
    try:
        waiting = new_job("queued")
        jobs.enqueue(waiting)                   # its task is still in the queue
        killed = new_job("queued")              # a worker took its task and was killed before the first chunk
        stopped = new_job("running")            # a worker stopped mid-job
        failed = new_job("failed")              # waits for the registrar's 继续
        db.session.flush()
        queue.worker_started()                  # what `flask lms worker` runs before taking tasks
        assert sorted(args[0] for args in queue.pending_calls(jobs.render_job_task)) == [
            waiting.id, killed.id, stopped.id]
        while (task := queue.huey.dequeue()) is not None:
            queue.huey.execute(task)
    finally:
        queue.huey._immediate, queue.huey.storage = immediate, storage
    for job in (waiting, killed, stopped, failed):
        db.session.refresh(job)
    assert [job.status for job in (waiting, killed, stopped, failed)] == ["done", "done", "done", "failed"]
    assert numbers_in(Path(current_app.config["DATA_DIR"]) / killed.file_path) == [
        "520000250001", "520000250002", "520000250003"]


# --- printing on every core -------------------------------------------------------------------------------

@pytest.fixture
def settings(app):
    """Set app.config keys for one test (the job reads RENDER_* when it is created and when it runs)."""
    saved = dict(app.config)

    def set_(**values):
        app.config.update(values)

    yield set_
    app.config.clear()
    app.config.update(saved)
    chunks.drop_helper_pool(wait=True)      # the next tests print in one process, as the suite does


def printed_job(registrar, batch, *, processes):
    job = jobs.create_render_job(actor=registrar, label=f"{batch.name} {processes}", batch=batch,
                                 base_url="https://lms.example.gov.cn",
                                 certificate_ids=[m.certificate_id for m in batch.members])
    current_app.config["RENDER_PROCESSES"] = processes
    jobs.run_render_job(job.id)
    assert (job.status, job.done, job.total) == ("done", job.total, job.total)
    return Path(current_app.config["DATA_DIR"]) / job.file_path


def page_images(path: Path, tmp_path: Path, name: str) -> list[bytes]:
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / name)], check=True)
    return [png.read_bytes() for png in sorted(tmp_path.glob(f"{name}-*.png"))]


def test_a_print_on_two_processes_is_the_one_process_print_page_for_page(app, settings, registrar, learners,
                                                                         tmp_path):
    batch = withdrawn_batch(registrar, learners, 5)
    settings(RENDER_CHUNK_SIZE=2)
    others = set(multiprocessing.active_children())     # processes of other tests (the demo sweep's pool)
    alone = printed_job(registrar, batch, processes=1)
    assert set(multiprocessing.active_children()) == others
    shared = printed_job(registrar, batch, processes=2)
    assert len(set(multiprocessing.active_children()) - others) == 1   # a helper rendered chunks beside this one
    assert numbers_in(shared) == [f"52000025000{n}" for n in range(1, 6)]
    assert [p.extract_text() for p in PdfReader(shared).pages] == [p.extract_text() for p in PdfReader(alone).pages]
    assert page_images(shared, tmp_path, "shared") == page_images(alone, tmp_path, "alone")   # QR codes too


def test_a_print_whose_helper_process_died_is_finished_by_the_worker_itself(app, settings, registrar, learners):
    batch = withdrawn_batch(registrar, learners, 3)
    settings(RENDER_CHUNK_SIZE=1)
    others = set(multiprocessing.active_children())     # processes of other tests (the demo sweep's pool)
    pool = chunks.helper_pool(1)
    pool.submit(int).result()                   # the helper is up …
    for process in set(multiprocessing.active_children()) - others:
        os.kill(process.pid, signal.SIGKILL)    # … and killed (out of memory, an operator)
        process.join()
    assert numbers_in(printed_job(registrar, batch, processes=2)) == ["520000250001", "520000250002",
                                                                      "520000250003"]


def test_a_starting_worker_starts_its_print_helpers(app, settings):
    from lms.core import queue

    others = set(multiprocessing.active_children())         # processes of other tests (the demo sweep's pool)
    settings(RENDER_PROCESSES=1)
    queue.worker_started()
    assert set(multiprocessing.active_children()) == others  # the suite prints in one process
    settings(RENDER_PROCESSES=3)
    queue.worker_started()
    assert len(set(multiprocessing.active_children()) - others) == 2   # the first print will not wait for them
