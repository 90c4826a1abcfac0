"""The daily caps (issue 14, item 11) on every way hours come in: the self-study form, the attendance sheet and the
attendance, online-hours and self-study imports. By default a learner's day holds at most 4 学时 of self-study,
8 of platform study and 12 in all — face-to-face and live-online hours count toward the total (the plan's
teaching day, 集中授课1天(8学时), leaves 4). Reaching a cap exactly passes; one minute more is refused, naming the
learner, the day and the cap, and nothing of the refused line is written. Rows of one file count together and
on top of what is stored (pending self-study included); a day filled before the caps is left as it was."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.policies.services import save_policy
from lms.rules import Policy
from lms.teaching.hours import learner_hour_totals
from lms.teaching.models import Attendance, PlatformRecord, SelfStudyEntry
from tests.factories import make_learner, make_platform_record, make_self_study, make_session, mark_attendance
from tests.functional.teaching.test_attendance_sheet import sheet_form
from tests.functional.teaching.test_hour_imports import (
    ATTENDANCE_HEADER,
    ONLINE_HEADER,
    SELF_HEADER,
    errors_by_row,
    run,
)

DAY = date(2025, 3, 8)
S_OVER = "{} 2025年3月8日 的自学将达 {} 学时，超过每日自学上限 4 学时"
P_OVER = "{} 2025年3月8日 的平台线上学习将达 {} 学时，超过每日平台线上学习上限 8 学时"
TOTAL_OVER = "{} 2025年3月8日 的学时合计将达 {} 学时，超过每日合计上限 12 学时"


def count(model, learner) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(model.learner_id == learner.id))


def field_error(page: str, field: str) -> str:
    """The error shown under a form field."""
    return page.split(f'id="{field}"', 1)[1].split('<div class="invalid-feedback d-block">', 1)[1].split("</div>")[0]


def log(client, setup, learner, hours: str):
    return client.post_form(f"/classes/{setup.teaching_class.id}/self-study", {
        "learner_id": str(learner.id), "studied_on": DAY.isoformat(), "hours": hours, "content": "读写算练习"})


# --- the self-study form ----------------------------------------------------------------------------

def test_the_form_takes_self_study_up_to_the_cap_and_shows_a_minute_more_on_the_hours_field(client, setup):
    exact, over = setup.learners[:2]
    make_self_study(exact, minutes=60, studied_on=DAY, status="pending")
    make_self_study(over, minutes=61, studied_on=DAY, status="pending")          # pending holds its place
    client.login(setup.teacher.username)
    assert log(client, setup, exact, "3").status_code == 302
    page = log(client, setup, over, "3").get_data(as_text=True)
    assert field_error(page, "hours") == S_OVER.format("学员02", "4.1")
    assert (count(SelfStudyEntry, exact), count(SelfStudyEntry, over)) == (2, 1)


def test_the_form_counts_a_teaching_day_toward_the_total(client, setup):
    exact, over = setup.learners[:2]
    session = make_session(setup.teaching_class, held_on=DAY, hours=8)
    for learner in (exact, over):
        mark_attendance(session, learner)
    make_platform_record(over, minutes=1, studied_on=DAY)
    client.login(setup.teacher.username)
    assert log(client, setup, exact, "4").status_code == 302
    page = log(client, setup, over, "4").get_data(as_text=True)
    assert field_error(page, "hours") == TOTAL_OVER.format("学员02", "12.1")
    assert count(SelfStudyEntry, over) == 0


# --- the attendance sheet -----------------------------------------------------------------------------

def test_the_sheet_credits_a_teaching_day_up_to_the_total_and_refuses_a_minute_more(client, setup):
    exact, over = setup.learners[:2]
    make_platform_record(exact, minutes=240, studied_on=DAY)
    make_platform_record(over, minutes=240, studied_on=DAY)
    make_self_study(over, minutes=1, studied_on=DAY, status="pending")
    session = make_session(setup.teaching_class, held_on=DAY, hours=8)
    client.login(setup.teacher.username)
    page = client.post_form(f"/sessions/{session.id}/attendance", sheet_form(session, setup.learners)).get_data(
        as_text=True)
    assert TOTAL_OVER.format("学员02", "12.1") in page
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0         # the sheet is all or nothing
    response = client.post_form(f"/sessions/{session.id}/attendance",
                                sheet_form(session, setup.learners, 学员02=("present", "7.9")))
    assert response.status_code == 302
    assert learner_hour_totals(exact.id).face == 480 and learner_hour_totals(over.id).face == 474


def test_a_sheet_on_a_day_filled_before_the_caps_can_be_saved_again_or_lowered_not_raised(client, setup):
    learner = setup.learners[0]
    make_platform_record(learner, minutes=600, studied_on=DAY)
    session = make_session(setup.teaching_class, held_on=DAY, hours=8)
    mark_attendance(session, learner)                                               # 18 学时 that day
    client.login(setup.teacher.username)
    assert client.post_form(f"/sessions/{session.id}/attendance",
                            sheet_form(session, setup.learners)).status_code == 302
    assert client.post_form(f"/sessions/{session.id}/attendance",
                            sheet_form(session, setup.learners, 学员01=("late", "6"))).status_code == 302
    page = client.post_form(f"/sessions/{session.id}/attendance",
                            sheet_form(session, setup.learners, 学员01=("late", "7"))).get_data(as_text=True)
    assert TOTAL_OVER.format("学员01", "17") in page
    assert learner_hour_totals(learner.id).face == 360


# --- the imports --------------------------------------------------------------------------------------

def test_online_hours_up_to_the_platform_cap_across_rows_and_stored_records(app, tmp_path, setup):
    """The file gives clock minutes, 45 to a 学时 (the default): 180 are 4 学时, 181 a part over, 1 a part."""
    a, b, c = setup.learners[:3]
    make_platform_record(c, minutes=240, studied_on=DAY)
    rows = [(a.id_number, a.name, "平台", "课", 180, "2025-03-08", "R1"),
            (a.id_number, a.name, "平台", "课", 180, "2025-03-08", "R2"),        # 3 a: exactly 8
            (b.id_number, b.name, "平台", "课", 180, "2025-03-08", "R3"),
            (b.id_number, b.name, "平台", "课", 181, "2025-03-08", "R4"),        # 5 b: a part over
            (c.id_number, c.name, "平台", "课", 180, "2025-03-08", "R5"),        # 6 c: exactly 8 with the stored
            (c.id_number, c.name, "平台", "课", 1, "2025-03-08", "R6"),          # 7 c: a part over
            (a.id_number, a.name, "平台", "课", 360, "2025-03-09", "R7")]        # 8 another day
    status, summary = run(app, tmp_path, "online-hours", ONLINE_HEADER, rows)
    assert status == 1 and summary["written"] == 5
    assert errors_by_row(summary) == {5: "学习时长（分钟）：" + P_OVER.format("学员02", "8.1"),
                                      7: "学习时长（分钟）：" + P_OVER.format("学员03", "8.1")}
    assert [learner_hour_totals(x.id).platform for x in (a, b, c)] == [960, 240, 480]


def test_online_hours_count_toward_the_total_with_a_teaching_day(app, tmp_path, setup):
    exact, over = setup.learners[:2]
    session = make_session(setup.teaching_class, held_on=DAY, hours=8)
    for learner in (exact, over):
        mark_attendance(session, learner)
    rows = [(exact.id_number, exact.name, "平台", "课", 180, "2025-03-08", "R1"),
            (over.id_number, over.name, "平台", "课", 181, "2025-03-08", "R2")]
    _, summary = run(app, tmp_path, "online-hours", ONLINE_HEADER, rows)
    assert errors_by_row(summary) == {3: "学习时长（分钟）：" + TOTAL_OVER.format("学员02", "12.1")}
    assert (count(PlatformRecord, exact), count(PlatformRecord, over)) == (1, 0)


def test_self_study_import_up_to_the_cap_across_rows_and_stored_entries(app, tmp_path, setup):
    a, b, c, d = setup.learners[:4]
    make_self_study(b, minutes=1, studied_on=DAY, status="pending")
    make_self_study(c, minutes=240, studied_on=DAY, status="approved")
    make_self_study(d, minutes=240, studied_on=DAY, status="rejected")            # frees its place
    rows = [(a.id_number, "2025-03-08", 2, "练习一"), (a.id_number, "2025-03-08", 2, "练习二"),
            (b.id_number, "2025-03-08", 2, "练习一"), (b.id_number, "2025-03-08", 2, "练习二"),
            (c.id_number, "2025-03-08", "0.5", "练习"), (d.id_number, "2025-03-08", 4, "练习")]
    status, summary = run(app, tmp_path, "self-study", SELF_HEADER, rows)
    assert errors_by_row(summary) == {5: "学时：" + S_OVER.format("学员02", "4.1"),
                                      6: "学时：" + S_OVER.format("学员03", "4.5")}
    assert summary["written"] == 4
    assert [count(SelfStudyEntry, x) for x in (a, b, c, d)] == [2, 2, 1, 2]


def test_attendance_import_up_to_the_total_across_rows_of_one_file(app, tmp_path, setup):
    exact, over = setup.learners[:2]
    make_platform_record(over, minutes=1, studied_on=DAY)
    code = setup.teaching_class.code
    rows = [(code, "2025-03-08", "读写算", "面授", 8, exact.id_number, "出勤", ""),
            (code, "2025-03-08", "读写算", "面授", 8, over.id_number, "出勤", ""),
            (code, "2025-03-08", "普通话", "线上直播", 4, exact.id_number, "出勤", ""),       # 4 exactly 12
            (code, "2025-03-08", "普通话", "线上直播", 4, over.id_number, "出勤", "")]        # 5 a minute over
    status, summary = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, rows)
    assert errors_by_row(summary) == {5: "学时：" + TOTAL_OVER.format("学员02", "12.1")}
    assert (learner_hour_totals(exact.id).face, learner_hour_totals(exact.id).live) == (480, 240)
    assert (learner_hour_totals(over.id).face, learner_hour_totals(over.id).live) == (480, 0)


def test_an_attendance_import_on_a_day_filled_before_the_caps_may_repeat_or_lower_not_raise(app, tmp_path, setup):
    learner = setup.learners[0]
    make_platform_record(learner, minutes=600, studied_on=DAY)
    mark_attendance(make_session(setup.teaching_class, held_on=DAY, hours=8), learner)
    row = (setup.teaching_class.code, "2025-03-08", "读写算", "面授", 8, learner.id_number)
    _, same = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, [(*row, "出勤", "")])
    _, lower = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, [(*row, "迟到", 6)])
    _, higher = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, [(*row, "迟到", 7)])
    assert (same["unchanged"], same["errors"]) == (1, []) and (lower["written"], lower["errors"]) == (1, [])
    assert errors_by_row(higher) == {2: "实际学时：" + TOTAL_OVER.format("学员01", "17")}
    assert learner_hour_totals(learner.id).face == 360


# --- the cohort's policy --------------------------------------------------------------------------------

def test_the_caps_are_the_policy_of_the_learners_cohort(app, client, tmp_path, setup):
    save_policy(actor=None, cohort=2025, values={**Policy().to_mapping(), "daily_cap_self_study_minutes": 120})
    earlier = make_learner(setup.village, teaching_class=setup.teaching_class, name="往届学员",
                           enrolled_on=date(2024, 9, 1))
    rows = [(setup.learners[0].id_number, "2025-03-08", "2.5", "练习"), (earlier.id_number, "2025-03-08", "2.5", "练习")]
    _, summary = run(app, tmp_path, "self-study", SELF_HEADER, rows)
    assert errors_by_row(summary) == {2: "学时：学员01 2025年3月8日 的自学将达 2.5 学时，超过每日自学上限 2 学时"}
    client.login(setup.teacher.username)
    page = log(client, setup, setup.learners[1], "2.5").get_data(as_text=True)
    assert field_error(page, "hours") == "学员02 2025年3月8日 的自学将达 2.5 学时，超过每日自学上限 2 学时"
    assert count(SelfStudyEntry, earlier) == 1
