"""The permission matrix: every endpoint × every role, anonymous access, and out-of-scope data → 404.

Endpoints are discovered from the URL map, so a new page is covered the moment it exists: it must
carry @requires(capability) or @public, and tests/world.py must hold a sample for each URL parameter. A
page admits the roles the table in lms/auth/permissions.py gives its capability (`view.allowed_roles`).
"""
from __future__ import annotations

import pytest
from flask import url_for

from lms import create_app
from lms.web.access import ALL_ROLES

IGNORED = {"static", "bootstrap.static"}
_URL_MAP_APP = create_app("testing")
ENDPOINTS = sorted({r.endpoint for r in _URL_MAP_APP.url_map.iter_rules() if r.endpoint not in IGNORED})
SCOPED_ROLES = ("township", "enroller", "teacher")


def _rule(app, endpoint):
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)


def _url(app, endpoint, samples):
    rule = _rule(app, endpoint)
    missing = [arg for arg in rule.arguments if arg not in samples]
    if missing:
        pytest.fail(f"tests/world.py has no sample for {missing} (needed by {endpoint})")
    args = {arg: samples[arg] for arg in rule.arguments}
    with app.test_request_context():
        return url_for(endpoint, **args), args


def _request(client, app, endpoint, url):
    rule = _rule(app, endpoint)
    if "GET" in rule.methods:
        return client.get(url)
    return client.post_form(url, {})


def _allowed(view, args) -> frozenset[str]:
    roles_for = getattr(view, "roles_for", None)
    return roles_for(**args) if roles_for else view.allowed_roles


def _keyed(app, endpoint) -> bool:
    """An API endpoint answering API keys, not sessions (lms.api.views): tests/functional/api covers every one
    × key purpose × area; here, no role's session opens it."""
    return getattr(app.view_functions[endpoint], "api_purpose", None) is not None


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_admits_exactly_its_roles(app, client, world, endpoint):
    view = app.view_functions[endpoint]
    url, args = _url(app, endpoint, world.in_scope)
    if _keyed(app, endpoint):
        for role in (None, *ALL_ROLES):
            if role:
                client.login(world.users[role].username)
            response = _request(client, app, endpoint, url)
            assert response.status_code == 401 and response.json["code"] == "unauthorized", (role, endpoint)
            if role:
                client.logout()
        return
    if getattr(view, "public", False):
        assert _request(client, app, endpoint, url).status_code < 500
        return
    assert hasattr(view, "allowed_roles"), f"{endpoint} has neither @requires nor @public"

    anonymous = _request(client, app, endpoint, url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"], endpoint

    allowed = _allowed(view, args)
    for role in ALL_ROLES:
        client.login(world.users[role].username)
        status = _request(client, app, endpoint, url).status_code
        if role in allowed:
            assert status not in (403, 404, 405, 500), f"{role} should reach {url}, got {status}"
        else:
            assert status == 403, f"{role} must not reach {url}, got {status}"
        client.logout()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_data_outside_the_users_scope_answers_404(app, client, world, endpoint):
    rule = _rule(app, endpoint)
    scoped_args = [arg for arg in rule.arguments if arg in world.out_of_scope]
    if not scoped_args:
        pytest.skip("no scoped object in this URL")
    view = app.view_functions[endpoint]
    url, args = _url(app, endpoint, {**world.in_scope, **world.out_of_scope})
    roles = [r for r in SCOPED_ROLES if r in _allowed(view, args)]
    if not roles:
        pytest.skip("no scoped role may use this endpoint")
    for role in roles:
        client.login(world.users[role].username)
        status = _request(client, app, endpoint, url).status_code
        assert status == 404, f"{role} of 甲镇 reached {url} of 乙镇: {status}"
        client.logout()


def test_post_without_csrf_token_is_refused_and_writes_nothing(app, client, world):
    from sqlalchemy import func, select

    from lms.audit.models import AuditEvent
    from lms.extensions import db

    client.login(world.users["admin"].username)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    # API endpoints read no cookie (an API key is the credential), so CSRF does not apply to them.
    posts = [e for e in ENDPOINTS if "POST" in _rule(app, e).methods and not _keyed(app, e)]
    assert posts, "there are state-changing endpoints to check"
    for endpoint in posts:
        url, _ = _url(app, endpoint, world.in_scope)
        response = client.post(url, data={"name": "x"})
        assert response.status_code == 400, f"{endpoint} accepted a POST without CSRF token"
        assert "CSRF" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
