"""Files built to crash or bloat a worker are refused, with the limit named, before they are read.

Each attack is a real file built here (a few KB on disk). The heavy ones are read in a separate
Python that reports how much it grew: reading them used to abort the process or add gigabytes.
"""
from __future__ import annotations

import io
import zipfile

import pytest

from lms.imports.files import NOT_A_SPREADSHEET, FileError, read_table

MAX_COLUMNS, MAX_ROWS = 64, 200_000
from tests.support.hostile_files import (
    HEADER_ROW,
    cell,
    claim_sizes,
    read_in_subprocess,
    row,
    streamed_member,
    workbook,
)

MB = 1024 * 1024
GROWTH_BOUND_MB = 200
TOO_BIG = "文件解压后过大，无法读取；请删去多余的内容后重新上传"


def refusal(data: bytes, filename: str = "名册.xlsx", **limits) -> str:
    limits.setdefault("max_bytes", 20 * MB)
    with pytest.raises(FileError) as caught:
        read_table(data, filename, **limits)
    return caught.value.message


def rows_message(count: int, limit: int = MAX_ROWS, *, at_least: bool = False) -> str:
    return f"表格{'至少有' if at_least else '有'} {count:,} 行，超过上限 {limit:,} 行；请分成几个文件导入"


def columns_message(count: int, limit: int = MAX_COLUMNS, *, at_least: bool = False) -> str:
    return f"表格{'至少有' if at_least else '有'} {count:,} 列，超过上限 {limit:,} 列；请删去多余的列后重新上传"


# --- the cell at XFD1048576 (calamine tried to allocate 512 GiB and aborted) --------------------


def test_a_cell_at_the_last_row_and_column_is_refused_by_the_declared_dimension(tmp_path):
    data = workbook(HEADER_ROW + row(1048576, cell("XFD1048576")), dimension="A1:XFD1048576")
    assert len(data) < 2000
    result = read_in_subprocess(tmp_path, data)
    assert result["message"] == rows_message(1048576)
    assert result["grown_mb"] < GROWTH_BOUND_MB


def test_a_cell_at_the_last_row_and_column_is_refused_when_the_dimension_lies(tmp_path):
    data = workbook(HEADER_ROW + row(1048576, cell("XFD1048576")), dimension="A1:D1")
    result = read_in_subprocess(tmp_path, data)
    assert result["message"] == rows_message(1048576, at_least=True)
    assert result["grown_mb"] < GROWTH_BOUND_MB


def test_a_cell_far_to_the_right_is_refused_naming_the_column_limit(tmp_path):
    data = workbook(HEADER_ROW + row(3000, cell("XFD3000")))
    result = read_in_subprocess(tmp_path, data)
    assert result["message"] == columns_message(16384, at_least=True)
    assert result["grown_mb"] < GROWTH_BOUND_MB


def test_a_declared_dimension_past_the_column_limit_is_refused():
    data = workbook(HEADER_ROW, dimension="A1:BM2")
    assert refusal(data) == columns_message(65)


@pytest.mark.parametrize("reference, allowed", [("A10", True), ("A11", False), ("F2", True), ("G2", False),
                                                ("a11", False), ("g2", False)])
def test_the_limits_are_inclusive_and_references_are_read_in_any_case(reference, allowed):
    data = workbook(HEADER_ROW + row(int(reference[1:]), cell(reference)))
    limits = {"max_bytes": MB, "max_rows": 10, "max_columns": 6}
    if allowed:
        assert read_table(data, "名册.xlsx", **limits).rows
    else:
        message = refusal(data, **limits)
        assert message in (rows_message(11, 10, at_least=True), columns_message(7, 6, at_least=True))


@pytest.mark.parametrize("sheet_data", [
    HEADER_ROW + "<row>" + "<c><v>1</v></c>" * 7 + "</row>",            # cells without r, one after another
    HEADER_ROW + '<row r="11"><c><v>1</v></c></row>',                    # a row r, cells without
    HEADER_ROW + "<row></row>" * 9 + "<row><c><v>1</v></c></row>",      # empty rows without r count too
    HEADER_ROW + '<row r="2"><c r = "Z2"><v>1</v></c></row>',            # spaces around "="
    HEADER_ROW + '<row r="2"><c s="0" r="Z2"><v>1</v></c></row>',        # r not the first attribute
    HEADER_ROW + '<row r="2"><c\nr="Z2"><v>1</v></c></row>',             # a newline before r
    HEADER_ROW + "<row r=\"2\"><c r='Z2'><v>1</v></c></row>",            # single quotes
    HEADER_ROW + '<row r="2"><x:c r="Z2"><x:v>1</x:v></x:c></row>',      # a namespace prefix
    HEADER_ROW + '<row r="2"><c foo=">" r="Z2"><v>1</v></c></row>',      # ">" inside an attribute
], ids=["no-r", "row-r-only", "empty-rows", "spaced-eq", "r-later", "newline", "single-quotes", "prefix",
        "gt-in-value"])
def test_cells_however_spelled_are_placed_as_calamine_places_them(sheet_data):
    data = workbook(sheet_data)
    message = refusal(data, max_bytes=MB, max_rows=10, max_columns=6)
    assert message in (rows_message(11, 10, at_least=True), columns_message(7, 6, at_least=True),
                       columns_message(26, 6, at_least=True))


def test_a_sheet_spelled_without_r_within_the_limits_still_reads():
    data = workbook("<row>" + "".join(f"<c t=\"inlineStr\"><is><t>{h}</t></is></c>" for h in ("姓名", "村"))
                    + "</row><row><c t=\"inlineStr\"><is><t>王德才</t></is></c><c><v>3</v></c></row>")
    table = read_table(data, "名册.xlsx", max_bytes=MB, max_rows=10, max_columns=6)
    assert table.headers == ["姓名", "村"] and table.rows[0].cells == ("王德才", 3.0)


