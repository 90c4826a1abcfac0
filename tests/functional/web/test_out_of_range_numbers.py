"""Numbers no database column holds never reach the database: a path id too large, negative or not a number
is a 404, and such a query parameter (?page=, ?class_id= …) is ignored — never a 500 ("Python int too
large to convert to SQLite INTEGER"). Every GET endpoint of the permission matrix is requested."""
from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from lms.web.access import ALL_ROLES

HUGE = "99999999999999999999999"
IGNORED = {"static", "bootstrap.static"}
# Every integer query parameter a page reads (and a few a hand-made URL might add).
QUERY_INTS = ("page", "class", "class_id", "township", "township_id", "village", "village_id", "learner_id",
              "cohort", "specialty", "specialty_id", "batch_id", "course_id", "session_id", "kind_id", "job_id")


def _get_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in IGNORED),
                  key=lambda r: r.rule)


def _allowed(app, rule, args) -> list[str]:
    view = app.view_functions[rule.endpoint]
    if getattr(view, "public", False) or getattr(view, "api_purpose", None):   # the API answers anyone 401
        return ["admin"]
    roles_for = getattr(view, "roles_for", None)
    allowed = roles_for(**args) if roles_for else view.allowed_roles
    return [role for role in ALL_ROLES if role in allowed]


def test_a_path_id_no_column_holds_is_404_on_every_page(app, client, world):
    targets: dict[str, list[str]] = {}          # role → URLs, each endpoint tried by one role allowed on it
    for rule in _get_rules(app):
        args = {arg: world.in_scope[arg] for arg in rule.arguments}
        for name, converter in rule._converters.items():
            if not isinstance(converter, IntegerConverter):
                continue
            for bad in (int(HUGE), 2**63, -1):
                with app.test_request_context():
                    url = url_for(rule.endpoint, **{**args, name: bad})
                targets.setdefault(_allowed(app, rule, args)[0], []).append(url)
    assert sum(len(urls) for urls in targets.values()) > 30
    for role, urls in targets.items():
        client.login(world.users[role].username)
        for url in urls:
            status = client.get(url).status_code
            assert status == 404, f"{role} {url}: {status}"
        client.logout()


@pytest.mark.parametrize("bad", [HUGE, "-5", "x"])
def test_a_query_number_no_column_holds_is_ignored_on_every_page(app, client, world, bad):
    targets = []
    with app.test_request_context():
        for rule in _get_rules(app):
            args = {arg: world.in_scope[arg] for arg in rule.arguments}
            query = {name: bad for name in QUERY_INTS if name not in args}
            targets.append((url_for(rule.endpoint, **args, **query), _allowed(app, rule, args)))
    roles = ALL_ROLES if bad == HUGE else ("admin", "township")
    for role in roles:
        client.login(world.users[role].username)
        for url, allowed in targets:
            if role in allowed:
                status = client.get(url).status_code
                assert status < 500, f"{role} {url}: {status}"
        client.logout()


def test_single_township_staff_reach_their_township_whatever_township_id_says(client, world):
    client.login(world.users["township"].username)
    for raw in ("x", str(world.township_b.id), HUGE):
        response = client.get(f"/reports/?township_id={raw}&as_of=2026-12-01")
        assert response.status_code == 302, raw
        assert response.headers["Location"] == f"/reports/townships/{world.township_a.id}?as_of=2026-12-01"


# Every integer field a form posts (ids of choices, check boxes, the sheet's version …).
FORM_INTS = ("learner_id", "learner_ids", "learner", "teacher_id", "teaching_point_id", "specialty_id",
             "head_teacher_id", "course_id", "course_ids", "class_id", "village_id", "member_id", "version",
             "entry_ids", "to_specialty_id", "certificate_kind_id", "cohort", "batch_id", "early", "entry")


@pytest.mark.parametrize("bad", [HUGE, "-5"])
def test_a_posted_number_no_column_holds_is_refused_not_a_500(app, client, world, bad):
    targets = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "POST" not in rule.methods or rule.endpoint in ("auth.logout", "auth.login"):
                continue
            args = {arg: world.in_scope[arg] for arg in rule.arguments}
            targets.append((url_for(rule.endpoint, **args), _allowed(app, rule, args)))
    form = {name: bad for name in FORM_INTS}
    for role in ("registrar", "township", "teacher"):
        client.login(world.users[role].username)
        for url, allowed in targets:
            if role in allowed:
                status = client.post_form(url, form).status_code
                assert status < 500, f"{role} POST {url}: {status}"
        client.logout()
