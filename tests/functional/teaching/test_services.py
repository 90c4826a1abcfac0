"""lms.teaching.services called directly: courses of a plan, classes, their teachers and learners — results,
audit events, and refusals in Chinese naming the field. (Sessions and self-study: test_session_services.py,
test_self_study_services.py.)"""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.core.errors import DomainError
from lms.extensions import db
from lms.teaching.models import DEFAULT_SPECIALTIES, ClassTeacher, Course, Specialty, TeachingClass
from lms.teaching.services import (
    add_learners,
    add_teacher,
    assign_teacher_to_classes,
    ensure_default_specialties,
    remove_learner,
    remove_teacher,
    save_class,
    save_course,
    set_course_active,
)
from tests.factories import make_course, make_learner, make_teaching_point, make_user, make_village, specialty_named


def _events(action: str, entity_id) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                           AuditEvent.entity_id == str(entity_id))))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def registrar():
    return make_user("registrar")


# --- the plan ---------------------------------------------------------------------------------------

def test_the_default_specialties_are_made_once_in_the_plans_order():
    first = ensure_default_specialties()
    count = _count(Specialty)
    again = ensure_default_specialties()
    assert [s.name for s in first] == list(DEFAULT_SPECIALTIES) and again == first
    assert _count(Specialty) == count


def _course(registrar, specialty, course=None, **options) -> Course:
    values = {"name": "苗绣针法", "kind": "skill", "minutes": 40 * 60, "credits": Decimal("2"),
              "required_assignments": 2, **options}
    return save_course(actor=registrar, specialty=specialty, course=course, **values)


def test_a_new_course_goes_last_in_its_plan_and_is_audited(registrar):
    specialty = specialty_named("刺绣")
    before = len(specialty.courses)
    course = _course(registrar, specialty)
    assert (course.name, course.kind, course.minutes, course.credits, course.required_assignments) == (
        "苗绣针法", "skill", 2400, Decimal("2"), 2)
    assert course.position == before + 1 and course.specialty_id == specialty.id
    [event] = _events("course.create", course.id)
    assert event.user_id == registrar.id and event.summary == "刺绣新增课程 苗绣针法"
    assert event.after["minutes"] == 2400


def test_an_edit_records_only_what_changed_and_nothing_when_nothing_did(registrar):
    specialty = specialty_named("刺绣")
    course = make_course(specialty, name="苗绣针法", hours=40, credits="2", required_assignments=2)
    _course(registrar, specialty, course, name="苗绣针法", minutes=50 * 60)
    [event] = _events("course.update", course.id)
    assert event.summary == "刺绣修改课程 苗绣针法"
    assert event.before == {"minutes": 2400} and event.after == {"minutes": 3000}
    _course(registrar, specialty, course, name="苗绣针法", minutes=50 * 60)
    assert len(_events("course.update", course.id)) == 1


@pytest.mark.parametrize("options", [
    {"minutes": 1}, {"minutes": 2000 * 60}, {"credits": Decimal("0")}, {"credits": Decimal("100")},
    {"required_assignments": 0}, {"required_assignments": 50}, {"kind": "cultural"}, {"kind": "internship"},
], ids=lambda options: f"{next(iter(options))}={next(iter(options.values()))}")
def test_a_course_at_the_edge_of_each_range_is_saved(registrar, options):
    course = _course(registrar, specialty_named("刺绣"), **options)
    assert all(getattr(course, key) == value for key, value in options.items())


@pytest.mark.parametrize(("options", "field", "message"), [
    ({"kind": "theory"}, "kind", "课程类别不正确"),
    ({"minutes": 0}, "hours", "学时应在 1–2000 之间"),
    ({"minutes": 2000 * 60 + 1}, "hours", "学时应在 1–2000 之间"),
    ({"credits": Decimal("-0.5")}, "credits", "学分应在 0–100 之间"),
    ({"credits": Decimal("100.5")}, "credits", "学分应在 0–100 之间"),
    ({"required_assignments": -1}, "required_assignments", "必做作业数应在 0–50 之间"),
    ({"required_assignments": 51}, "required_assignments", "必做作业数应在 0–50 之间"),
    ({"name": "读写算"}, "name", "刺绣的教学计划中已有课程“读写算”"),
], ids=["kind", "no-minutes", "over-2000-hours", "negative-credits", "over-100-credits", "negative-assignments",
        "over-50-assignments", "name-taken"])
