"""Checking an .xlsx archive before calamine opens it: how far it inflates and how far its cells reach.

calamine builds a dense grid from the first to the last cell it reads, so one cell at XFD1048576
makes it allocate 17 billion cells and abort the worker; it also holds shared strings whole.
So, before calamine sees a zip, every member is inflated once in 1 MB chunks (never whole),
counting the bytes it really inflates (the sizes in the zip directory can lie) and searching the
XML for cell references and <dimension> ranges beyond the row and column limits.

Worksheets written by Excel, WPS, openpyxl and xlsxwriter spell every cell `<c r="A1" …>`; those
are checked by a regex per chunk at C speed. A part that spells cells any other way (no `r`,
spaces around `=`, a namespace prefix) and has a <sheetData> is read again with expat, placing
each cell the way calamine does (rows and cells without `r` follow the previous one).
"""
from __future__ import annotations

import copy
import functools
import io
import re
import zipfile
import zlib
from xml.parsers import expat

__all__ = ["MAX_COLUMNS", "NOT_A_SPREADSHEET", "TOO_BIG_INFLATED", "inflation_budget", "limit_message",
           "workbook_refusal"]

NOT_A_SPREADSHEET = "无法读取：不是 Excel（.xlsx/.xls）或 CSV 文件"
TOO_BIG_INFLATED = "文件解压后过大，无法读取；请删去多余的内容后重新上传"
TOO_LONG_CELL = "文件中有超长的内容（一个单元格最多 32,767 个字），无法读取；请检查后重新上传"

#: Columns an import may have: no import kind has more than ~15, a template plus notes fits easily.
MAX_COLUMNS = 64
# A decompressed workbook this many times larger than the upload limit is refused (zip bomb) …
_MAX_INFLATION = 100
# … and so is one inflating past this much per allowed row (a 15-column roster row is ~0.7 KB of
# sheet XML) plus room for styles, theme and shared strings' overhead.
_INFLATED_BYTES_PER_ROW = 1536
_INFLATED_OVERHEAD = 4 * 1024 * 1024
_CHUNK = 1024 * 1024
# No tag or text in a real workbook runs this long without a "<" (a cell holds ≤ 32,767
# characters, ≤ 128 KB); a longer run is a giant string calamine would hold whole.
_MAX_RUN = 1024 * 1024
# Members calamine never parses as XML (pictures, embedded files): inflation is still counted.
_BINARY_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"\x01\x00\x00\x00",
                  b"\xd7\xcd\xc6\x9a", b"\xd0\xcf\x11\xe0", b"PK\x03\x04", b"%PDF")
# calamine falls back to these formats when a zip is not a usable .xlsx; an OpenDocument sheet
# repeats a cell a million times with one attribute, and .xlsb cells are binary: neither is checked
# here, and neither is a format the import accepts.
_OTHER_FORMATS = ("content.xml", "xl/workbook.bin")
# Tabs and newlines searched as spaces. A part whose cells are not all `<c r="…"` (no r, r not
# first, spaces around "=", a namespace prefix) is read again with expat.
_SPACES = bytes.maketrans(b"\t\n\r", b"   ")
_DIMENSION = re.compile(rb"<(?:[^\s<>/:]+:)?dimension\b[^>]*?\sref\s*=\s*[\"']([^\"']*)[\"']")
_REF = re.compile(r"([A-Za-z]+)([0-9]+)")


