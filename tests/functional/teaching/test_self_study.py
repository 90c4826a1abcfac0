"""Self-study: logged with content and evidence, pending until a class teacher approves it."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.teaching.hours import learner_hour_totals
from lms.teaching.models import SelfStudyEntry
from tests.factories import make_self_study
from tests.factories.assessment import tiny_png


def test_a_logged_entry_counts_only_after_approval(client, setup):
    learner = setup.learners[0]
    client.login(setup.teacher.username)
    response = client.post_form(f"/classes/{setup.teaching_class.id}/self-study", {
        "learner_id": str(learner.id), "studied_on": "2025-03-12", "hours": "2", "content": "读写算练习册第 3 单元",
        "evidence": (io.BytesIO(tiny_png()), "photo.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    entry = db.session.scalar(select(SelfStudyEntry))
    assert entry.status == "pending" and entry.evidence_path.endswith(".png")
    assert learner_hour_totals(learner.id).self_study == 0
    assert client.get(f"/self-study/{entry.id}/evidence").data.startswith(b"\x89PNG")
    client.post_form(f"/self-study/{entry.id}/decide", {"approve": "1"})
    assert entry.status == "approved" and learner_hour_totals(learner.id).self_study == 120


def test_rejecting_needs_a_reason_and_adds_nothing(client, setup):
    entry = make_self_study(setup.learners[0], minutes=180, studied_on=date(2025, 3, 12), status="pending")
    client.login(setup.teacher.username)
    page = client.post_form(f"/self-study/{entry.id}/decide", {"approve": "0"}, follow_redirects=True).get_data(
        as_text=True)
    assert "不通过时请填写原因" in page and entry.status == "pending"
    client.post_form(f"/self-study/{entry.id}/decide", {"approve": "0", "note": "没有学习证明"})
    assert entry.status == "rejected" and learner_hour_totals(setup.learners[0].id).self_study == 0


def test_self_study_before_enrolment_or_with_a_bad_file_is_refused(client, setup):
    client.login(setup.teacher.username)
    page = client.post_form(f"/classes/{setup.teaching_class.id}/self-study", {
        "learner_id": str(setup.learners[0].id), "studied_on": "2025-01-12", "hours": "2", "content": "练习"}
    ).get_data(as_text=True)
    assert "学员01 在 2025年1月12日 尚未入学（2025年3月1日入学），不能记录学时" in page
    page = client.post_form(f"/classes/{setup.teaching_class.id}/self-study", {
        "learner_id": str(setup.learners[0].id), "studied_on": "2025-03-12", "hours": "2", "content": "练习",
        "evidence": (io.BytesIO(b"MZ"), "virus.exe")}, content_type="multipart/form-data").get_data(as_text=True)
    assert "学习证明只能是 PDF、JPG 或 PNG 文件" in page
    assert db.session.scalar(select(SelfStudyEntry.id)) is None


def test_the_class_teacher_approves_every_pending_entry_at_once(client, setup):
    for learner in setup.learners[:3]:
        make_self_study(learner, minutes=60, studied_on=date(2025, 3, 12), status="pending")
    client.login(setup.teacher.username)
    page = client.get(f"/classes/{setup.teaching_class.id}/self-study").get_data(as_text=True)
    ids = [e.id for e in db.session.scalars(select(SelfStudyEntry))]
    assert "全部通过（3）" in page
    url = f"/classes/{setup.teaching_class.id}/self-study/approve-all"
    client.post_form(url, {"entry_ids": [str(i) for i in ids], "confirmed": "1"})
    assert set(db.session.scalars(select(SelfStudyEntry.status))) == {"approved"}
    assert learner_hour_totals(setup.learners[2].id).self_study == 60


def test_approving_all_at_once_first_says_how_many_entries_and_hours(client, setup):
    make_self_study(setup.learners[0], minutes=120, studied_on=date(2025, 3, 12), status="pending")
    make_self_study(setup.learners[0], minutes=90, studied_on=date(2025, 3, 13), status="pending")
    make_self_study(setup.learners[1], minutes=60, studied_on=date(2025, 3, 12), status="pending")
    client.login(setup.teacher.username)
    ids = [str(e.id) for e in db.session.scalars(select(SelfStudyEntry))]
    url = f"/classes/{setup.teaching_class.id}/self-study/approve-all"
    response = client.post_form(url, {"entry_ids": ids})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and set(db.session.scalars(select(SelfStudyEntry.status))) == {"pending"}
    assert "将通过 3 条自学记录（2 名学员），共 4.5 学时" in page
    assert setup.learners[0].name in page and 'name="confirmed" value="1"' in page
    client.post_form(url, {"entry_ids": ids, "confirmed": "1"})
    assert set(db.session.scalars(select(SelfStudyEntry.status))) == {"approved"}