def test_a_bad_course_is_refused_before_anything_is_written(registrar, options, field, message):
    specialty = specialty_named("刺绣")
    courses, events = _count(Course), _count(AuditEvent)
    with pytest.raises(DomainError) as caught:
        _course(registrar, specialty, **options)
    assert (caught.value.message, caught.value.field) == (message, field)
    assert (_count(Course), _count(AuditEvent)) == (courses, events)


def test_a_course_keeps_its_own_name_and_may_share_one_with_another_plan(registrar):
    own = make_course(specialty_named("刺绣"), name="苗绣针法")
    assert _course(registrar, own.specialty, own, name="苗绣针法", minutes=60).minutes == 60
    assert _course(registrar, specialty_named("蜡染"), name="苗绣针法").specialty_id != own.specialty_id


def test_a_renamed_course_may_not_take_another_courses_name(registrar):
    specialty = specialty_named("刺绣")
    course = make_course(specialty, name="苗绣针法")
    with pytest.raises(DomainError) as caught:
        _course(registrar, specialty, course, name="读写算")
    assert caught.value.message == "刺绣的教学计划中已有课程“读写算”" and course.name == "苗绣针法"


def test_deactivating_a_course_keeps_it_and_is_audited_once(registrar):
    course = make_course(specialty_named("刺绣"))
    set_course_active(actor=registrar, course=course, active=False)
    set_course_active(actor=registrar, course=course, active=False)
    assert db.session.get(Course, course.id).active is False
    [event] = _events("course.deactivate", course.id)
    assert event.summary == f"停用课程 {course.name}" and event.after == {"active": False}
    set_course_active(actor=registrar, course=course, active=True)
    assert course.active is True and _events("course.activate", course.id)[0].before == {"active": False}


# --- classes ----------------------------------------------------------------------------------------

def _class(registrar, setup, teaching_class=None, **options) -> TeachingClass:
    values = {"code": "2025-NEW", "name": "新班", "specialty": specialty_named("刺绣"), "teaching_point": setup.point,
              "cohort": 2025, **options}
    return save_class(actor=registrar, teaching_class=teaching_class, **values)


def test_a_new_class_is_saved_with_its_head_teacher_and_audited(registrar, setup):
    head = make_user("teacher")
    teaching_class = _class(registrar, setup, head_teacher=head)
    assert (teaching_class.code, teaching_class.cohort, teaching_class.head_teacher_id, teaching_class.active) == (
        "2025-NEW", 2025, head.id, True)
    assert teaching_class.teaching_point_id == setup.point.id
    [event] = _events("class.create", teaching_class.id)
    assert event.summary == "新建班级 2025-NEW 新班" and event.after["head_teacher_id"] == head.id


def test_editing_a_class_records_only_what_changed(registrar, setup):
    teaching_class = setup.teaching_class
    old_cohort = teaching_class.cohort
    _class(registrar, setup, teaching_class, code=teaching_class.code, name="改名班",
           specialty=teaching_class.specialty, cohort=2024)
    [event] = _events("class.update", teaching_class.id)
    assert event.summary == f"修改班级 {teaching_class.code} 改名班"
    assert event.after == {"name": "改名班", "cohort": 2024} and event.before["cohort"] == old_cohort


@pytest.mark.parametrize("cohort", [2000, 2100])
def test_a_cohort_at_the_edge_is_saved(registrar, setup, cohort):
    assert _class(registrar, setup, cohort=cohort).cohort == cohort


