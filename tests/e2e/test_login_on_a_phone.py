"""A user logs in on a 360-px phone and sees the home page in Chinese; nothing leaves 127.0.0.1."""
from __future__ import annotations

from tests.factories import make_user
from tests.support.client import TEST_PASSWORD


def test_registrar_logs_in_on_a_phone_and_sees_a_chinese_home_page(committed, log_in, screenshot):
    user = committed(make_user, "registrar")
    page = log_in(user.username, TEST_PASSWORD)
    assert page.locator("h1").inner_text().startswith("您好")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    page.get_by_role("button", name="展开菜单").click()
    page.locator("#mainNav").get_by_role("button", name="招生").click()      # the menu group
    page.locator("#mainNav").get_by_role("link", name="区划与教学点").click()
    assert page.locator("h1").inner_text() == "区划与教学点"
    screenshot("home-registrar-phone")


def test_wrong_password_shows_a_chinese_message(committed, offline_page, live_server):
    user = committed(make_user, "teacher")
    offline_page.goto(f"{live_server}/login")
    offline_page.get_by_label("用户名").fill(user.username)
    offline_page.get_by_label("密码").fill("wrong-password-1")
    offline_page.get_by_role("button", name="登录").click()
    assert "用户名或密码不正确" in offline_page.locator(".alert-danger").inner_text()