class _Refused(Exception):
    """Unwinds the scan with the Chinese message to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def limit_message(what: str, count: int, limit: int, *, at_least: bool = False) -> str:
    """The refusal for a table with `count` rows (what="行") or columns ("列") over `limit`."""
    has = "至少有" if at_least else "有"
    advice = "请分成几个文件导入" if what == "行" else "请删去多余的列后重新上传"
    return f"表格{has} {count:,} {what}，超过上限 {limit:,} {what}；{advice}"


def inflation_budget(max_bytes: int, max_rows: int) -> int:
    """How many bytes an upload may inflate to: the lesser of 100× the size limit and ~1.5 KB a row."""
    return min(max_bytes * _MAX_INFLATION, _INFLATED_OVERHEAD + max_rows * _INFLATED_BYTES_PER_ROW)


def workbook_refusal(data: bytes, *, max_inflated: int, max_rows: int, max_columns: int = MAX_COLUMNS) -> str | None:
    """Why calamine must not open this zip (a Chinese message), or None when it is safe to read.

    Refused: not a zip, an OpenDocument or .xlsb package, more than `max_inflated` bytes once
    inflated (by the directory or in fact), a member inflating past its declared size, a DOCTYPE, a text run over 1 MB, and any cell or
    <dimension> past row `max_rows` or column `max_columns`. Memory stays at a few MB.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {info.filename.lower() for info in members}
            if any(name in names for name in _OTHER_FORMATS):
                return NOT_A_SPREADSHEET
            if sum(info.file_size for info in members) > max_inflated:
                return TOO_BIG_INFLATED
            scan = _Scan(max_rows, max_columns, max_inflated)
            for info in members:
                if scan.member(archive, info):
                    _expat_scan(archive, info, max_rows, max_columns)
    except _Refused as refused:
        return refused.message
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
        return NOT_A_SPREADSHEET
    return None


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The member's inflated bytes in chunks, read past the size its directory entry claims
    (the caller stops reading at its budget)."""
    honest = copy.copy(info)
    honest.file_size = 1 << 62     # zipfile stops at file_size: let the deflate stream decide
    with archive.open(honest) as stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


class _Scan:
    """The fast pass over every member: inflation, DOCTYPE, text runs, dimensions, references."""

    def __init__(self, max_rows: int, max_columns: int, max_inflated: int):
        self.max_rows, self.max_columns = max_rows, max_columns
        self.left = max_inflated
        self.bad_ref = _bad_reference(max_rows, max_columns)

    def member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
        """Scan one member; True when it needs the exact (expat) pass."""
        tail, xml, odd, self.cells, self.rows = b"", None, False, False, 0
        inflated = 0
        for chunk in _chunks(archive, info):
            inflated += len(chunk)
            self.left -= len(chunk)
            # Inflating past the size the directory declares is a lie no zip tool tells: a bomb.
            if self.left < 0 or inflated > info.file_size:
                raise _Refused(TOO_BIG_INFLATED)
            if xml is None:
                xml = not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_BINARY_MAGICS)
            if not xml:
                continue
            buffer = tail + chunk
            cut = buffer.rfind(b"<")
            region, tail = (buffer, b"") if cut < 0 else (buffer[:cut], buffer[cut:])
            # The text after the last "<" waits for the next chunk, so no tag is ever split.
            if len(tail) > _MAX_RUN or (cut < 0 and len(buffer) > _MAX_RUN):
                raise _Refused(TOO_LONG_CELL)
            odd = self.region(region) or odd
        if tail:
            odd = self.region(tail) or odd
        return odd

    def region(self, region: bytes) -> bool:
        """Refuse what this stretch of XML shows; True when its cells are spelled unusually."""
        if b"<!DOCTYPE" in region or b"<!ENTITY" in region:
            raise _Refused(NOT_A_SPREADSHEET)
        flat = region.translate(_SPACES)     # one spelling of whitespace: fewer searches
        if b"dimension" in flat:
            for match in _DIMENSION.finditer(flat):
                end = match[1].rpartition(b":")[2].decode("ascii", "replace")
                self.check(end, at_least=False)
        # calamine reads cells only after <sheetData> (shared strings and styles have none).
        self.cells = self.cells or b"sheetData" in flat
        if not self.cells:
            return False
        # calamine moves down a row at every </row>: more row elements than the limit is too many rows.
        self.rows += flat.count(b"<row ") + flat.count(b"<row>")
        if self.rows > self.max_rows:
            raise _Refused(limit_message("行", self.max_rows + 1, self.max_rows, at_least=True))
        found = self.bad_ref.search(flat)
        if found is not None:
            self.check(found[1].decode("ascii"), at_least=True)
        return (flat.count(b"<c ") + flat.count(b"<c>") != flat.count(b'<c r="') + flat.count(b"<c r='")
                or b"r =" in flat or b"r= " in flat or b":c " in flat or b":c>" in flat)

    def check(self, reference: str, *, at_least: bool) -> None:
        _check_position(_position(reference), self.max_rows, self.max_columns, at_least=at_least)


def _position(reference: str) -> tuple[int, int] | None:
    """(row, column), both from 1, of a reference like "XFD1048576"; None when it is no reference."""
    match = _REF.fullmatch(reference.strip().replace("$", ""))
    if match is None:
        return None
    column = 0
    for letter in match[1].upper():
        column = column * 26 + ord(letter) - 64
    return int(match[2]), column


def _check_position(position: tuple[int, int] | None, max_rows: int, max_columns: int, *, at_least: bool) -> None:
    if position is None:
        return
    row, column = position
    if row > max_rows:
        raise _Refused(limit_message("行", row, max_rows, at_least=at_least))
    if column > max_columns:
        raise _Refused(limit_message("列", column, max_columns, at_least=at_least))


def _greater(limit: str, alphabet: str) -> str:
    """A regex for a run of `alphabet` characters (no leading zero) worth more than `limit`."""
    def chars(cs: str) -> str:
        return "".join(dict.fromkeys(cs + cs.lower()))
    first = chars(alphabet.lstrip("0"))
    options = [f"[{first}][{chars(alphabet)}]{{{len(limit)},}}"]
    for i, char in enumerate(limit):
        higher = alphabet[alphabet.index(char.upper()) + 1:]
        if higher:
            prefix = "".join(f"[{chars(c.upper())}]" for c in limit[:i])
            rest = len(limit) - i - 1
            options.append(f"{prefix}[{chars(higher)}]" + (f"[{chars(alphabet)}]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(options) + ")"


def _column_letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@functools.lru_cache(maxsize=8)
def _bad_reference(max_rows: int, max_columns: int) -> re.Pattern:
    """`r="…"` naming a column past max_columns or a row past max_rows (group 1: the reference)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    columns = _greater(_column_letters(max_columns), letters)
    rows = _greater(str(max_rows), "0123456789")
    pattern = rf"""r=["']((?:{columns}[0-9]|[A-Za-z]+0*{rows})[0-9]*)"""
    return re.compile(pattern.encode("ascii"))


