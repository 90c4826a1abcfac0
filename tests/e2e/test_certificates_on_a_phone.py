"""On a 360-px phone: the registrar goes from the eligible list to a printed batch PDF; anyone verifies a
certificate online; the offline page checks a code with no network once visited."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from pypdf import PdfReader

from lms.certificates import services
from lms.certificates.rendering import qr_text
from lms.certificates.services import jobs
from lms.certificates.signing import load_private_key
from lms.core.clock import today
from lms.extensions import db
from tests.factories import make_county, make_learner, make_township, make_user, make_village
from tests.factories.certificates import issued_study_records, make_graduate, withdraw
from tests.support.client import TEST_PASSWORD

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def graduates(app, committed):
    """Three learners whose study period ended with everything R11 asks recorded (hours, passed courses
    and assignments, moral evaluation), so the graduation audit says 毕业."""
    def build():
        village = make_village(make_township(make_county("示例县"), "清水镇"), "上寨村")
        people = [make_learner(village, name=name, enrolled_on=date(2022, 3, 1))
                  for name in ("王德才", "阿卜杜拉·买买提", "李堃")]
        return [make_graduate(person) for person in people]

    return committed(build)


def test_registrar_goes_from_the_eligible_list_to_a_printed_batch(graduates, committed, log_in, screenshot,
                                                                  live_server, tmp_path):
    registrar = committed(make_user, "registrar")
    page = log_in(registrar.username, TEST_PASSWORD)
    page.goto(f"{live_server}/certificates/")
    page.get_by_role("link", name="新建毕业批次").click()
    for learner in graduates:
        assert page.get_by_text(learner.name, exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("certificates-eligible-list-phone")
    page.get_by_label("批次名称").fill("2025年毕业批次")
    page.get_by_role("button", name="建立批次").click()
    assert "3 名学员没有照片" in page.locator("#photo-warning").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("certificates-batch-photo-warning-phone")
    page.get_by_role("button", name="报州教育局验印").click()
    assert "无照片打印" in page.locator(".alert-danger").inner_text()          # refused until chosen
    page.get_by_label("无照片打印").check()
    page.get_by_role("button", name="报州教育局验印").click()
    page.get_by_label("验印文号").fill("示州教验〔2025〕8号")
    page.get_by_role("button", name="登记验印").click()
    page.get_by_role("button", name="编号并发证").click()
    prefix = f"520000{today().year % 100:02d}"
    assert page.locator("#confirm-summary").inner_text() == f"将发放 3 份毕业证书，编号 {prefix}0001 至 {prefix}0003。"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("certificates-confirm-issue-phone")
    page.get_by_role("button", name="确认发放 3 份").click()
    assert "已编号发证 3 份" in page.locator(".alert-success").inner_text()
    assert "本机或内网地址" in page.locator("#qr-base-warning").inner_text()      # served from 127.0.0.1
    screenshot("certificates-batch-issued-phone")
    page.get_by_role("button", name="批量打印（一个 PDF）").click()
    download_link = page.get_by_role("link", name="下载 PDF")
    download_link.wait_for()
    assert page.locator("#job-bar").inner_text() == "100%"
    screenshot("certificates-print-job-phone")
    with page.expect_download() as download:
        download_link.click()
    path = tmp_path / "batch.pdf"
    download.value.save_as(path)
    texts = [p.extract_text() for p in PdfReader(path).pages]
    assert [f"{prefix}000{i}" in text for i, text in enumerate(texts, start=1)] == [True, True, True]
    page.get_by_role("link", name="返回批次").click()
    page.get_by_role("link", name=f"{prefix}0001").click()
    assert page.locator("h1").inner_text() == f"毕业证书 {prefix}0001"
    page.wait_for_load_state("load")          # measured with its stylesheet applied, on a busy machine too
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("certificates-detail-phone")
    page.get_by_label("撤销原因").fill("姓名有误，已收回原件")
    page.get_by_role("button", name="撤销", exact=True).click()
    assert page.locator("#confirm-summary").inner_text() == f"将撤销毕业证书 {prefix}0001（王德才）。"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("certificates-confirm-revoke-phone")
    page.get_by_role("button", name="确认撤销").click()
    assert "已撤销证书" in page.locator(".alert-success").inner_text()
    page.goto(f"{live_server}/certificates/exports")
    screenshot("certificates-exports-phone")


def _study_record(committed):
    def build():
        village = make_village(make_township(make_county("示例县"), "石桥乡"), "高坡村")
        learner = withdraw(make_learner(village, name="王德才", enrolled_on=date(2022, 3, 1)), date(2024, 5, 10))
        return issued_study_records(None, [learner], issued_on=date(2025, 7, 1)).members[0].certificate

    return committed(build)


def test_anyone_verifies_a_certificate_on_a_phone_and_sees_a_revocation(committed, offline_page, live_server,
                                                                        screenshot):
    certificate = _study_record(committed)
    offline_page.goto(f"{live_server}/v/{certificate.token}")
    assert "有效" in offline_page.locator(".alert").inner_text()
    assert "王*才" in offline_page.content() and certificate.snapshot["id_number"] not in offline_page.content()
    assert offline_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("certificates-verify-valid-phone")
    db.session.rollback()       # end this session's read snapshot: the server has written since (SQLite)
    committed(services.revoke_certificate, actor=None, certificate=certificate, reason="发证信息有误",
              revoked_on=date(2025, 9, 1))
    offline_page.reload()
    assert "已撤销" in offline_page.locator(".alert").inner_text()
    assert "发证信息有误" in offline_page.locator(".alert").inner_text()
    screenshot("certificates-verify-revoked-phone")


def test_the_offline_page_checks_a_code_with_no_network_once_visited(committed, page, context, live_server):
    certificate = _study_record(committed)
    text = qr_text(certificate, base_url=live_server, private_key=load_private_key(current_app.config["DATA_DIR"]))
    page.goto(f"{live_server}/verify/offline")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()                                  # now controlled by the service worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    try:
        page.reload()
        page.get_by_label("或粘贴二维码内容").fill(text)
        page.get_by_role("button", name="核验").click()
        result = page.locator("#result .alert")
        assert result.get_attribute("data-ok") == "true"
        assert "签名有效" in result.inner_text() and certificate.number in result.inner_text()
        assert "王*才" in result.inner_text()
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "certificates-offline-valid-phone.png"), full_page=True)
        url, payload = text.split("#")
        tampered = payload.replace(payload[5], "A" if payload[5] != "A" else "B", 1)
        page.get_by_label("或粘贴二维码内容").fill(f"{url}#{tampered}")
        page.get_by_role("button", name="核验").click()
        assert result.get_attribute("data-ok") == "false" and "签名无效" in result.inner_text()
    finally:
        context.set_offline(False)


def test_the_offline_page_dates_its_revocation_list_by_chinas_calendar(offline_page, live_server):
    """17:30 UTC on 6 December is already 7 December in China: the note names the 7th."""
    def late_evening_utc(route):
        route.fulfill(json={"as_of": "2026-12-06T17:30:00+00:00", "numbers": []})

    offline_page.route("**/verify/revoked.json", late_evening_utc)
    offline_page.goto(f"{live_server}/verify/offline")
    note = offline_page.locator("#revocation-note")
    note.filter(has_text="撤销名单更新于").wait_for()
    assert note.inner_text() == "撤销名单更新于 2026年12月7日。"


def test_a_print_job_that_finishes_while_watched_offers_only_the_download(committed, log_in, live_server):
    """The worker finishes while the registrar watches the progress bar: 继续生成 goes away with it."""
    certificate = _study_record(committed)
    registrar = committed(make_user, "registrar")
    job = committed(jobs.create_render_job, actor=None, label="写实性学习证明批次", batch=certificate.batch,
                    certificate_ids=[certificate.id], base_url=live_server)
    page = log_in(registrar.username, TEST_PASSWORD)
    page.goto(f"{live_server}/certificates/jobs/{job.id}")
    assert page.get_by_role("button", name="继续生成").is_visible()      # queued: a stalled worker can be nudged
    db.session.rollback()       # end this session's read snapshot: the server has written since (SQLite)
    jobs.run_render_job(job.id)                                           # the worker, in this process (commits)
    page.get_by_role("link", name="下载 PDF").wait_for()
    assert not page.get_by_role("button", name="继续生成").is_visible()
