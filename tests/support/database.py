"""Baseline data every test database holds, and the table reset used after browser tests."""
from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from lms.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


@cache
def _migration(filename: str):
    """A migration module loaded from its file (migrations never import lms, so this is safe)."""
    spec = importlib.util.spec_from_file_location(f"migration_{filename[:-3]}", MIGRATIONS / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_baseline() -> None:
    """What the migrations seed in production: the fifteen specialties and their default teaching plans."""
    from lms.teaching.services import ensure_default_specialties

    ensure_default_specialties()
    connection = db.session.connection()
    # In production 0200 seeded the plans under the names 0001 gave, which 0630 then renamed: same order here.
    names = _migration("0640_specialties_full_width_parentheses.py")
    names.rename(connection, {new: old for old, new in names.FULL_WIDTH.items()})
    _migration("0200_teaching.py").seed_default_plans(connection)
    names.rename(connection, names.FULL_WIDTH)


def reset_database() -> None:
    """Empty every table and re-seed the baseline (after a browser test's real commits)."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    seed_baseline()
    db.session.commit()
