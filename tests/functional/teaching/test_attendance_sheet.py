"""The attendance sheet: everyone present by default, one request saves it, and stale sheets are not
silently overwritten."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.core.clock import today
from lms.extensions import db
from lms.teaching.hours import learner_hour_totals, summary_totals
from lms.teaching.models import Attendance
from tests.factories import make_learner, make_session, make_user, mark_attendance


def sheet_form(session, learners, **marks) -> dict:
    """What the phone posts: every learner's status (present unless given) and hours (blank = default)."""
    data = {"version": str(session.version)}
    for learner in learners:
        status, hours = marks.get(learner.name, ("present", ""))
        data[f"status-{learner.id}"] = status
        data[f"hours-{learner.id}"] = hours
    return data


def test_the_sheet_lists_the_class_with_everyone_present(client, setup):
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8))
    client.login(setup.teacher.username)
    page = client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)
    for learner in setup.learners:
        assert learner.name in page
        assert f'id="s-{learner.id}-present" value="present" autocomplete="off" checked' in page
    assert "保存考勤（5 人）" in page


def test_saving_marks_credits_hours_and_updates_the_summary(client, setup):
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8), hours=8)
    a, b, c, d, e = setup.learners
    client.login(setup.teacher.username)
    response = client.post_form(f"/sessions/{session.id}/attendance", sheet_form(
        session, setup.learners, 学员02=("late", "6.5"), 学员03=("leave", "8"), 学员04=("absent", "")))
    assert response.status_code == 302
    rows = {r.learner_id: (r.status, r.minutes) for r in db.session.scalars(select(Attendance))}
    assert rows == {a.id: ("present", 480), b.id: ("late", 390), c.id: ("leave", 0), d.id: ("absent", 0),
                    e.id: ("present", 480)}
    assert learner_hour_totals(b.id).face == 390
    assert summary_totals(learners=[a.id, b.id, c.id])[b.id].face == 390
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.save")) is not None


def test_a_live_session_credits_live_hours(client, setup):
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8), mode="live", hours=2)
    client.login(setup.teacher.username)
    client.post_form(f"/sessions/{session.id}/attendance", sheet_form(session, setup.learners))
    totals = learner_hour_totals(setup.learners[0].id)
    assert (totals.face, totals.live) == (0, 120)


def test_a_second_teacher_saving_a_stale_sheet_sees_what_changed_and_can_reapply(client, app, setup):
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8))
    stale = sheet_form(session, setup.learners, 学员01=("absent", ""))   # opened by teacher 2 at version 0
    other = make_user("teacher", classes=[setup.teaching_class])
    client.login(setup.teacher.username)
    client.post_form(f"/sessions/{session.id}/attendance",
                     sheet_form(session, setup.learners, 学员01=("late", "4")))
    client.logout()
    client.login(other.username)
    response = client.post_form(f"/sessions/{session.id}/attendance", stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "其他人已保存过本表" in page
    assert "学员01：已保存为 <strong>迟到 4 学时</strong>" in page and "您填的是 缺勤 0 学时" in page
    first = setup.learners[0]
    assert db.session.scalar(select(Attendance.status).where(Attendance.learner_id == first.id)) == "late"
    # The re-rendered sheet keeps the second teacher's marks and carries the new version: saving re-applies.
    assert f'id="s-{first.id}-absent" value="absent" autocomplete="off" checked' in page
    assert 'name="version" value="1"' in page
    reapplied = client.post_form(f"/sessions/{session.id}/attendance", {**stale, "version": "1"})
    assert reapplied.status_code == 302
    assert db.session.scalar(select(Attendance.status).where(Attendance.learner_id == first.id)) == "absent"


def test_leave_and_absent_credit_nothing_and_more_than_the_session_is_refused(client, setup):
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8), hours=4)
    client.login(setup.teacher.username)
    page = client.post_form(f"/sessions/{session.id}/attendance",
                            sheet_form(session, setup.learners, 学员01=("present", "5"))).get_data(as_text=True)
    assert "学员01：实际学时不能超过课次学时" in page
    assert db.session.scalar(select(Attendance.id)) is None


def test_a_learner_cannot_be_credited_more_than_the_days_total_cap(client, setup):
    day = date(2025, 3, 8)
    for _ in range(2):
        session = make_session(setup.teaching_class, held_on=day, hours=3)
        mark_attendance(session, setup.learners[0])
    third = make_session(setup.teaching_class, held_on=day, hours=8)
    client.login(setup.teacher.username)
    page = client.post_form(f"/sessions/{third.id}/attendance", sheet_form(third, setup.learners)).get_data(as_text=True)
    assert "学员01 2025年3月8日 的学时合计将达 14 学时，超过每日合计上限 12 学时" in page
    assert db.session.scalar(select(Attendance.id).where(Attendance.session_id == third.id)) is None


def test_a_future_session_cannot_be_marked_yet(client, setup):
    session = make_session(setup.teaching_class, held_on=today() + timedelta(days=3))
    client.login(setup.teacher.username)
    page = client.post_form(f"/sessions/{session.id}/attendance", sheet_form(session, setup.learners)).get_data(
        as_text=True)
    assert "课次日期在今天之后，还不能点名" in page


def test_learners_enrolled_after_the_session_are_not_on_its_sheet(client, setup):
    late_comer = make_learner(setup.village, teaching_class=setup.teaching_class, name="新学员",
                              enrolled_on=date(2025, 6, 1))
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8))
    client.login(setup.teacher.username)
    page = client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)
    assert late_comer.name not in page


def test_a_cancelled_session_stops_counting(client, setup):
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8))
    mark_attendance(session, setup.learners[0])
    client.login(setup.teacher.username)
    client.post_form(f"/sessions/{session.id}/cancel", {"reason": "暴雨停课"})
    assert learner_hour_totals(setup.learners[0].id).face == 0
    assert summary_totals(learners=[setup.learners[0].id])[setup.learners[0].id].face == 0
    assert db.session.scalar(select(Attendance.id)) is not None          # kept, never deleted


def test_the_teacher_home_lists_todays_sessions_with_links_to_their_sheets(client, setup):
    session = make_session(setup.teaching_class, held_on=today())
    client.login(setup.teacher.username)
    page = client.get("/").get_data(as_text=True)
    assert f"/sessions/{session.id}/attendance" in page and "今天的课次" in page


def test_the_sheet_costs_the_same_queries_for_a_bigger_class(client, setup, count_queries):
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8))
    client.login(setup.teacher.username)
    url = f"/sessions/{session.id}/attendance"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for _ in range(15):
        make_learner(setup.village, teaching_class=setup.teaching_class)
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)
    # the session with its course and class, the user, the roll (learners, their histories), the saved marks
    assert len(few) <= 5, few
