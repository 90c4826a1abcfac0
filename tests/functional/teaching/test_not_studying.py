"""Learners who are not studying on a day — graduated, completed, withdrawn, suspended, not yet enrolled —
are on no sheet, card or sign-in sheet for it, and no hours dated then enter the ledger, whatever the way in."""
from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from lms import summaries
from lms.auth.scope import EVERYTHING
from lms.core.clock import frozen_at
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.models import Learner
from lms.learners.services.status import record_status_event
from lms.learners.studying import study_histories
from lms.reports.queries import status_as_of
from lms.teaching.hours import learner_hour_totals
from lms.teaching.models import Attendance, PlatformRecord, SelfStudyEntry
from lms.teaching.services.selfstudy import approve_pending, decide_self_study, log_self_study
from lms.teaching.services.sessions import Mark, save_attendance
from tests.factories import make_learner, make_self_study, make_session, mark_attendance
from tests.functional.teaching.test_pdfs import pdf_facts

GRADUATED_ON = date(2026, 5, 2)
DAY_AFTER = date(2026, 5, 3)


def end_status(learner, status: str, on: date) -> None:
    """Set 毕业/结业 as issuing a certificate does (a bulk UPDATE of status and its date)."""
    db.session.execute(update(Learner).where(Learner.id == learner.id).values(status=status, status_changed_on=on),
                       execution_options={"synchronize_session": "fetch"})
    summaries.learners_changed([learner.id])
    db.session.expire(learner)          # read back as the next request would


@pytest.fixture
def graduate(setup):
    learner = make_learner(setup.village, teaching_class=setup.teaching_class, name="王德才")
    end_status(learner, "graduated", GRADUATED_ON)
    return learner


def sheet_page(client, session) -> str:
    return client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)


def sheet_form(session, learners) -> dict:
    data = {"version": str(session.version)}
    for learner in learners:
        data[f"status-{learner.id}"], data[f"hours-{learner.id}"] = "present", ""
    return data


# --- the attendance sheet --------------------------------------------------------------------------

def test_a_graduate_is_not_on_the_sheet_the_day_after_graduation(client, setup, graduate):
    client.login(setup.teacher.username)
    page = sheet_page(client, make_session(setup.teaching_class, held_on=DAY_AFTER))
    assert "王德才" not in page and "保存考勤（5 人）" in page
    assert f'name="status-{graduate.id}"' not in page


def test_the_graduation_day_itself_still_counts(client, setup, graduate):
    client.login(setup.teacher.username)
    page = sheet_page(client, make_session(setup.teaching_class, held_on=GRADUATED_ON))
    assert f'id="s-{graduate.id}-present" value="present" autocomplete="off" checked' in page


@pytest.mark.parametrize("status", ["completed", "withdrawn"])
def test_completed_and_withdrawn_learners_leave_the_sheet_too(client, setup, status):
    learner = make_learner(setup.village, teaching_class=setup.teaching_class, name="李梅")
    end_status(learner, status, GRADUATED_ON)
    client.login(setup.teacher.username)
    assert "李梅" not in sheet_page(client, make_session(setup.teaching_class, held_on=DAY_AFTER))


def test_a_suspended_learner_is_off_the_sheet_until_the_day_they_resume(client, setup):
    learner = setup.learners[0]
    with frozen_at(date(2026, 6, 1)):
        record_status_event(actor=None, learner=learner, kind="suspend", occurred_on=date(2025, 10, 1), reason="外出务工")
        record_status_event(actor=None, learner=learner, kind="resume", occurred_on=date(2026, 2, 1), reason="返乡")
    client.login(setup.teacher.username)
    on = {day: learner.name in sheet_page(client, make_session(setup.teaching_class, held_on=day))
          for day in (date(2025, 10, 1), date(2025, 10, 2), date(2026, 1, 31), date(2026, 2, 1))}
    assert on == {date(2025, 10, 1): True, date(2025, 10, 2): False, date(2026, 1, 31): False, date(2026, 2, 1): True}


def test_a_mark_posted_for_a_graduate_is_refused_and_nothing_is_written(client, setup, graduate):
    session = make_session(setup.teaching_class, held_on=DAY_AFTER)
    client.login(setup.teacher.username)
    response = client.post_form(f"/sessions/{session.id}/attendance", sheet_form(session, setup.learners + [graduate]))
    assert response.status_code == 200
    assert "王德才 在 2026年5月3日 已毕业，不能记录学时" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    assert learner_hour_totals(graduate.id).face == 0


