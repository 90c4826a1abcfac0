"""A session's teacher is one of the class's teachers or its head teacher: the form offers only them, and
the service refuses anyone else whatever the page posts (a hand-made form once saved the admin)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.core.errors import DomainError
from lms.extensions import db
from lms.teaching.models import ClassSession
from lms.teaching.services.sessions import save_session
from tests.factories import make_session, make_user, plan_course


def _form(setup, teacher_id, **extra) -> dict:
    course = plan_course(setup.teaching_class.specialty)
    return {"course_id": str(course.id), "held_on": "2025-03-15", "mode": "face", "hours": "8", "place": "村委会",
            "teacher_id": str(teacher_id), **extra}


def _sessions(setup) -> list[ClassSession]:
    return list(db.session.scalars(select(ClassSession).where(ClassSession.class_id == setup.teaching_class.id)))


def test_the_form_offers_only_the_classes_teachers_and_head(client, setup):
    head, stranger = make_user("teacher"), make_user("teacher")
    setup.teaching_class.head_teacher_id = head.id
    db.session.flush()
    client.login(setup.teacher.username)
    form = client.get(f"/classes/{setup.teaching_class.id}/sessions/new").get_data(as_text=True)
    assert setup.teacher.display_name in form and head.display_name in form
    assert stranger.display_name not in form


@pytest.mark.parametrize("who", ["admin", "another teacher", "nobody"])
def test_a_posted_teacher_outside_the_class_is_refused_and_nothing_saved(client, login_as, setup, who):
    outsider = {"admin": lambda: make_user("admin").id, "another teacher": lambda: make_user("teacher").id,
                "nobody": lambda: 987654321}[who]()
    client.login(setup.teacher.username)
    response = client.post_form(f"/classes/{setup.teaching_class.id}/sessions/new", _form(setup, outsider))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "授课教师须是本班的任课教师或班主任。" in page or "请从列表中选择授课教师。" in page
    assert _sessions(setup) == []


def test_the_classes_teacher_or_no_teacher_is_saved(client, setup):
    client.login(setup.teacher.username)
    assert client.post_form(f"/classes/{setup.teaching_class.id}/sessions/new",
                            _form(setup, setup.teacher.id)).status_code == 302
    assert client.post_form(f"/classes/{setup.teaching_class.id}/sessions/new",
                            _form(setup, 0, held_on="2025-03-22")).status_code == 302
    assert sorted((s.teacher_id or 0) for s in _sessions(setup)) == [0, setup.teacher.id]


def test_the_service_refuses_a_teacher_outside_the_class(setup):
    admin = make_user("admin")
    with pytest.raises(DomainError, match="授课教师须是本班的任课教师或班主任"):
        save_session(actor=setup.teacher, teaching_class=setup.teaching_class, session=None,
                     course=plan_course(setup.teaching_class.specialty), held_on=date(2025, 3, 15), mode="face",
                     minutes=480, place="", teacher=admin)


def test_a_session_keeps_a_teacher_who_left_the_class_when_edited(client, login_as, setup):
    former = make_user("teacher")
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8), teacher=former)
    client.login(setup.teacher.username)
    form = client.get(f"/sessions/{session.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{former.id}">{former.display_name}</option>' in form
    response = client.post_form(f"/sessions/{session.id}/edit", _form(setup, former.id, place="乡镇中心校"))
    assert response.status_code == 302
    assert session.place == "乡镇中心校" and session.teacher_id == former.id
