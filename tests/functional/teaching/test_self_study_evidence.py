"""Self-study evidence is judged by its content, never its name, and served only as what it is."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from lms.extensions import db
from lms.teaching.models import SelfStudyEntry
from tests.factories import make_self_study
from tests.factories.assessment import tiny_pdf, tiny_png
from tests.support.hostile_files import png

PAGE = b"<html><body><script>fetch('/admin/users')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def log(client, setup, content: bytes, filename: str):
    client.login(setup.teacher.username)
    return client.post_form(f"/classes/{setup.teaching_class.id}/self-study", {
        "learner_id": str(setup.learners[0].id), "studied_on": "2025-03-12", "hours": "2", "content": "读写算练习",
        "evidence": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def stored_files() -> list[Path]:
    folder = Path(current_app.config["DATA_DIR"]) / "evidence"
    return sorted(folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("content, filename", [(PAGE, "证明.pdf"), (PAGE, "证明.jpg"), (SVG, "证明.png"),
                                               (b"%PDF-1.4 no end", "证明.pdf"), (b"\x89PNG\r\n\x1a\nfake", "证明.png")],
                         ids=["html-as-pdf", "html-as-jpg", "svg-as-png", "truncated-pdf", "fake-png"])
def test_a_web_page_or_script_named_like_a_proof_is_refused_and_nothing_is_stored(client, setup, content, filename):
    before = stored_files()
    page = log(client, setup, content, filename).get_data(as_text=True)
    assert "学习证明只能是 PDF、JPG 或 PNG 文件" in page or "PDF 文件不完整" in page
    assert db.session.scalar(select(SelfStudyEntry.id)) is None and stored_files() == before


def test_a_huge_image_is_refused_naming_its_size(client, setup):
    page = log(client, setup, png(30000, 30000, pixels=False), "证明.png").get_data(as_text=True)
    assert "图片尺寸 30000×30000 过大，最大 4000 万像素，请缩小后重新上传" in page
    assert db.session.scalar(select(SelfStudyEntry.id)) is None


def test_a_pdf_named_jpg_is_stored_and_served_as_a_pdf(client, setup):
    assert log(client, setup, tiny_pdf(), "扫描.jpg").status_code == 302
    entry = db.session.scalar(select(SelfStudyEntry))
    assert entry.evidence_path.endswith(".pdf")
    response = client.get(f"/self-study/{entry.id}/evidence")
    assert response.mimetype == "application/pdf" and response.data == tiny_pdf()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert "private" in response.headers["Cache-Control"]


def test_a_png_is_served_inline_as_a_png(client, setup):
    assert log(client, setup, tiny_png(), "photo.jpeg").status_code == 302
    entry = db.session.scalar(select(SelfStudyEntry))
    response = client.get(f"/self-study/{entry.id}/evidence")
    assert response.mimetype == "image/png" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert entry.evidence_path.endswith(".png")


def test_a_page_stored_before_evidence_was_checked_is_only_ever_downloaded(client, setup):
    folder = Path(current_app.config["DATA_DIR"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "legacy-upload.pdf").write_bytes(PAGE)
    entry = make_self_study(setup.learners[0], minutes=60, studied_on=date(2025, 3, 12), status="pending",
                            evidence_path="evidence/legacy-upload.pdf")
    client.login(setup.teacher.username)
    response = client.get(f"/self-study/{entry.id}/evidence")
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_evidence_outside_the_evidence_folder_is_not_served(client, setup):
    entry = make_self_study(setup.learners[0], minutes=60, studied_on=date(2025, 3, 12), status="pending",
                            evidence_path="../secret_key")
    client.login(setup.teacher.username)
    assert client.get(f"/self-study/{entry.id}/evidence").status_code == 404
