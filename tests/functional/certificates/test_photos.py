"""Diplomas and photos: a batch goes to 验印 only when every learner has a photo, or the registrar chose
无照片打印 for it (recorded in the batch, audited); the command line follows the same rule."""
from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

from flask import current_app
from PIL import Image
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.certificates.models import GraduationBatch
from lms.certificates.rendering import render_certificates
from lms.certificates.services import batches
from lms.extensions import db
from tests.factories.certificates import issued_diplomas, make_graduate
from tests.support.refusals import refused

DAY = date(2025, 7, 1)


def give_photo(learner) -> None:
    """A photo file under DATA_DIR/photos, as the learner page's upload stores it."""
    path = Path(current_app.config["DATA_DIR"]) / "photos" / f"learner-{learner.id}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (300, 400), (40, 90, 160)).save(path, format="JPEG")
    learner.photo_path = f"photos/{path.name}"
    db.session.flush()


def draft_batch(registrar, people, name="照片批次"):
    for person in people:
        make_graduate(person)
    return batches.create_diploma_batch(actor=registrar, name=name, as_of=DAY, learner_ids=[p.id for p in people])


def test_a_batch_with_learners_without_photo_is_not_submitted_unless_chosen(registrar, learners):
    with_photo, without = learners(2)
    without.name = "王无照"
    give_photo(with_photo)
    batch = draft_batch(registrar, [with_photo, without])
    error = refused(lambda: batches.submit_batch(actor=registrar, batch=batch, submitted_on=DAY))
    assert "1 名学员没有照片" in error.message and "王无照" in error.message and "无照片打印" in error.message
    assert error.field == "print_without_photo"
    assert batch.status == "draft" and not batch.print_without_photo
    assert "batch.submitted" not in set(db.session.scalars(select(AuditEvent.action)))


def test_choosing_to_print_without_photo_is_recorded_in_the_batch_and_audited(registrar, learners):
    with_photo, without = learners(2)
    give_photo(with_photo)
    batch = draft_batch(registrar, [with_photo, without])
    batches.submit_batch(actor=registrar, batch=batch, submitted_on=DAY, print_without_photo=True)
    assert batch.status == "submitted" and batch.print_without_photo is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "batch.submitted"))
    assert event.after["print_without_photo"] is True and event.after["without_photo"] == [without.id]
    assert "1 人无照片" in event.summary


def test_a_batch_where_everyone_has_a_photo_needs_no_choice(registrar, learners):
    people = learners(2)
    for person in people:
        give_photo(person)
    batch = draft_batch(registrar, people)
    batches.submit_batch(actor=registrar, batch=batch, submitted_on=DAY, print_without_photo=True)
    assert batch.status == "submitted" and batch.print_without_photo is False   # nothing to choose about


def test_a_photo_whose_file_is_gone_counts_as_missing(registrar, learners):
    (learner,) = learners(1)
    learner.photo_path = "photos/lost.jpg"
    batch = draft_batch(registrar, [learner])
    assert "没有照片" in refused(lambda: batches.submit_batch(actor=registrar, batch=batch, submitted_on=DAY)).message


def test_the_batch_page_lists_learners_without_photo_and_asks_for_the_choice(client, login_as, registrar, learners):
    with_photo, without = learners(2)
    with_photo.name, without.name = "李有照", "王无照"
    give_photo(with_photo)
    batch = draft_batch(registrar, [with_photo, without])
    login_as(registrar)
    url = f"/certificates/batches/{batch.id}"
    page = client.get(url).get_data(as_text=True)
    warning = page[page.index('id="photo-warning"'):]
    warning = warning[:warning.index("</div>\n</div>")]
    assert "1 名学员没有照片" in warning and "王无照" in warning and "李有照" not in warning
    assert f"/learners/{without.id}" in warning
    assert 'name="print_without_photo"' in page
    response = client.post_form(f"{url}/submit", {"submitted_on": "2025-07-02"}, follow_redirects=True)
    assert "王无照" in response.get_data(as_text=True) and batch.status == "draft"
    client.post_form(f"{url}/submit", {"submitted_on": "2025-07-02", "print_without_photo": "y"})
    db.session.refresh(batch)
    assert batch.status == "submitted" and batch.print_without_photo
    assert "无照片打印" in client.get(url).get_data(as_text=True)


def test_the_batch_page_asks_nothing_when_everyone_has_a_photo(client, login_as, registrar, learners):
    (learner,) = learners(1)
    give_photo(learner)
    batch = draft_batch(registrar, [learner])
    login_as(registrar)
    page = client.get(f"/certificates/batches/{batch.id}").get_data(as_text=True)
    assert 'id="photo-warning"' not in page and 'name="print_without_photo"' not in page


def run(app, *args):
    return app.test_cli_runner().invoke(args=["lms", *args])


def test_the_command_line_refuses_learners_without_photo(app, learners):
    (graduate,) = learners(1, name="王无照")
    make_graduate(graduate)
    refused_run = run(app, "certificates", "issue", "--type", "diploma", "--batch", "无照片", "--as-of", "2025-07-01")
    assert refused_run.exit_code == 1
    assert "王无照" in refused_run.output and "--allow-no-photo" in refused_run.output
    assert db.session.scalar(select(GraduationBatch).where(GraduationBatch.name == "无照片")) is None


def test_the_command_line_prints_without_photo_when_allowed(app, learners):
    (graduate,) = learners(1, name="王无照")
    make_graduate(graduate)
    allowed = run(app, "certificates", "issue", "--type", "diploma", "--batch", "无照片", "--as-of", "2025-07-01",
                  "--allow-no-photo", "--json")
    assert allowed.exit_code == 0, allowed.output
    batch = db.session.scalar(select(GraduationBatch).where(GraduationBatch.name == "无照片"))
    assert batch.status == "submitted" and batch.print_without_photo
    issued = run(app, "certificates", "issue", "--type", "diploma", "--batch", "无照片", "--as-of", "2025-07-10",
                 "--verified-on", "2025-07-08", "--verification-ref", "州教验〔2025〕3号", "--json")
    assert [json.loads(line)["number"] for line in issued.stdout.splitlines()] == ["520000250001"]


def test_a_diploma_without_photo_leaves_a_box_to_paste_one_not_a_silhouette(registrar, learners, tmp_path):
    _batch, (certificate,) = issued_diplomas(registrar, learners(1), issued_on=DAY)
    path = tmp_path / "d.pdf"
    path.write_bytes(render_certificates([certificate], base_url="https://lms.example.gov.cn"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "贴照片处" in text
