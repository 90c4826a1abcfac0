"""Teaching plans: the seeded default plans, the registrar's course editing, and the `plans` import."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.teaching.models import Course, Specialty
from tests.factories import make_session, plan_course, specialty_named
from tests.functional.teaching.conftest import build_class

CULTURAL = {"读写算", "普通话", "思想政治与公民道德", "政策法规"}


def test_every_specialty_has_a_default_plan_with_the_shared_cultural_courses(app):
    specialties = db.session.scalars(select(Specialty)).all()
    assert len(specialties) == 15
    for specialty in specialties:
        courses = db.session.scalars(select(Course).where(Course.specialty_id == specialty.id)).all()
        kinds = [c.kind for c in courses]
        assert {c.name for c in courses if c.kind == "cultural"} == CULTURAL, specialty.name
        assert 3 <= kinds.count("skill") <= 6, specialty.name
        assert kinds.count("internship") <= 1
        assert all(c.minutes > 0 and c.credits > 0 and c.required_assignments >= 1 for c in courses)
    assert plan_course(specialty_named("刺绣"), "顶岗实习") is not None
    assert plan_course(specialty_named("语言交际艺术"), "顶岗实习") is None


def test_the_registrar_adds_edits_and_deactivates_a_course(client, login_as):
    login_as("registrar")
    specialty = specialty_named("蜡染")
    response = client.post_form(f"/plans/{specialty.id}/courses/new", {
        "name": "蜡染文创设计", "kind": "skill", "hours": "36", "credits": "2", "required_assignments": "2"})
    assert response.status_code == 302
    course = plan_course(specialty, "蜡染文创设计")
    assert (course.minutes, str(course.credits)) == (2160, "2.0")
    client.post_form(f"/plans/courses/{course.id}/edit", {
        "name": "蜡染文创设计", "kind": "skill", "hours": "54", "credits": "3", "required_assignments": "3"})
    assert course.minutes == 3240
    duplicate = client.post_form(f"/plans/{specialty.id}/courses/new", {
        "name": "蜡染文创设计", "kind": "skill", "hours": "1", "credits": "1", "required_assignments": "0"})
    assert "已有课程“蜡染文创设计”" in duplicate.get_data(as_text=True)
    client.post_form(f"/plans/courses/{course.id}/active", {"active": "0"})
    assert course.active is False
    page = client.get(f"/plans/{specialty.id}").get_data(as_text=True)
    assert "已停用" in page and ">删除<" not in page


def test_a_deactivated_course_keeps_its_sessions_and_leaves_the_session_form(client, login_as):
    setup = build_class(1)
    course = plan_course(setup.teaching_class.specialty, "普通话")
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8), course=course)
    login_as("registrar")
    client.post_form(f"/plans/courses/{course.id}/active", {"active": "0"})
    assert db.session.get(Course, course.id) is not None and session.course_id == course.id
    form = client.get(f"/classes/{setup.teaching_class.id}/sessions/new").get_data(as_text=True)
    assert "普通话（文化课）" not in form and "读写算（文化课）" in form


def test_the_plans_import_creates_updates_and_refuses_bad_rows(app, tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text("专业,课程,类别,学时,学分,必做作业数\r\n"
                    "刺绣,苗绣针法,专业技能课,54,3,2\r\n"
                    "刺绣,读写算,文化课,80,4,3\r\n"
                    "蜡染专业,苗绣针法,专业技能课,54,3,2\r\n"
                    "刺绣,苗绣针法,专业技能课,54,3,2\r\n"
                    "刺绣,银饰锻制,手工课,36,2,1\r\n"
                    "刺绣,银饰锻制,专业技能课,-3,2,1\r\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["lms", "import", "plans", str(path), "--json"])
    summary = json.loads(result.output.strip().splitlines()[-1])
    errors = {e["row"]: e["message"] for e in summary["errors"]}
    assert result.exit_code == 1 and summary["written"] == 2
    assert errors[4] == "专业“蜡染专业”不存在，是否是“蜡染”？"
    assert errors[5] == "与第 2 行是同一专业的同一课程"
    assert errors[6].startswith("类别“手工课”无法识别") and errors[7] == "不能小于 0.5"
    embroidery = specialty_named("刺绣")
    assert plan_course(embroidery, "读写算").minutes == 80 * 60
    again = app.test_cli_runner().invoke(args=["lms", "import", "plans", str(path), "--json"])
    assert json.loads(again.output.strip().splitlines()[-1])["unchanged"] == 2
    assert db.session.scalar(select(func.count()).select_from(Course).where(
        Course.specialty_id == embroidery.id, Course.name == "苗绣针法")) == 1


def _upload_plan(client, body: str):
    import io

    page = client.post_form("/imports/plans/", {"file": (io.BytesIO(body.encode()), "计划.csv")},
                            content_type="multipart/form-data").get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0] if 'name="token"' in page else ""
    return page, token


def test_a_plan_import_lists_the_courses_it_does_not_name_and_stops_them_only_when_confirmed(client, login_as):
    login_as("registrar")
    specialty = specialty_named("刺绣")
    before = {c.name for c in db.session.scalars(select(Course).where(Course.specialty_id == specialty.id,
                                                                       Course.active.is_(True)))}
    body = "专业,课程,类别,学时,学分,必做作业数\r\n刺绣,苗绣针法,专业技能课,54,3,2\r\n刺绣,读写算,文化课,80,4,3\r\n"
    page, token = _upload_plan(client, body)
    assert "停用文件未列出的课程" in page and "现有课程" in page and "《普通话》" in page and "《读写算》" not in page
    client.post_form("/imports/plans/confirm", {"token": token, "filename": "计划.csv"})
    active = {c.name for c in db.session.scalars(select(Course).where(Course.specialty_id == specialty.id,
                                                                       Course.active.is_(True)))}
    assert active == before | {"苗绣针法"}, "without the tick nothing is stopped"

    page, token = _upload_plan(client, body)
    assert token, "a file with nothing new still offers to stop the unnamed courses"
    client.post_form("/imports/plans/confirm", {"token": token, "filename": "计划.csv", "option": "replace"})
    courses = db.session.scalars(select(Course).where(Course.specialty_id == specialty.id)).all()
    assert {c.name for c in courses if c.active} == {"苗绣针法", "读写算"}
    assert {c.name for c in courses} >= before, "stopped courses are kept, never deleted"
    other = specialty_named("蜡染")
    assert db.session.scalar(select(func.count()).select_from(Course).where(
        Course.specialty_id == other.id, Course.active.is_(False))) == 0, "specialties not in the file are untouched"


def test_a_refused_row_does_not_stop_the_course_it_names(app, tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text("专业,课程,类别,学时,学分,必做作业数\r\n刺绣,苗绣针法,专业技能课,54,3,2\r\n"
                    "刺绣,读写算,文化课,-1,4,3\r\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["lms", "import", "plans", str(path), "--json", "--option", "replace"])
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["errors"][0]["row"] == 3
    assert plan_course(specialty_named("刺绣"), "读写算").active
    assert not plan_course(specialty_named("刺绣"), "普通话").active
