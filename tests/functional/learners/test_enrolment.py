"""The enrolment form: from the roster or as a walk-in; refusals with clear Chinese reasons; photos."""
from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.core.privacy import mask_id_number
from lms.extensions import db
from lms.learners.models import Learner
from lms.learners.photos import photo_file
from lms.settings.services import get_setting, save_settings
from lms.teaching.models import Specialty
from tests.factories import (
    make_class,
    make_learner,
    make_roster_entry,
    make_teaching_point,
    next_id_number,
    specialty_named,
)


def enrol_data(area, **changes):
    specialty = specialty_named()
    data = {"id_number": next_id_number(birth_on=date(1985, 6, 15)), "name": "王德才", "ethnicity": "09",
            "prior_education": "未上过学", "phone": "13812345678", "village_id": area.village_a.id,
            "teaching_point_id": area.point_a.id, "specialty_id": specialty.id, "class_id": 0,
            "enrolled_on": "2025-03-01", "privacy_agreed": "y"}
    data.update(changes)
    return data


def post(client, data, url="/enrol/"):
    return client.post_form(url, data, content_type="multipart/form-data")


def image_bytes(kind="PNG", size=(300, 400), exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 90))
    if exif is not None:
        image.save(buffer, format=kind, exif=exif)
    else:
        image.save(buffer, format=kind)
    return buffer.getvalue()


def the_learner() -> Learner:
    return db.session.scalar(select(Learner))


def test_a_walk_in_is_enrolled_with_rules_applied_and_a_student_number(area, client, login_as):
    user = login_as("township", divisions=[area.township_a])
    teaching_class = make_class(area.point_a, cohort=2025)
    response = post(client, enrol_data(area, class_id=teaching_class.id))
    learner = the_learner()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/learners/{learner.id}")
    assert (learner.programme_years, learner.period_end_on, learner.target_group) == (3, date(2028, 2, 29), "core")
    assert learner.student_number == "52000020250001" and learner.class_id == teaching_class.id
    assert learner.privacy_consent_on == date(2025, 3, 1) and learner.privacy_notice_version == "2025-1"
    assert learner.enrolled_by_id == user.id and learner.name_initials == "wdc"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learner.enrol"))
    # The audit keeps the masked number, never the whole one.
    assert event.entity_id == str(learner.id) and event.after["id_number"] == mask_id_number(learner.id_number)
    assert "*" in event.after["id_number"] and learner.id_number not in str(event.after)


def test_enrolling_from_the_roster_uses_its_id_and_marks_it_enrolled(area, client, login_as):
    login_as("enroller", divisions=[area.village_a])
    entry = make_roster_entry(area.village_a, name="罗春花", sex="2", phone="13900001111")
    page = client.get(f"/enrol/?entry={entry.id}").get_data(as_text=True)
    assert "为 罗春花 报名" in page and entry.id_number not in page and "139****1111" in page
    data = enrol_data(area, name="罗春花", phone="")
    del data["id_number"]
    response = post(client, data, url=f"/enrol/?entry={entry.id}")
    assert response.status_code == 302
    learner = the_learner()
    db.session.refresh(entry)
    assert learner.roster_entry_id == entry.id and learner.id_number == entry.id_number
    assert learner.phone == "13900001111" and entry.status == "enrolled"


def test_an_enroller_may_choose_a_teaching_point_elsewhere_in_the_township(area, client, login_as):
    login_as("enroller", divisions=[area.village_a2])
    data = enrol_data(area, village_id=area.village_a2.id)      # point_a lies in 甲一村
    assert post(client, data).status_code == 302


