"""lms.teaching.services.sessions called directly: sessions saved and cancelled, attendance sheets saved —
results, audit events and refusals in Chinese that the sheet and page tests do not reach."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.auth.scope import EVERYTHING
from lms.core.clock import today
from lms.core.errors import DomainError
from lms.extensions import db
from lms.teaching.hours import learner_hour_totals
from lms.teaching.models import Attendance, ClassSession
from lms.teaching.services.sessions import AttendanceConflict, Mark, cancel_session, save_attendance, save_session
from tests.factories import make_learner, make_session, mark_attendance, plan_course, specialty_named

DAY = date(2025, 4, 1)


def _events(action: str, entity_id) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                           AuditEvent.entity_id == str(entity_id))))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _session(setup, session=None, **options) -> ClassSession:
    values = {"course": plan_course(setup.teaching_class.specialty), "held_on": DAY, "mode": "face",
              "minutes": 8 * 60, "place": "村委会", "teacher": setup.teacher, **options}
    return save_session(actor=setup.teacher, teaching_class=setup.teaching_class, session=session, **values)


def _everyone(setup, status="present", minutes=480) -> dict[int, Mark]:
    return {learner.id: Mark(status, minutes) for learner in setup.learners}


def _save(setup, session, marks, version=None):
    return save_attendance(actor=setup.teacher, session=session, marks=marks, today=today(), scope=EVERYTHING,
                           expected_version=session.version if version is None else version)


# --- save_session ------------------------------------------------------------------------------------

def test_a_new_session_is_saved_and_audited_with_its_values(setup):
    session = _session(setup)
    assert (session.held_on, session.mode, session.minutes, session.place, session.teacher_id) == (
        DAY, "face", 480, "村委会", setup.teacher.id)
    assert session.created_by_id == setup.teacher.id
    [event] = _events("session.create", session.id)
    assert event.before is None and event.summary == f"{setup.teaching_class.code} 2025-04-01 读写算"
    assert event.after == {"course_id": session.course_id, "held_on": "2025-04-01", "mode": "face", "minutes": 480,
                           "place": "村委会", "teacher_id": setup.teacher.id}


def test_an_edited_session_is_audited_before_and_after_and_moves_its_hours(setup):
    session = _session(setup)
    mark_attendance(session, setup.learners[0])
    _session(setup, session, mode="live", place="线上")
    [event] = _events("session.update", session.id)
    assert (event.before["mode"], event.after["mode"]) == ("face", "live")
    assert (event.before["place"], event.after["place"]) == ("村委会", "线上")
    totals = learner_hour_totals(setup.learners[0].id)
    assert (totals.face, totals.live) == (0, 480)


def test_a_session_without_a_teacher_is_saved(setup):
    assert _session(setup, teacher=None).teacher_id is None


@pytest.mark.parametrize(("options", "field", "message"), [
    ({"course": "another plan"}, "course_id", "课程不属于本班专业的教学计划"),
    ({"mode": "radio"}, "mode", "授课方式不正确"),
    ({"minutes": 0}, "hours", "学时应大于 0 且不超过 24"),
    ({"minutes": 24 * 60 + 1}, "hours", "学时应大于 0 且不超过 24"),
], ids=["course-of-another-plan", "mode", "no-minutes", "over-a-day"])
def test_a_bad_session_is_refused_before_anything_is_written(setup, options, field, message):
    if options.get("course") == "another plan":
        options["course"] = plan_course(specialty_named("刺绣"))
    sessions, events = _count(ClassSession), _count(AuditEvent)
    with pytest.raises(DomainError) as caught:
        _session(setup, **options)
    assert (caught.value.message, caught.value.field) == (message, field)
    assert (_count(ClassSession), _count(AuditEvent)) == (sessions, events)


def test_a_session_cannot_drop_below_the_hours_a_learner_was_credited(setup):
    session = _session(setup)
    mark_attendance(session, setup.learners[0], minutes=300)
    with pytest.raises(DomainError) as caught:
        _session(setup, session, minutes=299)
    assert (caught.value.message, caught.value.field) == ("已有学员记了更多学时，请先在考勤表中调整", "hours")
    assert _session(setup, session, minutes=300).minutes == 300


# --- cancel_session ----------------------------------------------------------------------------------

def test_a_cancelled_session_is_kept_its_hours_stop_counting_and_it_is_audited(setup):
    session = _session(setup)
    mark_attendance(session, setup.learners[0])
    version = session.version
    cancel_session(actor=setup.teacher, session=session, reason="  暴雨停课  ")
    assert db.session.get(ClassSession, session.id).cancelled_at is not None and session.version == version + 1
    assert _count(Attendance) == 1 and learner_hour_totals(setup.learners[0].id).face == 0
    [event] = _events("session.cancel", session.id)
    assert event.summary == "取消课次：暴雨停课" and event.after == {"reason": "暴雨停课"}


def test_a_cancellation_needs_a_reason_and_happens_once(setup):
    session = _session(setup)
    with pytest.raises(DomainError) as caught:
        cancel_session(actor=setup.teacher, session=session, reason="   ")
    assert (caught.value.message, caught.value.field) == ("请填写取消原因", "reason")
    assert session.cancelled_at is None
    cancel_session(actor=setup.teacher, session=session, reason="暴雨")
    with pytest.raises(DomainError) as caught:
        cancel_session(actor=setup.teacher, session=session, reason="再取消")
    assert caught.value.message == "该课次已取消" and len(_events("session.cancel", session.id)) == 1


# --- save_attendance ---------------------------------------------------------------------------------

def test_a_sheet_saves_every_line_counts_the_statuses_and_is_audited(setup):
    session = make_session(setup.teaching_class, held_on=DAY)
    opened = session.version
    marks = _everyone(setup)
    marks[setup.learners[1].id] = Mark("late", 420)
    marks[setup.learners[2].id] = Mark("leave", 0)
    _save(setup, session, marks)
    saved = {row.learner_id: (row.status, row.minutes) for row in db.session.scalars(select(Attendance))}
    assert saved == {learner_id: (mark.status, mark.minutes) for learner_id, mark in marks.items()}
    assert session.version == opened + 1 and learner_hour_totals(setup.learners[1].id).face == 420
    [event] = _events("attendance.save", session.id)
    assert event.summary == "点名 2025-04-01：出勤 3，迟到 1，请假 1，缺勤 0"
    assert event.before is None and event.after[str(setup.learners[1].id)] == ["late", 420]


def test_saving_again_records_only_the_lines_that_changed(setup):
    session = make_session(setup.teaching_class, held_on=DAY)
    _save(setup, session, _everyone(setup))
    marks = _everyone(setup)
    changed = setup.learners[3].id
    marks[changed] = Mark("absent", 0)
    _save(setup, session, marks)
    latest = _events("attendance.save", session.id)[-1]
    assert latest.before == {str(changed): ["present", 480]} and latest.after == {str(changed): ["absent", 0]}


def test_a_sheet_opened_before_someone_elses_save_is_refused_with_what_changed(setup):
    session = make_session(setup.teaching_class, held_on=DAY)
    opened = session.version
    _save(setup, session, _everyone(setup))
    mine = _everyone(setup)
    mine[setup.learners[0].id] = Mark("absent", 0)
    with pytest.raises(AttendanceConflict) as caught:
        _save(setup, session, mine, version=opened)
    assert caught.value.current_version == opened + 1
    [(learner, row, mark)] = caught.value.changed
    assert (learner, (row.status, row.minutes), mark) == (setup.learners[0], ("present", 480), Mark("absent", 0))
    assert db.session.scalar(select(Attendance.status).where(Attendance.learner_id == setup.learners[0].id)) == \
        "present"
    assert len(_events("attendance.save", session.id)) == 1


@pytest.mark.parametrize(("line", "message"), [
    (Mark("present", 481), "实际学时不能超过课次学时"),
    (Mark("absent", 60), "请假、缺勤不计学时，实际学时应为空或 0"),
    (Mark("present", -1), "学时不能为负数"),
    (Mark("away", 0), "考勤状态不正确"),
])
def test_a_bad_line_is_refused_naming_the_learner_and_nothing_is_saved(setup, line, message):
    session = make_session(setup.teaching_class, held_on=DAY)
    learner, opened = setup.learners[2], session.version
    marks = {**_everyone(setup), learner.id: line}
    with pytest.raises(DomainError) as caught:
        _save(setup, session, marks)
    assert (caught.value.message, caught.value.field) == (f"{learner.name}：{message}", f"learner-{learner.id}")
    assert _count(Attendance) == 0 and session.version == opened


def test_a_sheet_missing_learners_names_them(setup):
    session = make_session(setup.teaching_class, held_on=DAY)
    marks = _everyone(setup)
    for learner in setup.learners[1:3]:
        del marks[learner.id]
    with pytest.raises(DomainError) as caught:
        _save(setup, session, marks)
    assert caught.value.message == "以下学员没有考勤：学员02、学员03" and _count(Attendance) == 0


def test_a_line_for_someone_outside_the_class_is_refused(setup):
    session = make_session(setup.teaching_class, held_on=DAY)
    stranger = make_learner(setup.village)
    with pytest.raises(DomainError) as caught:
        _save(setup, session, {**_everyone(setup), stranger.id: Mark("present", 480)})
    assert caught.value.message == "考勤表中有不属于本班的学员，请刷新后重试" and _count(Attendance) == 0


def test_a_line_over_the_daily_cap_names_the_learner_and_the_day(setup):
    first = make_session(setup.teaching_class, held_on=DAY, hours=8)
    learner = setup.learners[0]
    mark_attendance(first, learner)
    second = make_session(setup.teaching_class, held_on=DAY, hours=4, course=first.course)
    marks = _everyone(setup, minutes=4 * 60)
    marks[learner.id] = Mark("present", 4 * 60)
    _save(setup, second, marks)                            # 8 + 4 = 12 学时: the policy's total cap itself passes
    third = make_session(setup.teaching_class, held_on=DAY, hours=1, course=first.course)
    marks = _everyone(setup, minutes=0, status="leave")
    marks[learner.id] = Mark("present", 1)
    with pytest.raises(DomainError) as caught:
        _save(setup, third, marks)
    assert caught.value.field == f"learner-{learner.id}"
    assert caught.value.message.startswith(f"{learner.name} 2025年4月1日 的学时合计将达 ")
    assert caught.value.message.endswith("超过每日合计上限 12 学时")


def test_a_cancelled_session_takes_no_sheet(setup):
    session = make_session(setup.teaching_class, held_on=DAY)
    cancel_session(actor=setup.teacher, session=session, reason="暴雨")
    with pytest.raises(DomainError) as caught:
        _save(setup, session, _everyone(setup))
    assert caught.value.message == "该课次已取消，不能点名" and _count(Attendance) == 0
