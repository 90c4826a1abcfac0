"""`attendance`, `online-hours` and `self-study` imports: good files, re-imports, and every bad-input case."""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import event, func, select

from lms import summaries
from lms.core.clock import today
from lms.extensions import db
from lms.teaching.hours import learner_hour_totals, summary_totals
from lms.teaching.models import Attendance, ClassSession, PlatformRecord, SelfStudyEntry
from tests.factories import make_learner, make_session, mark_attendance
from tests.functional.teaching.conftest import build_class

ATTENDANCE_HEADER = ("班级", "日期", "课程", "方式", "学时", "身份证号", "考勤", "实际学时")
ONLINE_HEADER = ("身份证号", "姓名", "平台", "课程名称", "学习时长(分钟)", "学习日期", "记录编号")
SELF_HEADER = ("身份证号", "日期", "学时", "内容")


def run(app, tmp_path, kind, header, rows, *args):
    path = tmp_path / f"{kind}.csv"
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    result = app.test_cli_runner().invoke(args=["lms", "import", kind, str(path), "--json", *args])
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def errors_by_row(summary) -> dict[int, str]:
    return {e["row"]: f"{e['column']}：{e['message']}" for e in summary["errors"]}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- attendance -------------------------------------------------------------------------------

def test_a_filled_sign_in_sheet_creates_the_session_and_credits_hours(app, tmp_path, setup):
    code = setup.teaching_class.code
    a, b, c, d, _ = setup.learners
    rows = [(code, "2025/3/8", "读写算", "面授", 8, a.id_number, "出勤", ""),
            (code, "2025/3/8", "读写算", "面授", 8, b.id_number, "迟到", 6),
            (code, "2025/3/8", "读写算", "面授", 8, c.id_number, "请假", ""),
            (code, "2025年3月8日", "读写算", "面授", 8, d.id_number, "缺勤", "")]
    status, summary = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, rows)
    assert (status, summary["written"], summary["errors"]) == (0, 4, [])
    session = db.session.scalar(select(ClassSession))
    assert (session.held_on, session.minutes, session.mode) == (date(2025, 3, 8), 480, "face")
    assert [learner_hour_totals(x.id).face for x in (a, b, c, d)] == [480, 360, 0, 0]
    assert summary_totals(learners=[b.id])[b.id].face == 360
    again_status, again = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, rows)
    assert (again_status, again["written"], again["unchanged"]) == (0, 0, 4)
    assert count(ClassSession) == 1 and count(Attendance) == 4


def test_student_numbers_work_instead_of_id_numbers(app, tmp_path, setup):
    header = ("班级", "日期", "课程", "方式", "学时", "学号", "考勤")
    rows = [(setup.teaching_class.code, "2025-03-08", "普通话", "线上直播", 2, setup.learners[0].student_number, "出勤")]
    status, summary = run(app, tmp_path, "attendance", header, rows)
    assert status == 0 and learner_hour_totals(setup.learners[0].id).live == 120


