"""SQLite transactions: writers take the lock up front, so a read-then-write never fails midway."""
from __future__ import annotations

import sqlite3

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from lms.core.db import cache_in_read, configure_sqlite, write_after_read, writer_transactions


@pytest.fixture()
def database(tmp_path):
    path = tmp_path / "lock.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    configure_sqlite(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    yield engine, path
    engine.dispose()


def other_worker_write(path) -> None:
    """Another process's write that does not wait for the lock (timeout 0)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("UPDATE counter SET n = n + 100")
    finally:
        other.close()


def test_a_form_post_holds_the_write_lock_from_its_first_read_and_its_write_succeeds(database):
    engine, path = database
    with Flask(__name__).test_request_context(method="POST"):
        with engine.begin() as conn:
            seen = conn.execute(text("SELECT n FROM counter")).scalar_one()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other_worker_write(path)          # the other worker waits its turn instead
            conn.execute(text("UPDATE counter SET n = :n"), {"n": seen + 1})
    other_worker_write(path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 101


def test_a_page_view_does_not_block_other_workers_writing(database):
    engine, path = database
    with Flask(__name__).test_request_context(method="GET"):
        with engine.begin() as conn:
            assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 0
            other_worker_write(path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 100


def test_commands_and_jobs_take_the_write_lock(database):
    engine, path = database
    with writer_transactions(), engine.begin() as conn:
        conn.execute(text("SELECT n FROM counter")).scalar_one()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other_worker_write(path)


def test_reading_outside_a_request_or_command_does_not_block_writers(database):
    engine, path = database
    with engine.begin() as conn:
        conn.execute(text("SELECT n FROM counter")).scalar_one()
        other_worker_write(path)


def test_a_page_view_cannot_write_inside_its_read_once_another_worker_wrote(database):
    engine, path = database
    with Flask(__name__).test_request_context(method="GET"), engine.begin() as conn:
        conn.execute(text("SELECT n FROM counter")).scalar_one()
        other_worker_write(path)
        with pytest.raises(OperationalError, match="locked"):     # at once: busy_timeout does not help
            conn.execute(text("UPDATE counter SET n = n + 1"))


def test_a_page_view_writes_after_its_read_even_when_another_worker_wrote_meanwhile(database):
    engine, path = database
    with Flask(__name__).test_request_context(method="GET"), Session(engine) as session:
        seen = session.execute(text("SELECT n FROM counter")).scalar_one()
        other_worker_write(path)                    # a teacher saves while the PDF is being rendered
        with write_after_read(session):
            session.execute(text("INSERT INTO counter VALUES (:n)"), {"n": seen})
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT n FROM counter")).scalars()) == [0, 100]


def test_a_page_views_cache_is_stored_in_its_read_and_the_write_lock_let_go_at_once(database):
    engine, path = database
    with Flask(__name__).test_request_context(method="GET"), Session(engine) as session:
        seen = session.execute(text("SELECT n FROM counter")).scalar_one()
        with cache_in_read(session):
            session.execute(text("INSERT INTO counter VALUES (:n)"), {"n": seen + 1})
        other_worker_write(path)                    # not locked: the cache was committed
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT n FROM counter")).scalars()) == [100, 101]


def test_a_page_view_skips_its_cache_when_another_worker_wrote_since_its_read(database):
    engine, path = database
    with Flask(__name__).test_request_context(method="GET"), Session(engine) as session:
        seen = session.execute(text("SELECT n FROM counter")).scalar_one()
        other_worker_write(path)                    # what was computed from `seen` may be stale now
        with cache_in_read(session):
            session.execute(text("INSERT INTO counter VALUES (:n)"), {"n": seen})
        assert session.execute(text("SELECT count(*) FROM counter")).scalar_one() == 1   # the page goes on
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT n FROM counter")).scalars()) == [100]
