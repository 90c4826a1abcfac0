"""Reading uploads: .xlsx via calamine, CSV in every encoding Chinese Excel writes, refusals."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from lms.core.errors import DomainError
from lms.imports.cells import parse_date, parse_phone
from lms.imports.files import NOT_A_SPREADSHEET, FileError, Row, Table, read_table
from lms.learners.idnumbers import IdNumberError, normalise_id_number

MB = 1024 * 1024
ID = "522327199001011256"
HEADERS = ["身份证号", "姓名", "日期", "手机号"]


def xlsx(rows, *, title="Sheet1", extra_sheets=(), hidden_first=False) -> bytes:
    """An .xlsx with `rows` (lists, None for an empty cell) on its first sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra_rows in extra_sheets:
        extra = workbook.create_sheet(name)
        for row in extra_rows:
            extra.append(row)
    if hidden_first:
        sheet.sheet_state = "hidden"
        workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes, filename: str = "名册.xlsx", max_bytes: int = 10 * MB) -> Table:
    return read_table(data, filename, max_bytes=max_bytes)


def refusal(data: bytes, filename: str = "名册.xlsx", max_bytes: int = 10 * MB) -> str:
    with pytest.raises(FileError) as caught:
        read(data, filename, max_bytes)
    return caught.value.message


# --- Excel -------------------------------------------------------------------------------


def test_xlsx_headers_and_typed_cells():
    table = read(
        xlsx(
            [
                [" 身份证号 ", "姓名", "日期", "手机号"],
                [ID, "王德才", dt.date(2023, 5, 6), 13812345678],
            ]
        )
    )
    assert table.headers == HEADERS
    assert table.kind == "excel"
    (row,) = table.rows
    assert row.number == 2
    identity, name, day, phone = row.cells
    assert (identity, name) == (ID, "王德才")
    assert parse_date(day) == dt.date(2023, 5, 6)
    assert isinstance(phone, (int, float)) and parse_phone(phone) == "13812345678"


def test_numeric_id_cell_stays_a_number_so_it_can_be_refused():
    table = read(xlsx([HEADERS, [522327199001011256, "王德才", None, None]]))
    identity = table.rows[0].cells[0]
    assert isinstance(identity, float)
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number(identity, today=dt.date(2025, 3, 1))
    assert "Excel 存成了数字" in caught.value.message


def test_date_cell_comes_back_as_a_date():
    table = read(xlsx([HEADERS, [ID, "王德才", dt.datetime(2023, 5, 6, 8, 30), None]]))
    day = table.rows[0].cells[2]
    assert isinstance(day, dt.date) and parse_date(day) == dt.date(2023, 5, 6)


def test_empty_cells_are_none():
    table = read(xlsx([HEADERS, [ID, None, None, 13812345678]]))
    assert table.rows[0].cells[1:3] == (None, None)


def test_blank_rows_are_skipped_and_later_rows_keep_their_numbers():
    table = read(
        xlsx(
            [
                HEADERS,
                [ID, "王德才", None, None],
                [None, None, None, None],
                ["  ", "\u3000", None, "\u200b"],
                [ID, "王芳", None, None],
            ]
        )
    )
    assert [(row.number, row.cells[1]) for row in table.rows] == [(2, "王德才"), (5, "王芳")]


def test_header_is_the_first_non_blank_row_and_leading_empty_columns_are_dropped():
    workbook = Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"] = "身份证号", "姓名"
    sheet["B4"], sheet["C4"] = ID, "王德才"
    sheet["B6"], sheet["C6"] = ID, "王芳"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read(buffer.getvalue())
    assert table.headers == ["身份证号", "姓名"]
    assert [row.number for row in table.rows] == [4, 6]
    assert table.rows[0] == Row(4, (ID, "王德才"))


def test_trailing_empty_header_cells_are_dropped_and_rows_cut_to_match():
    table = read(xlsx([["身份证号", "姓名", None], [ID, "王德才", "无表头的值"]]))
    assert table.headers == ["身份证号", "姓名"]
    assert table.rows[0].cells == (ID, "王德才")


def test_xlsm_name_is_read_like_xlsx():
    assert read(xlsx([HEADERS, [ID, "王德才", None, None]]), "名册.xlsm").rows[0].cells[0] == ID