def test_age_outside_the_range_is_refused_with_the_rules_reason(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    page = post(client, enrol_data(area, id_number=next_id_number(birth_on=date(1960, 2, 1)))).get_data(as_text=True)
    assert "不符合报名年龄要求：入学时 65 周岁，超过 59 周岁" in page
    assert db.session.scalar(select(func.count()).select_from(Learner)) == 0


def test_already_enrolled_in_another_township_does_not_say_where(area, client, login_as):
    other = make_learner(area.village_b)
    login_as("township", divisions=[area.township_a])
    page = post(client, enrol_data(area, id_number=other.id_number)).get_data(as_text=True)
    assert "该身份证号已在其他乡镇（街道）报名，不能重复报名；如有疑问请联系县教育局" in page
    assert "乙镇" not in page and "乙一村" not in page


def test_already_enrolled_in_the_users_area_names_the_record(area, client, login_as):
    here = make_learner(area.village_a2)
    login_as("township", divisions=[area.township_a])
    page = post(client, enrol_data(area, id_number=here.id_number)).get_data(as_text=True)
    assert f"该身份证号已经报名（学号 {here.student_number}，甲镇甲二村）" in page


def test_the_privacy_notice_must_be_agreed(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    data = enrol_data(area)
    del data["privacy_agreed"]
    page = post(client, data).get_data(as_text=True)
    assert "请先向学员告知《个人信息处理告知书》并勾选学员已同意" in page and the_learner() is None


@pytest.mark.parametrize("changes, message", [
    ({"id_number": "522327198506150000"}, "身份证号校验码不正确"),
    ({"id_number": ""}, "请填写身份证号"),
    ({"enrolled_on": "2099-01-01"}, "入学日期不能晚于今天"),
    ({"phone": "12345"}, "手机号应为 1 开头的 11 位数字"),
    ({"ethnicity": ""}, "请选择民族"),
    ({"teaching_point_id": 0}, "请选择教学点"),
])
def test_bad_input_is_refused_with_a_chinese_message(area, client, login_as, changes, message):
    login_as("township", divisions=[area.township_a])
    page = post(client, enrol_data(area, **changes)).get_data(as_text=True)
    assert message in page and the_learner() is None


def test_a_village_or_point_outside_the_users_area_cannot_be_chosen(area, client, login_as):
    point_b = make_teaching_point(area.village_b)
    login_as("township", divisions=[area.township_a])
    page = post(client, enrol_data(area, village_id=area.village_b.id, teaching_point_id=point_b.id)).get_data(as_text=True)
    assert "请选择所在村（社区）" in page and "请选择教学点" in page and the_learner() is None


def test_a_class_of_another_specialty_is_refused(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    embroidery = make_class(area.point_a, specialty=specialty_named("刺绣"))
    page = post(client, enrol_data(area, class_id=embroidery.id)).get_data(as_text=True)
    assert "所选班级不属于所选教学点和专业" in page and the_learner() is None


def test_a_photo_is_checked_by_content_reencoded_without_exif_and_stored_outside_the_database(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"        # Make
    data = enrol_data(area, photo=(io.BytesIO(image_bytes("JPEG", (1200, 1600), exif=exif.tobytes())), "me.jpg"))
    assert post(client, data).status_code == 302
    learner = the_learner()
    path = photo_file(learner.photo_path)
    assert path is not None and learner.photo_path.startswith("photos/")
    with Image.open(path) as stored:
        assert stored.format == "JPEG" and max(stored.size) <= 800 and not stored.getexif()


@pytest.mark.parametrize("content, filename, message", [
    (b"GIF89a" + bytes(100), "photo.jpg", "照片只能是 JPEG 或 PNG 图片"),
    (b"not an image at all", "photo.png", "照片只能是 JPEG 或 PNG 图片"),
    (None, "big.png", "照片不能超过"),
])
def test_bad_photos_are_refused_and_nothing_is_enrolled(app, area, client, login_as, monkeypatch, content,
                                                        filename, message):
    if content is None:
        monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", 1000)
        content = image_bytes("PNG", (400, 400))
    login_as("township", divisions=[area.township_a])
    page = post(client, enrol_data(area, photo=(io.BytesIO(content), filename))).get_data(as_text=True)
    assert message in page and the_learner() is None


def test_a_png_renamed_to_jpg_is_accepted_because_content_decides(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    data = enrol_data(area, photo=(io.BytesIO(image_bytes("PNG")), "photo.gif"))
    assert post(client, data).status_code == 302 and the_learner().photo_path


def test_the_student_number_pattern_is_the_schools(area, client, login_as):
    save_settings(actor=None, values={"learners.student_number_pattern": "{year}{county}{seq:5}"})
    login_as("township", divisions=[area.township_a])
    post(client, enrol_data(area))
    assert the_learner().student_number == f"2025{area.village_a.code[:6]}00001"


def test_the_enrolment_page_offers_only_the_users_villages_and_points(area, client, login_as):
    make_teaching_point(area.village_b, "乙镇的点")
    login_as("township", divisions=[area.township_a])
    page = client.get("/enrol/").get_data(as_text=True)
    assert "甲一村讲习所" in page and "乙镇的点" not in page and "乙一村" not in page
    assert "个人信息处理告知书" in page


def test_inactive_specialties_are_not_offered(area, client, login_as):
    retired = db.session.scalar(select(Specialty).where(Specialty.name == "环卫"))
    retired.active = False
    db.session.flush()
    login_as("township", divisions=[area.township_a])
    assert "环卫" not in client.get("/enrol/").get_data(as_text=True)


def test_the_admin_sets_the_student_number_pattern_and_a_bad_one_is_refused(client, login_as):
    login_as("admin")
    page = client.post_form("/settings/", {"learners.student_number_pattern": "{school}{year}"}).get_data(as_text=True)
    assert "学号格式必须包含且只包含一个序号占位符 {seq:N}" in page
    assert client.post_form("/settings/", {"learners.student_number_pattern": "XS{yy}{seq:5}"}).status_code == 302
    assert get_setting("learners.student_number_pattern") == "XS{yy}{seq:5}"
