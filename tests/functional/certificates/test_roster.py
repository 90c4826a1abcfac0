"""The 毕业生名册 the prefecture stamps against: a submitted (or later) diploma batch as .xlsx and as a
printable PDF, with whole ID numbers — for the registrar and the admin only, every download audited."""
from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.certificates.services import batches
from lms.extensions import db
from tests.factories import make_user
from tests.factories.certificates import issued_diplomas, make_graduate

DAY = date(2025, 7, 1)


def give_photo(learner) -> None:
    path = Path(current_app.config["DATA_DIR"]) / "photos" / f"learner-{learner.id}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (600, 800), (40, 90, 160)).save(path, format="JPEG")
    learner.photo_path = f"photos/{path.name}"
    db.session.flush()


@pytest.fixture
def submitted(registrar, learners):
    """A batch of two graduates (王有照 with a photo, 李无照 without) submitted for 验印."""
    with_photo, without = learners(2)
    with_photo.name, without.name = "王有照", "李无照"
    give_photo(with_photo)
    for person in (with_photo, without):
        make_graduate(person)
    batch = batches.create_diploma_batch(actor=registrar, name="2025年毕业批次", as_of=DAY,
                                         learner_ids=[with_photo.id, without.id])
    batches.submit_batch(actor=registrar, batch=batch, submitted_on=DAY, print_without_photo=True)
    return batch, sorted([with_photo, without], key=lambda l: l.student_number)


def exports(fmt):
    return [event for event in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "batch.roster_export")) if event.after["format"] == fmt]


def test_the_registrar_downloads_the_roster_as_a_spreadsheet_with_whole_id_numbers(client, login_as, registrar,
                                                                                  submitted):
    batch, people = submitted
    login_as(registrar)
    response = client.get(f"/certificates/batches/{batch.id}/roster.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "毕业生名册" in rows[0][0] and "2025年毕业批次" in rows[0][0]
    assert rows[1] == ["序号", "姓名", "性别", "出生日期", "身份证号", "专业", "学制", "入学日期", "毕业日期", "照片"]
    body = rows[2:]
    assert [row[0] for row in body] == [1, 2]
    assert [row[1] for row in body] == [person.name for person in people]
    assert [row[4] for row in body] == [person.id_number for person in people]      # whole, as text
    assert all(sheet.cell(row=3 + i, column=5).number_format == "@" for i in range(2))
    learner = people[0]
    assert body[0][2] == learner.sex_label and body[0][3] == learner.birth_on.isoformat()
    assert body[0][5] == learner.specialty.name and body[0][6] == f"{learner.programme_years}年"
    assert body[0][7] == learner.enrolled_on.isoformat() and body[0][8] == learner.period_end_on.isoformat()
    assert {row[1]: row[9] for row in body} == {"王有照": "有", "李无照": "无"}
    (event,) = exports("xlsx")
    assert "毕业生名册" in event.summary and "2 人" in event.summary and "含完整身份证号" in event.summary


def test_the_roster_pdf_is_a4_landscape_in_a_cjk_font_with_the_photos(client, login_as, registrar, submitted,
                                                                     tmp_path):
    batch, people = submitted
    login_as(registrar)
    response = client.get(f"/certificates/batches/{batch.id}/roster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "roster.pdf"
    path.write_bytes(response.data)
    pages = PdfReader(path).pages
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in pages} == {(842, 595)}
    assert "CJK" in subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for person in people:
        assert person.name in text and person.id_number in text
    assert "毕业生名册" in text and "无照片" in text
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()[2:]) == 1                  # 王有照's photo; 李无照 has none
    (event,) = exports("pdf")
    assert "毕业生名册" in event.summary and "含完整身份证号" in event.summary


def test_an_issued_batch_roster_reads_the_frozen_certificates_and_names_their_numbers(client, login_as, registrar,
                                                                                     learners):
    batch, certificates = issued_diplomas(registrar, learners(2), issued_on=DAY)
    certificates[0].learner.name = "改过的名字"       # a later change: the roster shows what was certified
    db.session.flush()
    login_as(registrar)
    sheet = load_workbook(io.BytesIO(client.get(f"/certificates/batches/{batch.id}/roster.xlsx").data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][-1] == "证书编号"
    assert [row[1] for row in rows[2:]] == [c.snapshot["name"] for c in certificates]
    assert [row[-1] for row in rows[2:]] == [c.number for c in certificates]
    assert [row[8] for row in rows[2:]] == [c.snapshot["study_to"] for c in certificates]


def test_a_draft_batch_has_no_roster_yet(client, login_as, registrar, learners):
    (learner,) = learners(1)
    make_graduate(learner)
    batch = batches.create_diploma_batch(actor=registrar, name="草稿", as_of=DAY, learner_ids=[learner.id])
    login_as(registrar)
    page = client.get(f"/certificates/batches/{batch.id}").get_data(as_text=True)
    assert "roster.xlsx" not in page
    response = client.get(f"/certificates/batches/{batch.id}/roster.xlsx", follow_redirects=True)
    assert "报州教育局验印后" in response.get_data(as_text=True) and exports("xlsx") == []


def test_only_the_registrar_and_the_admin_may_have_whole_id_numbers(client, login_as, registrar, submitted):
    batch, _people = submitted
    login_as(registrar)
    page = client.get(f"/certificates/batches/{batch.id}").get_data(as_text=True)
    assert "roster.xlsx" in page and "roster.pdf" in page
    client.logout()
    login_as(make_user("admin"))
    assert client.get(f"/certificates/batches/{batch.id}/roster.xlsx").status_code == 200
    client.logout()
    login_as(make_user("bureau"))
    assert "roster.xlsx" not in client.get(f"/certificates/batches/{batch.id}").get_data(as_text=True)
    assert client.get(f"/certificates/batches/{batch.id}/roster.xlsx").status_code == 403
    assert client.get(f"/certificates/batches/{batch.id}/roster.pdf").status_code == 403
