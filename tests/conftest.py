"""Fixtures that read like sentences: app, client, login_as(role), world, count_queries, live_server.

The database is created once per run (SQLite file by default; PostgreSQL when
LMS_TEST_DATABASE_URL is set). Every test runs inside a transaction that is rolled back
afterwards — requests commit to a SAVEPOINT — so tests never see each other's data.
Browser tests (marked e2e) need real commits for the live server: they reset the tables instead.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.serving import make_server

from lms import create_app
from lms.core import clock
from lms.core.db import forget_transaction_caches
from lms.extensions import db
from tests.support.client import CsrfClient
from tests.support.database import reset_database, seed_baseline

# The day the suite runs "as on": tests never read the calendar. LMS_TEST_TODAY=2028-02-29 runs the
# whole suite as on another day (every test must pass on any day it is given).
TEST_TODAY = date.fromisoformat(os.environ.get("LMS_TEST_TODAY") or "2026-12-07")


_SWEEP_MODULE = pytest.StashKey()
_PASSED = pytest.StashKey()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember whether the test itself passed (its teardown checks the summaries only then)."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_PASSED] = report.passed


def pytest_collection_modifyitems(config, items):
    """The demo's calendar sweep runs last and starts now, in worker processes beside the suite."""
    sweep = [item for item in items if item.path.name == "test_demo_any_day.py"]
    if not sweep:
        return
    items[:] = [item for item in items if item not in sweep] + sweep
    if not os.environ.get("LMS_TEST_DATABASE_URL") and not config.option.collectonly:
        with clock.frozen_at(TEST_TODAY):
            sweep[0].module.start_sweep()
        config.stash[_SWEEP_MODULE] = sweep[0].module


def pytest_sessionfinish(session):
    """Stop the sweep's workers when the run ends early (-x, Ctrl+C) instead of waiting for every day."""
    module = session.config.stash.get(_SWEEP_MODULE, None)
    if module is not None:
        module.stop_sweep()


@pytest.fixture(scope="session", autouse=True)
def _the_suites_day():
    """Fix `lms.core.clock.today()` for the whole run (a live server's threads see it too)."""
    clock.set_today(TEST_TODAY)
    yield TEST_TODAY
    clock.set_today(None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'lms-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATA_DIR": str(tmp_path_factory.mktemp("data")),
    })
    app.test_client_class = CsrfClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_baseline()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _isolated_database(request, app):
    """Run each test in a transaction rolled back at the end (e2e and `commits` tests reset tables instead)."""
    if request.node.get_closest_marker("e2e") or request.node.get_closest_marker("commits"):
        yield
        with app.app_context():
            reset_database()
        return
    with app.app_context():
        engines = db._app_engines[app]   # Flask-SQLAlchemy 3 ignores session binds: patch its engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        try:
            yield
            if request.node.stash.get(_PASSED, False):
                # What the test wrote is rolled back, never committed: check its writes were declared here.
                from lms.summaries import assert_declared

                assert_declared(db.session)
        finally:
            db.session.remove()
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app) -> CsrfClient:
    return app.test_client()


@pytest.fixture
def login_as(client):
    """login_as("township", divisions=[...]) creates a user with that role and logs the client in."""
    from tests.factories import make_user

    def login(role_or_user, **scope):
        user = role_or_user if not isinstance(role_or_user, str) else make_user(role_or_user, **scope)
        client.login(user.username)
        return user

    return login


@pytest.fixture
def world(app):
    """Two townships' worth of data; users of every role scoped to township A (see tests/world.py)."""
    from tests.world import build_world

    return build_world()


@pytest.fixture
def count_queries():
    """with count_queries() as statements: … — the SQL statements executed inside the block."""

    @contextmanager
    def counting():
        # Count what the block costs from a fresh start: earlier writes go out first, and the values a
        # transaction reads once (policies, settings) are read again, as by a new request.
        db.session.flush()
        forget_transaction_caches(db.session)
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                statements.append(statement)

        event.listen(Engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(Engine, "before_cursor_execute", before)

    return counting


# --- browser tests -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(app):
    """The app served on 127.0.0.1 on a free port in a thread, for Playwright."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A 360-px-wide phone, in Chinese.
    return {**browser_context_args, "viewport": {"width": 360, "height": 740}, "locale": "zh-CN",
            "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def offline_page(page, live_server):
    """A Playwright page that aborts — and records — every request not addressed to 127.0.0.1."""
    external: list[str] = []

    def guard(route):
        if route.request.url.startswith(live_server) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.external_requests = external
    yield page
    assert external == [], f"pages requested external resources: {external}"
