"""What a response says, whatever it is: the text of an HTML page, of every page of a PDF (pypdf), of
every cell of an .xlsx (openpyxl); and the cells of an .xlsx for tests that look at cell types."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_cells(data: bytes):
    """(sheet title, cell) of every cell holding a value, in every sheet."""
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell


def document_text(response) -> str | None:
    """The text a reader of the response sees; None for images, fonts and other binaries."""
    data = response.get_data()
    if response.mimetype == "application/pdf":
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if response.mimetype == XLSX_MIME:
        return "\n".join(str(cell.value) for _title, cell in xlsx_cells(data))
    if response.mimetype.startswith(("text/", "application/json", "application/javascript")):
        return response.get_data(as_text=True)
    return None
