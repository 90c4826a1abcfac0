"""The roster's look-up of IDs already held (lms.imports.lookup.among) is planned well on PostgreSQL even when
the planner knows nothing: a generic plan (psycopg prepares a statement after five executions, PostgreSQL then
plans without the array's values) over a table whose statistics say it is empty (analysed before a bulk load).

The old clause, `id_hash IN (SELECT unnest($1))`, became a nested-loop semi join of every roster row × every value
(100,000 × 5,000 comparisons per chunk: the 20–240 s re-import stall of issue 17). These tests read the plan.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from lms.extensions import db
from lms.imports.lookup import among
from lms.learners.importers.common import rows_by_hash
from lms.learners.lookup import hash_id
from lms.learners.models import RosterEntry
from tests.factories import make_roster_entry

pytestmark = pytest.mark.postgres_only


@pytest.fixture(autouse=True)
def _postgresql_only(database_url):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("generic plans and statistics are PostgreSQL's")


def generic_plan(stmt, values: list[str]) -> str:
    """EXPLAIN of `stmt` (one array parameter) prepared and planned generically, as the sixth execution is."""
    sql = str(stmt.compile(dialect=db.session.get_bind().dialect))
    sql = re.sub(r"%\(\w+\)s", "$1", sql)
    db.session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    db.session.execute(text(f"PREPARE roster_lookup_probe AS {sql}"))
    try:
        literal = "{" + ",".join(values) + "}"
        return "\n".join(db.session.execute(text(f"EXPLAIN EXECUTE roster_lookup_probe('{literal}')")).scalars())
    finally:
        db.session.execute(text("DEALLOCATE roster_lookup_probe"))


def test_the_generic_plan_of_the_id_lookup_probes_the_index_even_when_the_table_seems_empty(area):
    entries = [make_roster_entry(area.village_a) for _ in range(3)]
    db.session.flush()
    # A county's roster (20,000 rows), then statistics as autovacuum leaves them when it analysed the table
    # empty just before a bulk load: 0 rows on many pages. (All rolled back with the test.)
    db.session.execute(text(
        "INSERT INTO roster_entries (created_at, updated_at, name, name_initials, id_number, id_hash, sex, birth_on,"
        " village_id, education, phone, status, status_reason) SELECT now(), now(), '某', 'm', lpad(g::text, 18, '0'),"
        " md5(g::text) || md5(g::text), '1', '1980-01-01', :village, '', '', 'pending', ''"
        " FROM generate_series(1, 20000) AS g"), {"village": area.village_a.id})
    db.session.execute(text("ANALYZE roster_entries"))
    db.session.execute(text("UPDATE pg_class SET reltuples = 0 WHERE relname = 'roster_entries'"))
    hashes = [entry.id_hash for entry in entries] + [f"{n:064x}" for n in range(4997)]
    plan = generic_plan(select(RosterEntry.id_hash, RosterEntry.id).where(among(RosterEntry.id_hash, hashes)), hashes)
    assert "Join Filter" not in plan and "Nested Loop" not in plan and "Seq Scan" not in plan, plan
    assert "Index Cond: ((id_hash)::text = ANY" in plan, plan
    # …and the look-up finds exactly the rows asked for.
    found = rows_by_hash((RosterEntry.id,), RosterEntry.id_hash, [*hashes[:2], hash_id("110101199003070000")])
    assert sorted(found) == sorted(hashes[:2])


def test_a_bulk_written_roster_is_analysed_in_the_same_transaction(area, cli_import):
    from tests.functional.learners.test_roster_import import HEADER, person
    from tests.support.spreadsheets import csv_bytes

    db.session.execute(text("ANALYZE roster_entries"))
    assert db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'roster_entries'")) <= 0
    code, summary = cli_import("roster", csv_bytes(HEADER, [person(f"王{n}") for n in range(1200)]))
    assert code == 0 and summary["written"] == 1200
    assert db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'roster_entries'")) >= 1200
