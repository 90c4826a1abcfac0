"""Browser flows on a 360-px phone: the teacher's assessment sheet; the registrar's audit (filters, reasons,
export) and approving a recognition application."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from openpyxl import load_workbook

from lms import summaries
from lms.core.clock import today
from lms.extensions import db
from lms.learners.services.status import record_status_event
from lms.recognition.services import Request, create_application, save_certificate_kind
from tests.factories import (
    complete_everything,
    make_class,
    make_county,
    make_learner,
    make_plan,
    make_teaching_point,
    make_township,
    make_user,
    make_village,
    specialty_named,
    tiny_png,
)
from tests.support.client import TEST_PASSWORD


def build_school():
    teacher, registrar = make_user("teacher"), make_user("registrar")
    township = make_township(make_county(), "清水镇")
    village = make_village(township, "上寨村")
    specialty = specialty_named("家政")
    courses = make_plan(specialty)
    group = make_class(make_teaching_point(village), specialty=specialty, cohort=2025, head_teacher=teacher)
    db.session.flush()
    learners = [make_learner(village, teaching_class=group, name=name, enrolled_on=date(2025, 3, 1))
                for name in ("王德才", "罗春花", "杨秀英")]
    return SimpleNamespace(teacher=teacher, registrar=registrar, group=group, courses=courses, learners=learners,
                           village=village, township=township, specialty=specialty)


def test_a_teacher_fills_the_assessment_sheet_on_a_phone(committed, log_in, screenshot, live_server):
    school = committed(build_school)
    skill = school.courses[1]
    committed(lambda: (db.session.add(__import__("lms.teaching.models", fromlist=["ClassSession"]).ClassSession(
        class_id=school.group.id, course_id=skill.id, teacher_id=school.teacher.id, held_on=date(2025, 4, 1))),
        summaries.sessions_changed([school.group.id])))
    page = log_in(school.teacher.username, TEST_PASSWORD)
    page.goto(f"{live_server}/assessment/")
    page.get_by_role("link", name=school.group.name).click()
    page.get_by_role("link", name=skill.name).click()
    first, second, third = (page.locator(f"#learner-{learner.id}") for learner in school.learners)
    first.get_by_text("作业1").click()
    first.get_by_text("作业2").click()
    first.get_by_label("王德才的成绩").fill("86")
    second.get_by_text("作业1").click()
    second.get_by_label("罗春花的成绩").fill("90")
    third.get_by_label("杨秀英的成绩").fill("120")
    screenshot("assessment-sheet-filled-phone")
    page.get_by_role("button", name="保存").click()
    assert "还需完成：作业2，才能录入成绩" in second.locator(".refusal").inner_text()
    assert "成绩必须在 0–100 之间" in third.locator(".refusal").inner_text()
    assert "通过 86 分" in first.inner_text()
    assert second.get_by_label("罗春花的成绩").input_value() == "90"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("assessment-sheet-refusals-phone")


def build_audit_county():
    school = build_school()
    a, b, c = school.learners
    complete_everything(a, school.courses, on=date(2025, 6, 1))
    record_status_event(actor=None, learner=c, kind="withdraw", occurred_on=date(2025, 5, 1), reason="外出务工",
                        today=today())
    old = make_class(school.group.teaching_point, specialty=school.specialty, cohort=2023)
    finished = make_learner(school.village, teaching_class=old, name="韦国强", enrolled_on=date(2023, 3, 1),
                            prior_education="高中及以上")
    complete_everything(finished, school.courses, on=date(2023, 12, 1))
    late = make_learner(school.village, teaching_class=old, name="陈丽", enrolled_on=date(2023, 3, 1),
                        prior_education="高中及以上")
    kind = save_certificate_kind(actor=None, kind=None, name="家政服务员（五级）", evidence_type="职业技能等级证书",
                                 credits=Decimal(0), course_ids=[school.courses[1].id])
    application = create_application(actor=school.teacher, learner=b, evidence_type="职业技能等级证书",
                                     request=Request("exempt_study", (school.courses[1].id,)),
                                     certificate_kind=kind, certificate_number="2025-0001", issuer="州人社局",
                                     scan=tiny_png(), today=today())
    school.application, school.finished, school.late = application, finished, late
    return school


def test_the_registrar_audits_filters_reads_reasons_and_exports(committed, log_in, screenshot, live_server,
                                                                tmp_path):
    school = committed(build_audit_county)
    page = log_in(school.registrar.username, TEST_PASSWORD)
    page.goto(f"{live_server}/")
    page.get_by_role("button", name="展开菜单").click()
    page.locator("#mainNav.show").wait_for()         # the menu has finished opening (a busy phone is slow)
    page.locator("#mainNav").get_by_role("button", name="考核").click()      # the menu group
    page.locator("#mainNav").get_by_role("link", name="毕业审核").click()
    assert page.locator(".outcome-counts").count() == 0, "the audit waits for the registrar's choice"
    page.locator("#as_of").fill("2025-07-01")
    page.get_by_role("button", name="审核").click()
    counts = page.locator(".outcome-counts")
    assert "可提前毕业 1" in counts.inner_text() and "退学 1" in counts.inner_text()
    assert "毕业 1" in counts.inner_text() and "结业 1" in counts.inner_text()
    row = page.locator('[data-learner="陈丽"]')
    row.get_by_text("原因").click()
    assert "修业期已于2024年2月29日届满，未达到毕业条件，发给结业证书" in row.locator(".reasons").inner_text()
    screenshot("graduation-audit-phone")
    page.locator("#decision").select_option("continue")
    page.get_by_role("button", name="审核").click()
    names = page.locator(".audit-rows [data-learner]").evaluate_all("rows => rows.map(r => r.dataset.learner)")
    assert names == ["罗春花"]
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    path = tmp_path / "audit.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[12]) for r in rows] == [("罗春花", "在读")]
    page.get_by_role("link", name="罗春花").click()
    assert "学习账户" in page.locator("h1").inner_text()
    screenshot("learning-account-phone")


def test_the_registrar_approves_a_recognition_application(committed, log_in, screenshot, live_server):
    school = committed(build_audit_county)
    page = log_in(school.registrar.username, TEST_PASSWORD)
    page.goto(f"{live_server}/recognition/")
    page.locator('[data-learner="罗春花"]').click()
    assert "免修《家政服务》" in page.locator("main").inner_text()
    with page.expect_popup() as scan:
        page.get_by_role("link", name="查看扫描件").click()
    assert scan.value.url.endswith(f"/recognition/{school.application.id}/scan")
    scan.value.close()
    screenshot("recognition-detail-phone")
    page.get_by_label("批准", exact=True).check()
    page.get_by_role("button", name="提交审批").click()
    assert "已已批准" not in page.locator("main").inner_text()
    assert "已批准" in page.locator(".alert-success").inner_text()
    page.goto(f"{live_server}/learners/{school.learners[1].id}/account")
    course = page.locator('[data-course="家政服务"]')
    assert "免修" in course.inner_text()
    course.get_by_text("记录").click()
    assert school.registrar.display_name in course.inner_text()
    screenshot("learning-account-exempt-phone")