def test_the_service_refuses_a_graduates_mark_even_without_the_page(setup, graduate):
    session = make_session(setup.teaching_class, held_on=DAY_AFTER)
    marks = {learner.id: Mark("present", 480) for learner in setup.learners + [graduate]}
    with pytest.raises(DomainError, match="王德才 在 2026年5月3日 已毕业，不能记录学时"):
        save_attendance(actor=setup.teacher, session=session, expected_version=0, marks=marks, today=date(2026, 12, 7),
                        scope=EVERYTHING)


def test_a_mark_saved_before_graduation_was_known_is_kept_shown_and_not_editable(client, setup, graduate):
    session = make_session(setup.teaching_class, held_on=DAY_AFTER)
    mark_attendance(session, graduate)
    client.login(setup.teacher.username)
    page = sheet_page(client, session)
    assert "以下学员当天不在读，不能点名" in page and "王德才 在 2026年5月3日 已毕业，不能记录学时（已记：出勤 8 学时）" in page
    assert f'name="status-{graduate.id}"' not in page
    response = client.post_form(f"/sessions/{session.id}/attendance", sheet_form(session, setup.learners))
    assert response.status_code == 302
    kept = db.session.scalar(select(Attendance).where(Attendance.learner_id == graduate.id))
    assert (kept.status, kept.minutes) == ("present", 480)        # never deleted, never rewritten by the sheet


def test_the_sheet_costs_the_same_queries_whatever_the_histories(client, setup, count_queries):
    session = make_session(setup.teaching_class, held_on=date(2026, 3, 7))
    client.login(setup.teacher.username)
    url = f"/sessions/{session.id}/attendance"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    with frozen_at(date(2026, 6, 1)):
        for index in range(12):
            learner = make_learner(setup.village, teaching_class=setup.teaching_class)
            record_status_event(actor=None, learner=learner, kind="suspend", occurred_on=date(2025, 9, 1), reason="务工")
            if index % 2:
                record_status_event(actor=None, learner=learner, kind="resume", occurred_on=date(2025, 12, 1),
                                    reason="返乡")
            else:
                end_status(make_learner(setup.village, teaching_class=setup.teaching_class), "graduated",
                           date(2026, 1, 10))
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert len(many) == len(few)
    assert "保存考勤（11 人）" in page          # the 5, and the 6 who resumed


# --- sign-in sheets and cards ----------------------------------------------------------------------

def test_sign_in_sheets_list_only_learners_studying_that_day(client, setup, graduate, tmp_path):
    session = make_session(setup.teaching_class, held_on=DAY_AFTER)
    client.login(setup.teacher.username)
    _, _, text, _ = pdf_facts(tmp_path, client.get(f"/sessions/{session.id}/sign-in.pdf").data, "sign-in")
    assert "王德才" not in text and setup.learners[0].name in text and "应到 5 人" in text
    sheet = load_workbook(io.BytesIO(client.get(f"/sessions/{session.id}/sign-in.xlsx").data)).active
    names = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [learner.name for learner in setup.learners]


def test_cards_are_printed_only_for_learners_studying_today(client, setup, tmp_path):
    gone = make_learner(setup.village, teaching_class=setup.teaching_class, name="王德才")
    end_status(gone, "graduated", date(2026, 12, 6))
    graduating_today = make_learner(setup.village, teaching_class=setup.teaching_class, name="今日毕业")
    end_status(graduating_today, "graduated", date(2026, 12, 7))      # the suite's today
    client.login(setup.teacher.username)
    _, _, text, _ = pdf_facts(tmp_path, client.get(f"/classes/{setup.teaching_class.id}/cards.pdf").data, "cards")
    assert "王德才" not in text and "今日毕业" in text and setup.learners[0].name in text


# --- hours imports ---------------------------------------------------------------------------------

def run_import(app, tmp_path, kind, header, rows):
    path = tmp_path / f"{kind}.csv"
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    result = app.test_cli_runner().invoke(args=["lms", "import", kind, str(path), "--json"])
    summary = json.loads(result.output.strip().splitlines()[-1])
    return {e["row"]: f"{e['column']}：{e['message']}" for e in summary["errors"]}, summary["written"]


