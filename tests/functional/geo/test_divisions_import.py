"""`flask lms import divisions` and the web upload: good files, bad rows, encodings, idempotency."""
from __future__ import annotations

import io
import json

from openpyxl import Workbook
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.geo.models import Division

GOOD_ROWS = [
    ("522399000000", "示例县"),
    ("522399100000", "清水镇"),
    ("522399100001", "上寨村"),
    ("522399100002", "下寨村"),
    ("522399001000", "望江街道"),
    ("522399001001", "望江社区"),
]


def csv_bytes(rows, header=("区划代码", "名称"), encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def run(app, tmp_path, content: bytes, *args, name="divisions.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["lms", "import", "divisions", str(path), "--json", *args])
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def count(**where) -> int:
    stmt = select(func.count()).select_from(Division)
    for key, value in where.items():
        stmt = stmt.where(getattr(Division, key) == value)
    return db.session.scalar(stmt)


def test_a_good_file_creates_the_tree_with_levels_and_parents(app, tmp_path):
    code, summary = run(app, tmp_path, csv_bytes(GOOD_ROWS))
    assert code == 0
    assert summary == {"kind": "divisions", "rows": 6, "written": 6, "unchanged": 0, "errors": []}
    village = db.session.scalar(select(Division).where(Division.code == "522399100002"))
    assert village.level == "village" and village.parent.name == "清水镇" and village.parent.parent.name == "示例县"
    assert count(level="township") == 2


def test_importing_the_same_file_again_writes_nothing(app, tmp_path):
    run(app, tmp_path, csv_bytes(GOOD_ROWS))
    code, summary = run(app, tmp_path, csv_bytes(GOOD_ROWS))
    assert code == 0 and summary["written"] == 0 and summary["unchanged"] == 6


def test_a_child_before_its_parent_in_the_file_is_fine(app, tmp_path):
    code, summary = run(app, tmp_path, csv_bytes(list(reversed(GOOD_ROWS))))
    assert code == 0 and summary["written"] == 6


def test_gb18030_csv_from_chinese_excel(app, tmp_path):
    code, summary = run(app, tmp_path, csv_bytes(GOOD_ROWS, encoding="gb18030"))
    assert code == 0 and summary["written"] == 6
    assert count(name="望江街道") == 1


def test_english_headers_are_accepted(app, tmp_path):
    code, summary = run(app, tmp_path, csv_bytes(GOOD_ROWS[:2], header=("code", "name")))
    assert code == 0 and summary["written"] == 2


def test_bad_codes_are_refused_with_row_and_column(app, tmp_path):
    rows = GOOD_ROWS[:2] + [("52239910000", "短码村"), ("52239910000X", "字母村"), ("522399100003", "")]
    code, summary = run(app, tmp_path, csv_bytes(rows))
    assert code == 1
    assert summary["written"] == 2
    assert summary["errors"] == [
        {"row": 4, "column": "区划代码", "message": "区划代码“52239910000”不是 12 位数字"},
        {"row": 5, "column": "区划代码", "message": "区划代码“52239910000X”不是 12 位数字"},
        {"row": 6, "column": "名称", "message": "名称为空"},
    ]


def test_duplicate_codes_in_the_file_name_the_first_row(app, tmp_path):
    rows = GOOD_ROWS[:2] + [("522399100000", "又一个清水镇")]
    code, summary = run(app, tmp_path, csv_bytes(rows))
    assert code == 1
    assert summary["errors"] == [{"row": 4, "column": "区划代码", "message": "区划代码 522399100000 与第 3 行重复"}]


def test_a_missing_parent_is_refused(app, tmp_path):
    code, summary = run(app, tmp_path, csv_bytes([("522399100001", "孤儿村")]))
    assert code == 1 and summary["written"] == 0
    assert "上级区划 522399100000 不存在" in summary["errors"][0]["message"]


def test_same_name_under_one_parent_is_refused(app, tmp_path):
    rows = GOOD_ROWS[:3] + [("522399100009", "上寨村")]
    code, summary = run(app, tmp_path, csv_bytes(rows))
    assert code == 1 and "上寨村" in summary["errors"][0]["message"] and summary["errors"][0]["row"] == 5


def test_strict_writes_nothing_when_a_row_is_bad(app, tmp_path):
    code, summary = run(app, tmp_path, csv_bytes(GOOD_ROWS + [("bad", "坏")]), "--strict")
    assert code == 1 and summary["written"] == 0 and count() == 0


def test_dry_run_writes_nothing(app, tmp_path):
    code, summary = run(app, tmp_path, csv_bytes(GOOD_ROWS), "--dry-run")
    assert code == 0 and summary["written"] == 0 and summary["would_write"] == 6 and count() == 0


def test_an_unusable_file_exits_2_and_writes_nothing(app, tmp_path):
    code, summary = run(app, tmp_path, b"", name="empty.csv")
    assert code == 2 and summary["fatal"] == "文件是空的" and count() == 0
    code, summary = run(app, tmp_path, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, name="photo.xlsx")
    assert code == 2 and "不是 Excel" in summary["fatal"]


def test_missing_columns_exit_2(app, tmp_path):
    code, summary = run(app, tmp_path, csv_bytes(GOOD_ROWS, header=("区划代码", "备注")))
    assert code == 2 and "名称" in summary["fatal"]


def test_renaming_a_division_by_reimporting_its_code(app, tmp_path):
    run(app, tmp_path, csv_bytes(GOOD_ROWS))
    code, summary = run(app, tmp_path, csv_bytes([("522399100001", "上寨社区")]))
    assert code == 0 and summary["written"] == 1 and count(name="上寨社区") == 1


def test_xlsx_with_numeric_code_cells(app, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["区划代码", "名称"])
    for code_text, name in GOOD_ROWS:
        sheet.append([int(code_text), name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    code, summary = run(app, tmp_path, buffer.getvalue(), name="divisions.xlsx")
    assert code == 0 and summary["written"] == 6


def test_web_upload_previews_then_writes_on_confirm_and_audits(client, login_as):
    login_as("admin")
    data = csv_bytes(GOOD_ROWS + [("bad", "坏")])
    preview = client.post_form("/imports/divisions/", {"file": (io.BytesIO(data), "区划.csv")},
                               content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "不是 12 位数字" in page and "确认导入 6 行" in page
    assert count() == 0                                            # nothing written before confirming
    token = page.split('name="token" value="')[1].split('"')[0]
    result = client.post_form("/imports/divisions/confirm", {"token": token, "filename": "区划.csv"})
    assert result.status_code == 200 and count() == 6
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "divisions.import"))
    assert event.after["written"] == 6 and event.after["refused"] == 1
    again = client.post_form("/imports/divisions/confirm", {"token": token, "filename": "区划.csv"})
    assert again.status_code == 302 and count() == 6               # the upload is spent


def test_template_download_has_the_headers(client, login_as):
    from openpyxl import load_workbook

    login_as("admin")
    response = client.get("/imports/divisions/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == ["区划代码", "名称"]
