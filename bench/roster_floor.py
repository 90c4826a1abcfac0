"""The floors the roster import is measured against (issue 17), in the same process and database as the app.

- **csv floor**: the plain version of the same work — decode the file, `csv.reader`, prepare the very values the
  app stores (ID number cleaned and, for the 1 % old 15-digit ones, converted; keyed hash, sex and birth date from
  the number; village id from a dict of township/village names; education level and pinyin initials, each per
  distinct value) and ONE `executemany` (SQLite) / `COPY` (PostgreSQL) into the app's own roster_entries table,
  with its indexes, then commit. No validation, no messages, no look-up of existing IDs.
- **xlsx floor**: python-calamine reading the first sheet into Python values, nothing else.

Used by bench/roster_import.py; run alone: `.venv/bin/python bench/roster_import.py --floors-only`.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
from datetime import date
from pathlib import Path

from python_calamine import CalamineWorkbook
from sqlalchemy import select
from stdnum.cn import ric

from lms.core.clock import now_utc
from lms.extensions import db
from lms.geo.models import Division
from lms.learners.codes import parse_education
from lms.learners.lookup import id_hash_key
from lms.learners.models import RosterEntry
from lms.learners.pinyin import name_initials

FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘ", "0123456789X")
COLUMNS = ("created_at", "updated_at", "name", "name_initials", "id_number", "id_hash", "sex", "birth_on",
           "village_id", "education", "phone", "status", "status_reason")


def xlsx_floor(path: Path) -> int:
    """Rows python-calamine reads from the first sheet (header included)."""
    workbook = CalamineWorkbook.from_path(str(path))
    return len(workbook.get_sheet_by_index(0).to_python())


def _villages() -> dict[tuple[str, str], int]:
    townships = dict(db.session.execute(select(Division.id, Division.name).where(Division.level == "township")).all())
    return {(townships[parent], name): village_id for village_id, name, parent in db.session.execute(
        select(Division.id, Division.name, Division.parent_id).where(Division.level == "village"))}


def _number(cell: str) -> str:
    text = "".join(cell.split()).translate(FULL_WIDTH).upper()
    if len(text) == 15:
        first17 = text[:6] + "19" + text[6:]
        return first17 + ric.calc_check_digit(first17 + "0")
    return text


def prepared_rows(data: bytes) -> list[tuple]:
    """The roster_entries rows of a generated .csv (bench/roster_data.py's columns), as plainly as possible."""
    villages, key = _villages(), hmac.new(id_hash_key(), digestmod=hashlib.sha256)
    educations: dict[str, str] = {}
    initials: dict[str, str] = {}
    now = now_utc().replace(tzinfo=None)
    reader = csv.reader(io.StringIO(data.decode("gb18030"), newline=""))
    next(reader)
    rows = []
    for _, name, cell, _, township, village, education, phone in reader:
        number = _number(cell)
        keyed = key.copy()
        keyed.update(number.encode("ascii"))
        level = educations.get(education)
        if level is None:
            level = educations[education] = parse_education(education)
        short = initials.get(name)
        if short is None:
            short = initials[name] = name_initials(name)
        rows.append((now, now, name, short, number, keyed.hexdigest(), "1" if number[16] in "13579" else "2",
                     date(int(number[6:10]), int(number[10:12]), int(number[12:14])), villages[township, village],
                     level, phone.strip(), "pending", ""))
    return rows


def csv_floor(data: bytes) -> int:
    """Read, prepare and insert every row of the file into roster_entries, committed; returns the row count."""
    rows = prepared_rows(data)
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    table = RosterEntry.__tablename__
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        rows = [(*row[:7], row[7].isoformat(), *row[8:]) for row in rows]
        raw.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                        rows)
    db.session.commit()
    return len(rows)
