"""Declarative base with a constraint naming convention, and engine set-up shared by every model."""
from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry
from sqlalchemy.types import TypeDecorator

from lms.core import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """The base of every model: naming convention so Alembic can name and drop constraints,
    and every `Mapped[datetime]` stored as a timezone-aware UTC timestamp."""

    registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={datetime: UTCDateTime()})


class CreatedAtMixin:
    """A `created_at` UTC timestamp set on insert."""

    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.now_utc())


def transaction_cache(session: Session, name: str) -> dict:
    """A dict kept on `session` until its transaction ends (commit, rollback, or a savepoint's end), for
    values read often and written rarely — the cohorts' policies, the settings — so a request reads each
    once. Writers of those values call `forget_cached(session, name)` when they change one."""
    return session.info.setdefault(f"cache:{name}", {})


def forget_cached(session: Session, name: str) -> None:
    """Drop the transaction cache `name` of `session` (after writing what it holds)."""
    session.info.pop(f"cache:{name}", None)


def forget_transaction_caches(session: Session) -> None:
    """Drop every transaction cache of `session`."""
    for key in [key for key in session.info if isinstance(key, str) and key.startswith("cache:")]:
        del session.info[key]


@event.listens_for(Session, "after_transaction_end")
def _forget_at_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is not None and not transaction.nested:
        return              # the inner unit every flush opens, not a transaction or savepoint ending
    forget_transaction_caches(session)


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite behave: enforce foreign keys, allow readers during writes, real SAVEPOINTs.

    pysqlite's own transaction handling breaks SAVEPOINT (used by nested transactions and the
    test suite's rollback-per-test); emitting BEGIN ourselves is the documented fix.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # 32 MB of page cache instead of 2 MB: bulk imports insert into indexes on random keys
        # (ID hashes), which thrash a small cache; 100,000 roster rows went from ~11 s to ~4 s.
        cursor.execute("PRAGMA cache_size=-32768")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    gate = _WriterGate(engine.url.database) if engine.url.database not in (None, "", ":memory:") else None

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        statement = begin_statement()
        if gate is not None and statement == "BEGIN IMMEDIATE":
            gate.enter(conn.info)
        try:
            conn.exec_driver_sql(statement)
        except BaseException:
            if gate is not None:
                gate.leave(conn.info)
            raise

    if gate is not None:
        # The gate opens as the transaction ends (on a connection given back to the pool unfinished, too).
        event.listen(engine, "commit", lambda conn: gate.leave(conn.info))
        event.listen(engine, "rollback", lambda conn: gate.leave(conn.info))
        event.listen(engine, "reset", lambda _dbapi, record, _state: gate.leave(record.info))
        event.listen(engine, "close", lambda _dbapi, record: gate.leave(record.info))


class _WriterGate:
    """Writers of one SQLite file queue here before BEGIN IMMEDIATE, so that none waits for ever.

    SQLite's own wait for its write lock (busy_timeout) polls, sleeping up to 100 ms between tries: while
    other writers keep taking the lock, an unlucky one may not get it for seconds — a teacher's save timed
    out (issue 17) behind 15 others. Here a writer waits its turn asleep and is woken when the lock is free:
    first among the threads of its process (a lock), then among the processes (flock on a file beside the
    database, which the kernel hands on at once). A thread that cannot get in within the busy timeout goes
    on to SQLite's own wait, as before."""

    def __init__(self, database: str):
        self.path = f"{database}-writers"
        self.threads = threading.Lock()

    def enter(self, info: dict) -> None:
        if not self.threads.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            return
        try:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:         # a read-only folder: SQLite alone keeps the turns
            self.threads.release()
            return
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        info[_GATE] = descriptor

    def leave(self, info: dict) -> None:
        descriptor = info.pop(_GATE, None)
        if descriptor is not None:
            os.close(descriptor)        # closing releases the flock
            self.threads.release()


_GATE = "lms_writer_gate"
BUSY_TIMEOUT_MS = 10000


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_writers: ContextVar[bool] = ContextVar("lms_sqlite_writers", default=False)


@contextmanager
def writer_transactions() -> Iterator[None]:
    """Inside this block (a CLI command, a background job) SQLite transactions take the write lock
    as they begin. Web requests need no block: their method says whether they write."""
    token = _writers.set(True)
    try:
        yield
    finally:
        _writers.reset(token)


@contextmanager
def write_after_read(session: Session) -> Iterator[None]:
    """For a page view (GET) that must also write — the audit event of a download, the log of a public
    verification: ends the read's transaction, runs the block in a short transaction of its own that takes
    SQLite's write lock as it begins, and commits it (rolled back if the block raises).

    A GET's transaction is deferred so that readers never queue behind writers; but once it has read, it
    cannot write if another connection committed meanwhile ("database is locked" at once — WAL cannot
    move a snapshot forward, and busy_timeout does not apply). Rendering a PDF takes long enough for that
    to happen almost every time. Here the read holds no lock, and the write waits its turn like any POST.
    On PostgreSQL it costs one more short transaction.
    """
    session.commit()        # end the read; the block's first statement begins the write transaction
    with writer_transactions():
        try:
            yield
            session.commit()
        except BaseException:
            session.rollback()
            raise


_cache_writes: ContextVar[bool] = ContextVar("lms_cache_writes", default=False)


@contextmanager
def cache_in_read(session: Session) -> Iterator[None]:
    """For a page view (GET) that keeps a cache of what it computed — the dashboard's R4 standings
    (lms.reports.standings): runs the block in a SAVEPOINT of the read's own transaction, best effort, and in a
    page view commits at once (so SQLite's write lock is held for the write only). When the block cannot
    write — another request stored the same rows first, or the read's snapshot is stale — nothing is stored,
    the page goes on, and a later view computes it again.

    Not write_after_read: what is stored was computed from this read, so it is written in the same snapshot
    or not at all. On SQLite a read cannot write once another connection has committed ("database is locked"
    at once) — precisely when the cache could be stale. Elsewhere (a command, a test) the caller's commit
    keeps it. With write_after_read, the only way a page view writes (tests/functional/core/
    test_concurrent_requests.py checks every GET endpoint).
    """
    token = _cache_writes.set(True)
    try:
        with session.begin_nested():
            yield
    except (IntegrityError, OperationalError):
        return
    finally:
        _cache_writes.reset(token)
    if has_request_context() and request.method in READ_ONLY_METHODS:
        try:
            session.commit()
        except (IntegrityError, OperationalError):
            session.rollback()


def writing_cache() -> bool:
    """True inside cache_in_read (for the test that page views write nowhere else)."""
    return _cache_writes.get()


def begin_statement() -> str:
    """The SQLite BEGIN for the current unit of work.

    A deferred BEGIN that reads first and writes later fails with "database is locked" when another
    worker committed in between (WAL cannot upgrade a stale snapshot, and busy_timeout does not help).
    So requests that change data (POST …), CLI commands and background jobs take the write lock up
    front with BEGIN IMMEDIATE and simply wait their turn; page views (GET) and everything else stay
    deferred so readers never queue behind writers.
    """
    if _writers.get() or (has_request_context() and request.method not in READ_ONLY_METHODS):
        return "BEGIN IMMEDIATE"
    return "BEGIN"


def render_migration_item(type_, obj, autogen_context):
    """Alembic hook: write our UTC column type as plain sa.DateTime(timezone=True) in migrations,
    so migration files never import application code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
