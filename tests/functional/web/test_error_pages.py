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


def _production_like_app(tmp_path):
    """An app on its own database that answers errors as production does (nothing propagates to the test)."""
    return create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'errors.sqlite3'}", "DATA_DIR": str(tmp_path / "data"),
        "TESTING": False, "PROPAGATE_EXCEPTIONS": False})


def _signed_in_client_of_a_broken_database(app):
    """A signed-in client, then the database stops answering (its tables are gone: as when it is locked,
    lost or damaged), so every query — loading the signed-in user too — raises OperationalError."""
    from lms.extensions import db
    from tests.factories import make_user
    from tests.support.client import CsrfClient

    app.test_client_class = CsrfClient
    client = app.test_client()
    with app.app_context():
        db.create_all()
        username = make_user("admin").username
        db.session.commit()
    client.login(username)
    with app.app_context():
        db.drop_all()
    return client


def _is_the_styled_error_page(response) -> bool:
    page = response.get_data(as_text=True)
    return (response.status_code == 500 and "系统出错了" in page and 'lang="zh-CN"' in page
            and "/static/css/app.css" in page and "bootstrap.min.css" in page)


def test_a_database_error_while_loading_the_user_and_again_in_the_error_page_is_still_styled(tmp_path):
    app = _production_like_app(tmp_path)
    client = _signed_in_client_of_a_broken_database(app)
    # Loading the user fails before the view runs, and the error page's menu would load the user again.
    assert _is_the_styled_error_page(client.get("/learners/"))
    assert _is_the_styled_error_page(client.get("/learners/", headers={"Accept": "text/html"}))


def test_a_database_error_outside_any_view_gets_the_styled_error_page(tmp_path):
    from sqlalchemy.exc import OperationalError

    app = _production_like_app(tmp_path)
    signed_in = []

    @app.before_request
    def locked():
        if signed_in:
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    client = _signed_in_client_of_a_broken_database(app)
    signed_in.append(True)
    assert _is_the_styled_error_page(client.get("/"))


def test_an_error_raised_by_an_error_handler_gets_the_styled_error_page(tmp_path):
    app = _production_like_app(tmp_path)

    @app.errorhandler(ValueError)
    def broken_handler(_error):
        raise RuntimeError("the handler itself failed")

    @app.get("/boom")
    def boom():
        raise ValueError("boom")

    client = _signed_in_client_of_a_broken_database(app)
    assert _is_the_styled_error_page(client.get("/boom"))


def test_pages_forbid_third_party_resources(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
