"""Who may record which course kind (SPEC §3), on plain values."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from lms.assessment.rights import RecordingRights

CLASS, OTHER_CLASS = 1, 2
CULTURAL = SimpleNamespace(id=10, name="读写算", kind="cultural")
SKILL = SimpleNamespace(id=11, name="种植技术", kind="skill")
INTERNSHIP = SimpleNamespace(id=12, name="顶岗实习", kind="internship")


def teacher(*, taught=(), member_of=(), heads=()):
    return RecordingRights("teacher", frozenset(taught), frozenset(member_of) | frozenset(heads), frozenset(heads))


@pytest.mark.parametrize("course", [CULTURAL, SKILL, INTERNSHIP])
def test_the_registrar_records_everything(course):
    assert RecordingRights("registrar").refusal(CLASS, course) is None
    assert RecordingRights("registrar").moral_refusal(None) is None


@pytest.mark.parametrize("role", ["admin", "bureau", "township", "enroller"])
def test_other_roles_record_nothing(role):
    rights = RecordingRights(role)
    assert rights.refusal(CLASS, CULTURAL) is not None
    assert rights.moral_refusal(CLASS) is not None


def test_a_teacher_of_the_class_records_cultural_courses_only_in_that_class():
    rights = teacher(member_of={CLASS})
    assert rights.refusal(CLASS, CULTURAL) is None
    assert "文化课" in rights.refusal(OTHER_CLASS, CULTURAL)


def test_skills_need_a_session_of_that_course_in_that_class():
    assert "只有本班上过该课程的任课教师和教务可以录入" in teacher(member_of={CLASS}).refusal(CLASS, SKILL)
    assert teacher(taught={(CLASS, SKILL.id)}).refusal(CLASS, SKILL) is None
    assert teacher(taught={(OTHER_CLASS, SKILL.id)}).refusal(CLASS, SKILL) is not None
    assert teacher(taught={(CLASS, CULTURAL.id)}).refusal(CLASS, SKILL) is not None


def test_the_internship_is_recorded_by_the_class_head_or_its_session_teacher():
    assert teacher(member_of={CLASS}).refusal(CLASS, INTERNSHIP) is not None
    assert teacher(heads={CLASS}).refusal(CLASS, INTERNSHIP) is None
    assert teacher(taught={(CLASS, INTERNSHIP.id)}).refusal(CLASS, INTERNSHIP) is None


def test_moral_evaluation_by_the_class_head_only():
    assert teacher(heads={CLASS}).moral_refusal(CLASS) is None
    assert teacher(member_of={CLASS}).moral_refusal(CLASS) == "您不能录入思想品德评价：思想品德评价由本班班主任或教务录入"


def test_a_learner_without_a_class_is_for_the_registrar():
    assert teacher(member_of={CLASS}).refusal(None, CULTURAL) is not None
