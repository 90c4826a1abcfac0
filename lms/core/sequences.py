"""Gap-free named counters (student numbers, certificate numbers), safe under concurrent writers.

`next_value("certificate:diploma:2025")` increments the counter row inside the caller's transaction:
on PostgreSQL the UPDATE takes a row lock, so a concurrent transaction waits and then sees the new
value; on SQLite the whole database is write-locked. If the caller's transaction rolls back, the
increment rolls back with it — so the sequence never has gaps and never repeats.
"""
from __future__ import annotations

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class Sequence(db.Model):
    """The last value handed out for one named counter."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def next_value(name: str) -> int:
    """The next value of counter `name` (1 for a new counter), within the current transaction."""
    return next_values(name, 1)[0]


def next_values(name: str, count: int) -> range:
    """The next `count` consecutive values of counter `name`, taken with one UPDATE (for bulk issuing)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    statement = update(Sequence).where(Sequence.name == name).values(value=Sequence.value + count) \
        .returning(Sequence.value)
    value = db.session.execute(statement).scalar()
    if value is None:
        try:
            with db.session.begin_nested():
                db.session.add(Sequence(name=name, value=0))
        except Exception:   # another transaction created it first: fall through to the UPDATE
            pass
        value = db.session.execute(statement).scalar()
    return range(value - count + 1, value + 1)


def current_value(name: str) -> int:
    """The last value handed out (0 when unused)."""
    return db.session.scalar(select(Sequence.value).where(Sequence.name == name)) or 0
