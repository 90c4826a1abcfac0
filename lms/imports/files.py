"""Reading an uploaded .xlsx/.xls/.csv into header texts and typed rows, or one clear FileError."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from lms.core.errors import DomainError
from lms.imports.cells import clean_text
from lms.imports.workbook_guard import (
    MAX_COLUMNS,
    NOT_A_SPREADSHEET,
    inflation_budget,
    limit_message,
    workbook_refusal,
)

__all__ = ["FileError", "MAX_COLUMNS", "MAX_ROWS", "NOT_A_SPREADSHEET", "Row", "SPREADSHEET_EXTENSIONS", "Table",
           "read_table"]

#: File name endings read_table accepts (the content, not the name, decides how it is read).
SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")

#: Rows a table may have (config IMPORT_MAX_ROWS sets it for the web and the CLI): a county roster with room.
MAX_ROWS = 200_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# An Office file encrypted with a password is an OLE container holding an "EncryptedPackage"
# stream; directory entry names are UTF-16LE.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# Formats people upload by mistake whose first bytes could still decode as text.
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"{\\rtf")
_DELIMITERS = (",", "\t", ";")
# C0 control characters never found in a real CSV (tab, CR, LF, FF, VT and ^Z are allowed).
_CONTROL = frozenset(chr(c) for c in range(32)) - set("\t\r\n\x0b\x0c\x1a")


class FileError(DomainError):
    """The upload cannot be read as a table; `.message` says why, in Chinese."""


class Row(NamedTuple):
    """One data row: `number` is the spreadsheet row (header is row 1 when it is the first row),
    `cells` the raw values in header order: str, int, float, bool, date, datetime, time,
    timedelta or None (an empty cell), never converted, so a numeric ID cell stays a float."""

    number: int
    cells: tuple


@dataclass(frozen=True, slots=True)
class Table:
    """A read file: cleaned header texts, the data rows (blank rows skipped) and its kind."""

    headers: list[str]
    rows: list[Row]
    kind: str  # "excel" (.xlsx/.xlsm/.xls, read by calamine) or "csv"


def _size_text(max_bytes: int) -> str:
    megabytes = max_bytes / (1024 * 1024)
    return f"{megabytes:g}" if megabytes >= 1 else f"{megabytes:.2g}"


def too_large_message(max_bytes: int) -> str:
    """Why a file over the upload limit is refused (Chinese)."""
    return f"文件超过 {_size_text(max_bytes)} MB 上限"


def read_table(data: bytes, filename: str, *, max_bytes: int, max_rows: int = MAX_ROWS,
               max_columns: int = MAX_COLUMNS) -> Table:
    """Read the first worksheet of an Excel file, or a CSV/TXT file, into a Table.

    The first non-blank row is the header row (a title row above it would be taken as the
    header, so templates have none); fully blank rows are skipped without renumbering later
    rows. CSV text may be UTF-8 (with or without BOM), UTF-16 with BOM or GB18030/GBK, split
    by commas, tabs or semicolons. The file's content decides the reader, so an .xlsx saved
    under a .csv name still reads. Raises FileError for empty, oversized, password-protected,
    non-spreadsheet and header-only files, and for tables past `max_rows` rows or `max_columns`
    columns: an .xlsx is measured (and its zip inflated in chunks, never whole) before calamine
    reads it, and CSV reading stops at the first record over either limit.
    """
    if not data:
        raise FileError("文件是空的")
    if len(data) > max_bytes:
        raise FileError(too_large_message(max_bytes))
    if not filename.lower().endswith(SPREADSHEET_EXTENSIONS):
        raise FileError(NOT_A_SPREADSHEET)
    head = data[:8]
    if head.startswith(_ZIP_MAGIC):
        refusal = workbook_refusal(data, max_inflated=inflation_budget(max_bytes, max_rows),
                                   max_rows=max_rows, max_columns=max_columns)
        if refusal:
            raise FileError(refusal)
        first, values = _workbook_values(data)
        kind = "excel"
    elif head == _OLE_MAGIC:
        if _ENCRYPTED_PACKAGE in data:
            raise FileError("文件设置了密码，请取消密码后重新上传")
        first, values = _workbook_values(data)
        kind = "excel"
    elif head.startswith(_BINARY_MAGICS):
        raise FileError(NOT_A_SPREADSHEET)
    else:
        first, values, kind = 1, _csv_values(_decode(data), max_rows, max_columns), "csv"
    return _table(first, values, kind)


def _workbook_values(data: bytes) -> tuple[int, Iterator[list]]:
    """The first visible worksheet's first row number (1-based) and its rows of raw cells, streamed."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise FileError("文件设置了密码，请取消密码后重新上传") from None
    except Exception:  # noqa: BLE001 - any parser failure on an upload means "not readable"
        raise FileError(NOT_A_SPREADSHEET) from None
    with workbook:
        visible = [
            meta.name
            for meta in workbook.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
        ]
        if not visible:
            raise FileError(NOT_A_SPREADSHEET)
        try:
            sheet = workbook.get_sheet_by_name(visible[0])
            start = sheet.start
            # Streamed: each row becomes Python values as _table takes it, never the whole sheet at once (the
            # cells were already read by calamine). iter_rows pads the blank rows above the first used cell
            # (its columns start there already): skipped, as to_python(skip_empty_area=True) does.
            values = itertools.islice(sheet.iter_rows(), start[0], None) if start is not None else iter(())
            first = next(values, None)
        except PasswordError:
            raise FileError("文件设置了密码，请取消密码后重新上传") from None
        except Exception:  # noqa: BLE001 - as above
            raise FileError(NOT_A_SPREADSHEET) from None
    if first is None:
        if len(workbook.sheet_names) > 1:
            raise FileError(f"第一个工作表“{visible[0]}”是空的，请把数据放在第一个工作表")
        raise FileError("文件是空的")
    return start[0] + 1, itertools.chain((first,), values)