def test_bad_attendance_rows_are_refused_with_chinese_messages_and_nothing_else_written(app, tmp_path, setup):
    code = setup.teaching_class.code
    a, b, c, d, e = setup.learners
    stranger = build_class(1).learners[0]
    withdrawn = make_learner(setup.village, teaching_class=setup.teaching_class, status="withdrawn")
    withdrawn.status_changed_on = date(2025, 3, 5)
    summaries.learners_changed([withdrawn.id])
    late_comer = make_learner(setup.village, teaching_class=setup.teaching_class, enrolled_on=date(2025, 4, 1))
    future = (today() + timedelta(days=2)).isoformat()
    rows = [
        ("不存在的班", "2025-03-08", "读写算", "面授", 8, a.id_number, "出勤", ""),          # 2 unknown class
        (code, "2025-03-08", "插花", "面授", 8, a.id_number, "出勤", ""),                   # 3 unknown course
        (code, "2025-03-08", "读写算", "面授", 8, stranger.id_number, "出勤", ""),          # 4 not in the class
        (code, future, "读写算", "面授", 8, a.id_number, "出勤", ""),                        # 5 future date
        (code, "2025-03-08", "读写算", "面授", -2, a.id_number, "出勤", ""),                 # 6 negative hours
        (code, "2025-03-08", "读写算", "面授", 25, a.id_number, "出勤", ""),                 # 7 over 24
        (code, "2025-03-08", "读写算", "面授", 8, late_comer.id_number, "出勤", ""),         # 8 before enrolment
        (code, "2025-03-08", "读写算", "面授", 8, withdrawn.id_number, "出勤", ""),          # 9 after withdrawal
        (code, "2025-03-08", "读写算", "面授", 8, b.id_number, "出勤", ""),                  # 10 good
        (code, "2025-03-08", "读写算", "面授", 8, b.id_number, "缺勤", ""),                  # 11 same session twice
        (code, "2025-03-08", "读写算", "面授", 8, c.id_number, "请假", 3),                   # 12 leave with hours
        (code, "2025-03-08", "读写算", "面授", 8, d.id_number, "出勤", 9),                   # 13 more than the session
        (code, "2025-03-08", "读写算", "面授", 8, e.id_number, "睡觉", ""),                  # 14 unknown status
        (code, "2025-03-08", "读写算", "面授", 8, "522327198506150022", "出勤", ""),         # 15 bad check digit
    ]
    status, summary = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, rows)
    errors = errors_by_row(summary)
    assert status == 1 and summary["written"] == 1
    assert errors[2].startswith("班级：班级“不存在的班”不存在或不在您的管辖范围内")
    assert errors[3] == "课程：课程“插花”不在种植（含园林、林下种植）的教学计划中"
    assert errors[4] == f"身份证号：{stranger.name}不是班级 {code} 的学员"
    assert errors[5].startswith("日期：日期") and "不能晚于" in errors[5]
    assert errors[6] == "学时：不能为负数" and errors[7] == "学时：不能超过 24"
    assert errors[8] == f"日期：{late_comer.name} 在 2025年3月8日 尚未入学（2025年4月1日入学），不能记录学时"
    assert errors[9] == f"日期：{withdrawn.name} 在 2025年3月8日 已退学，不能记录学时"
    assert errors[11] == "身份证号：同一课次（班级、日期、课程、方式）中该学员与第 10 行重复"
    assert errors[12] == "实际学时：请假、缺勤不计学时，实际学时应为空或 0"
    assert errors[13] == "实际学时：实际学时不能超过课次学时"
    assert errors[14].startswith("考勤：考勤“睡觉”无法识别")
    assert errors[15] == "身份证号：身份证号校验码不正确，请核对"
    assert count(Attendance) == 1
    strict_status, strict = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, rows[:3], "--strict")
    assert strict_status == 1 and strict["written"] == 0


def test_attendance_over_the_days_total_cap_is_refused(app, tmp_path, setup):
    learner = setup.learners[0]
    mark_attendance(make_session(setup.teaching_class, held_on=date(2025, 3, 8), hours=5), learner)
    rows = [(setup.teaching_class.code, "2025-03-08", "普通话", "面授", 8, learner.id_number, "出勤", "")]
    status, summary = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, rows)
    assert errors_by_row(summary)[2] == "学时：学员01 2025年3月8日 的学时合计将达 13 学时，超过每日合计上限 12 学时"


def test_rows_of_one_session_must_agree_on_its_hours(app, tmp_path, setup):
    code = setup.teaching_class.code
    a, b = setup.learners[:2]
    rows = [(code, "2025-03-08", "读写算", "面授", 8, a.id_number, "出勤", ""),
            (code, "2025-03-08", "读写算", "面授", 4, b.id_number, "出勤", "")]
    _, summary = run(app, tmp_path, "attendance", ATTENDANCE_HEADER, rows)
    assert errors_by_row(summary)[3] == "学时：同一课次的学时与第 2 行不一致"


# --- online hours -------------------------------------------------------------------------------

def test_platform_records_are_imported_once_per_record_id(app, tmp_path, setup):
    """The file's clock minutes become 学时 at 45 minutes a 学时 (the default policy): 45 → 1 学时 (60 parts),
    30.5 → 31 minutes → 41 parts (41.33, half-up); the records keep the platform's minutes."""
    a, b = setup.learners[:2]
    rows = [(a.id_number, a.name, "贵州省社区教育学习平台", "种植入门", 45, "2025-03-10", "GZ-1"),
            (a.id_number, a.name, "贵州省社区教育学习平台", "种植入门", "30.5", "2025-03-11", "GZ-2"),
            (b.id_number, "别名", "中央农广校学习网", "养殖", 60, "2025-03-11", "GZ-1")]
    status, summary = run(app, tmp_path, "online-hours", ONLINE_HEADER, rows)
    assert (status, summary["written"]) == (0, 3)
    assert summary["warnings"][0]["message"] == f"姓名与学籍不一致（学籍为 {b.name}），已按身份证号导入"
    assert learner_hour_totals(a.id).platform == 101 and summary_totals(learners=[a.id])[a.id].platform == 101
    stored = db.session.execute(select(PlatformRecord.minutes, PlatformRecord.clock_minutes)
                                .where(PlatformRecord.learner_id == a.id).order_by(PlatformRecord.studied_on)).all()
    assert stored == [(60, 45), (41, 31)]
    status, again = run(app, tmp_path, "online-hours", ONLINE_HEADER, rows)
    assert (status, again["written"], again["unchanged"]) == (0, 0, 3)
    assert count(PlatformRecord) == 3


