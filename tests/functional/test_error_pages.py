"""Errors are shown in Chinese."""
from __future__ import annotations

from lms import create_app


def test_404_page_is_chinese(client, login_as):
    login_as("admin")
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_403_page_is_chinese(client, login_as):
    login_as("teacher")
    response = client.get("/users/")
    assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)


def test_500_page_is_chinese(tmp_path):
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://", "DATA_DIR": str(tmp_path),
                                           "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500 and "系统出错了" in response.get_data(as_text=True)


def test_pages_forbid_third_party_resources(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
