"""The quarterly workbook as the prefecture receives it: real dates, a frozen header, printable on A4
landscape one page wide with the header on every page, and the lines a report carries (填报单位, 负责人,
填报日期)."""
from __future__ import annotations

import io
import re
from datetime import date, datetime

from openpyxl import load_workbook

from lms.core.clock import today
from lms.rules import format_date_cn
from lms.settings.services import save_settings
from tests.functional.reports.test_reconciliation import graduation_year  # noqa: F401  (the fixture)

SHEETS = ("季度报表", "经费申报", "经费申报明细")


def _workbook(client, login_as, period: str = "2025Q3"):
    login_as("bureau")
    response = client.get(f"/reports/quarterly.xlsx?period={period}")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def _header_row(sheet) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value in ("乡镇（街道）",))


def test_dates_are_date_cells_shown_the_chinese_way(client, login_as, graduation_year):  # noqa: F811
    sheet = _workbook(client, login_as)["经费申报明细"]
    header = _header_row(sheet)
    column = [c.value for c in sheet[header]].index("日期") + 1
    cells = [sheet.cell(row, column) for row in range(header + 1, sheet.max_row + 1)]
    assert len(cells) == 3
    for cell in cells:
        assert cell.is_date and isinstance(cell.value, (date, datetime)), cell.value
        assert cell.number_format in ('yyyy"年"m"月"d"日"', "yyyy-mm-dd")
    assert {cell.value.date() for cell in cells} == {date(2025, 8, 15)}


def test_every_sheet_freezes_its_header_and_prints_landscape_one_page_wide(client, login_as, graduation_year):  # noqa: F811
    workbook = _workbook(client, login_as)
    assert workbook.sheetnames == list(SHEETS)
    for sheet in workbook.worksheets:
        header = _header_row(sheet)
        assert sheet.freeze_panes == f"A{header + 1}", sheet.title
        assert sheet.print_title_rows.replace("$", "") == f"{header}:{header}", sheet.title
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == int(sheet.PAPERSIZE_A4), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title


def _text(sheet) -> list[str]:
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


def test_the_report_names_who_files_it_who_answers_for_it_and_when(client, login_as, graduation_year):  # noqa: F811
    for sheet in _workbook(client, login_as).worksheets:
        lines = _text(sheet)[:_header_row(sheet)]
        assert "填报单位：示例县中等职业学校" in lines, sheet.title          # the school's name by default
        assert "负责人：____________" in lines, sheet.title                 # a line to sign on
        assert f"填报日期：{format_date_cn(today())}" in lines, sheet.title
    save_settings(actor=None, values={"reports.filing_unit": "示例县教育局", "reports.responsible": "李华"})
    sheet = _workbook(client, login_as)["季度报表"]
    assert {"填报单位：示例县教育局", "负责人：李华"} <= set(_text(sheet))


def test_no_rule_code_appears_in_the_workbook(client, login_as, graduation_year):  # noqa: F811
    for sheet in _workbook(client, login_as).worksheets:
        assert [t for t in _text(sheet) if re.search(r"\bR\d{1,2}\b", t)] == [], sheet.title
