"""Writing .xlsx exports with openpyxl in write-only mode (fast, constant memory).

Every cell is written as given; pass ID numbers as strings so Excel keeps all 18 characters, and name
their columns in `text_columns` so the cells are also formatted as text (an edit in Excel keeps them).
Dates (datetime.date) become date cells shown as 2025年3月1日, so Excel can sort and filter them.
A sheet meant for paper (`printable`) freezes its header row and prints on A4 landscape, one page wide,
with the header row repeated on every page.
"""
from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'


@dataclass
class Sheet:
    """One worksheet: title, optional heading line and lines under it (e.g. 填报单位) above the table,
    column headers, rows, widths, the positions (0-based) of columns formatted as text, and whether it is
    set up for printing."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    heading: str = ""
    widths: Sequence[int] = ()
    text_columns: Collection[int] = ()
    lines: Sequence[str] = ()
    printable: bool = False


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as .xlsx bytes; headers bold, column widths as given."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:31])
        for index, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        if sheet.printable:
            _print_setup(worksheet, header_row=bool(sheet.heading) + len(sheet.lines) + 1)
        if sheet.heading:
            title = WriteOnlyCell(worksheet, sheet.heading)
            title.font = Font(bold=True, size=13)
            worksheet.append([title])
        for line in sheet.lines:
            worksheet.append([line])
        header_cells = []
        for header in sheet.headers:
            cell = WriteOnlyCell(worksheet, header)
            cell.font = Font(bold=True)
            header_cells.append(cell)
        worksheet.append(header_cells)
        for row in sheet.rows:
            worksheet.append(_row(worksheet, row, sheet.text_columns))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _print_setup(worksheet, *, header_row: int) -> None:
    """Freeze the rows down to the header; A4 landscape, one page wide; the header row on every page."""
    worksheet.freeze_panes = f"A{header_row + 1}"
    worksheet.print_title_rows = f"{header_row}:{header_row}"
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0        # as many pages down as the rows need
    worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _row(worksheet, row: Sequence, text_columns: Collection[int]) -> list:
    values = []
    for position, value in enumerate(row):
        if position in text_columns and value:
            cell = WriteOnlyCell(worksheet, value=value)
            cell.number_format = "@"
            values.append(cell)
        elif isinstance(value, date) and not isinstance(value, datetime):
            cell = WriteOnlyCell(worksheet, value=value)
            cell.number_format = DATE_FORMAT
            values.append(cell)
        else:
            values.append(value)
    return values


def xlsx_response(sheets: Sequence[Sheet], filename: str) -> Response:
    """A download response of the workbook; `filename` may be Chinese (RFC 5987)."""
    response = Response(workbook_bytes(sheets), mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
