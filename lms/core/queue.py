"""Background jobs with huey: an embedded SQLite queue in DATA_DIR by default, Redis for several machines.

`QUEUE_URL` (LMS_QUEUE_URL) picks the storage: "sqlite" (DATA_DIR/queue.sqlite3, no extra server)
or "redis://host:6379/0" (needs the `redis` extra). `QUEUE_IMMEDIATE` (on in Testing) runs tasks
synchronously in the caller, so tests exercise the real task code without a consumer or sleeping.

Tasks are declared with `@app_task()`; they run inside an app context of the app that configured
the queue. The consumer is `flask lms worker` (bin/serve starts one beside gunicorn).
"""
from __future__ import annotations

import functools
from contextlib import nullcontext
from pathlib import Path

from flask import Flask, has_app_context
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

from lms.core.db import writer_transactions

# Bound to real storage by init_queue(); until then an in-memory immediate queue.
huey = Huey("lms", results=False, immediate=True)
_bound_app: Flask | None = None


def init_queue(app: Flask) -> None:
    """Point the queue at the app's storage (SQLite in DATA_DIR, or Redis) and remember the app for tasks."""
    global _bound_app
    url = app.config.get("QUEUE_URL") or "sqlite"
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": url}
    elif url == "sqlite" or url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///")) if url != "sqlite" else Path(app.config["DATA_DIR"]) / "queue.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(path)}
    else:
        raise ValueError(f"LMS_QUEUE_URL must be 'sqlite', 'sqlite:////path' or 'redis://…', not {url!r}")
    huey._immediate = bool(app.config.get("QUEUE_IMMEDIATE"))
    huey.storage = huey.create_storage()
    _bound_app = app
    app.extensions["lms.queue"] = huey


def app_task(**options):
    """Decorator: a huey task whose body runs inside the configured app's context."""

    def decorator(function):
        @functools.wraps(function)
        def in_app_context(*args, **kwargs):
            with writer_transactions():
                if has_app_context() or _bound_app is None:
                    return function(*args, **kwargs)
                with _bound_app.app_context():
                    return function(*args, **kwargs)

        return huey.task(**options)(in_app_context)

    return decorator


_start_hooks: list = []


def on_worker_start(function):
    """Decorator: run `function` once each time a worker starts (`flask lms worker`), before it takes tasks —
    to queue again what a stopped worker left unfinished. (huey's own start-up hooks run once per worker
    thread, so they would queue it once per thread.)"""
    _start_hooks.append(function)
    return function


def worker_started() -> None:
    """Run the start hooks with writer transactions (as tasks run), in the current app's context (`flask lms
    worker` has one) or else the configured app's."""
    with writer_transactions(), (nullcontext() if has_app_context() or _bound_app is None
                                 else _bound_app.app_context()):
        for hook in _start_hooks:
            hook()


def pending_calls(task) -> list[tuple]:
    """The arguments of every call of `task` waiting in the queue (not yet taken by a worker)."""
    return [tuple(message.args) for message in huey.pending() if message.name == task.task_class.__name__]


def run_consumer(workers: int = 1) -> None:
    """Run the huey consumer in this process until interrupted (`flask lms worker`), after the start hooks."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    worker_started()
    consumer.run()
