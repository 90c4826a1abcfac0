"""Importing the statistics bureau's roster: good files, every bad-input case of SPEC §7, scope, idempotency."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.auth.scope import Scope
from lms.extensions import db
from lms.learners.idnumbers import generate_id_number
from lms.learners.models import RosterEntry
from tests.factories import make_learner, make_roster_entry, next_id_number
from tests.support.hostile_files import HEADER_ROW, cell, row, workbook
from tests.support.spreadsheets import csv_bytes, xlsx_bytes

HEADER = ("姓名", "身份证号", "性别", "乡镇", "村", "文化程度", "联系电话")
FULL_WIDTH = str.maketrans("0123456789X", "0123456789X")


def person(name="王德才", *, number=None, sex=None, township="甲镇", village="甲一村", education="未上过学",
           phone="13812345678"):
    """A roster row; the sex cell is left blank when an ID number is given and no sex."""
    if number is None:
        sex = sex or "男"
        number = next_id_number(birth_on=date(1980, 5, 6), sex="1" if sex == "男" else "2")
    return [name, number, sex or "", township, village, education, phone]


def entries(**where) -> int:
    stmt = select(func.count()).select_from(RosterEntry)
    for key, value in where.items():
        stmt = stmt.where(getattr(RosterEntry, key) == value)
    return db.session.scalar(stmt)


def ids_with_x(count: int) -> list[str]:
    found = []
    for sequence in range(1, 499):
        number = generate_id_number(address_code="522327", birth_on=date(1979, 1, 2), sequence=sequence, sex="1")
        if number.endswith("X"):
            found.append(number)
            if len(found) == count:
                return found
    raise AssertionError("not enough X check digits found")


def test_a_good_csv_creates_pending_entries_with_pinyin_initials(area, cli_import):
    rows = [person("王德才"), person("罗春花", sex="女", village="甲二村", phone="")]
    code, summary = cli_import("roster", csv_bytes(HEADER, rows))
    assert code == 0 and summary["written"] == 2 and summary["errors"] == []
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.name == "王德才"))
    assert entry.status == "pending" and entry.name_initials == "wdc" and entry.village_id == area.village_a.id
    assert entry.sex == "1" and entry.birth_on == date(1980, 5, 6) and entry.education == "未上过学"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "roster.import")) == "roster.import"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_chinese_excel_writes(area, cli_import, encoding):
    code, summary = cli_import("roster", csv_bytes(HEADER, [person("覃小梅", sex="女")], encoding=encoding))
    assert code == 0 and summary["written"] == 1
    assert entries(name="覃小梅", name_initials="qxm") == 1


def test_xlsx_with_synonym_headers(area, cli_import):
    header = ("人员姓名", "公民身份号码", "性别", "乡镇(街道)", "村(社区)", "受教育程度", "手机号码")
    code, summary = cli_import("roster", xlsx_bytes(header, [person()]), name="名册.xlsx")
    assert code == 0 and summary["written"] == 1


def test_importing_the_same_file_again_adds_nothing(area, cli_import):
    data = csv_bytes(HEADER, [person(), person("黄明", sex="女")])
    cli_import("roster", data)
    code, summary = cli_import("roster", data)
    assert code == 0 and summary["written"] == 0 and summary["unchanged"] == 2 and entries() == 2


def test_a_new_phone_for_someone_already_listed_updates_the_entry(area, cli_import):
    row = person(phone="13812345678")
    cli_import("roster", csv_bytes(HEADER, [row]))
    row[6] = "13900001111"
    code, summary = cli_import("roster", csv_bytes(HEADER, [row]))
    assert code == 0 and summary["written"] == 1 and entries(phone="13900001111") == 1 and entries() == 1


def test_id_numbers_are_normalised_not_refused(area, cli_import):
    fifteen = "522327800506123"                       # 1980-05-06, old 15-digit form
    x, y = ids_with_x(2)
    wide = next_id_number(birth_on=date(1981, 1, 1))
    rows = [person("全角", number=wide.translate(FULL_WIDTH)),
            person("小写", number=x.lower()),
            person("空格", number=" " + y[:6] + " " + y[6:] + "\u200b"),
            person("旧号", number=fifteen)]
    code, summary = cli_import("roster", csv_bytes(HEADER, rows))
    assert code == 0 and summary["written"] == 4, summary
    assert entries(name="全角", id_number=wide) == entries(name="小写", id_number=x) == 1
    assert entries(name="空格", id_number=y) == 1
    converted = db.session.scalar(select(RosterEntry.id_number).where(RosterEntry.name == "旧号"))
    assert len(converted) == 18 and converted.startswith("52232719800506123")
    assert {"row": 5, "column": "身份证号", "message": "15 位旧身份证号已转换为 18 位"} in summary["warnings"]


def test_every_bad_row_is_named_with_row_column_and_reason_and_the_good_rows_are_written(area, cli_import):
    good = next_id_number()
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        person("好人", number=good),                                              # row 2
        person("校验码", number=wrong_check),                                      # 3
        person("日期不存在", number=generate_id_number(address_code="522327", birth_on=date(1990, 1, 1),
                                                   sequence=3, sex="1")[:10] + "0231" + "0011"),   # 4
        person("未来", number=generate_id_number(address_code="522327", birth_on=date(2031, 1, 1),
                                               sequence=3, sex="1")),              # 5
        person("科学计数", number="5.22327E+17"),                                   # 6
        person("重复", number=good),                                              # 7
        person("性别不符", number=next_id_number(sex="2"), sex="男"),               # 8
        person("乡镇错", township="甲镇镇"),                                          # 9
        person("村错", village="甲三村"),                                           # 10
        person("电话错", phone="1381234567"),                                       # 11
        person("学历错", education="博士后的后"),                                    # 12
        person("", number=next_id_number()),                                       # 13
    ]
    code, summary = cli_import("roster", csv_bytes(HEADER, rows))
    assert code == 1 and summary["written"] == 1 and entries() == 1
    errors = {(e["row"], e["column"]): e["message"] for e in summary["errors"]}
    assert errors[(3, "身份证号")] == "身份证号校验码不正确，请核对"
    assert "不存在" in errors[(4, "身份证号")]
    assert "晚于今天" in errors[(5, "身份证号")]
    assert "设为文本格式" in errors[(6, "身份证号")]
    assert errors[(7, "身份证号")] == "身份证号与第 2 行重复"
    assert errors[(8, "性别")] == "性别“男”与身份证号（女）不符"
    assert errors[(9, "乡镇")] == "没有名为“甲镇镇”的乡镇（街道），是否为“甲镇”？"
    assert errors[(10, "村")].startswith("甲镇没有名为“甲三村”的村（社区）")
    assert errors[(11, "联系电话")] == "手机号应为 1 开头的 11 位数字"
    assert "文化程度“博士后的后”无法识别" in errors[(12, "文化程度")]
    assert errors[(13, "姓名")] == "姓名不能为空"
    assert len(summary["errors"]) == 11


def test_a_numeric_id_cell_in_xlsx_is_refused_with_advice(area, cli_import):
    row = person()
    row[1] = 522327198005061230.0
    code, summary = cli_import("roster", xlsx_bytes(HEADER, [row]), name="名册.xlsx")
    assert code == 1 and "请把该列设为文本格式" in summary["errors"][0]["message"]


def test_an_unknown_address_code_only_warns(area, cli_import):
    number = generate_id_number(address_code="990101", birth_on=date(1985, 1, 1), sequence=1, sex="1")
    code, summary = cli_import("roster", csv_bytes(HEADER, [person(number=number)]))
    assert code == 0 and summary["written"] == 1
    assert summary["warnings"] == [{"row": 2, "column": "身份证号", "message": "地址码 990101 不在行政区划代码表中"}]


def test_someone_already_on_another_villages_roster_is_refused(area, import_file):
    listed = make_roster_entry(area.village_a2, name="已登记")
    elsewhere = make_roster_entry(area.village_b, name="乙镇人")
    rows = [person("已登记", number=listed.id_number), person("乙镇人", number=elsewhere.id_number)]
    township_a = Scope(township_ids=frozenset({area.township_a.id}))
    summary = import_file("roster", csv_bytes(HEADER, rows), scope=township_a)
    messages = [e.message for e in summary.errors]
    assert messages[0] == "该身份证号已在名册中（甲镇甲二村），不能重复登记"
    assert messages[1] == "该身份证号已在其他乡镇（街道）的名册中，不能重复登记；如有疑问请联系县教育局"
    assert "乙" not in messages[1]


def test_a_township_user_cannot_import_into_another_township(area, import_file):
    township_a = Scope(township_ids=frozenset({area.township_a.id}))
    summary = import_file("roster", csv_bytes(HEADER, [person(township="乙镇", village="乙一村")]), scope=township_a)
    assert summary.errors[0].message == "乡镇（街道）“乙镇”不在您的管辖范围内" and summary.to_write == 0


def test_an_enroller_imports_only_their_villages(area, import_file):
    enroller = Scope(village_ids=frozenset({area.village_a.id}))
    summary = import_file("roster", csv_bytes(HEADER, [person(), person("二村", village="甲二村")]), scope=enroller)
    assert summary.written == 1 and summary.errors[0].message == "村（社区）“甲二村”不在您的管辖范围内"


def test_a_walk_in_learner_enrolled_before_the_roster_arrived_is_linked(area, cli_import):
    learner = make_learner(area.village_a, name="先报名")
    code, summary = cli_import("roster", csv_bytes(HEADER, [person("先报名", number=learner.id_number)]))
    assert code == 0
    entry = db.session.scalar(select(RosterEntry).where(RosterEntry.id_hash == learner.id_hash))
    db.session.refresh(learner)
    assert entry.status == "enrolled" and learner.roster_entry_id == entry.id


def test_someone_over_the_age_range_today_is_imported_with_a_warning(area, import_file):
    old = next_id_number(birth_on=date(1960, 1, 1))
    summary = import_file("roster", csv_bytes(HEADER, [person(number=old)]))
    assert summary.written == 1
    # Any warning: once a run has made ~500 ID numbers the factory moves to a retired address code (a warning too).
    assert any("65 周岁，超过 59 周岁" in warning.message for warning in summary.warnings)


@pytest.mark.parametrize("data, name, message", [
    (b"", "roster.csv", "文件是空的"),
    (b"%PDF-1.7 not a sheet", "roster.xlsx", "无法读取：不是 Excel（.xlsx/.xls）或 CSV 文件"),
    (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504) + "EncryptedPackage".encode("utf-16-le").ljust(64, b"\0")
     + bytes(448), "roster.xlsx", "文件设置了密码，请取消密码后重新上传"),
    ("姓名,身份证号\r\n王德才,522327198005061230\r\n".encode(), "roster.csv", "缺少必需的列：乡镇、村"),
])
def test_unusable_files_get_one_clear_message_and_exit_2(area, cli_import, data, name, message):
    code, summary = cli_import("roster", data, name=name)
    assert code == 2 and summary["fatal"] == message and entries() == 0


def test_a_file_over_the_size_limit_is_refused(app, area, cli_import, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 100)
    code, summary = cli_import("roster", csv_bytes(HEADER, [person(), person("第二")]))
    assert code == 2 and "MB 上限" in summary["fatal"] and entries() == 0


def test_a_file_over_the_row_limit_is_refused_in_the_cli_and_on_the_web(app, area, cli_import, client, login_as,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    data = csv_bytes(HEADER, [person(), person("第二"), person("第三")])
    code, summary = cli_import("roster", data)
    assert code == 2 and summary["fatal"] == "表格至少有 4 行，超过上限 3 行；请分成几个文件导入" and entries() == 0
    login_as("township", divisions=[area.township_a])
    page = client.post_form("/imports/roster/", {"file": (io.BytesIO(data), "名册.csv")},
                            content_type="multipart/form-data").get_data(as_text=True)
    assert "表格至少有 4 行，超过上限 3 行；请分成几个文件导入" in page and entries() == 0


def test_a_workbook_with_a_cell_at_the_far_corner_is_refused_in_the_cli_and_on_the_web(area, cli_import, client,
                                                                                       login_as):
    data = workbook(HEADER_ROW + row(1048576, cell("XFD1048576")), dimension="A1:XFD1048576")
    message = "表格有 1,048,576 行，超过上限 200,000 行；请分成几个文件导入"
    code, summary = cli_import("roster", data, name="名册.xlsx")
    assert code == 2 and summary["fatal"] == message and entries() == 0
    login_as("township", divisions=[area.township_a])
    page = client.post_form("/imports/roster/", {"file": (io.BytesIO(data), "名册.xlsx")},
                            content_type="multipart/form-data").get_data(as_text=True)
    assert message in page and entries() == 0


def test_strict_and_dry_run_write_nothing(area, cli_import):
    data = csv_bytes(HEADER, [person(), person("坏", township="无此镇")])
    assert cli_import("roster", data, "--strict")[1]["written"] == 0
    code, summary = cli_import("roster", data, "--dry-run")
    assert code == 1 and summary["would_write"] == 1 and entries() == 0


def test_web_upload_previews_every_bad_row_and_writes_only_on_confirm(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    data = csv_bytes(HEADER, [person(), person("坏人", village="乙一村")], encoding="gb18030")
    preview = client.post_form("/imports/roster/", {"file": (io.BytesIO(data), "名册.csv")},
                               content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert "甲镇没有名为“乙一村”的村（社区）" in page and "确认导入 1 行" in page and entries() == 0
    token = page.split('name="token" value="')[1].split('"')[0]
    result = client.post_form("/imports/roster/confirm", {"token": token, "filename": "名册.csv"})
    assert result.status_code == 200 and entries() == 1


def test_the_template_has_the_roster_columns_with_the_id_column_as_text(client, login_as):
    from openpyxl import load_workbook

    login_as("township")
    sheet = load_workbook(io.BytesIO(client.get("/imports/roster/template.xlsx").data)).active
    assert [c.value for c in sheet[1]] == list(HEADER)
    assert sheet["B3"].number_format == "@"


def test_the_command_line_refuses_a_file_over_the_limit(app, cli_import, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1024 * 1024)
    code, summary = cli_import("roster", b"x" * (1024 * 1024 + 1))
    assert code == 2 and summary["fatal"] == "文件超过 1 MB 上限"
