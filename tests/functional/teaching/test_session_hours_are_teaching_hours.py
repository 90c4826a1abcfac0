"""A session is typed in 学时 (a teaching day is 8), never clock hours: the form says what that is in clock time
under the class's cohort policy, and 8 typed are 8 学时 stored (480 parts) whatever a 学时 lasts."""
from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.policies.services import save_policy
from lms.rules import format_hours
from lms.teaching.models import ClassSession
from tests.factories import plan_course


def test_the_session_form_says_a_day_of_8_hours_in_clock_time_and_stores_8_hours(client, setup):
    teaching_class = setup.teaching_class
    client.login(setup.teacher.username)
    page = client.get(f"/classes/{teaching_class.id}/sessions/new").get_data(as_text=True)
    assert f"填学时，不是小时：一整天为 8 学时；按 {teaching_class.cohort} 级政策一学时 45 分钟，8 学时即 6 小时" in page
    save_policy(actor=None, cohort=teaching_class.cohort, values={"hour_length_minutes": 50})
    page = client.get(f"/classes/{teaching_class.id}/sessions/new").get_data(as_text=True)
    assert "一学时 50 分钟，8 学时约 6.7 小时" in page
    course = plan_course(teaching_class.specialty)
    response = client.post_form(f"/classes/{teaching_class.id}/sessions/new", {
        "course_id": str(course.id), "held_on": "2025-03-15", "mode": "face", "hours": "8", "place": "村委会",
        "teacher_id": str(setup.teacher.id)})
    assert response.status_code == 302
    session = db.session.scalar(select(ClassSession).where(ClassSession.class_id == teaching_class.id))
    assert session.minutes == 480 and format_hours(session.minutes) == "8"
