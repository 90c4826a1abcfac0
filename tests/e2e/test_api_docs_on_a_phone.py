"""The API's documentation page on a 360-px phone: Swagger UI from static/ draws every operation of the generated
document, and nothing leaves 127.0.0.1 (offline_page fails on any such request)."""
from __future__ import annotations


def test_the_api_documentation_page_shows_every_operation_from_local_assets(offline_page, live_server, screenshot):
    errors = []
    offline_page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    offline_page.goto(f"{live_server}/api/v1/docs")
    offline_page.wait_for_selector(".opblock-summary-path")
    paths = offline_page.locator(".opblock-summary-path").all_inner_texts()
    assert {path.replace("\u200b", "") for path in paths} == {
        "/api/v1/platform-records", "/api/v1/learners/{student_number}", "/api/v1/certificates",
        "/api/v1/verify/{token}"}
    assert "双提升学员管理系统接口" in offline_page.locator(".info .title").inner_text()
    width = offline_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    assert errors == []
    screenshot("api-docs-phone")
