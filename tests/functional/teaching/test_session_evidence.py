"""A session carries evidence: class photos and the signed sign-in sheet's scan, checked by content, never deleted."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.teaching.models import SessionEvidence
from lms.teaching.services.evidence import add_session_evidence
from tests.factories import make_session, make_township, make_user
from tests.factories.assessment import tiny_pdf, tiny_png

DAY = date(2025, 3, 8)


def _upload(client, session, content: bytes, name: str, kind: str = "photo", **extra):
    return client.post_form(f"/sessions/{session.id}/evidence", {
        "kind": kind, "file": (io.BytesIO(content), name), **extra}, content_type="multipart/form-data")


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(SessionEvidence))


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_sessions_teacher_uploads_a_photo_and_a_scanned_sign_in_sheet(client, setup):
    session = make_session(setup.teaching_class, held_on=DAY, teacher=setup.teacher)
    client.login(setup.teacher.username)
    assert _upload(client, session, tiny_png(), "课堂.png").status_code == 302
    assert _upload(client, session, tiny_pdf(), "签到表.pdf", kind="sign_in").status_code == 302
    photo, sheet = db.session.scalars(select(SessionEvidence).order_by(SessionEvidence.id))
    assert (photo.kind, photo.mime, sheet.kind, sheet.mime) == ("photo", "image/png", "sign_in", "application/pdf")
    page = client.get(f"/sessions/{session.id}/evidence").get_data(as_text=True)
    assert "当前材料（2）" in page and "课堂照片" in page and "签到表扫描件" in page
    served = client.get(f"/session-evidence/{photo.id}")
    assert served.data.startswith(b"\x89PNG") and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    events = _events("session.evidence")
    assert len(events) == 2 and events[0].entity_id == str(session.id) and "上传课堂照片" in events[0].summary


def test_a_replaced_file_is_kept_and_marked_superseded(client, setup):
    session = make_session(setup.teaching_class, held_on=DAY, teacher=setup.teacher)
    client.login(setup.teacher.username)
    _upload(client, session, tiny_png("white"), "一.png", kind="sign_in")
    first = db.session.scalar(select(SessionEvidence))
    response = _upload(client, session, tiny_png("black"), "二.png", kind="sign_in", replaces_id=str(first.id),
                       note="重新扫描")
    assert response.status_code == 302
    second = db.session.scalar(select(SessionEvidence).where(SessionEvidence.id != first.id))
    db.session.refresh(first)
    assert first.superseded_by_id == second.id and first.superseded_at is not None and second.superseded_at is None
    page = client.get(f"/sessions/{session.id}/evidence").get_data(as_text=True)
    assert "当前材料（1）" in page and "已替换的材料（1）" in page and f"已被第 {second.id} 号替换" in page
    assert client.get(f"/session-evidence/{first.id}").status_code == 200      # still on record
    assert "替换第" in _events("session.evidence")[-1].summary
    # A superseded file cannot be replaced again: the current one is the one to replace.
    page = _upload(client, session, tiny_png(), "三.png", kind="sign_in", replaces_id=str(first.id))
    assert "要替换的材料不是本课次当前的材料" in page.get_data(as_text=True) and _stored() == 2


def test_wrong_content_too_large_or_no_file_is_refused_in_chinese_and_nothing_is_stored(app, client, setup):
    session = make_session(setup.teaching_class, held_on=DAY, teacher=setup.teacher)
    client.login(setup.teacher.username)
    refusals = [
        (_upload(client, session, b"MZ\x90\x00 not a picture", "photo.jpg"), "课堂照片只能是 JPG 或 PNG 图片"),
        (_upload(client, session, tiny_pdf(), "photo.pdf"), "课堂照片只能是 JPG 或 PNG 图片"),
        (_upload(client, session, b"GIF89a....", "sheet.png", kind="sign_in"), "签到表扫描件只能是 PDF、JPG 或 PNG 文件"),
        (_upload(client, session, b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), "big.png"),
         "课堂照片超过 5 MB，请压缩后重新上传"),
        (_upload(client, session, b"", "empty.png"), "请选择要上传的课堂照片"),
        (_upload(client, session, tiny_png(), "x.png", kind="video"), "请选择材料类别"),
    ]
    for response, message in refusals:
        assert response.status_code == 422 and message in response.get_data(as_text=True), message
    assert _stored() == 0 and _events("session.evidence") == []


def test_only_the_sessions_own_teacher_among_teachers_may_upload(client, setup):
    other = make_user("teacher", classes=[setup.teaching_class])
    session = make_session(setup.teaching_class, held_on=DAY, teacher=setup.teacher)
    client.login(other.username)
    page = _upload(client, session, tiny_png(), "p.png").get_data(as_text=True)
    assert "只有本课次的授课教师可以上传佐证材料" in page and _stored() == 0
    unnamed = make_session(setup.teaching_class, held_on=date(2025, 4, 5))      # no teacher named: the class's may
    assert _upload(client, unnamed, tiny_png(), "p.png").status_code == 302


def test_township_staff_and_the_registrar_upload_in_scope(client, setup):
    session = make_session(setup.teaching_class, held_on=DAY, teacher=setup.teacher)
    client.login(make_user("township", divisions=[setup.township]).username)
    assert _upload(client, session, tiny_png(), "p.png").status_code == 302
    client.logout()
    client.login(make_user("registrar").username)
    assert _upload(client, session, tiny_png(), "p.png").status_code == 302
    assert _stored() == 2


def test_another_townships_staff_get_404_for_the_session_and_its_files(client, setup):
    session = make_session(setup.teaching_class, held_on=DAY, teacher=setup.teacher)
    evidence = add_session_evidence(actor=None, session=session, kind="photo", content=tiny_png(), today=DAY)
    elsewhere = make_user("township", divisions=[make_township(setup.township.parent, "别的镇")])
    client.login(elsewhere.username)
    assert _upload(client, session, tiny_png(), "p.png").status_code == 404
    assert client.get(f"/sessions/{session.id}/evidence").status_code == 404
    assert client.get(f"/session-evidence/{evidence.id}").status_code == 404
    assert _stored() == 1


def test_a_future_or_cancelled_session_takes_no_evidence(client, setup):
    from lms.core.clock import now_utc

    later = make_session(setup.teaching_class, held_on=date(2026, 12, 20), teacher=setup.teacher)
    cancelled = make_session(setup.teaching_class, held_on=DAY, teacher=setup.teacher)
    cancelled.cancelled_at = now_utc()
    client.login(setup.teacher.username)
    assert "上课后才能上传佐证材料" in _upload(client, later, tiny_png(), "p.png").get_data(as_text=True)
    assert "该课次已取消" in _upload(client, cancelled, tiny_png(), "p.png").get_data(as_text=True)
    assert _stored() == 0


def test_the_class_page_links_each_held_session_to_its_evidence(client, setup):
    session = make_session(setup.teaching_class, held_on=DAY, teacher=setup.teacher)
    client.login(make_user("bureau").username)
    page = client.get(f"/classes/{setup.teaching_class.id}").get_data(as_text=True)
    assert f"/sessions/{session.id}/evidence" in page
    assert "上传材料" not in client.get(f"/sessions/{session.id}/evidence").get_data(as_text=True)   # the bureau reads
