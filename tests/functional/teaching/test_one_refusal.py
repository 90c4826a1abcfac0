"""Every way in refuses hours in the same words: the attendance sheet and the attendance import judge a mark by
one check, the self-study form and the self-study import an entry by one check, and all of them the daily caps
(lms.rules.crediting), naming the learner, the day and the cap. Where the refusal sits is said each channel's
way (the learner's line on the sheet, the field on the form, the column on an import row)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.teaching.models import Attendance, SelfStudyEntry
from tests.factories import make_platform_record, make_session, mark_attendance
from tests.functional.teaching.test_attendance_sheet import sheet_form
from tests.functional.teaching.test_hour_imports import ATTENDANCE_HEADER, SELF_HEADER, errors_by_row, run

DAY = date(2025, 3, 8)
OVER_THE_DAY = "学员01 2025年3月8日 的学时合计将达 {} 学时，超过每日合计上限 12 学时"


def test_more_than_the_session_reads_the_same_on_the_sheet_and_in_the_import(app, client, tmp_path, setup):
    session = make_session(setup.teaching_class, held_on=DAY, hours=4)
    learner = setup.learners[0]
    client.login(setup.teacher.username)
    page = client.post_form(f"/sessions/{session.id}/attendance",
                            sheet_form(session, setup.learners, 学员01=("present", "5"))).get_data(as_text=True)
    row = (setup.teaching_class.code, "2025-03-08", "读写算", "面授", 4, learner.id_number, "出勤", 5)
    _, summary = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, [row])
    assert "学员01：实际学时不能超过课次学时" in page
    assert errors_by_row(summary)[2] == "实际学时：实际学时不能超过课次学时"
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_the_daily_cap_reads_the_same_on_the_sheet_and_in_the_import(app, client, tmp_path, setup):
    learner = setup.learners[0]
    mark_attendance(make_session(setup.teaching_class, held_on=DAY, hours=5), learner)
    third = make_session(setup.teaching_class, held_on=DAY, hours=8)
    client.login(setup.teacher.username)
    page = client.post_form(f"/sessions/{third.id}/attendance", sheet_form(third, setup.learners)).get_data(
        as_text=True)
    row = (setup.teaching_class.code, "2025-03-08", "普通话", "面授", 8, learner.id_number, "出勤", "")
    _, summary = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, [row])
    assert OVER_THE_DAY.format(13) in page
    assert errors_by_row(summary)[2] == f"学时：{OVER_THE_DAY.format(13)}"


def test_the_self_study_form_and_import_refuse_an_entry_in_the_same_words(app, client, tmp_path, setup):
    learner = setup.learners[0]
    make_platform_record(learner, minutes=10 * 60, studied_on=DAY)       # stored before the caps
    client.login(setup.teacher.username)
    form = client.post_form(f"/classes/{setup.teaching_class.id}/self-study", {
        "learner_id": str(learner.id), "studied_on": "2025-03-08", "hours": "3", "content": "练习"}).get_data(
        as_text=True)
    _, summary = run(app, tmp_path, "self-study", SELF_HEADER, [(learner.id_number, "2025-03-08", 3, "练习")])
    assert OVER_THE_DAY.format(13) in form
    assert errors_by_row(summary)[2] == f"学时：{OVER_THE_DAY.format(13)}"
    before = "学员01 在 2025年1月12日 尚未入学（2025年3月1日入学），不能记录学时"
    form = client.post_form(f"/classes/{setup.teaching_class.id}/self-study", {
        "learner_id": str(learner.id), "studied_on": "2025-01-12", "hours": "2", "content": "练习"}).get_data(
        as_text=True)
    _, summary = run(app, tmp_path, "self-study", SELF_HEADER, [(learner.id_number, "2025-01-12", 2, "练习")])
    assert before in form and errors_by_row(summary)[2] == f"日期：{before}"
    assert db.session.scalar(select(func.count()).select_from(SelfStudyEntry)) == 0
