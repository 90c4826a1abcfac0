"""The one import pipeline behind the web upload and `flask lms import KIND FILE`.

read the file → map its headers → each importer checks every row (set-based look-ups, nothing
written) → unless it is a dry run (or --strict and some rows failed), the importer writes the good
rows inside one SAVEPOINT, so the write is all-or-nothing; the caller commits once.

What `check` hands to `write` is a plan: a list of planned rows, each an instance of a small frozen
dataclass named in the importer's module (e.g. NewRosterEntry / RosterEntryUpdate). The writer reads
attributes; whether a row inserts or updates is its type (or an explicit field), never a key test.
"""
from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from flask import current_app

from lms import summaries
from lms.audit.services import record
from lms.auth.permissions import may
from lms.core.errors import PermissionDenied
from lms.extensions import db
from lms.imports.cells import bounded_message, clean_text
from lms.imports.files import FileError, read_table
from lms.imports.headers import Column, HeadersError, map_headers


@dataclass(frozen=True)
class RowError:
    """A refused (or warned-about) row: spreadsheet row number (header = 1), column label, message, and
    the person's name as the row gives it (for kinds that list people; "" otherwise)."""

    row: int
    column: str
    message: str
    name: str = ""

    def as_dict(self) -> dict:
        data = {"row": self.row, "column": self.column, "message": self.message}
        if self.name:
            data["name"] = self.name
        return data


@dataclass
class SourceRow:
    """One data row of the file: its spreadsheet row number and raw cells by column key."""

    number: int
    values: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class ImportSummary:
    """What an import did (or would do): the JSON summary of the CLI and the web preview."""

    kind: str
    rows: int = 0
    written: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    created: dict[str, list[str]] = field(default_factory=dict)
    fatal: str | None = None
    dry_run: bool = False
    to_write: int = 0
    headers: list[str] = field(default_factory=list)
    refused_rows: list[tuple[int, tuple]] = field(default_factory=list)

    @property
    def named(self) -> bool:
        """True when the refused rows carry people's names (the preview shows a 姓名 column)."""
        return any(error.name for error in self.errors)

    @property
    def exit_code(self) -> int:
        """0 every row good, 1 some rows refused, 2 the file could not be used."""
        if self.fatal:
            return 2
        return 1 if self.errors else 0

    def as_dict(self) -> dict:
        data = {"kind": self.kind, "rows": self.rows, "written": self.written, "unchanged": self.unchanged,
                "errors": [e.as_dict() for e in self.errors]}
        if self.fatal:
            data["fatal"] = self.fatal
        if self.warnings:
            data["warnings"] = [w.as_dict() for w in self.warnings]
        if self.created:
            data["created"] = self.created
        if self.dry_run:
            data["dry_run"] = True
            data["would_write"] = self.to_write
        return data


@runtime_checkable
class PlannedRow(Protocol):
    """What an importer's check plans to write: an instance of a dataclass (frozen, slots) that the
    importer's module defines. tests/functional/test_import_plans.py holds every kind to this."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


PlanT = TypeVar("PlanT", bound=PlannedRow)


class Importer(Generic[PlanT]):
    """Base class of one import kind. Subclasses set the class attributes and implement check/write,
    naming their planned row type: `class RosterImporter(Importer[NewRosterEntry | RosterEntryUpdate])`.

    `check(rows)` validates every row without writing and returns the plan (a list of planned rows,
    see PlannedRow); it calls `self.refuse(row, key, message)` for bad rows, `self.warn(...)` for
    warnings, and counts rows already present with `self.unchanged += 1`.
    `write(planned)` writes them (flush only) and returns how many rows it wrote.
    """

    kind: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[Sequence[Column]]
    capability: ClassVar[str]          # who may import this kind: a row of lms/auth/permissions.py
    description: ClassVar[str] = ""
    notice: ClassVar[str] = ""         # what the written rows become, said on the preview and the result
    example: ClassVar[dict[str, str]] = {}
    text_columns: ClassVar[tuple[str, ...]] = ("id_number",)   # formatted as text in the template
    person_column: ClassVar[str | None] = None                  # the column naming the person of a row
    # Choices the user confirms on the preview (key → checkbox label); `self.chosen` holds the ticked keys.
    options: ClassVar[dict[str, str]] = {}

    def __init__(self, *, actor, scope, today: date, chosen: Iterable[str] = ()):
        self.actor = actor
        self.chosen = frozenset(chosen) & set(self.options)
        self.scope = scope
        self.today = today
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.created: dict[str, list[str]] = {}
        self.unchanged = 0
        self._labels = {c.key: c.label for c in self.columns}

    def refuse(self, row: SourceRow | int, key: str, message: str) -> None:
        """Record a refused row (the column is named by its Chinese label)."""
        number = row.number if isinstance(row, SourceRow) else row
        self.errors.append(RowError(number, self._labels.get(key, key), bounded_message(message)))

    def warn(self, row: SourceRow | int, key: str, message: str) -> None:
        """Record a warning: the row is still written."""
        number = row.number if isinstance(row, SourceRow) else row
        self.warnings.append(RowError(number, self._labels.get(key, key), bounded_message(message)))

    def note_created(self, what: str, name: str) -> None:
        """List something the import created on the way (e.g. a teaching point) in the summary."""
        names = self.created.setdefault(what, [])
        if name not in names:
            names.append(name)

    def check(self, rows: list[SourceRow]) -> list[PlanT]:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, planned: list[PlanT]) -> int:  # pragma: no cover - abstract
        raise NotImplementedError


def _named(importer: Importer, rows: list[SourceRow], errors: list[RowError]) -> list[RowError]:
    """The errors with the person's name of their row, for kinds that list people."""
    if importer.person_column is None or not errors:
        return errors
    refused = {error.row for error in errors}
    names = {row.number: clean_text(row.get(importer.person_column))[:40] for row in rows if row.number in refused}
    return [RowError(e.row, e.column, e.message, names.get(e.row, "")) for e in errors]


