"""学籍信息更正: a typo in a learner's name, ethnicity or phone is corrected with a reason, audited."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from tests.factories import make_class, make_learner


@pytest.fixture
def learner(area):
    learner = make_learner(area.village_a, teaching_class=make_class(area.point_a), name="王得才",
                           enrolled_on=date(2025, 3, 1))
    learner.phone, learner.ethnicity = "13812341234", "01"
    return learner


def correct(client, learner, **changes):
    data = {"name": learner.name, "ethnicity": learner.ethnicity, "phone": learner.phone,
            "reason": "与身份证原件核对"} | changes
    return client.post_form(f"/learners/{learner.id}/correct", data)


def test_the_registrar_corrects_a_name_and_the_search_finds_the_new_one(area, client, login_as, learner):
    user = login_as("registrar")
    form = client.get(f"/learners/{learner.id}/correct").get_data(as_text=True)
    assert 'value="王得才"' in form and "更正原因" in form
    response = correct(client, learner, name="王德才", ethnicity="02")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/learners/{learner.id}")
    assert (learner.name, learner.ethnicity, learner.name_initials) == ("王德才", "02", "wdc")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learner.correct"))
    assert event.user_id == user.id and event.entity_id == str(learner.id)
    assert event.before == {"name": "王得才", "ethnicity": "01"} and event.after == {"name": "王德才", "ethnicity": "02"}
    assert "与身份证原件核对" in event.summary
    assert "王德才" in client.get("/learners/?q=wdc").get_data(as_text=True)


def test_a_phone_correction_is_audited_masked(area, client, login_as, learner):
    login_as("township", divisions=[area.township_a])
    assert correct(client, learner, phone="139 0000 5678").status_code == 302
    assert learner.phone == "13900005678"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learner.correct"))
    assert event.before == {"phone": "138****1234"} and event.after == {"phone": "139****5678"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": "王德才", "reason": ""}, "请填写更正原因"),
    ({"phone": "1390000"}, "手机号应为 1 开头的 11 位数字"),
    ({"name": ""}, "请填写姓名"),
    ({}, "没有需要更正的内容"),
])
def test_bad_corrections_are_refused_in_chinese_and_nothing_changes(area, client, login_as, learner, changes, message):
    login_as("registrar")
    page = correct(client, learner, **changes).get_data(as_text=True)
    assert message in page
    assert (learner.name, learner.phone) == ("王得才", "13812341234")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learner.correct")) is None


def test_the_learner_page_offers_the_correction_to_the_registrar(area, client, login_as, learner):
    login_as("registrar")
    assert "更正姓名、民族或电话" in client.get(f"/learners/{learner.id}").get_data(as_text=True)


def test_an_enroller_may_not_correct_a_record(area, client, login_as, learner):
    login_as("enroller", divisions=[area.village_a])
    assert "更正姓名、民族或电话" not in client.get(f"/learners/{learner.id}").get_data(as_text=True)
    assert correct(client, learner, name="王德才").status_code == 403
