"""Consistent copies of the running database: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

Copying lms.sqlite3 while the server runs misses what is still in the write-ahead log (lms.sqlite3-wal),
and a copy written over a live file corrupts it; the backup API reads and writes through SQLite itself, so
both sides stay whole while other connections read and write.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL

from lms.core.errors import DomainError
from lms.extensions import db

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
# Tables whose rows make a database "in use": a fresh `flask db upgrade` has none (it seeds specialties and plans).
CONTENT_TABLES = ("users", "divisions", "roster_entries", "learners", "certificates", "audit_events")


class BackupError(DomainError):
    """A backup or restore that cannot go on (message in Chinese)."""


def dialect() -> str:
    """"sqlite" or "postgresql"."""
    return db.engine.dialect.name


def sqlite_path(url: URL | None = None) -> Path:
    """The file of the SQLite database."""
    database = (url or db.engine.url).database
    if not database or database == ":memory:":
        raise BackupError("内存数据库无法备份或恢复")
    return Path(database).resolve()


def engine_version() -> str:
    """The database engine's version, for the manifest."""
    if dialect() == "sqlite":
        return sqlite3.sqlite_version
    return db.session.execute(text("SHOW server_version")).scalar_one()


def schema_revision() -> str | None:
    """The Alembic revision the database is at (None for a database made without migrations)."""
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def content_counts() -> dict[str, int]:
    """Rows of the tables that say whether a database is in use (absent tables count 0)."""
    existing = set(inspect(db.engine).get_table_names())
    return {name: db.session.scalar(select(func.count()).select_from(db.metadata.tables[name]))
            if name in existing else 0 for name in CONTENT_TABLES}


def dump(folder: Path) -> str:
    """Write a consistent copy of the database into `folder`; returns the file's name. Holds no lock on the
    live database for writers: SQLite copies one snapshot, pg_dump reads in one transaction."""
    if dialect() == "sqlite":
        target = folder / SQLITE_FILE
        source = sqlite3.connect(sqlite_path(), timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return SQLITE_FILE
    target = folder / POSTGRES_FILE
    _run_pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}")
    return POSTGRES_FILE


def load(file: Path, file_dialect: str) -> None:
    """Replace the database's content with the copy in `file` (made by `dump` on the same kind of database)."""
    if file_dialect != dialect():
        raise BackupError(f"备份来自 {file_dialect} 数据库，不能恢复到 {dialect()} 数据库")
    db.session.remove()
    db.engine.dispose()     # no pooled connection may hold the old database open
    if dialect() == "sqlite":
        path = sqlite_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(file)
        live = sqlite3.connect(path, timeout=30)
        try:
            source.backup(live)     # page by page through SQLite: the -wal file stays consistent
        finally:
            live.close()
            source.close()
    else:
        _run_pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                "--exit-on-error", f"--dbname={db.engine.url.database}", str(file))
    db.engine.dispose()


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0)
    if not versions:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client），版本不低于数据库服务器")
    return str(versions[-1])


def _run_pg(tool: str, *args: str) -> None:
    """Run pg_dump/pg_restore on the app's database; the connection goes through PG* variables, so the
    password never appears in the process list."""
    url = db.engine.url
    env = {**os.environ, "PGDATABASE": url.database or ""}
    for variable, value in (("PGHOST", url.host or url.query.get("host")), ("PGPORT", url.port),
                            ("PGUSER", url.username), ("PGPASSWORD", url.password),
                            ("PGSSLMODE", url.query.get("sslmode"))):
        if value:
            env[variable] = str(value)
    done = subprocess.run([pg_tool(tool), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} 失败：{done.stderr.strip()[-800:]}")