def test_content_decides_so_an_xlsx_named_csv_still_reads():
    assert read(xlsx([HEADERS, [ID, "王德才", None, None]]), "名册.csv").kind == "excel"


def test_first_visible_sheet_is_read():
    data = xlsx(
        [["说明"], ["隐藏的"]],
        extra_sheets=[("名册", [HEADERS, [ID, "王德才", None, None]])],
        hidden_first=True,
    )
    assert read(data).headers == HEADERS


def test_empty_first_sheet_is_named_in_the_refusal():
    data = xlsx([], title="封面", extra_sheets=[("名册", [HEADERS, [ID, "王德才", None, None]])])
    assert refusal(data) == "第一个工作表“封面”是空的，请把数据放在第一个工作表"


def test_workbook_without_any_cell_is_empty():
    assert refusal(xlsx([])) == "文件是空的"


def test_header_only_workbook_has_no_data_rows():
    assert refusal(xlsx([HEADERS, [None, None, None, None]])) == "文件中没有数据行"


# --- CSV ---------------------------------------------------------------------------------

CSV_TEXT = "身份证号,姓名,乡镇,日期\r\n" + ID + ",王德才,者楼街道,2023/5/6\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_in_the_encodings_excel_writes(encoding):
    table = read(CSV_TEXT.encode(encoding), "名册.csv")
    assert table.kind == "csv"
    assert table.headers == ["身份证号", "姓名", "乡镇", "日期"]
    assert table.rows == [Row(2, (ID, "王德才", "者楼街道", "2023/5/6"))]


def test_gb18030_characters_outside_gbk_survive():
    text = "身份证号,姓名\n" + ID + ",吴𠈌\n"
    assert read(text.encode("gb18030"), "名册.csv").rows[0].cells[1] == "吴𠈌"


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiter_is_sniffed(delimiter):
    text = delimiter.join(HEADERS) + "\n" + delimiter.join([ID, "王德才", "2023-05-06", "13812345678"])
    assert read(text.encode("utf-8"), "名册.txt").rows[0].cells == (
        ID, "王德才", "2023-05-06", "13812345678",
    )


def test_unicode_text_export_is_utf16_with_tabs():
    text = "\t".join(HEADERS) + "\r\n" + "\t".join([ID, "王德才", "2023/5/6", "13812345678"]) + "\r\n"
    table = read(text.encode("utf-16"), "名册.txt")
    assert table.rows[0].cells[1] == "王德才"


def test_quoted_csv_fields_may_hold_commas_and_newlines():
    text = '身份证号,姓名,备注\n' + ID + ',王德才,"住在村口,\n靠河边"\n' + ID + ",王芳,\n"
    table = read(text.encode("utf-8"), "名册.csv")
    assert table.rows[0].cells[2] == "住在村口,\n靠河边"
    assert [row.number for row in table.rows] == [2, 3]


def test_csv_cells_are_raw_text_and_empty_cells_are_none():
    text = "身份证号,姓名,手机号\n5.22327E+17, 王德才 ,\n"
    assert read(text.encode("utf-8"), "名册.csv").rows[0].cells == ("5.22327E+17", " 王德才 ", None)


def test_csv_blank_lines_are_skipped_without_renumbering():
    text = "\n身份证号,姓名\n" + ID + ",王德才\n\n,\n \n" + ID + ",王芳\n"
    table = read(text.encode("utf-8"), "名册.csv")
    assert [(row.number, row.cells[1]) for row in table.rows] == [(3, "王德才"), (7, "王芳")]


def test_short_csv_rows_are_padded_and_long_rows_cut():
    text = "身份证号,姓名,乡镇\n" + ID + "\n" + ID + ",王芳,者楼街道,多余\n"
    table = read(text.encode("utf-8"), "名册.csv")
    assert table.rows[0].cells == (ID, None, None)
    assert table.rows[1].cells == (ID, "王芳", "者楼街道")


def test_csv_named_xls_is_read_as_csv():
    assert read(CSV_TEXT.encode("gbk"), "名册.xls").kind == "csv"