def _expat_scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_rows: int, max_columns: int) -> None:
    """Place every cell of an unusually spelled sheet as calamine does, refusing one past the limits.

    Counted conservatively: an empty <c/> or <row/> moves the position too.
    """
    state = {"stage": "before", "row": 0, "column": 0}     # before → cells → after <sheetData>

    def start(name: str, attributes: dict) -> None:
        local = name.rpartition(":")[2]
        if state["stage"] == "before":
            if local == "sheetData":
                state["stage"] = "cells"
        elif state["stage"] == "after":
            return
        elif local == "row":
            r = attributes.get("r")
            if r is not None and r.strip().isdigit():
                state["row"] = int(r) - 1
        elif local == "c":
            r = attributes.get("r")
            position = _position(r) if r is not None else None
            if position is None:
                position = (state["row"] + 1, state["column"] + 1)
            _check_position(position, max_rows, max_columns, at_least=True)
            state["column"] = position[1]

    def end(name: str) -> None:
        if state["stage"] == "cells":
            local = name.rpartition(":")[2]
            if local == "row":
                state["row"] += 1
                state["column"] = 0
            elif local == "sheetData":
                state["stage"] = "after"     # calamine stops reading at </sheetData>

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        for chunk in _chunks(archive, info):     # already inflated once within the budget
            if state["stage"] == "after":
                return
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise _Refused(NOT_A_SPREADSHEET) from None
