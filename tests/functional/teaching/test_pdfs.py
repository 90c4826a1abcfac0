"""Learner cards (8 per A4, photo, QR of the student number) and the per-session sign-in sheet."""
from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import zxingcpp
from flask import current_app
from PIL import Image

from lms.extensions import db
from tests.factories import make_learner, make_session
from tests.functional.teaching.conftest import build_class


def pdf_facts(tmp_path, content: bytes, name: str):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return path, fonts, text, pages


def test_cards_put_eight_on_a_page_with_a_qr_of_the_student_number_and_the_photo(client, tmp_path):
    setup = build_class(9)
    photo_dir = Path(current_app.config["DATA_DIR"]) / "photos"
    photo_dir.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (60, 80), (200, 30, 30)).save(photo_dir / "red.png")
    setup.learners[0].photo_path = "photos/red.png"
    minority = make_learner(setup.village, teaching_class=setup.teaching_class, name="阿卜杜拉·买买提")
    db.session.flush()
    client.login(setup.teacher.username)
    response = client.get(f"/classes/{setup.teaching_class.id}/cards.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path, fonts, text, pages = pdf_facts(tmp_path, response.data, "cards")
    assert "CJK" in fonts and pages == 2
    assert "学员证" in text and "阿卜杜拉·买买提" in text and setup.learners[0].student_number in text
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.png").convert("RGB")
    codes = {code.text for code in zxingcpp.read_barcodes(page)}
    assert {learner.student_number for learner in setup.learners[:8]} <= codes
    assert minority.student_number not in codes                         # the 10th card is on page 2
    reds = sum(count for count, (r, g, b) in page.getcolors(maxcolors=1 << 24) if r > 180 and g < 60 and b < 60)
    assert reds > 500, "the photo is printed on the first card"


def test_the_sign_in_sheet_lists_the_sessions_learners_and_how_to_enter_it_back(client, tmp_path):
    setup = build_class(3)
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8), place="上寨村讲习所")
    client.login(setup.teacher.username)
    response = client.get(f"/sessions/{session.id}/sign-in.pdf")
    _, fonts, text, _ = pdf_facts(tmp_path, response.data, "sign-in")
    assert "CJK" in fonts
    assert "签 到 表" in text or "签到表" in text
    for learner in setup.learners:
        assert learner.name in text and learner.student_number in text
    assert "2025年3月8日" in text and "读写算" in text and setup.teaching_class.code in text
    assert "出勤 迟到 请假 缺勤" in text


def test_the_sign_in_spreadsheet_goes_back_through_the_attendance_import(client, app, tmp_path):
    import io
    import json

    from openpyxl import load_workbook
    from sqlalchemy import select

    from lms.teaching.models import Attendance

    setup = build_class(3)
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8), hours=8)
    client.login(setup.teacher.username)
    response = client.get(f"/sessions/{session.id}/sign-in.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.active
    for row, (status, actual) in zip(range(2, 5), [("出勤", None), ("迟到", 5), ("缺勤", None)], strict=True):
        sheet.cell(row=row, column=8, value=status)
        sheet.cell(row=row, column=9, value=actual)
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    result = app.test_cli_runner().invoke(args=["lms", "import", "attendance", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["written"] == 3
    saved = [(r.status, r.minutes) for r in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id).order_by(Attendance.learner_id))]
    assert saved == [("present", 480), ("late", 300), ("absent", 0)]