def test_a_cell_inside_a_comment_is_not_read_by_calamine_but_is_refused_to_be_safe():
    data = workbook(HEADER_ROW + "<!-- " + row(2, cell("XFD2")) + " -->")
    assert refusal(data) == columns_message(16384, at_least=True)


def test_a_document_type_declaration_is_refused():
    data = workbook(HEADER_ROW + row(2, cell("A2")), prologue='<!DOCTYPE worksheet [<!ENTITY far "XFD1">]>')
    assert refusal(data) == NOT_A_SPREADSHEET


# --- a million rows in 320 KB --------------------------------------------------------------------


def test_a_workbook_of_a_million_rows_is_refused_at_the_row_limit(tmp_path):
    data = workbook([HEADER_ROW] + ["<row><c><v>1</v></c><c><v>2</v></c></row>" * 10_000] * 100)
    assert len(data) < 400 * 1024
    result = read_in_subprocess(tmp_path, data)
    assert result["message"] == rows_message(MAX_ROWS + 1, at_least=True)
    assert result["grown_mb"] < GROWTH_BOUND_MB


def test_rows_numbered_past_the_limit_are_refused_however_the_dimension_reads(tmp_path):
    def rows():
        yield HEADER_ROW
        for start in range(2, 300_002, 10_000):
            yield "".join(row(n, cell(f"A{n}"), cell(f"B{n}")) for n in range(start, start + 10_000))

    result = read_in_subprocess(tmp_path, workbook(rows(), dimension="A1:D1"))
    assert result["message"] == rows_message(MAX_ROWS + 1, at_least=True)
    assert result["grown_mb"] < GROWTH_BOUND_MB


def test_a_csv_of_a_million_rows_stops_counting_at_the_row_limit(tmp_path):
    data = ("姓名,村\n" + "王,甲\n" * 1_000_000).encode()
    result = read_in_subprocess(tmp_path, data, "名册.csv")
    assert result["message"] == rows_message(MAX_ROWS + 1, at_least=True)
    assert result["grown_mb"] < GROWTH_BOUND_MB


def test_a_csv_at_the_row_limit_reads():
    data = ("姓名,村\n" + "王,甲\n" * 9).encode()
    assert len(read_table(data, "名册.csv", max_bytes=MB, max_rows=10).rows) == 9
    assert refusal(data + "李,乙\n".encode(), "名册.csv", max_rows=10) == rows_message(11, 10, at_least=True)


def test_a_csv_wider_than_the_column_limit_is_refused(tmp_path):
    data = ("姓名" + "," * 100_000 + "x\n王,甲\n").encode()
    assert refusal(data, "名册.csv") == columns_message(100_001, at_least=True)


def test_a_csv_padded_with_empty_columns_by_excel_still_reads():
    data = ("姓名,村" + "," * 200 + "\n王,甲" + "," * 200 + "\n").encode()
    table = read_table(data, "名册.csv", max_bytes=MB)
    assert table.headers == ["姓名", "村"] and table.rows[0].cells == ("王", "甲")


# --- zip bombs -----------------------------------------------------------------------------------


def test_a_bomb_whose_directory_tells_the_truth_is_refused_before_inflating(tmp_path):
    data = streamed_member("xl/sharedStrings.xml", b"<sst><si><t>", b"A" * 64, 400 * MB, b"</t></si></sst>")
    assert len(data) < 2 * MB     # 1.8 MB inflating to 400 MB
    result = read_in_subprocess(tmp_path, data)
    assert result["message"] == TOO_BIG
    assert result["grown_mb"] < GROWTH_BOUND_MB


def test_a_bomb_whose_directory_lies_is_refused_by_what_really_inflates(tmp_path):
    sheet = streamed_member("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>", b"<x/>", 100 * MB,
                            b"</sheetData></worksheet>")
    data = claim_sizes(sheet, 1000)
    result = read_in_subprocess(tmp_path, data)
    assert result["message"] == TOO_BIG
    assert result["grown_mb"] < GROWTH_BOUND_MB


def test_the_inflation_budget_follows_the_upload_limit():
    data = claim_sizes(streamed_member("xl/worksheets/sheet1.xml", b"<worksheet>", b" ", 2 * MB), 10)
    assert refusal(data, max_bytes=10_000) == TOO_BIG


def test_one_giant_string_is_refused_before_calamine_holds_it():
    data = streamed_member("xl/sharedStrings.xml", b"<sst><si><t>", b"A" * 64, 3 * MB, b"</t></si></sst>")
    assert refusal(data) == "文件中有超长的内容（一个单元格最多 32,767 个字），无法读取；请检查后重新上传"


def test_pictures_in_a_workbook_are_not_mistaken_for_long_text():
    picture = b"\x89PNG\r\n\x1a\n" + bytes(3 * MB)
    data = workbook(HEADER_ROW + row(2, cell("A2")), extra={"xl/media/image1.png": picture})
    assert read_table(data, "名册.xlsx", max_bytes=20 * MB).headers == ["姓名", "身份证号", "乡镇", "村"]


# --- other packages calamine would open -----------------------------------------------------------


def test_an_opendocument_sheet_renamed_to_xlsx_is_refused(tmp_path):
    # 700 bytes that calamine expands into three million cells (300 MB).
    content = ('<?xml version="1.0"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="S"><table:table-row table:number-rows-repeated="3000">'
               '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" '
               'office:value="1"/></table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", '<manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    result = read_in_subprocess(tmp_path, buffer.getvalue())
    assert result["message"] == NOT_A_SPREADSHEET
    assert result["grown_mb"] < GROWTH_BOUND_MB
