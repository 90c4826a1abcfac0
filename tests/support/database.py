"""Baseline data every test database holds, and the table reset used after browser tests."""
from __future__ import annotations

from lms.extensions import db


def seed_baseline() -> None:
    """What the migrations seed in production: the fifteen specialties."""
    from lms.teaching.services import ensure_default_specialties

    ensure_default_specialties()


def reset_database() -> None:
    """Empty every table and re-seed the baseline (after a browser test's real commits)."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    seed_baseline()
    db.session.commit()
