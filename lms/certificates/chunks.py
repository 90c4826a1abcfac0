"""Rendering a chunk of certificate pages from plain data, in this process or in helper processes.

A chunk's pages are plain dicts (strings, numbers, lists — lms.certificates.rendering.page_data made them
from the snapshots): nothing here reads the database or the Flask app, so a helper process started fresh
(spawn: no inherited database connection, no inherited threads) can render them. The QR code is drawn
here, in the process that renders the page, with the mask chosen once per chunk for its first code.

`ChunkRenderers` runs a print job's chunks on every usable core: the calling process renders chunks
itself while helper processes (one per further core) render others; each writes its chunk file, so only
file names cross between processes. At most one chunk per process is in flight (memory bounded by the
chunk size); the helpers stay up for the next job of this process. Where processes cannot be started
(no /dev/shm, a sandbox, a platform without it), or a helper dies, the calling process renders the rest.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from lms.core.pdf import qr_data_uri, qr_mask, render_pdf

log = logging.getLogger(__name__)
TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "templates" / "certificates" / "print"
QR_BOX, QR_BORDER = 5, 2


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """A plain Jinja environment for the print templates (no Flask context needed, also for the bench)."""
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(default=True))


def document_html(pages: Sequence[dict[str, Any]]) -> str:
    """One HTML document holding every page (each certificate on its own page)."""
    return template_environment().get_template("document.html").render(pages=pages)


def with_qr_codes(pages: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pages with their QR code images ("qr") drawn from their "qr_text", the mask chosen once for the
    first code (qrcode's penalty scoring) and used for the rest: choosing it is most of a code's cost."""
    mask = qr_mask(pages[0]["qr_text"]) if pages else None
    return [{**page, "qr": qr_data_uri(page["qr_text"], box_size=QR_BOX, border=QR_BORDER, mask=mask)}
            for page in pages]


def render_pages(pages: Sequence[dict[str, Any]]) -> bytes:
    """One PDF of these pages (plain data with "qr_text"), in order."""
    return render_pdf(document_html(with_qr_codes(pages)))


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to `path` so that `path` never holds part of it (a chunk file exists only when whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.part")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def render_chunk_file(pages: Sequence[dict[str, Any]], path: str) -> str:
    """Render the pages into the chunk file at `path` (written atomically); returns the path. Runs in a
    helper process as well as in the caller."""
    write_atomically(Path(path), render_pages(pages))
    return path


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells, else the CPU count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _warm_up() -> None:
    """A helper's first act: load WeasyPrint and the fonts, so its first chunk does not pay for them."""
    render_pdf('<html lang="zh-CN"><body style="font-family: \'Noto Serif CJK SC\'">预热</body></html>')


_helpers: ProcessPoolExecutor | None = None
_helper_count = 0
_helpers_lock = threading.Lock()


def helper_pool(count: int) -> ProcessPoolExecutor | None:
    """This process's pool of `count` helper processes (started on first use, kept for later jobs), or None
    when none are wanted or they cannot be started."""
    global _helpers, _helper_count
    if count < 1:
        return None
    with _helpers_lock:
        if _helpers is not None and _helper_count != count:
            _helpers.shutdown(wait=False, cancel_futures=True)
            _helpers = None
        if _helpers is None:
            try:
                # spawn: a fresh interpreter, never a copy of this one with its database connections and threads
                _helpers = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                                               initializer=_warm_up)
                _helper_count = count
            except (OSError, ImportError, NotImplementedError) as error:
                log.warning("cannot start print helper processes, printing in one process: %s", error)
                return None
        return _helpers


def start_helpers(count: int) -> None:
    """Start `count` helpers now (without waiting for them), so that the first print finds them ready."""
    pool = helper_pool(count)
    for _ in range(count if pool is not None else 0):
        pool.submit(os.getpid)


def drop_helper_pool(*, wait: bool = False) -> None:
    """Stop the helpers (a helper died, or a test is done): the next job starts new ones."""
    global _helpers
    with _helpers_lock:
        if _helpers is not None:
            _helpers.shutdown(wait=wait, cancel_futures=True)
        _helpers = None


class ChunkRenderers:
    """Renders chunk files on `processes` processes: this one and processes - 1 helpers.

    `submit(pages, path)` hands a chunk to a free helper (returns its Future) or, when none is free, renders
    it here (returns None); `finished()` yields the paths the helpers have written since the last call.
    """

    def __init__(self, processes: int):
        self.pool = helper_pool(processes - 1)
        self.capacity = processes - 1 if self.pool is not None else 0
        self.in_flight: dict[Future, tuple[list[dict[str, Any]], str]] = {}

    def has_free_helper(self) -> bool:
        return len(self.in_flight) < self.capacity

    def submit(self, pages: list[dict[str, Any]], path: Path) -> Future | None:
        """Start rendering a chunk on a free helper (the Future), or render it here (None) when there is
        none, or the helpers cannot take it."""
        if self.has_free_helper():
            try:
                future = self.pool.submit(render_chunk_file, pages, str(path))
            except (BrokenProcessPool, RuntimeError, OSError) as error:
                self._lose_helpers(error)
            else:
                self.in_flight[future] = (pages, str(path))
                return future
        render_chunk_file(pages, str(path))
        return None

    def finished(self, *, wait: bool = False) -> list[str]:
        """The chunk files the helpers have finished (waiting for at least one when `wait`). A helper's
        rendering error is raised here; a chunk whose helper died is rendered here instead."""
        if not self.in_flight:
            return []
        if wait:
            wait_for(self.in_flight, return_when=FIRST_COMPLETED)
        done = [future for future in self.in_flight if future.done()]
        paths = []
        for future in done:
            pages, path = self.in_flight.pop(future)
            try:
                paths.append(future.result())
            except BrokenProcessPool as error:     # the helper died (killed, out of memory): render it here
                self._lose_helpers(error)
                paths.append(render_chunk_file(pages, path))
        return paths

    def _lose_helpers(self, error: BaseException) -> None:
        log.warning("print helper processes unavailable, printing in one process: %s", error)
        drop_helper_pool()
        self.pool, self.capacity = None, 0