def test_header_only_csv_has_no_data_rows():
    assert refusal("身份证号,姓名\r\n,\r\n".encode("utf-8-sig"), "名册.csv") == "文件中没有数据行"


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\n\n", b" , ,\n", "\u3000\n".encode("utf-8")])
def test_csv_without_content_is_empty(data):
    assert refusal(data, "名册.csv") == "文件是空的"


# --- refusals ----------------------------------------------------------------------------


def test_empty_file_is_refused():
    assert refusal(b"") == "文件是空的"


def test_file_over_the_limit_is_refused():
    assert refusal(b"x" * (MB + 1), max_bytes=MB) == "文件超过 1 MB 上限"
    assert refusal(b"x" * (MB // 2 + 1), max_bytes=MB // 2) == "文件超过 0.5 MB 上限"


def test_file_at_the_limit_is_read():
    data = CSV_TEXT.encode("utf-8")
    assert read(data, "名册.csv", max_bytes=len(data)).rows


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        b"\xff\xd8\xff\xe0" + bytes(32),
        bytes(range(256)) * 4,
        b"\x01\x02\x03binary\x04\x05",
        bytes.fromhex("d0cf11e0a1b11ae1") + bytes(1024),
    ],
    ids=["png", "pdf", "jpeg", "binary blob", "control characters", "ole without workbook"],
)
def test_renamed_non_spreadsheets_are_refused(data):
    assert refusal(data) == NOT_A_SPREADSHEET


def test_word_document_renamed_to_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert refusal(buffer.getvalue()) == NOT_A_SPREADSHEET


def test_truncated_xlsx_is_refused():
    data = xlsx([HEADERS, [ID, "王德才", None, None]])
    assert refusal(data[: len(data) // 2]) == NOT_A_SPREADSHEET


@pytest.mark.parametrize("filename", ["名册.pdf", "名册.docx", "名册", "名册.xlsx.exe"])
def test_other_file_names_are_refused_whatever_they_hold(filename):
    assert refusal(CSV_TEXT.encode("utf-8"), filename) == NOT_A_SPREADSHEET


def test_upper_case_extension_is_fine():
    assert read(CSV_TEXT.encode("utf-8"), "名册.CSV").rows


def test_password_protected_workbook_is_refused_with_advice():
    # An encrypted .xlsx is an OLE compound file whose directory names an EncryptedPackage.
    directory_entry = "EncryptedPackage".encode("utf-16-le").ljust(64, b"\x00")
    data = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504) + directory_entry + bytes(448)
    assert refusal(data) == "文件设置了密码，请取消密码后重新上传"


@pytest.mark.parametrize(
    "text",
    [
        "<html><body><table><tr><td>身份证号</td></tr></table></body></html>",
        '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook/>',
        "\ufeff<table><tr><td>姓名</td></tr></table>",
    ],
)
def test_web_page_saved_as_xls_is_refused_with_advice(text):
    assert refusal(text.encode("utf-8"), "名册.xls") == (
        "该文件实际是网页或 XML 格式，请用 Excel 打开后另存为 .xlsx 再上传"
    )


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", bytes(2_000_000))
    data = buffer.getvalue()
    assert len(data) < 10_000
    assert refusal(data, max_bytes=10_000) == "文件解压后过大，无法读取；请删去多余的内容后重新上传"


def test_file_error_is_a_domain_error_with_a_message():
    with pytest.raises(DomainError) as caught:
        read(b"")
    assert caught.value.message == str(caught.value)


def test_csv_whose_text_starts_like_a_bitmap_header_still_reads():
    table = read("BMI,姓名\n21.5,王芳\n".encode(), "体检.csv")
    assert table.headers == ["BMI", "姓名"]


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused():
    assert refusal(b"abc\x80def,ghi\n", "名册.csv") == NOT_A_SPREADSHEET


def test_gif_renamed_to_csv_is_refused():
    assert refusal(b"GIF89a" + b"\x01\x00\x01\x00\x80" + bytes(20), "名册.csv") == NOT_A_SPREADSHEET


def test_delimiter_is_sniffed_past_a_line_without_any():
    text = "名册\n身份证号\t姓名\n" + ID + "\t王德才\n"
    table = read(text.encode("utf-8"), "名册.txt")
    assert table.headers == ["名册"]
    assert table.rows[1].cells == (ID,)  # split on the tab, then cut to the one header
