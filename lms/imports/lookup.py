"""Set-based look-ups of rows an import already holds: many values passed as ONE parameter.

A plain IN (…) with thousands of values costs SQLAlchemy a fresh compile per statement and the driver a
parameter each; a JSON array (SQLite's json_each) or a PostgreSQL array does not.

On PostgreSQL the clause is `column = ANY(array)`, never `column IN (SELECT unnest(array))`. psycopg
prepares a statement after its fifth execution and PostgreSQL then switches to a generic plan, planned
without the array: it takes unnest(…) for 10 values. When the table's statistics are stale (analysed
while empty: reltuples 0 on thousands of pages), that generic plan was a nested-loop semi join of every
row × every value — 100,000 × 5,000 string comparisons, 20–240 s per 5,000-ID chunk of a re-import.
`= ANY(array)` is an index condition whatever the estimates: the generic plan is a bitmap index scan of
the unique index (≈ 0.1 s per chunk). tests/functional/learners/test_roster_lookup_plan.py holds this.
"""
from __future__ import annotations

import json

from sqlalchemy import String, any_, cast, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from lms.extensions import db

#: Values per look-up statement: well under SQLite's 32,766 bound parameters (one is used anyway).
LOOKUP_CHUNK = 5000


def among(column, values: list[str]):
    """SQL clause: text `column` is one of `values`, passed as ONE parameter (see the module docstring)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        each = func.json_each(json.dumps(values)).table_valued("value")
        return column.in_(select(each.c.value))
    if dialect == "postgresql":
        return column == any_(cast(values, ARRAY(String)))
    return column.in_(values)


def chunks(values: list, size: int = LOOKUP_CHUNK):
    """`values` in consecutive slices of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def analyse_after_bulk_write(table, written: int, *, at_least: int = 1000) -> None:
    """Refresh PostgreSQL's statistics of `table` after writing `written` rows in bulk (no-op elsewhere).

    Autovacuum analyses a table up to a minute after a bulk load; until then the planner may still think
    it empty (a roster imported and then re-imported at once). ANALYZE inside the import's transaction
    samples its own new rows, so every later statement — this transaction's and, after commit, everyone's —
    is planned for the table as it is. A few hundred milliseconds for 100,000 rows.
    """
    if written < at_least or db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(text(f"ANALYZE {db.session.get_bind().dialect.identifier_preparer.format_table(table)}"))