def test_known_platform_records_are_looked_up_with_one_parameter_per_column_whatever_the_file_size(
        app, tmp_path, setup):
    """A record id is known per platform: GZ-1 of one platform does not make GZ-1 of another unchanged. The look-up
    of known records passes each chunk as one array (lms.imports.lookup), not two parameters per record."""
    a, b = setup.learners[:2]
    first = [(a.id_number, a.name, "贵州省社区教育学习平台", "种植", 45, "2025-03-10", "GZ-1")]
    assert run(app, tmp_path, "online-hours", ONLINE_HEADER, first)[1]["written"] == 1
    rows = first + [(b.id_number, b.name, "中央农广校学习网", "养殖", 30, "2025-03-10", "GZ-1")]
    rows += [(a.id_number if n % 2 else b.id_number, "", "贵州省社区教育学习平台", "种植", 1,
              f"2025-03-{10 + n % 5}", f"R-{n}") for n in range(1200)]
    lookups = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT") and "record_ref" in statement.partition("WHERE")[2]:
            lookups.append(parameters)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        status, summary = run(app, tmp_path, "online-hours", ONLINE_HEADER, rows)
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert (status, summary["written"], summary["unchanged"]) == (0, 1201, 1)
    assert lookups and all(len(parameters) <= 2 for parameters in lookups), [len(p) for p in lookups]


def test_bad_platform_rows_are_refused(app, tmp_path, setup):
    a = setup.learners[0]
    from tests.factories import next_id_number
    outsider = next_id_number()
    rows = [(a.id_number, a.name, "平台", "课", "abc", "2025-03-10", "R1"),                     # 2 not a number
            (a.id_number, a.name, "平台", "课", -5, "2025-03-10", "R2"),                        # 3 negative
            (outsider, "某人", "平台", "课", 30, "2025-03-10", "R3"),                           # 4 not enrolled
            (a.id_number, a.name, "平台", "课", 30, (today() + timedelta(1)).isoformat(), "R4"),  # 5 future
            (a.id_number, a.name, "平台", "课", 30, "2025-01-10", "R5"),                        # 6 before enrolment
            (a.id_number, a.name, "平台", "课", 30, "2025-03-10", "R6"),                        # 7 good
            (a.id_number, a.name, "平台", "课", 30, "2025-03-10", "R6"),                        # 8 duplicate id
            (a.id_number, a.name, "平台", "课", 1441, "2025-03-12", "R7"),                      # 9 over a day
            (a.id_number, a.name, "平台", "课", 331, "2025-03-10", "R8"),                       # 10 day's P > 8 学时
            ("5.22327E+17", a.name, "平台", "课", 30, "2025-03-10", "R9")]                      # 11 Excel number
    status, summary = run(app, tmp_path, "online-hours", ONLINE_HEADER, rows)
    errors = errors_by_row(summary)
    assert status == 1 and summary["written"] == 1
    assert errors[2] == "学习时长（分钟）：不是数字：abc" and errors[3] == "学习时长（分钟）：不能为负数"
    assert errors[4] == "身份证号：该身份证号没有已报名的学员（或不在您的管辖范围内）"
    assert "不能晚于今天" in errors[5] and errors[6] == \
        "学习日期：学员01 在 2025年1月10日 尚未入学（2025年3月1日入学），不能记录学时"
    assert errors[8] == "记录编号：记录编号与第 7 行重复"
    assert errors[9] == "学习时长（分钟）：不能超过 1440"
    assert errors[10] == "学习时长（分钟）：学员01 2025年3月10日 的平台线上学习将达 8.1 学时，超过每日平台线上学习上限 8 学时"
    assert "Excel" in errors[11]
    assert count(PlatformRecord) == 1


