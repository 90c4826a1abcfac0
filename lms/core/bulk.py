"""Inserting many rows at once: PostgreSQL's COPY where available, else one executemany.

psycopg's executemany sends one INSERT per row (≈12 s for 100,000 roster rows here); COPY streams them
in one command (≈1 s). Both run inside the session's current transaction (and SAVEPOINT), so an import
stays all-or-nothing. Rows are dicts keyed by column name; columns left out take their scalar default.
"""
from __future__ import annotations

import itertools

from sqlalchemy import Table, insert

from lms.extensions import db


def _complete(table: Table, rows: list[dict]) -> tuple[list[str], dict]:
    """The column names to write (the rows' keys, then the defaulted ones) and the scalar defaults of the columns
    the rows leave out."""
    given = set(rows[0])
    defaults = {}
    for column in table.columns:
        if column.name in given or (column.primary_key and column.autoincrement in (True, "auto")):
            continue
        if column.default is not None and column.default.is_scalar:
            defaults[column.name] = column.default.arg
        elif not column.nullable and column.server_default is None:
            raise ValueError(f"bulk_insert into {table.name} needs a value for {column.name}")
    return [*rows[0], *defaults], defaults


def _columns(rows: list[dict], names: list[str], defaults: dict, processors=None) -> list:
    """The values column by column (a default repeated, each bind processor mapped over its column): one pass per
    column instead of a dict merge and a tuple expression per row."""
    columns = []
    for index, name in enumerate(names):
        process = processors[index] if processors else None
        if name in defaults:
            value = process(defaults[name]) if process else defaults[name]
            columns.append(itertools.repeat(value, len(rows)))
            continue
        column = [row[name] for row in rows]
        columns.append(list(map(process, column)) if process else column)
    return columns


def bulk_insert(table: Table, rows: list[dict]) -> None:
    """Insert `rows` into `table` in the current transaction (flushes pending ORM changes first)."""
    if not rows:
        return
    db.session.flush()
    names, defaults = _complete(table, rows)
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        _executemany(connection, table, names, defaults, rows)
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), [{**defaults, **row} for row in rows])
        return
    columns = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)
    target = connection.dialect.identifier_preparer.format_table(table)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            for values in zip(*_columns(rows, names, defaults), strict=True):
                copy.write_row(values)


def _executemany(connection, table: Table, names: list[str], defaults: dict, rows: list[dict]) -> None:
    """One DBAPI executemany of plain tuples, each column's bind processor applied (dates, UTC timestamps):
    SQLAlchemy's per-row parameter handling cost as much as SQLite's own inserting (issue 17 profile)."""
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(map(quote, names))}) "
           f"VALUES ({', '.join('?' * len(names))})")
    processors = [_remembered(table.c[name].type._cached_bind_processor(dialect)) for name in names]
    values = list(zip(*_columns(rows, names, defaults, processors), strict=True))
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()


def _remembered(process):
    """A bind processor run once per distinct value: rows repeat their timestamps and birth dates, and
    SQLite's date processors format a string each time."""
    if process is None:
        return None
    done: dict = {}

    def once(value):
        try:
            return done[value]
        except KeyError:
            result = done[value] = process(value)
            return result
        except TypeError:             # an unhashable value
            return process(value)

    return once