@contextmanager
def _collector_paused():
    """The cyclic garbage collector off while a file is read, checked and written (then back as it was).

    An import allocates millions of small objects that live until it ends (cells, rows, planned rows) and
    makes no reference cycles worth collecting; with the collector on, each generation-2 pass walks them all
    again — a third of a 100,000-row import's time in the profile (bench/README.md, "Roster import").
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_import(importer: Importer, data: bytes, filename: str, *, write: bool = True,
               strict: bool = False) -> ImportSummary:
    """Check a file with `importer` and, if asked and allowed, write its good rows. Never commits.

    With `strict`, any refused row means nothing is written. A file that cannot be read at all
    gives a summary with `fatal` set (exit code 2) and nothing written. An actor without the kind's
    capability (lms/auth/permissions.py) gets PermissionDenied, whoever calls.
    """
    if not may(importer.actor, importer.capability):
        raise PermissionDenied(f"您不能导入{importer.label}")
    with _collector_paused():
        return _run_import(importer, data, filename, write=write, strict=strict)


def _run_import(importer: Importer, data: bytes, filename: str, *, write: bool, strict: bool) -> ImportSummary:
    summary = ImportSummary(kind=importer.kind, dry_run=not write)
    try:
        table = read_table(data, filename, max_bytes=current_app.config["IMPORT_MAX_BYTES"],
                           max_rows=current_app.config["IMPORT_MAX_ROWS"])
        header_map = map_headers(table.headers, importer.columns)
    except (FileError, HeadersError) as error:
        summary.fatal = error.message
        return summary
    # Rows are cut or padded to the header's width, so each known column is a plain index.
    present = [(c.key, header_map.index[c.key]) for c in importer.columns if c.key in header_map.index]
    absent = [c.key for c in importer.columns if c.key not in header_map.index]
    # One dict per row from a C-level getter and zip (columns the file lacks read as None): the rows of a
    # 100,000-row roster are built in one pass without a comprehension per row.
    keys = [*(k for k, _ in present), *absent]
    pick = itemgetter(*(i for _, i in present)) if present else (lambda cells: ())
    missing = (None,) * len(absent)
    if len(present) == 1:
        rows = [SourceRow(r.number, dict(zip(keys, (pick(r.cells), *missing), strict=True))) for r in table.rows]
    else:
        rows = [SourceRow(r.number, dict(zip(keys, pick(r.cells) + missing, strict=True))) for r in table.rows]
    planned = check_rows(importer, rows, summary)
    summary.headers = list(table.headers)
    refused = {error.row for error in summary.errors}
    summary.refused_rows = [(row.number, row.cells) for row in table.rows if row.number in refused]
    if not write or (strict and summary.errors) or not planned:
        return summary
    with db.session.begin_nested():
        write_plan(importer, planned, summary)
        record(importer.actor, f"{importer.kind}.import", "import", None,
               summary=f"导入{importer.label}：{filename}，写入 {summary.written} 行，"
                       f"未变 {summary.unchanged} 行，拒绝 {len(summary.errors)} 行",
               after={"file": filename, "sha256": hashlib.sha256(data).hexdigest(), "rows": summary.rows,
                      "written": summary.written, "unchanged": summary.unchanged,
                      "refused": len(summary.errors), "created": summary.created})
    return summary


def check_rows(importer: Importer[PlanT], rows: list[SourceRow], summary: ImportSummary) -> list[PlanT]:
    """Check `rows` (from a file, or records a machine client sent as JSON — lms.api) with `importer`,
    filling `summary` with the counts, refusals and warnings; return the plan. Writes nothing."""
    summary.rows = len(rows)
    planned = importer.check(rows)
    summary.errors = _named(importer, rows, sorted(importer.errors, key=lambda e: (e.row, e.column)))
    summary.warnings = sorted(importer.warnings, key=lambda e: (e.row, e.column))
    summary.unchanged = importer.unchanged
    summary.to_write = len(planned)
    summary.created = importer.created
    return planned


def write_plan(importer: Importer[PlanT], planned: list[PlanT], summary: ImportSummary) -> None:
    """Write a checked plan (flush only; the caller holds the SAVEPOINT and audits), the dashboard's
    summaries re-counted once, not once per row."""
    with summaries.collected():
        summary.written = importer.write(planned)
    summary.created = importer.created


REASON_HEADER = "错误原因"


def refused_sheet(summary: ImportSummary):
    """The refused rows of a checked file as one worksheet: the file's own headers and cells, every cell
    as text (an ID number keeps its 18 characters, a date reads as typed), and 错误原因 last."""
    from lms.core.xlsx import Sheet

    reasons: dict[int, list[str]] = {}
    for error in summary.errors:
        reasons.setdefault(error.row, []).append(f"{error.column}：{error.message}")
    width = len(summary.headers)
    rows = ([clean_text(cell) for cell in (tuple(cells) + (None,) * width)[:width]] + ["；".join(reasons[number])]
            for number, cells in summary.refused_rows)
    return Sheet("有问题的行", [*summary.headers, REASON_HEADER], rows, text_columns=range(width + 1),
                 widths=[14] * width + [60])