@pytest.mark.parametrize(("options", "field", "message"), [
    ({"cohort": 1999}, "cohort", "年级应在 2000–2100 之间"),
    ({"cohort": 2101}, "cohort", "年级应在 2000–2100 之间"),
    ({"head_teacher": "registrar"}, "head_teacher_id", "班主任必须是教师账号"),
    ({"code": "taken"}, "code", "班级代码 {code} 已被使用"),
], ids=["1999", "2101", "head-not-a-teacher", "code-taken"])
def test_a_bad_class_is_refused_before_anything_is_written(registrar, setup, options, field, message):
    if options.get("head_teacher") == "registrar":
        options["head_teacher"] = registrar
    if options.get("code") == "taken":
        options["code"] = setup.teaching_class.code
    classes, events = _count(TeachingClass), _count(AuditEvent)
    with pytest.raises(DomainError) as caught:
        _class(registrar, setup, **options)
    assert (caught.value.message, caught.value.field) == (message.format(code=setup.teaching_class.code), field)
    assert (_count(TeachingClass), _count(AuditEvent)) == (classes, events)


def test_a_class_with_learners_keeps_its_specialty_and_an_empty_one_may_change_it(registrar, setup):
    with pytest.raises(DomainError) as caught:
        _class(registrar, setup, setup.teaching_class, code=setup.teaching_class.code)
    assert (caught.value.message, caught.value.field) == ("班级已有学员，不能更改专业", "specialty_id")
    assert setup.teaching_class.specialty_id != specialty_named("刺绣").id
    empty = _class(registrar, setup, code="2025-EMPTY")
    assert _class(registrar, setup, empty, code="2025-EMPTY", specialty=specialty_named("蜡染")).specialty.name == "蜡染"


# --- teachers ---------------------------------------------------------------------------------------

def _teacher_ids(teaching_class) -> set[int]:
    return set(db.session.scalars(select(ClassTeacher.user_id).where(ClassTeacher.class_id == teaching_class.id)))


def test_a_teacher_is_added_once_and_audited_once(registrar, setup):
    teacher = make_user("teacher")
    add_teacher(actor=registrar, teaching_class=setup.teaching_class, teacher=teacher)
    db.session.expire(setup.teaching_class)       # as the next request would read it
    add_teacher(actor=registrar, teaching_class=setup.teaching_class, teacher=teacher)
    assert _teacher_ids(setup.teaching_class) == {setup.teacher.id, teacher.id}
    [event] = _events("class.add_teacher", setup.teaching_class.id)
    assert event.summary == f"班级 {setup.teaching_class.code} 安排教师 {teacher.display_name}"
    assert event.after == {"teacher_id": teacher.id}


def test_a_teachers_scope_codes_make_them_teach_those_classes_once(registrar, setup):
    other = _class(registrar, setup, code="2025-SECOND")
    assign_teacher_to_classes(setup.teacher, [setup.teaching_class.code, other.code])
    assert _teacher_ids(setup.teaching_class) == {setup.teacher.id} and _teacher_ids(other) == {setup.teacher.id}


def test_unknown_class_codes_are_named_and_no_class_is_assigned(registrar, setup):
    teacher = make_user("teacher")
    with pytest.raises(DomainError) as caught:
        assign_teacher_to_classes(teacher, ["NO-1", setup.teaching_class.code, "NO-2"])
    assert (caught.value.message, caught.value.field) == ("班级代码不存在：NO-1、NO-2", "scope_codes")
    assert teacher.id not in _teacher_ids(setup.teaching_class)


def test_only_a_teacher_account_is_added(registrar, setup):
    with pytest.raises(DomainError) as caught:
        add_teacher(actor=registrar, teaching_class=setup.teaching_class, teacher=registrar)
    assert (caught.value.message, caught.value.field) == ("只能安排教师账号", "teacher_id")
    assert _teacher_ids(setup.teaching_class) == {setup.teacher.id}


