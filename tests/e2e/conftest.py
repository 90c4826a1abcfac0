"""Browser-test helpers: log in through the real form; screenshots go to tests/e2e/screenshots/."""
from __future__ import annotations

from pathlib import Path

import pytest

from lms.extensions import db

SCREENSHOTS = Path(__file__).parent / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def committed(app):
    """committed(make_x, ...) runs a builder and commits, so the live server sees the data.

    An app context stays open for the whole test, so the returned objects remain usable.
    """
    with app.app_context():
        def build(function, *args, **kwargs):
            result = function(*args, **kwargs)
            db.session.commit()
            return result

        yield build
        db.session.remove()


@pytest.fixture
def log_in(offline_page, live_server):
    """log_in(username, password) through the login form on the phone-sized page."""

    def login(username: str, password: str):
        offline_page.goto(f"{live_server}/login")
        offline_page.get_by_label("用户名").fill(username)
        offline_page.get_by_label("密码").fill(password)
        offline_page.get_by_role("button", name="登录").click()
        offline_page.wait_for_url(f"{live_server}/")
        return offline_page

    return login


@pytest.fixture
def screenshot(offline_page):
    def shot(name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        offline_page.screenshot(path=str(path), full_page=True)
        return path

    return shot
