"""The one permission table (lms/auth/permissions.py) as each role meets it: the menu offers exactly the pages
the role may open, each opens, and every page the role may open is reachable by following links from the
home page — nothing a role may use hides behind a URL typed by hand.

(The matrix of every endpoint × role is tests/functional/test_permissions.py; the scan that keeps role names
out of every other module is tests/unit/auth/test_one_permission_table.py.)
"""
from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from lms.auth.permissions import PERMISSIONS, roles_with
from lms.imports.registry import importer_classes
from lms.web.access import ALL_ROLES
from lms.web.nav import NAV_ITEMS

LINK = re.compile(r'(?:href|action)="(/[^"#]*)"')
TOP_BAR = re.compile(r'<a class="(?:nav-link|dropdown-item)(?: active)?" href="(/[^"]*)">([^<]+)</a>')
# Not followed: leaving, static files, and the public pages behind QR codes (rate-limited).
SKIP = ("/logout", "/static/", "/v/", "/verify/")
PER_ENDPOINT = 3        # pages opened per endpoint (a list of many learners needs a few, not all)


def _menu(client) -> dict[str, str]:
    """label → URL of the top bar's entries on the home page."""
    page = client.get("/").get_data(as_text=True)
    bar = page[page.index('id="mainNav"'):page.index("</ul>\n      <div")]
    return {label: url for url, label in TOP_BAR.findall(bar)}


def _endpoint(app, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method="GET")
    except (NotFound, MethodNotAllowed, RequestRedirect):     # a POST-only action, or not a page
        return None
    return endpoint


class _GetForms(HTMLParser):
    """The URL each `<form method="get">` of a page opens when its button is pressed as it stands."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path, self.urls, self._form, self._select = page_path, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = (attrs.get("action") or self.page_path, [])
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in ("checkbox", "radio", "submit", "button", "file"):
            self._form[1].append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select = [attrs["name"], None]
        if tag == "option" and self._select is not None and (self._select[1] is None or "selected" in attrs):
            self._select[1] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            self._form[1].append((self._select[0], self._select[1] or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            action, fields = self._form
            self.urls.append(f"{action}?{urlencode(fields)}")
            self._form = None


def _links(path: str, page: str) -> list[str]:
    """The page's GET links and the URLs of its GET forms (a search, a date to report on)."""
    forms = _GetForms(path)
    forms.feed(page)
    return [link.replace("&amp;", "&") for link in LINK.findall(page)] + forms.urls


def _walk(app, client) -> set[str]:
    """Endpoints of every GET link and form on the pages reachable from the home page (pages opened
    breadth-first, PER_ENDPOINT per endpoint)."""
    queue, seen, opened, linked = ["/"], {"/"}, Counter(), {"home.index"}
    while queue:
        url = queue.pop(0)
        response = client.get(url, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for link in _links(response.request.path, response.get_data(as_text=True)):
            path = urlsplit(link).path
            endpoint = _endpoint(app, path)
            if endpoint is None or path.startswith(SKIP):
                continue
            linked.add(endpoint)
            if link not in seen and opened[endpoint] < PER_ENDPOINT:
                seen.add(link)
                opened[endpoint] += 1
                queue.append(link)
    return linked


def _pages_without_parameters(app, role: str) -> set[str]:
    """GET endpoints with no URL parameter that `role` may open."""
    pages = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "GET" in rule.methods and not rule.arguments and role in getattr(view, "allowed_roles", ()):
            pages.add(rule.endpoint)
    return pages


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_menu_offers_exactly_the_pages_a_role_may_open_and_each_opens(app, client, world, role):
    client.login(world.users[role].username)
    menu = _menu(client)
    expected = [label for label, endpoint in NAV_ITEMS if role in app.view_functions[endpoint].allowed_roles]
    assert sorted(menu) == sorted(expected)
    for label, url in menu.items():
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, f"{role}: menu entry {label} ({url}) answered {response.status_code}"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_page_a_role_may_open_is_reachable_from_the_home_page(app, client, world, role):
    client.login(world.users[role].username)
    unreachable = _pages_without_parameters(app, role) - _walk(app, client)
    assert not unreachable, f"{role} may open {sorted(unreachable)}, but no link on its pages leads there"


def test_township_staff_and_enrollers_find_the_teaching_plans_in_the_menu(client, world):
    """They were admitted to the plans but the menu hid them: enrollers tell villagers what a specialty
    teaches, township staff schedule its courses and file exemptions against them."""
    for role in ("township", "enroller"):
        client.login(world.users[role].username)
        menu = _menu(client)
        assert "教学计划" in menu, role
        page = client.get(menu["教学计划"])
        assert page.status_code == 200 and "新增课程" not in page.get_data(as_text=True)
        client.logout()


def test_the_bureau_has_no_import_page(client, world):
    """The bureau reads; it imports nothing (no import kind is its), so the page is not its either."""
    client.login(world.users["bureau"].username)
    assert "数据导入" not in _menu(client)
    assert client.get("/imports/").status_code == 403


def test_the_audit_is_read_only_for_whoever_cannot_issue_from_it(client, world):
    for role, read_only in (("bureau", True), ("admin", True), ("registrar", False)):
        client.login(world.users[role].username)
        page = client.get("/graduation/audit").get_data(as_text=True)
        assert ("（只读）" in page) is read_only, role
        client.logout()


def test_the_import_page_is_for_exactly_the_roles_holding_some_import_kind():
    kinds = frozenset().union(*(roles_with(cls.capability) for cls in importer_classes().values()))
    assert roles_with("imports.view") == kinds


def test_every_capability_in_the_table_is_used(app):
    used = {getattr(view, "capability", None) for view in app.view_functions.values()}
    used |= {cls.capability for cls in importer_classes().values()}
    used.add("assessment.record_all")       # asked by lms/assessment/rights.py, not by a page
    assert set(PERMISSIONS) - used == set()