def test_removing_a_teacher_keeps_the_account_and_is_audited(registrar, setup):
    remove_teacher(actor=registrar, teaching_class=setup.teaching_class, teacher_id=setup.teacher.id)
    assert _teacher_ids(setup.teaching_class) == set() and setup.teacher.active is True
    [event] = _events("class.remove_teacher", setup.teaching_class.id)
    assert event.summary == f"班级 {setup.teaching_class.code} 移除教师 {setup.teacher.display_name}"
    assert event.before == {"teacher_id": setup.teacher.id}


def test_removing_someone_who_does_not_teach_the_class_is_refused(registrar, setup):
    with pytest.raises(DomainError) as caught:
        remove_teacher(actor=registrar, teaching_class=setup.teaching_class, teacher_id=make_user("teacher").id)
    assert (caught.value.message, caught.value.field) == ("该教师不在本班", "teacher_id")
    assert _events("class.remove_teacher", setup.teaching_class.id) == []


# --- learners ---------------------------------------------------------------------------------------

def test_learners_moved_into_a_class_take_its_point_and_are_audited(registrar, setup):
    other_point = make_teaching_point(make_village(setup.township), "新教学点")
    other = _class(registrar, setup, code="2025-OTHER", specialty=setup.teaching_class.specialty,
                   teaching_point=other_point)
    moved = setup.learners[:2]
    assert add_learners(actor=registrar, teaching_class=other, learners=moved) == 2
    assert [(learner.class_id, learner.teaching_point_id) for learner in moved] == [(other.id, other_point.id)] * 2
    [event] = _events("class.add_learners", other.id)
    assert event.summary == "班级 2025-OTHER 加入 2 名学员"
    assert event.before == {"class_of": {str(learner.id): setup.teaching_class.id for learner in moved}}
    assert event.after == {"learner_ids": [learner.id for learner in moved]}


def test_learners_already_in_the_class_are_not_counted_again(registrar, setup):
    stray = make_learner(setup.village, specialty=setup.teaching_class.specialty)
    assert add_learners(actor=registrar, teaching_class=setup.teaching_class,
                        learners=[*setup.learners, stray]) == 1
    assert add_learners(actor=registrar, teaching_class=setup.teaching_class, learners=setup.learners) == 0
    [event] = _events("class.add_learners", setup.teaching_class.id)
    assert event.after == {"learner_ids": [stray.id]}


def test_learners_of_another_specialty_are_named_and_nobody_moves(registrar, setup):
    embroidery = specialty_named("刺绣")
    strangers = [make_learner(setup.village, specialty=embroidery, name=name) for name in ("王绣", "李染")]
    with pytest.raises(DomainError) as caught:
        add_learners(actor=registrar, teaching_class=setup.teaching_class, learners=[setup.learners[0], *strangers])
    assert (caught.value.message, caught.value.field) == ("以下学员的专业与班级不同：王绣、李染", "learner_ids")
    assert [learner.class_id for learner in strangers] == [None, None]
    assert _events("class.add_learners", setup.teaching_class.id) == []


def test_a_learner_taken_out_of_the_class_keeps_their_record_and_it_is_audited(registrar, setup):
    learner = setup.learners[0]
    remove_learner(actor=registrar, teaching_class=setup.teaching_class, learner=learner)
    assert learner.class_id is None and learner.status == "studying"
    [event] = _events("class.remove_learner", setup.teaching_class.id)
    assert event.summary == f"班级 {setup.teaching_class.code} 移出学员 {learner.name}"
    assert event.before == {"learner_id": learner.id}


def test_a_learner_of_another_class_cannot_be_taken_out(registrar, setup):
    outsider = make_learner(setup.village, specialty=setup.teaching_class.specialty)
    with pytest.raises(DomainError) as caught:
        remove_learner(actor=registrar, teaching_class=setup.teaching_class, learner=outsider)
    assert (caught.value.message, caught.value.field) == ("该学员不在本班", "learner_id")
    assert _events("class.remove_learner", setup.teaching_class.id) == []
