"""One transaction per request, ended in one place (lms.web.transaction): a request that answers commits
what it wrote although its view never commits; one that raises, answers 4xx or cannot commit leaves
nothing written and shows the styled error page. No view module commits or rolls back."""
from __future__ import annotations

import ast
import inspect
import sqlite3
import sys
from pathlib import Path

import pytest
from flask import abort, flash, redirect
from flask_login import current_user

from lms import PROJECT_ROOT, create_app
from lms.core.errors import DomainError
from lms.extensions import db
from lms.geo.models import Division
from lms.geo.services import create_division
from lms.web.access import requires
from lms.web.transaction import on_commit
from tests.factories import make_user
from tests.support.client import CsrfClient

LMS = PROJECT_ROOT / "lms"


def _view_modules(app) -> set[Path]:
    """lms/*/views.py, lms/*/views/*.py and the module of every view function registered in the app."""
    modules = {*LMS.glob("*/views.py"), *LMS.glob("*/views/*.py")}
    for view in app.view_functions.values():
        source = Path(sys.modules[inspect.unwrap(view).__module__].__file__)
        if source.is_relative_to(LMS):
            modules.add(source)
    return modules


def _transaction_calls(path: Path) -> list[str]:
    return [f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} .{node.func.attr}()"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "rollback")]


def test_no_view_module_commits_or_rolls_back(app):
    modules = _view_modules(app)
    assert len(modules) >= 20 and LMS / "certificates" / "views" / "verify.py" in modules
    offenders = [call for path in sorted(modules) for call in _transaction_calls(path)]
    assert offenders == [], ("the request's transaction is ended in one place (lms.web.transaction); "
                             "a view runs its service in `with saving(form)`")


def _caught_domain_errors(path: Path) -> list[str]:
    """The `except` clauses of a module that catch a DomainError (or a subclass), by the names it imported."""
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    module = sys.modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)]

    def resolve(node):
        if isinstance(node, ast.Name):
            return getattr(module, node.id, None)
        if isinstance(node, ast.Attribute):
            return getattr(resolve(node.value), node.attr, None)
        return None

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            if any(isinstance(t := resolve(each), type) and issubclass(t, DomainError) for each in types):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    return found


def test_a_domain_error_reaches_the_user_one_way(app):
    """Through `with saving(...)` (a form error, a flash, or 403/404), never a view's own `except`."""
    offenders = [line for path in sorted(_view_modules(app)) for line in _caught_domain_errors(path)]
    assert offenders == []


# --- an app on a database of its own: its commits are real, read back through a connection of its own ---

@pytest.fixture(scope="module")
def own_app(tmp_path_factory):
    """An app answering errors as in production, with a POST that writes (a division, audited, flushed)
    and then raises, answers 403, breaks its commit, or answers."""
    folder = tmp_path_factory.mktemp("own")
    path = folder / "own.sqlite3"
    app = create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "DATA_DIR": str(folder / "data"),
        "TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    app.test_client_class = CsrfClient
    app.database, app.called_back = path, []

    @app.post("/trial/<outcome>")
    @requires("divisions.manage")
    def trial(outcome: str):
        create_division(actor=current_user, code="522327000000", name="试验县")
        on_commit(lambda: app.called_back.append(_divisions(path)))
        if outcome == "raises":
            raise RuntimeError("after the flush")
        if outcome == "refused":
            abort(403)
        if outcome == "commit-fails":       # left for the commit's flush, which breaks the unique code
            db.session.add(Division(code="522327000000", name="同码县", level="county"))
        flash("已保存。", "success")
        return redirect("/")

    with app.app_context():
        db.create_all()
        app.admin = make_user("admin").username
        db.session.commit()
    return app


@pytest.fixture
def server(own_app):
    """(app, a signed-in admin's client, the database file), with no division written yet."""
    with sqlite3.connect(own_app.database) as connection:
        connection.execute("DELETE FROM divisions")
        connection.execute("DELETE FROM audit_events")
    own_app.called_back.clear()
    client = own_app.test_client()
    client.login(own_app.admin)
    return own_app, client, own_app.database


def _divisions(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM divisions ORDER BY code")]


def _audited(path: Path, action: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM audit_events WHERE action = ?", (action,)).fetchone()[0]


def _is_the_styled_error_page(response, code: int, title: str) -> bool:
    page = response.get_data(as_text=True)
    return (response.status_code == code and title in page and 'lang="zh-CN"' in page
            and "/static/css/app.css" in page and "Location" not in response.headers)


def test_a_successful_post_is_committed_though_the_view_never_commits(server):
    _app, client, path = server
    response = client.post_form("/divisions/new", {"code": "522327000000", "name": "试验县"})
    assert response.status_code == 302
    assert _divisions(path) == ["试验县"] and _audited(path, "division.create") == 1


def test_work_handed_to_on_commit_runs_once_the_writes_are_committed(server):
    app, client, path = server
    assert client.post_form("/trial/answers").status_code == 302
    assert app.called_back == [["试验县"]]
    assert "已保存。" in client.get("/").get_data(as_text=True)


def test_a_request_raising_after_a_flush_leaves_nothing_written(server):
    app, client, path = server
    assert _is_the_styled_error_page(client.post_form("/trial/raises"), 500, "系统出错了")
    assert _divisions(path) == [] and _audited(path, "division.create") == 0
    assert app.called_back == []


def test_a_request_answered_4xx_after_a_flush_leaves_nothing_written(server):
    app, client, path = server
    assert _is_the_styled_error_page(client.post_form("/trial/refused"), 403, "没有权限")
    assert _divisions(path) == [] and _audited(path, "division.create") == 0
    assert app.called_back == []


@pytest.mark.parametrize("accept", ["text/html", "*/*"])
def test_a_commit_that_fails_sends_the_styled_error_page_and_not_the_views_answer(server, accept):
    app, client, path = server
    response = client.post_form("/trial/commit-fails", headers={"Accept": accept})
    assert _is_the_styled_error_page(response, 500, "系统出错了")
    assert "已保存。" not in response.get_data(as_text=True)        # what the view flashed is not shown
    assert _divisions(path) == [] and _audited(path, "division.create") == 0
    assert app.called_back == []
    assert "已保存。" not in client.get("/").get_data(as_text=True)
    assert client.post_form("/trial/answers").status_code == 302, "the next request works"
    assert _divisions(path) == ["试验县"]
