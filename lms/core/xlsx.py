"""Writing .xlsx exports with openpyxl in write-only mode (fast, constant memory).

Every cell is written as given; pass ID numbers as strings so Excel keeps all 18 characters, and name
their columns in `text_columns` so the cells are also formatted as text (an edit in Excel keeps them).
"""
from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """One worksheet: title, optional heading line above the table, column headers, rows, widths, and the
    positions (0-based) of columns formatted as text."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    heading: str = ""
    widths: Sequence[int] = ()
    text_columns: Collection[int] = ()


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as .xlsx bytes; headers bold, column widths as given."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:31])
        for index, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        if sheet.heading:
            title = WriteOnlyCell(worksheet, sheet.heading)
            title.font = Font(bold=True, size=13)
            worksheet.append([title])
        header_cells = []
        for header in sheet.headers:
            cell = WriteOnlyCell(worksheet, header)
            cell.font = Font(bold=True)
            header_cells.append(cell)
        worksheet.append(header_cells)
        for row in sheet.rows:
            worksheet.append(_row(worksheet, row, sheet.text_columns) if sheet.text_columns else list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(worksheet, row: Sequence, text_columns: Collection[int]) -> list:
    values = []
    for position, value in enumerate(row):
        if position in text_columns and value:
            cell = WriteOnlyCell(worksheet, value=value)
            cell.number_format = "@"
            values.append(cell)
        else:
            values.append(value)
    return values


def xlsx_response(sheets: Sequence[Sheet], filename: str) -> Response:
    """A download response of the workbook; `filename` may be Chinese (RFC 5987)."""
    response = Response(workbook_bytes(sheets), mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
