"""A teacher takes attendance for a class of 40 on a phone in a handful of taps; self-study approval;
the registrar's policy edit. Everything on the 360-px viewport, nothing loaded from outside."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.core.clock import today
from lms.extensions import db
from lms.policies.services import policy_for
from lms.teaching.models import Attendance, SelfStudyEntry
from tests.factories import make_self_study, make_session, make_user
from tests.functional.teaching.conftest import build_class
from tests.support.client import TEST_PASSWORD


class Taps:
    """Counts what the teacher's thumb does: each click or field filled is one tap."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, text):
        self.count += 1
        locator.fill(text)


def test_a_teacher_takes_attendance_for_a_class_of_40_in_a_few_taps(committed, log_in, screenshot):
    setup = committed(build_class, 40)
    session = committed(make_session, setup.teaching_class, held_on=today(), hours=8)
    page = log_in(setup.teacher.username, TEST_PASSWORD)
    taps = Taps(page)
    taps.click(page.get_by_role("link", name=f"点名：{setup.teaching_class.name}"))
    page.wait_for_url(f"**/sessions/{session.id}/attendance")
    assert page.locator(".sheet-row").count() == 40
    assert page.locator('[data-count="present"] span').inner_text() == "40"

    absent, late, leave = setup.learners[3:6], setup.learners[10:12], setup.learners[20]
    for learner in absent:
        taps.click(page.get_by_label(f"{learner.name}的考勤").get_by_text("缺勤"))
    for learner in late:
        taps.click(page.get_by_label(f"{learner.name}的考勤").get_by_text("迟到"))
        taps.fill(page.get_by_label(f"{learner.name}的学时"), "6")
    taps.click(page.get_by_label(f"{leave.name}的考勤").get_by_text("请假"))
    assert page.locator('[data-count="present"] span').inner_text() == "34"
    screenshot("attendance-sheet-phone")
    taps.click(page.get_by_role("button", name="保存考勤（40 人）"))
    page.wait_for_url(f"**/classes/{setup.teaching_class.id}")
    assert "已保存" in page.get_by_role("alert").first.inner_text()

    assert taps.count <= 12, f"{taps.count} taps"
    db.session.rollback()   # end the read transaction: see what the live server committed
    saved = {row.learner_id: (row.status, row.minutes) for row in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}
    assert len(saved) == 40
    assert [saved[x.id] for x in absent] == [("absent", 0)] * 3
    assert [saved[x.id] for x in late] == [("late", 360)] * 2
    assert saved[leave.id] == ("leave", 0)
    assert sum(1 for status, minutes in saved.values() if (status, minutes) == ("present", 480)) == 34
    screenshot("class-page-phone")


def test_typing_a_student_number_signs_a_learner_in(committed, log_in):
    setup = committed(build_class, 3)
    session = committed(make_session, setup.teaching_class, held_on=today())
    page = log_in(setup.teacher.username, TEST_PASSWORD)
    page.goto(f"/sessions/{session.id}/attendance")
    page.locator("#scanner summary").click()
    page.get_by_role("button", name="未扫码的记为缺勤").click()
    assert page.locator('[data-count="absent"] span').inner_text() == "3"
    page.get_by_label("输入学号签到").fill(setup.learners[1].student_number)
    page.get_by_role("button", name="签到", exact=True).click()
    assert f"已签到：{setup.learners[1].name}" in page.locator("#scan-message").inner_text()
    assert page.locator('[data-count="present"] span').inner_text() == "1"
    assert page.get_by_label(f"{setup.learners[1].name}的学时").input_value() == "8"


def test_the_class_teacher_approves_and_rejects_self_study(committed, log_in, screenshot):
    setup = committed(build_class, 2)
    first = committed(make_self_study, setup.learners[0], minutes=120, studied_on=date(2025, 3, 12),
                      status="pending", content="读写算练习册第 3 单元")
    second = committed(make_self_study, setup.learners[1], minutes=90, studied_on=date(2025, 3, 13),
                       status="pending", content="普通话跟读")
    page = log_in(setup.teacher.username, TEST_PASSWORD)
    page.goto(f"/classes/{setup.teaching_class.id}/self-study")
    screenshot("self-study-phone")
    card = page.locator(f'[data-entry="{first.id}"]')
    card.get_by_role("button", name="通过", exact=True).click()
    assert "已通过" in page.locator(".alert-success").inner_text()
    card = page.locator(f'[data-entry="{second.id}"]')
    card.get_by_label(f"{setup.learners[1].name}的审核意见").fill("没有学习证明")
    card.get_by_role("button", name="不通过").click()
    db.session.rollback()   # end the read transaction: see what the live server committed
    assert db.session.get(SelfStudyEntry, first.id).status == "approved"
    assert db.session.get(SelfStudyEntry, second.id).status == "rejected"
    page.goto(f"/learners/{setup.learners[0].id}/hours")
    assert "自学+线上 2/360 学时" in page.locator(".progress-block").inner_text()


def test_the_class_teacher_approves_all_after_seeing_what_it_adds(committed, log_in, screenshot):
    setup = committed(build_class, 2)
    for learner, minutes in zip(setup.learners, (120, 90), strict=True):
        committed(make_self_study, learner, minutes=minutes, studied_on=date(2025, 3, 12), status="pending",
                  content="读写算练习册")
    page = log_in(setup.teacher.username, TEST_PASSWORD)
    page.goto(f"/classes/{setup.teaching_class.id}/self-study")
    page.get_by_role("button", name="全部通过（2）").click()
    assert page.locator("#confirm-summary").inner_text() == "将通过 2 条自学记录（2 名学员），共 3.5 学时。"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("self-study-confirm-approve-all-phone")
    page.get_by_role("button", name="确认全部通过（2）").click()
    assert "已通过 2 条自学记录" in page.locator(".alert-success").inner_text()


def test_the_registrar_edits_a_cohorts_policy_and_sees_the_history(committed, log_in, screenshot):
    registrar = committed(make_user, "registrar")
    page = log_in(registrar.username, TEST_PASSWORD)
    page.goto("/policies/")
    cohort = today().year
    page.get_by_role("row", name=f"{cohort} 级").get_by_role("link", name="修改").click()
    page.get_by_label("最低年龄").fill("40")
    page.get_by_label("最高年龄").fill("30")
    page.get_by_role("button", name="保存为新版本").click()
    assert "最高年龄不能小于最低年龄" in page.locator("#field-max_age").inner_text()
    page.get_by_label("最低年龄").fill("16")
    page.get_by_label("最高年龄").fill("59")
    page.get_by_label("修改说明").fill("按省公告改为 16 岁")
    screenshot("policy-edit-phone")
    page.get_by_role("button", name="保存为新版本").click()
    page.wait_for_url(f"**/policies/{cohort}/history")
    assert "最低年龄：15 → 16" in page.locator("main").inner_text()
    db.session.rollback()   # end the read transaction: see what the live server committed
    assert policy_for(cohort).min_age == 16
