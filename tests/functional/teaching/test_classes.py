"""Classes: a teacher sees only theirs; the registrar and township staff create them and assign teachers
and learners; the list costs a fixed number of queries."""
from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.teaching.models import ClassTeacher, TeachingClass
from tests.factories import make_learner, make_teaching_point, make_user, specialty_named
from tests.functional.teaching.conftest import build_class


def test_a_teacher_sees_only_their_classes(client):
    mine, other = build_class(1), build_class(1)
    client.login(mine.teacher.username)
    page = client.get("/classes").get_data(as_text=True)
    assert mine.teaching_class.name in page and other.teaching_class.name not in page
    assert client.get(f"/classes/{other.teaching_class.id}").status_code == 404


def test_the_class_list_costs_the_same_queries_for_more_classes(client, login_as, count_queries):
    build_class(2)
    login_as("registrar")
    client.get("/classes")
    with count_queries() as few:
        client.get("/classes")
    for _ in range(4):
        build_class(3)
    with count_queries() as many:
        page = client.get("/classes").get_data(as_text=True)
    assert len(many) == len(few)
    assert page.count("学员 3 人") == 4


def test_township_staff_create_a_class_only_at_a_point_in_their_township(client, login_as):
    home, away = build_class(0), build_class(0)
    login_as("township", divisions=[home.township])
    form = {"code": "2025-QS-09", "name": "清水镇刺绣班", "specialty_id": str(specialty_named("刺绣").id),
            "teaching_point_id": str(home.point.id), "cohort": "2025", "head_teacher_id": "0", "active": "y"}
    response = client.post_form("/classes/new", form)
    assert response.status_code == 302
    created = db.session.scalar(select(TeachingClass).where(TeachingClass.code == "2025-QS-09"))
    assert created.teaching_point_id == home.point.id
    assert client.post_form("/classes/new", {**form, "code": "X-1", "teaching_point_id": str(away.point.id)}
                            ).status_code == 404
    clash = client.post_form("/classes/new", form).get_data(as_text=True)
    assert "班级代码 2025-QS-09 已被使用" in clash


def test_the_registrar_assigns_teachers_and_a_class_head(client, login_as):
    setup = build_class(0)
    teacher = make_user("teacher")
    login_as("registrar")
    client.post_form(f"/classes/{setup.teaching_class.id}/teachers", {"teacher_id": str(teacher.id)})
    assert db.session.scalar(select(ClassTeacher).where(ClassTeacher.user_id == teacher.id)) is not None
    client.logout()
    client.login(teacher.username)
    assert client.get(f"/classes/{setup.teaching_class.id}").status_code == 200
    client.logout()
    login_as("registrar")
    client.post_form(f"/classes/{setup.teaching_class.id}/teachers", {"teacher_id": str(teacher.id), "action": "remove"})
    assert db.session.scalar(select(ClassTeacher).where(ClassTeacher.user_id == teacher.id)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "class.remove_teacher")) is not None


def test_learners_of_the_specialty_are_added_and_others_refused(client, login_as):
    setup = build_class(0)
    same = make_learner(setup.village, specialty=setup.teaching_class.specialty, name="同专业")
    different = make_learner(setup.village, specialty=specialty_named("刺绣"), name="别专业")
    login_as("township", divisions=[setup.township])
    page = client.get(f"/classes/{setup.teaching_class.id}/learners").get_data(as_text=True)
    assert "同专业" in page and "别专业" not in page
    client.post_form(f"/classes/{setup.teaching_class.id}/learners", {"learner_ids": [str(same.id)]})
    assert same.class_id == setup.teaching_class.id
    refused = client.post_form(f"/classes/{setup.teaching_class.id}/learners", {"learner_ids": [str(different.id)]},
                               follow_redirects=True).get_data(as_text=True)
    assert "以下学员的专业与班级不同：别专业" in refused and different.class_id is None
    client.post_form(f"/classes/{setup.teaching_class.id}/learners", {"action": "remove", "learner_id": str(same.id)})
    assert same.class_id is None


def test_a_township_user_cannot_add_learners_of_another_township(client, login_as):
    setup, other = build_class(0), build_class(0)
    outsider = make_learner(other.village, specialty=setup.teaching_class.specialty)
    login_as("township", divisions=[setup.township])
    client.post_form(f"/classes/{setup.teaching_class.id}/learners", {"learner_ids": [str(outsider.id)]})
    assert outsider.class_id is None


def test_the_class_page_shows_the_cadence_month_by_month(client, setup):
    from datetime import date

    from tests.factories import make_session

    for month in (3, 4, 6):
        make_session(setup.teaching_class, held_on=date(2025, month, 8))
    client.login(setup.teacher.username)
    page = client.get(f"/classes/{setup.teaching_class.id}").get_data(as_text=True)
    assert "2025年5月、7月" in page and "无满 8 学时的集中授课" in page
    assert page.count("cadence-fail") >= 1


def test_editing_a_point_outside_scope_is_not_offered(client, login_as):
    setup = build_class(0)
    other_point = make_teaching_point(build_class(0).village, "远处的夜校")
    login_as("township", divisions=[setup.township])
    form = client.get("/classes/new").get_data(as_text=True)
    assert setup.point.name in form and other_point.name not in form
