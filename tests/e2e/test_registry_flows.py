"""The registry's flows in Chromium on a 360-px phone: roster import, search and visit, enrolment with a
photo and the privacy notice, the learner page (show ID, 休学), and the registration export."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from PIL import Image

from tests.factories import (
    make_class,
    make_county,
    make_learner,
    make_roster_entry,
    make_teaching_point,
    make_township,
    make_user,
    make_village,
    next_id_number,
)
from tests.support.client import TEST_PASSWORD


def _area():
    county = make_county("演示县")
    township = make_township(county, "清水镇")
    village = make_village(township, "上寨村")
    point = make_teaching_point(village, "上寨村讲习所")
    return township, village, point


@pytest.fixture
def township_user(committed):
    township, village, point = committed(_area)
    user = committed(make_user, "township", divisions=[township])
    return user, township, village, point


def fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"


def test_township_staff_import_a_roster_preview_bad_rows_and_confirm(township_user, log_in, screenshot, tmp_path):
    user, *_ = township_user
    good, other = next_id_number(sex="1"), next_id_number(sex="2")
    csv = ("姓名,身份证号,性别,乡镇,村,文化程度,联系电话\r\n"
           f"王德才,{good},男,清水镇,上寨村,未上过学,13812345678\r\n"
           f"罗春花,{other},女,清水镇,下寨,小学,\r\n")
    path = tmp_path / "名册.csv"
    path.write_bytes(csv.encode("gb18030"))
    page = log_in(user.username, TEST_PASSWORD)
    page.get_by_role("link", name="导入名册").click()
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="上传并检查").click()
    assert "清水镇没有名为“下寨”的村（社区）" in page.locator("table").first.inner_text()
    fits_the_phone(page)
    screenshot("registry-roster-import-preview")
    page.get_by_role("button", name="确认导入 1 行（跳过 1 行有问题的）").click()
    assert "已完成" in page.locator("h1").inner_text()
    page.goto(page.url.split("/imports")[0] + "/roster/")
    assert "王德才" in page.locator(".person-list").inner_text()


def test_search_by_pinyin_initials_then_record_a_visit(township_user, committed, log_in, screenshot):
    user, _, village, _ = township_user
    committed(make_roster_entry, village, name="王德才")
    committed(make_roster_entry, village, name="罗春花")
    page = log_in(user.username, TEST_PASSWORD)
    page.goto(page.url + "roster/")
    page.get_by_placeholder("姓名、拼音首字母（wdc）、证号后几位").fill("wdc")
    page.get_by_role("button", name="查找").click()
    assert "罗春花" not in page.locator("main").inner_text()
    page.get_by_role("link", name="王德才").click()
    page.get_by_label("走访结果").select_option(label="不愿参加")
    page.get_by_label("参加意愿").select_option(label="不愿参加")
    page.get_by_label("居住地").fill("在村居住")
    fits_the_phone(page)
    screenshot("registry-visit-form")
    page.get_by_role("button", name="保存走访").click()
    assert "名册状态：不愿参加" in page.locator(".alert-success").inner_text()
    assert "不愿参加" in page.locator(".visit").first.inner_text()


def _png(path):
    Image.new("RGB", (300, 400), (180, 140, 120)).save(path, format="PNG")
    return str(path)


def test_enrol_a_roster_entry_with_a_photo_after_the_privacy_notice(township_user, committed, log_in, screenshot,
                                                                    tmp_path):
    user, _, village, point = township_user
    entry = committed(make_roster_entry, village, name="韦小梅", sex="2", birth_on=date(1988, 4, 1))
    klass = committed(make_class, point, cohort=date.today().year)
    page = log_in(user.username, TEST_PASSWORD)
    page.goto(page.url + f"roster/{entry.id}")
    page.get_by_role("link", name="为此人报名").click()
    assert "为 韦小梅 报名" in page.locator("h1").inner_text()
    page.get_by_label("民族").select_option(label="布依族")
    page.get_by_label("入学前文化程度").select_option(label="小学")
    page.get_by_label("教学点").select_option(value=str(point.id))
    page.get_by_label("专业").select_option(label="种植（含园林、林下种植）")
    page.get_by_label("班级").select_option(value=str(klass.id))
    page.set_input_files("input[name=photo]", _png(tmp_path / "photo.png"))
    page.get_by_role("button", name="确认报名").click()
    assert "请先向学员告知《个人信息处理告知书》" in page.locator("main").inner_text()
    with page.context.expect_page() as notice:
        page.get_by_role("link", name="《个人信息处理告知书》").click()
    assert "第十七条" in notice.value.locator("main").inner_text()
    notice.value.close()
    page.set_input_files("input[name=photo]", _png(tmp_path / "photo.png"))
    page.get_by_label("已向学员告知《个人信息处理告知书》，学员同意").check()
    fits_the_phone(page)
    screenshot("registry-enrolment-form")
    page.get_by_role("button", name="确认报名").click()
    assert "已报名：韦小梅" in page.locator(".alert-success").inner_text()
    assert "学制" in page.locator("#enrolment").inner_text()
    natural = page.locator("img.learner-photo").evaluate("img => img.naturalWidth")
    assert natural == 300                                   # the stored JPEG, served by the scoped route
    screenshot("registry-learner-page")


def test_the_learner_page_shows_the_id_on_request_and_records_a_suspension(township_user, committed, log_in,
                                                                          screenshot):
    user, _, village, point = township_user
    learner = committed(make_learner, village, name="黄明", enrolled_on=date(2025, 3, 1))
    page = log_in(user.username, TEST_PASSWORD)
    page.goto(page.url + f"learners/{learner.id}")
    assert learner.id_number not in page.locator("main").inner_text()
    page.get_by_role("button", name="显示完整身份证号").click()
    assert page.locator("[data-field=id_number]").inner_text() == learner.id_number
    page.get_by_text("办理休学、复学、退学、转专业、转出、转入、注销或死亡").click()
    page.get_by_label("原因").fill("外出务工")
    page.get_by_label("审批人").fill("教务 黄志明")
    page.get_by_role("button", name="确认办理").click()
    assert "当前状态 休学" in page.locator(".alert-success").inner_text()
    assert "查看完整身份证号" in page.locator("#audit-trail").inner_text()
    fits_the_phone(page)
    screenshot("registry-learner-suspended")
    page.get_by_text("撤销这条异动").click()                 # recorded on the wrong learner: revoke it
    page.get_by_label("撤销原因").fill("录错学员")
    page.get_by_role("button", name="确认撤销").click()
    assert "当前状态 在读" in page.locator(".alert-success").inner_text()
    assert "已撤销" in page.locator("#status-events").inner_text()
    assert page.locator("#status-events [data-revoked] .text-decoration-line-through").count() == 1
    fits_the_phone(page)
    screenshot("registry-learner-event-revoked")


def test_the_registration_list_downloads_as_xlsx(committed, log_in, screenshot):
    township, village, point = committed(_area)
    committed(make_learner, village, name="王德才", enrolled_on=date(2025, 3, 1))
    registrar = committed(make_user, "registrar")
    page = log_in(registrar.username, TEST_PASSWORD)
    page.goto(page.url + "learners/")
    page.get_by_role("link", name="导出学籍注册名单").click()
    page.get_by_label("年级（入学年份）").select_option(label="2025级")
    fits_the_phone(page)
    screenshot("registry-export")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 .xlsx").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][rows[0].index("姓名")] == "王德才" and rows[1][rows[0].index("学习形式")] == "非全日制"
