"""Users read plain Chinese: no rule codes (R4, R6 …) and no hour-category letters (F, L, P, S) on any page.

Every page of the test world is rendered for every role that may open it; a code may stay only in a
tooltip (a title attribute), for readers of the specification.
"""
from __future__ import annotations

import html
import re

from flask import url_for

from lms.web.access import ALL_ROLES

RULE_CODE = re.compile(r"\bR\d{1,2}\b")
# A lone F/L/P/S in the text a user reads (not part of a word such as PDF or Excel).
CATEGORY_LETTER = re.compile(r"(?<![A-Za-z0-9_.])[FLPS](?![A-Za-z0-9_])")
TITLE_ATTRIBUTE = re.compile(r'\stitle="[^"]*"')
NOT_READ = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<svg\b.*?</svg>", re.S)
TAG = re.compile(r"<[^>]+>")


def _pages(app, client, world):
    """(role, url, html) of every GET page of the world each role may open."""
    with app.test_request_context():
        targets = []
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("static", "bootstrap.static"):
                continue
            view = app.view_functions[rule.endpoint]
            args = {arg: world.in_scope[arg] for arg in rule.arguments}
            roles_for = getattr(view, "roles_for", None)
            allowed = roles_for(**args) if roles_for else getattr(view, "allowed_roles", ())
            targets.append((url_for(rule.endpoint, **args), sorted(allowed)))
    for role in ALL_ROLES:
        client.login(world.users[role].username)
        for url, allowed in targets:
            if role not in allowed:
                continue
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                yield role, url, response.get_data(as_text=True)
        client.logout()


def _shown(page: str) -> str:
    """The page without title attributes (tooltips) and without scripts, styles and chart drawings."""
    return TITLE_ATTRIBUTE.sub("", NOT_READ.sub("", page))


def _around(text: str, match) -> str:
    return re.sub(r"\s+", " ", text[max(0, match.start() - 40):match.end() + 20])


def test_no_page_shows_a_rule_code_or_an_hour_category_letter(app, client, world):
    found = []
    pages = 0
    for role, url, page in _pages(app, client, world):
        pages += 1
        shown = _shown(page)
        found += [(role, url, _around(shown, m)) for m in RULE_CODE.finditer(shown)]
        text = html.unescape(TAG.sub(" ", shown))
        found += [(role, url, _around(text, m)) for m in CATEGORY_LETTER.finditer(text)]
    assert pages > 100, "the world's pages were rendered"
    assert found == [], "\n".join(f"{role} {url}: …{context}…" for role, url, context in found)


def test_a_rule_is_named_in_chinese_with_its_code_in_the_tooltip(client, login_as, world):
    client.login(world.users["teacher"].username)
    page = client.get(f"/classes/{world.class_a.id}").get_data(as_text=True)
    assert 'title="R4">集中授课频次' in page