def test_every_hours_import_refuses_days_after_graduation_naming_the_learner(app, tmp_path, setup, graduate):
    code, number = setup.teaching_class.code, graduate.id_number
    errors, written = run_import(app, tmp_path, "attendance", ("班级", "日期", "课程", "方式", "学时", "身份证号", "考勤"), [
        (code, "2026-05-02", "读写算", "面授", 8, number, "出勤"), (code, "2026-05-03", "读写算", "面授", 8, number, "出勤")])
    assert errors == {3: "日期：王德才 在 2026年5月3日 已毕业，不能记录学时"} and written == 1
    errors, written = run_import(app, tmp_path, "online-hours",
                                 ("身份证号", "姓名", "平台", "学习时长(分钟)", "学习日期", "记录编号"), [
        (number, "王德才", "平台", 60, "2026-05-02", "R1"), (number, "王德才", "平台", 60, "2026-05-03", "R2")])
    assert errors == {3: "学习日期：王德才 在 2026年5月3日 已毕业，不能记录学时"} and written == 1
    errors, written = run_import(app, tmp_path, "self-study", ("身份证号", "日期", "学时", "内容"), [
        (number, "2026-05-02", 2, "练习"), (number, "2026-05-03", 2, "练习")])
    assert errors == {3: "日期：王德才 在 2026年5月3日 已毕业，不能记录学时"} and written == 1
    assert db.session.scalar(select(func.max(PlatformRecord.studied_on))) == GRADUATED_ON
    assert db.session.scalar(select(func.max(SelfStudyEntry.studied_on))) == GRADUATED_ON


def test_imports_refuse_the_days_of_a_suspension(app, tmp_path, setup):
    learner = setup.learners[0]
    with frozen_at(date(2026, 6, 1)):
        record_status_event(actor=None, learner=learner, kind="suspend", occurred_on=date(2025, 10, 1), reason="外出务工")
        record_status_event(actor=None, learner=learner, kind="resume", occurred_on=date(2026, 2, 1), reason="返乡")
    rows = [(learner.id_number, day, 2, "练习") for day in ("2025-10-01", "2025-10-02", "2026-01-31", "2026-02-01")]
    errors, written = run_import(app, tmp_path, "self-study", ("身份证号", "日期", "学时", "内容"), rows)
    assert written == 2 and errors == {
        3: f"日期：{learner.name} 在 2025年10月2日 休学中，不能记录学时",
        4: f"日期：{learner.name} 在 2026年1月31日 休学中，不能记录学时"}


# --- self-study ------------------------------------------------------------------------------------

def test_the_self_study_form_neither_offers_nor_accepts_a_suspended_learner(client, setup):
    learner = setup.learners[0]
    with frozen_at(date(2026, 6, 1)):
        record_status_event(actor=None, learner=learner, kind="suspend", occurred_on=date(2026, 3, 1), reason="外出")
    client.login(setup.teacher.username)
    with frozen_at(date(2026, 6, 1)):
        # 休学 now: not offered on the form, and refused if posted anyway.
        page = client.get(f"/classes/{setup.teaching_class.id}/self-study").get_data(as_text=True)
        assert f'<option value="{learner.id}"' not in page
    with pytest.raises(DomainError, match=f"{learner.name} 在 2026年3月2日 休学中，不能记录学时"):
        log_self_study(actor=setup.teacher, learner=learner, studied_on=date(2026, 3, 2), minutes=60, content="练习",
                       today=date(2026, 6, 1))


def test_a_pending_entry_dated_after_graduation_is_never_approved(client, setup, graduate):
    late = make_self_study(graduate, minutes=120, studied_on=DAY_AFTER, status="pending")
    fine = make_self_study(graduate, minutes=60, studied_on=GRADUATED_ON, status="pending")
    with pytest.raises(DomainError, match="王德才 在 2026年5月3日 已毕业，不能记录学时"):
        decide_self_study(actor=setup.teacher, entry=late, approve=True)
    assert approve_pending(actor=setup.teacher, entries=[late, fine]) == (
        1, ["王德才 在 2026年5月3日 已毕业，不能记录学时"])
    assert (late.status, fine.status) == ("pending", "approved")
    assert learner_hour_totals(graduate.id).self_study == 60


# --- one history, two readers ----------------------------------------------------------------------

def test_studying_on_a_day_agrees_with_the_dashboards_status_the_day_before(setup, graduate):
    withdrawn = make_learner(setup.village, teaching_class=setup.teaching_class)
    end_status(withdrawn, "withdrawn", date(2026, 4, 1))
    learners = [graduate, withdrawn, setup.learners[0]]
    histories = study_histories(learners)
    for day in (date(2026, 3, 31) + timedelta(days=n) for n in range(40)):
        dashboard = dict(db.session.execute(select(Learner.id, status_as_of(day - timedelta(days=1)))
                                            .where(Learner.id.in_([l.id for l in learners]))).all())
        for learner in learners:
            assert histories[learner.id].studying_on(day) == (dashboard[learner.id] == "studying"), (learner.name, day)
