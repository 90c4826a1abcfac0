"""我的学习 on a learner's phone: the teacher prints a new 学员证; its one QR code still signs the learner in on
the attendance sheet, and on the learner's own phone opens 我的学习 after the birth date, which 读给我听 reads
aloud. 360 px, nothing loaded from outside."""
from __future__ import annotations

import subprocess
from datetime import date

import zxingcpp
from PIL import Image

from lms.core.clock import today
from lms.extensions import db
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import make_learner, make_session, mark_attendance
from tests.functional.teaching.conftest import build_class
from tests.support.client import TEST_PASSWORD

BIRTH = date(1979, 11, 3)

# The phone's speech synthesis, recorded instead of spoken (headless Chromium has no voices): a browser
# capability replaced in the page, not a server mock.
FAKE_SPEECH = """
window.__spoken = [];
function FakeUtterance(text) { this.text = text; this.lang = ""; this.voice = null; this.rate = 1; }
Object.defineProperty(window, "SpeechSynthesisUtterance", {value: FakeUtterance, configurable: true});
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  getVoices: function () { return [{lang: "zh-CN", name: "普通话"}]; },
  speak: function (u) { window.__spoken.push({text: u.text, lang: u.lang}); },
  cancel: function () {}, addEventListener: function () {}
}});
"""
NO_SPEECH = "delete Window.prototype.speechSynthesis; delete window.speechSynthesis;"


def _with_learner(setup):
    learner = make_learner(setup.village, teaching_class=setup.teaching_class, name="欧阳娜娜", birth_on=BIRTH)
    session = make_session(setup.teaching_class, held_on=today(), hours=4)
    mark_attendance(session, learner)
    db.session.flush()
    return learner, session


def _guarded(context, live_server, external):
    def guard(route):
        if route.request.url.startswith((live_server, "data:", "blob:")):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()
    context.route("**/*", guard)


def test_a_learner_scans_the_card_picks_the_birth_date_and_hears_the_progress(
        committed, log_in, browser, browser_context_args, live_server, tmp_path):
    setup = committed(build_class, 2)
    learner, session = committed(_with_learner, setup)

    # The class teacher prints a new card from the learner page.
    staff = log_in(setup.teacher.username, TEST_PASSWORD)
    staff.goto(f"/learners/{learner.id}")
    pdf = tmp_path / "card.pdf"

    def keep_the_pdf(route):        # the real answer, passed on to the browser and kept for the QR check
        response = route.fetch()
        pdf.write_bytes(response.body())
        route.fulfill(response=response)

    staff.context.route(f"**/learners/{learner.id}/card", keep_the_pdf)
    with staff.context.expect_page() as opened:
        staff.get_by_role("button", name="打印新学员证").click()
    opened.value.wait_for_load_state()
    opened.value.close()
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "card")], check=True)
    qr = [c.text for c in zxingcpp.read_barcodes(Image.open(tmp_path / "card.png").convert("RGB"))][0]
    assert "/my/" in qr

    # The same QR code signs the learner in on the attendance sheet.
    staff.goto(f"/sessions/{session.id}/attendance")
    staff.locator("#scanner summary").click()
    staff.get_by_label("输入学号签到").fill(qr)
    staff.get_by_role("button", name="签到", exact=True).click()
    assert "已签到：欧阳娜娜" in staff.locator("#scan-message").inner_text()

    # The learner's own phone: no login, WeChat opens the link.
    external: list[str] = []
    phone = browser.new_context(**browser_context_args)
    _guarded(phone, live_server, external)
    phone.add_init_script(FAKE_SPEECH)
    page = phone.new_page()
    page.goto(qr)
    assert page.get_by_text("请选出您的出生日期").is_visible()
    page.get_by_label("出生年份").select_option(str(BIRTH.year))
    page.get_by_label("出生月份").select_option(str(BIRTH.month))
    page.get_by_label("出生日").select_option("4")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "my-learning-birth-date.png"), full_page=True)
    page.get_by_role("button", name="查看我的学习").click()
    assert "出生日期不对" in page.get_by_role("alert").inner_text()
    page.get_by_label("出生日").select_option(str(BIRTH.day))
    page.get_by_role("button", name="查看我的学习").click()

    assert page.locator("#name-masked").inner_text() == "欧**娜"
    assert not page.locator("#name-full").is_visible()
    assert "还差" in page.locator("#shortfall").inner_text()
    assert "本月上课 1 天" in page.locator("#class-days").inner_text()
    box = page.locator("#my-learning").bounding_box()
    assert box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360      # nothing wider than the phone
    page.screenshot(path=str(SCREENSHOTS / "my-learning-page.png"), full_page=True)

    page.get_by_role("button", name="读给我听").click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "zh-CN"
    assert "还差" in spoken[0]["text"] and "本月上课 1 天" in spoken[0]["text"]

    page.get_by_role("button", name="显示全名").click()
    assert page.locator("#name-full").inner_text() == "欧阳娜娜"
    page.get_by_role("button", name="退出").click()
    assert page.get_by_text("请选出您的出生日期").is_visible()
    phone.close()
    assert external == []


def test_without_speech_synthesis_the_read_aloud_button_stays_hidden(
        committed, browser, browser_context_args, live_server):
    from lms.learners.services.cards import issue_card

    setup = committed(build_class, 1)
    _card, token = committed(issue_card, actor=None, learner=setup.learners[0])
    phone = browser.new_context(**browser_context_args)
    phone.add_init_script(NO_SPEECH)
    page = phone.new_page()
    page.goto(f"{live_server}/my/{token}")
    birth = setup.learners[0].birth_on
    page.get_by_label("出生年份").select_option(str(birth.year))
    page.get_by_label("出生月份").select_option(str(birth.month))
    page.get_by_label("出生日").select_option(str(birth.day))
    page.get_by_role("button", name="查看我的学习").click()
    assert page.locator("#shortfall").is_visible()
    assert not page.get_by_role("button", name="读给我听").is_visible()
    phone.close()