def test_clock_minutes_become_hours_with_each_learners_cohort_policy(app, client, tmp_path, setup):
    """One file, two cohorts: 90 platform minutes are 2 学时 where a 学时 is 45 minutes (2025, the default) and
    1.5 学时 where the cohort's policy keeps 60 (2024); the learner's hours page shows both figures."""
    from lms.policies.services import save_policy

    save_policy(actor=None, cohort=2024, values={"hour_length_minutes": 60})
    new, old = setup.learners[0], make_learner(setup.village, teaching_class=setup.teaching_class,
                                               enrolled_on=date(2024, 3, 1))
    rows = [(new.id_number, new.name, "平台", "课", 90, "2025-03-10", "R1"),
            (old.id_number, old.name, "平台", "课", 90, "2025-03-10", "R2")]
    status, summary = run(app, tmp_path, "online-hours", ONLINE_HEADER, rows)
    assert (status, summary["written"]) == (0, 2)
    assert learner_hour_totals(new.id).platform == 120 and learner_hour_totals(old.id).platform == 90
    client.login(setup.teacher.username)
    page = client.get(f"/learners/{new.id}/hours").get_data(as_text=True)
    assert "分钟”是平台记录的学习时长" in page and '<td class="num">90</td><td class="num">2</td>' in page
    assert "现为 45 分钟 = 1 学时" in page
    page = client.get(f"/learners/{old.id}/hours").get_data(as_text=True)
    assert '<td class="num">90</td><td class="num">1.5</td>' in page


def test_a_teacher_cannot_import_hours_for_learners_outside_their_classes(app, client, tmp_path, setup):
    other = build_class(1).learners[0]
    client.login(setup.teacher.username)
    content = ("\r\n".join([",".join(ONLINE_HEADER),
                            f"{other.id_number},{other.name},平台,课,30,2025-03-10,X1"]) + "\r\n").encode()
    from io import BytesIO
    page = client.post_form("/imports/online-hours/", {"file": (BytesIO(content), "p.csv")},
                            content_type="multipart/form-data").get_data(as_text=True)
    assert "该身份证号没有已报名的学员（或不在您的管辖范围内）" in page


# --- self-study ---------------------------------------------------------------------------------

def test_imported_self_study_arrives_pending_and_is_not_imported_twice(app, tmp_path, setup):
    a = setup.learners[0]
    rows = [(a.id_number, "2025-03-12", 2, "读写算练习"), (a.id_number, "2025-03-13", "1.5", "普通话跟读")]
    status, summary = run(app, tmp_path, "self-study", SELF_HEADER, rows)
    assert (status, summary["written"]) == (0, 2)
    assert learner_hour_totals(a.id).self_study == 0                  # until a class teacher approves them
    assert set(db.session.execute(select(SelfStudyEntry.status, SelfStudyEntry.source, SelfStudyEntry.decided_by_id,
                                         SelfStudyEntry.decided_at))) == {("pending", "import", None, None)}
    _, again = run(app, tmp_path, "self-study", SELF_HEADER, rows)
    assert (again["written"], again["unchanged"]) == (0, 2)


def test_bad_self_study_rows_are_refused(app, tmp_path, setup):
    a = setup.learners[0]
    rows = [(a.id_number, "2025-03-12", -1, "练习"),          # 2 negative
            (a.id_number, "2025-03-12", 25, "练习"),          # 3 over 24
            (a.id_number, "2025-03-12", 2, ""),               # 4 no content
            (a.id_number, "明天", 2, "练习"),                  # 5 not a date
            (a.id_number, "2025-03-12", 3, "练习"),           # 6 good
            (a.id_number, "2025-03-12", "1.5", "复习")]       # 7 3 + 1.5 > 4 in one day
    status, summary = run(app, tmp_path, "self-study", SELF_HEADER, rows)
    errors = errors_by_row(summary)
    assert status == 1 and summary["written"] == 1
    assert errors[2] == "学时：不能为负数" and errors[3] == "学时：不能超过 24" and errors[4] == "内容：内容不能为空"
    assert errors[5].startswith("日期：日期无法识别")
    assert errors[7] == "学时：学员01 2025年3月12日 的自学将达 4.5 学时，超过每日自学上限 4 学时"
    assert db.session.scalar(select(func.sum(SelfStudyEntry.minutes))) == 3 * 60
