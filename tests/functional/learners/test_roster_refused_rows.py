"""The roster import's refused rows: named in the preview, and downloadable (the user's own upload only,
audited, text kept as text) with a 错误原因 column, to fix and upload again."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.learners.models import RosterEntry
from tests.factories import make_user, next_id_number
from tests.support.spreadsheets import xlsx_bytes

HEADER = ("姓名", "身份证号", "性别", "乡镇", "村", "文化程度", "联系电话", "备注")


def good(name: str) -> list:
    return [name, next_id_number(birth_on=date(1980, 5, 6), sex="1"), "男", "甲镇", "甲一村", "未上过学", "13812345678", ""]


def upload(client, data: bytes, filename: str = "名册.xlsx") -> str:
    return client.post_form("/imports/roster/", {"file": (io.BytesIO(data), filename)},
                            content_type="multipart/form-data").get_data(as_text=True)


def link(page: str) -> str:
    return page.split('id="refused-download" href="')[1].split('"')[0].replace("&amp;", "&")


def county_file():
    unknown_village = good("罗春花")
    unknown_village[4] = "无此村"
    bad_checksum = good("杨老三")
    bad_checksum[1] = bad_checksum[1][:-1] + ("1" if bad_checksum[1][-1] != "1" else "2")
    phone_as_number = good("韦小妹")
    phone_as_number[6] = "12345"
    return [good("王德才"), unknown_village, bad_checksum, phone_as_number]


def test_the_preview_names_the_person_of_each_refused_row(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    page = upload(client, xlsx_bytes(HEADER, county_file()))
    table = page.split("以下各行有问题")[1].split("</table>")[0]
    assert "<th>姓名</th>" in table
    for row, name in ((3, "罗春花"), (4, "杨老三"), (5, "韦小妹")):
        assert f'<td class="num">{row}</td><td class="text-nowrap">{name}</td>' in table
    assert "王德才" not in table


def test_the_refused_rows_download_as_the_uploaded_columns_with_the_reason(area, client, login_as):
    user = login_as("township", divisions=[area.township_a])
    rows = county_file()
    page = upload(client, xlsx_bytes(HEADER, rows))
    response = client.get(link(page))
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == [*HEADER, "错误原因"]
    got = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[:7] for row in got] == [row[:7] for row in rows[1:]]
    assert got[0][8] == "村：甲镇没有名为“无此村”的村（社区）"
    assert got[1][8].startswith("身份证号：") and got[2][8].startswith("联系电话：")
    for row in sheet.iter_rows(min_row=2):
        assert row[1].data_type == "s" and row[1].number_format == "@"          # 18 digits stay text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import.refused_export")).one()
    assert event.user_id == user.id and "3 行" in event.summary
    assert db.session.scalar(select(func.count()).select_from(RosterEntry)) == 0


def test_numbers_typed_as_numbers_come_back_as_text(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    row = good("王德才")
    row[1], row[6] = 5.22327198506e17, 13812345678          # Excel turned both into numbers
    sheet = load_workbook(io.BytesIO(client.get(link(upload(client, xlsx_bytes(HEADER, [row])))).data)).active
    id_cell, phone_cell = sheet["B2"], sheet["G2"]
    assert (id_cell.data_type, phone_cell.data_type) == ("s", "s")
    assert phone_cell.value == "13812345678" and id_cell.value == "5.22327198506e+17"


def test_the_download_is_only_the_uploaders_own(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    url = link(upload(client, xlsx_bytes(HEADER, county_file())))
    client.logout()
    login_as(make_user("township", divisions=[area.township_a]))
    response = client.get(url)
    assert response.status_code == 302 and "/imports/roster/" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "import.refused_export")) == 0


def test_after_confirming_the_good_rows_the_refused_ones_can_still_be_downloaded(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    page = upload(client, xlsx_bytes(HEADER, county_file()))
    token = page.split('name="token" value="')[1].split('"')[0]
    result = client.post_form("/imports/roster/confirm", {"token": token, "filename": "名册.xlsx"}).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(RosterEntry)) == 1
    sheet = load_workbook(io.BytesIO(client.get(link(result)).data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["罗春花", "杨老三", "韦小妹"]
    again = client.post_form("/imports/roster/confirm", {"token": token, "filename": "名册.xlsx"})
    assert again.status_code == 302 and db.session.scalar(select(func.count()).select_from(RosterEntry)) == 1


def test_a_file_with_only_bad_rows_still_offers_the_download(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    page = upload(client, xlsx_bytes(HEADER, county_file()[1:]))
    assert "没有需要写入的行" in page and 'id="refused-download"' in page and "确认导入" not in page


def test_the_downloaded_rows_once_fixed_upload_again(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    page = upload(client, xlsx_bytes(HEADER, county_file()[:2]))
    workbook = load_workbook(io.BytesIO(client.get(link(page)).data))
    workbook.active["E2"] = "甲一村"                                 # the village corrected in Excel
    fixed = io.BytesIO()
    workbook.save(fixed)
    again = upload(client, fixed.getvalue(), "名册-改正.xlsx")
    assert "确认导入 1 行" in again and "以下各行有问题" not in again
