"""The learner page: masked personal data, the audited show-ID action, photo, status events, audit trail."""
from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.learners.models import StatusEvent
from tests.factories import make_class, make_learner, specialty_named


@pytest.fixture
def learner(area):
    teaching_class = make_class(area.point_a)
    return make_learner(area.village_a, teaching_class=teaching_class, name="王德才", enrolled_on=date(2025, 3, 1))


def page_of(client, learner) -> str:
    return client.get(f"/learners/{learner.id}").get_data(as_text=True)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_page_masks_id_and_phone_and_shows_the_record(area, client, login_as, learner):
    learner.phone = "13812341234"
    login_as("township", divisions=[area.township_a])
    page = page_of(client, learner)
    assert learner.id_number not in page and f"{learner.id_number[:6]}********{learner.id_number[-4:]}" in page
    assert "138****1234" in page and "13812341234" not in page
    assert learner.student_number in page and "学制" in page and "显示完整身份证号" in page
    assert "learners/_extra_sections.html" not in page          # the include renders, empty


def test_showing_the_whole_id_is_audited(area, client, login_as, learner):
    user = login_as("enroller", divisions=[area.village_a])
    page = client.post_form(f"/learners/{learner.id}/reveal").get_data(as_text=True)
    assert learner.id_number in page and "已记入操作日志" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learner.view_id"))
    assert event.user_id == user.id and event.entity_id == str(learner.id)
    assert "查看完整身份证号" in page_of(client, learner)     # the trail on the page names the view


@pytest.mark.parametrize("role", ["bureau", "teacher"])
def test_readers_see_the_record_without_the_show_action_or_forms(area, client, login_as, learner, role):
    scope = {"classes": [learner.teaching_class]} if role == "teacher" else {}
    login_as(role, **scope)
    page = page_of(client, learner)
    assert learner.name in page and "显示完整身份证号" not in page and "确认办理" not in page
    assert "上传照片" not in page and 'enctype="multipart/form-data"' not in page       # no photo upload form
    assert client.post_form(f"/learners/{learner.id}/reveal").status_code == 403


def test_a_teacher_sees_only_learners_of_their_classes(area, client, login_as, learner):
    other = make_learner(area.village_a)
    login_as("teacher", classes=[learner.teaching_class])
    assert client.get(f"/learners/{learner.id}").status_code == 200
    assert client.get(f"/learners/{other.id}").status_code == 404


def event(client, learner, **data):
    form = {"kind": "suspend", "occurred_on": "2025-05-01", "reason": "外出务工", "approved_by": "教务 黄志明",
            "to_specialty_id": 0, **data}
    return client.post_form(f"/learners/{learner.id}/events", form)


def test_suspension_and_return_toggle_the_status(area, client, login_as, learner):
    login_as("township", divisions=[area.township_a])
    assert event(client, learner).status_code == 302
    db.session.refresh(learner)
    assert learner.status == "suspended" and learner.status_changed_on == date(2025, 5, 1)
    assert event(client, learner, kind="resume", occurred_on="2025-08-01", reason="返乡").status_code == 302
    db.session.refresh(learner)
    assert learner.status == "studying"
    page = page_of(client, learner)
    assert "休学" in page and "复学" in page and "审批人：教务 黄志明" in page


def test_withdrawal_sets_withdrawn_and_no_further_event_is_offered(area, client, login_as, learner):
    login_as("registrar")
    event(client, learner, kind="withdraw", reason="举家外迁")
    db.session.refresh(learner)
    assert learner.status == "withdrawn" and learner.status_changed_on == date(2025, 5, 1)
    assert "确认办理" not in page_of(client, learner)
    page = event(client, learner, kind="resume").get_data(as_text=True)
    assert "学员当前状态为退学，不能办理复学" in page


def test_changing_specialty_takes_the_learner_out_of_the_class(area, client, login_as, learner):
    login_as("township", divisions=[area.township_a])
    embroidery = specialty_named("刺绣")
    assert event(client, learner, kind="change_specialty", to_specialty_id=embroidery.id, reason="兴趣").status_code == 302
    db.session.refresh(learner)
    assert learner.specialty_id == embroidery.id and learner.class_id is None and learner.status == "studying"
    recorded = db.session.scalar(select(StatusEvent))
    assert recorded.from_specialty_id == specialty_named().id and recorded.to_specialty_id == embroidery.id


@pytest.mark.parametrize("data, message", [
    ({"kind": "resume"}, "学员当前状态为在读，不能办理复学"),
    ({"occurred_on": "2099-01-01"}, "晚于今天"),
    ({"occurred_on": "2024-01-01"}, "早于入学日期"),
    ({"reason": ""}, "请填写异动原因"),
    ({"kind": "change_specialty"}, "转专业须选择一个不同的新专业"),
    ({"occurred_on": "2025-13-01"}, "日期格式不正确"),
])
def test_bad_status_events_are_refused(area, client, login_as, learner, data, message):
    login_as("township", divisions=[area.township_a])
    page = event(client, learner, **data).get_data(as_text=True)
    assert message in page
    db.session.refresh(learner)
    assert learner.status == "studying" and db.session.scalar(select(StatusEvent)) is None


def test_an_event_may_not_predate_the_last_one(area, client, login_as, learner):
    login_as("township", divisions=[area.township_a])
    event(client, learner, occurred_on="2025-06-01")
    page = event(client, learner, kind="resume", occurred_on="2025-05-01").get_data(as_text=True)
    assert "异动日期早于上一次异动" in page


def test_an_enroller_may_not_record_status_events(area, client, login_as, learner):
    login_as("enroller", divisions=[area.village_a])
    assert event(client, learner).status_code == 403


def test_the_photo_is_served_only_through_the_scoped_route(area, client, login_as, learner):
    login_as("township", divisions=[area.township_a])
    placeholder = client.get(f"/learners/{learner.id}/photo")
    assert placeholder.mimetype == "image/svg+xml"
    response = client.post_form(f"/learners/{learner.id}/photo", {"photo": (io.BytesIO(png()), "p.png")},
                                content_type="multipart/form-data")
    assert response.status_code == 302
    photo = client.get(f"/learners/{learner.id}/photo")
    assert photo.mimetype == "image/jpeg" and "no-store" in photo.headers["Cache-Control"]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "learner.photo"))
    client.logout()
    assert client.get(f"/learners/{learner.id}/photo").status_code == 302           # login first
    other = make_learner(area.village_b)
    login_as("township", divisions=[area.township_a])
    assert client.get(f"/learners/{other.id}/photo").status_code == 404


def test_a_bad_photo_upload_says_why(area, client, login_as, learner):
    login_as("township", divisions=[area.township_a])
    response = client.post_form(f"/learners/{learner.id}/photo", {"photo": (io.BytesIO(b"%PDF-1.4"), "p.jpg")},
                                content_type="multipart/form-data", follow_redirects=True)
    assert "照片只能是 JPEG 或 PNG 图片" in response.get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.photo_path is None


def test_the_privacy_notice_names_the_law_and_the_data(client, login_as):
    login_as("enroller")
    page = client.get("/learners/privacy-notice").get_data(as_text=True)
    assert "个人信息保护法" in page and "第十七条" in page and "身份证号码" in page and "2025-1" in page
