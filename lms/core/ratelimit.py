"""Rate-limit counters in a SQLite file, shared by every worker process of one machine.

Flask-Limiter's memory:// storage is per process: with gunicorn's 2 workers a limit of 30 per minute let
60 through. This storage keeps the counters in DATA_DIR/ratelimits.sqlite3 (a file of its own, so the
counting never waits for the application's database), which every worker and thread opens; one
atomic upsert per hit counts it. `LMS_RATELIMIT_STORAGE_URI=sqlite` (the default) selects it;
`redis://…` is for several machines.

Windows are wall-clock seconds (time.time()), as in the limits library's own storages: they measure
elapsed time, never a date, so the suite's fixed day does not apply to them.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from limits.storage import Storage

SCHEME = "lms-sqlite"
FILE_NAME = "ratelimits.sqlite3"
_PURGE_EVERY = 1000          # hits between deletions of expired counters (per process)

_SCHEMA = "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
# One statement, so one atomic step however many processes count at once: a counter whose window has
# passed starts again from this hit.
_INCREMENT = """
INSERT INTO counters (key, count, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN counters.expires <= :now THEN excluded.count ELSE counters.count + excluded.count END,
    expires = CASE WHEN counters.expires <= :now THEN excluded.expires ELSE counters.expires END
RETURNING count
"""


def storage_uri(data_dir: str | Path) -> str:
    """The storage URI of the counters file in `data_dir` (what RATELIMIT_STORAGE_URI=sqlite means)."""
    return f"{SCHEME}://{(Path(data_dir).resolve() / FILE_NAME).as_posix()}"


class SQLiteFileStorage(Storage):
    """A fixed-window counter storage for Flask-Limiter in one SQLite file (`lms-sqlite:///path/file`)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.path = Path(urlparse(uri).path)
        self._local = threading.local()
        self._hits = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread, opened again in a forked child (gunicorn forks its workers).
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(_SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        count = connection.execute(_INCREMENT, {"key": key, "amount": amount, "now": now,
                                                "expiry": expiry}).fetchone()[0]
        self._hits += 1
        if self._hits % _PURGE_EVERY == 0:
            connection.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return count

    def get(self, key: str) -> int:
        row = self._connection().execute("SELECT count FROM counters WHERE key = ? AND expires > ?",
                                         (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = self._connection().execute("SELECT expires FROM counters WHERE key = ? AND expires > ?",
                                         (key, now)).fetchone()
        return row[0] if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