def _decode(data: bytes) -> str:
    """CSV bytes as text (BOM, then UTF-8, then GB18030), refusing binary and web pages."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [(data[3:], "utf-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [(data, "utf-16")]
    elif b"\x00" in data[:65536]:
        raise FileError(NOT_A_SPREADSHEET)
    else:
        candidates = [(data, "utf-8"), (data, "gb18030")]
    for raw, encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:65536]
        if any(char in _CONTROL for char in sample):
            raise FileError(NOT_A_SPREADSHEET)
        lead = sample.lstrip()[:200].lower()
        if lead.startswith(("<html", "<!doctype", "<table", "<?xml", "<meta")):
            raise FileError("该文件实际是网页或 XML 格式，请用 Excel 打开后另存为 .xlsx 再上传")
        return text
    raise FileError(NOT_A_SPREADSHEET)  # neither UTF-8 nor GB18030: binary, not a CSV


def _sniff_delimiter(text: str) -> str:
    """The most frequent of comma, tab and semicolon on the first line that has any of them."""
    for line in text[:65536].splitlines():
        counts = {delimiter: line.count(delimiter) for delimiter in _DELIMITERS}
        best = max(_DELIMITERS, key=counts.__getitem__)
        if counts[best] and line.strip(" \t,;"):
            return best
    return ","


def _csv_values(text: str, max_rows: int, max_columns: int) -> list[list[str]]:
    """The records of a CSV text (a record's number is its row number in Excel), up to the limits."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    records: list[list[str]] = []
    append = records.append
    try:
        for record in reader:
            if len(record) > max_columns:
                while record and not record[-1].strip():
                    record.pop()     # trailing empty fields: Excel pads every line to its widest
                if len(record) > max_columns:
                    raise FileError(limit_message("列", len(record), max_columns, at_least=True))
            append(record)
            if len(records) > max_rows:     # stop counting here: the rest is never read
                raise FileError(limit_message("行", len(records), max_rows, at_least=True))
    except csv.Error:
        raise FileError(NOT_A_SPREADSHEET) from None
    return records


def _is_blank(cells: list) -> bool:
    """True when no cell holds more than whitespace or invisible characters ("" is empty)."""
    for value in cells:
        if type(value) is not str:
            return False
        if value and not value.isspace() and (value.isascii() or clean_text(value)):
            return False
    return True


def _table(first: int, values: Iterable[list], kind: str) -> Table:
    """Header = the first non-blank row; later non-blank rows become Rows with "" as None."""
    rows: list[Row] = []
    append = rows.append
    new_row = tuple.__new__  # Row(number, cells) without NamedTuple's Python-level __new__
    lines = iter(enumerate(values, first))
    for _, cells in lines:
        if not _is_blank(cells):
            headers = [clean_text(value) for value in cells]
            break
    else:
        raise FileError("文件是空的")
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    padding = (None,) * width
    for number, cells in lines:
        if "" in cells:
            if _is_blank(cells):
                continue
            cells = [None if value == "" else value for value in cells]
        elif not cells or (type(cells[0]) is str and _is_blank(cells)):
            continue  # no cells at all, or cells of nothing but spaces
        if len(cells) == width:
            append(new_row(Row, (number, tuple(cells))))
        else:
            append(new_row(Row, (number, (*cells, *padding)[:width])))
    if not rows:
        raise FileError("文件中没有数据行")
    return Table(headers=headers, rows=rows, kind=kind)
