"""Specialties change with local industry (the plan's 动态调整): the registrar adds, renames and retires them."""
from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.learners.queries import active_specialties
from lms.teaching.models import Specialty
from tests.factories import specialty_named
from tests.functional.teaching.conftest import build_class


def test_the_registrar_adds_a_specialty_and_a_duplicate_name_is_refused(client, login_as):
    login_as("registrar")
    assert "新增专业" in client.get("/plans/").get_data(as_text=True)
    response = client.post_form("/plans/new", {"name": "  电商直播  "})
    added = db.session.scalar(select(Specialty).where(Specialty.name == "电商直播"))
    assert response.status_code == 302 and added.active
    assert added.position == 16 and (added.id, "电商直播") in active_specialties()
    assert "电商直播" in client.get("/plans/").get_data(as_text=True)
    again = client.post_form("/plans/new", {"name": "蜡染"}).get_data(as_text=True)
    assert "已有专业“蜡染”" in again
    assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "specialty.create")) \
        == "新增专业 电商直播"


def test_a_rename_shows_on_the_class_and_is_audited(client, login_as):
    setup = build_class(1)
    specialty = setup.teaching_class.specialty
    old = specialty.name
    login_as("registrar")
    assert "已有专业“蜡染”" in client.post_form(f"/plans/{specialty.id}/edit", {"name": "蜡染"}).get_data(as_text=True)
    assert client.post_form(f"/plans/{specialty.id}/edit", {"name": "林下经济"}).status_code == 302
    assert db.session.get(Specialty, specialty.id).name == "林下经济"
    assert "林下经济" in client.get(f"/classes/{setup.teaching_class.id}").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "specialty.rename"))
    assert event.summary == f"专业 {old} 改名为 林下经济"


def test_retiring_is_refused_while_a_class_runs_and_then_hides_it_from_new_enrolments(client, login_as):
    setup = build_class(1)
    specialty = setup.teaching_class.specialty
    login_as("registrar")
    page = client.post_form(f"/plans/{specialty.id}/active", {"active": "0"}, follow_redirects=True)
    assert f"还有在办班级：{setup.teaching_class.name}" in page.get_data(as_text=True)
    assert db.session.get(Specialty, specialty.id).active
    setup.teaching_class.active = False
    db.session.commit()
    client.post_form(f"/plans/{specialty.id}/active", {"active": "0"})
    assert not db.session.get(Specialty, specialty.id).active
    assert specialty.id not in dict(active_specialties())
    classes_form = client.get("/classes/new").get_data(as_text=True)
    assert f">{specialty.name}</option>" not in classes_form and ">蜡染</option>" in classes_form
    assert "已停办" in client.get(f"/plans/{specialty.id}").get_data(as_text=True)
    assert setup.learners[0].specialty_id == specialty.id, "its learners keep their specialty"
    client.post_form(f"/plans/{specialty.id}/active", {"active": "1"})
    assert db.session.get(Specialty, specialty.id).active


def test_only_the_plan_editors_change_specialties(client, login_as):
    login_as("teacher")
    specialty = specialty_named("蜡染")
    assert client.post_form("/plans/new", {"name": "电商直播"}).status_code == 403
    assert client.post_form(f"/plans/{specialty.id}/active", {"active": "0"}).status_code == 403
