"""Rendered certificates: a real CJK font, rare characters and "·", photos, and a QR code that leads to the
verification page and carries a payload the public key accepts."""
from __future__ import annotations

import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import zxingcpp
from flask import current_app
from PIL import Image
from pypdf import PdfReader

from lms.certificates.rendering import date_upper, render_certificates
from lms.certificates.signing import public_key_of_data_dir, verify_payload
from tests.factories.certificates import (
    after_period,
    issued_completions,
    issued_diplomas,
    issued_study_records,
    withdraw,
)
from tests.support.punctuation import problems

RARE_NAMES = ("李堃", "张喆", "王昇", "陈𠈌", "阿卜杜拉·买买提")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def qr_codes(path: Path, page: int = 1) -> list[str]:
    png = subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", str(page), "-l", str(page), "-singlefile", str(path)],
                         capture_output=True, check=True).stdout
    return [result.text for result in zxingcpp.read_barcodes(Image.open(BytesIO(png)))]


def write(tmp_path: Path, certificates) -> Path:
    path = tmp_path / "out.pdf"
    path.write_bytes(render_certificates(certificates, base_url="https://lms.example.gov.cn"))
    return path


def test_diplomas_are_set_in_a_cjk_font_with_rare_characters_and_middle_dots(registrar, learners, tmp_path):
    graduates = [learners(name=name)[0] for name in RARE_NAMES]
    _batch, certificates = issued_diplomas(registrar, graduates, issued_on=date(2025, 7, 1))
    pdf = write(tmp_path, certificates)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    text = pdf_text(pdf)
    for name in RARE_NAMES:
        assert name in text, f"{name} is missing from the PDF text"
    assert "毕" in text and "二〇二五年七月一日" in text
    pages = PdfReader(pdf).pages
    assert len(pages) == 5                                              # one page each
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in pages} == {(842, 595)}   # A4 landscape


def test_the_qr_code_opens_the_verification_page_and_its_payload_verifies(app, client, registrar, learners,
                                                                          tmp_path):
    learner = learners(name="王德才")[0]
    _batch, (certificate,) = issued_diplomas(registrar, [learner], issued_on=date(2025, 7, 1))
    (text,) = qr_codes(write(tmp_path, [certificate]))
    url, _, _payload = text.partition("#")
    assert url == f"https://lms.example.gov.cn/v/{certificate.token}"
    page = client.get(url.removeprefix("https://lms.example.gov.cn")).get_data(as_text=True)
    assert "王*才" in page and certificate.number in page and "有效" in page
    assert learner.id_number not in page and "王德才" not in page
    check = verify_payload(text, public_key_of_data_dir(current_app.config["DATA_DIR"]))
    assert check.ok and check.facts.number == certificate.number and check.facts.masked_name == "王*才"


def test_a_study_record_lists_courses_hours_and_dates(registrar, learners, tmp_path):
    learner = withdraw(learners(name="韦·阿香")[0], date(2024, 5, 10))
    certificate = issued_study_records(registrar, [learner], issued_on=date(2025, 7, 2)).members[0].certificate
    text = pdf_text(write(tmp_path, [certificate]))
    assert "写实性学习证明" in text.replace(" ", "") and "韦·阿香" in text
    assert "2024年5月10日退学" in text and "集中面授" in text and "学分" in text
    assert len(qr_codes(tmp_path / "out.pdf")) == 1


def test_certificate_sentences_read_with_full_width_punctuation(registrar, learners, tmp_path):
    """学生王德才，性别男，…生，身份证号…，于…: no half-width , : ( ) in the Chinese of any of the three."""
    graduate, completer, leaver = (learners(name=name)[0] for name in ("王德才", "罗春花", "韦小梅"))
    _batch, (diploma,) = issued_diplomas(registrar, [graduate], issued_on=date(2025, 7, 1))
    completion = issued_completions(registrar, [completer], issued_on=after_period(completer)).members[0].certificate
    withdraw(leaver, date(2024, 5, 10))
    record = issued_study_records(registrar, [leaver], issued_on=date(2025, 7, 2)).members[0].certificate
    texts = {c.kind: "".join(pdf_text(write(tmp_path, [c])).split()) for c in (diploma, completion, record)}
    assert "学生王德才，性别" in texts["diploma"] and "证书编号：" in texts["diploma"]
    assert "学员罗春花，性别" in texts["completion"] and "准予结业。其中：" in texts["completion"]
    assert "兹证明韦小梅（性别" in texts["study_record"] and "如实记录如下：" in texts["study_record"]
    for kind, text in texts.items():
        assert [text[max(0, i - 8):i + 8] for i, what in problems(text) if what != "blank"] == [], kind


def test_the_learners_photo_is_printed_when_there_is_one(registrar, learners, tmp_path):
    photo = Path(current_app.config["DATA_DIR"]) / "photos" / "test.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (350, 450), (30, 120, 200)).save(photo, format="JPEG")
    with_photo, without = learners(2)
    with_photo.photo_path = "photos/test.jpg"
    _batch, certificates = issued_diplomas(registrar, [with_photo, without], issued_on=date(2025, 7, 1))
    assert certificates[0].snapshot["photo"].startswith("certificates/assets/")
    photo.unlink()   # the snapshot's copy is what gets printed, even if the original goes
    pdf = write(tmp_path, certificates)
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = [tuple(line.split()[3:5]) for line in images.splitlines()[2:]]
    assert sizes.count(("350", "450")) == 1      # the photo on the first diploma; the second has the placeholder


def test_dates_on_diplomas_are_written_in_chinese_numerals():
    assert date_upper(date(2026, 7, 1)) == "二〇二六年七月一日"
    assert date_upper(date(2025, 12, 31)) == "二〇二五年十二月三十一日"
    assert date_upper(date(2030, 10, 20)) == "二〇三〇年十月二十日"
