"""Writing .xlsx exports with openpyxl in write-only mode (fast, constant memory). Every export and
template the system hands out is written here.

Every string is written as a text cell, whatever it starts with: openpyxl would otherwise store a name
such as =HYPERLINK("http://ev.il/?F6","F6") as a live formula (and "#N/A" as an error), and a learner's
name, a course name or a cell of an uploaded file would run in the reader's Excel. The system writes no
formulas at all. Pass ID numbers as strings so Excel keeps all 18 characters, and name their columns in
`text_columns` so the cells are also formatted as text (an edit in Excel keeps them). Numbers stay
numbers; dates (datetime.date) become date cells shown as 2025年3月1日, so Excel can sort and filter them.
A sheet meant for paper (`printable`) freezes its header row and prints on A4 landscape, one page wide,
with the header row repeated on every page. A sheet to be filled in can highlight the header cells of
required columns (`header_fills`) and the columns to type in (`fill_columns`), and add `blank_rows`
empty rows formatted like the data rows.
"""
from __future__ import annotations

import functools
import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from flask import Response

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill

# openpyxl is imported by the first workbook written, not when the views register: every `flask` command and
# worker would otherwise pay its ~0.2 s of imports (tests/functional/core/test_lazy_imports.py).


@functools.cache
def _cell_class() -> type[WriteOnlyCell]:
    from openpyxl.cell import WriteOnlyCell

    return WriteOnlyCell

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
FILL_COLOUR = "FFF2CC"          # pale yellow: required columns, cells to type in


@dataclass
class Sheet:
    """One worksheet: title, optional heading line and lines under it (e.g. 填报单位) above the table,
    column headers, rows, widths, the positions (0-based) of columns formatted as text, and whether it is
    set up for printing; for a sheet to fill in, the positions of highlighted header cells and columns,
    and how many empty formatted rows follow the data."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    heading: str = ""
    widths: Sequence[int] = ()
    text_columns: Collection[int] = ()
    lines: Sequence[str] = ()
    printable: bool = False
    header_fills: Collection[int] = ()
    fill_columns: Collection[int] = ()
    blank_rows: int = 0


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as .xlsx bytes; headers bold, column widths as given."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:31])
        for index, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        if sheet.printable:
            _print_setup(worksheet, header_row=bool(sheet.heading) + len(sheet.lines) + 1)
        if sheet.heading:
            title = text_cell(worksheet, sheet.heading)
            title.font = Font(bold=True, size=13)
            worksheet.append([title])
        for line in sheet.lines:
            worksheet.append([text_cell(worksheet, line)])
        header_cells = []
        for position, header in enumerate(sheet.headers):
            cell = text_cell(worksheet, header)
            cell.font = Font(bold=True)
            if position in sheet.header_fills:
                cell.fill = _fill()
            header_cells.append(cell)
        worksheet.append(header_cells)
        for row in sheet.rows:
            worksheet.append(_row(worksheet, row, sheet))
        for _ in range(sheet.blank_rows):
            worksheet.append(_row(worksheet, [None] * len(sheet.headers), sheet))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _print_setup(worksheet, *, header_row: int) -> None:
    """Freeze the rows down to the header; A4 landscape, one page wide; the header row on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    worksheet.freeze_panes = f"A{header_row + 1}"
    worksheet.print_title_rows = f"{header_row}:{header_row}"
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0        # as many pages down as the rows need
    worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def text_cell(worksheet, value: str) -> WriteOnlyCell:
    """A cell holding `value` as text, never as a formula or an error code, whatever it starts with."""
    cell = _cell_class()(worksheet, value=value)
    cell.data_type = "s"        # openpyxl made "=…" a formula ("f") and "#N/A" an error ("e")
    return cell


def _fill() -> PatternFill:
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=FILL_COLOUR)


def _row(worksheet, row: Sequence, sheet: Sheet) -> list:
    WriteOnlyCell = _cell_class()       # noqa: N806 (the class, looked up once per row)
    values = []
    for position, value in enumerate(row):
        if isinstance(value, str):
            cell = text_cell(worksheet, value)
        elif isinstance(value, date) and not isinstance(value, datetime):
            cell = WriteOnlyCell(worksheet, value=value)
            cell.number_format = DATE_FORMAT
        elif position in sheet.text_columns or position in sheet.fill_columns:
            cell = WriteOnlyCell(worksheet, value=value)
        else:
            values.append(value)
            continue
        if position in sheet.text_columns:
            cell.number_format = "@"
        if position in sheet.fill_columns:
            cell.fill = _fill()
        values.append(cell)
    return values


def xlsx_response(sheets: Sequence[Sheet], filename: str) -> Response:
    """A download response of the workbook; `filename` may be Chinese (RFC 5987)."""
    response = Response(workbook_bytes(sheets), mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
