"""The top bar groups a role's pages so they fit a laptop's width, and marks where the user is."""
from __future__ import annotations

import re

TOGGLE = re.compile(r'<a class="nav-link dropdown-toggle( active)?"[^>]*>([^<]+)</a>')
ITEM = re.compile(r'<a class="dropdown-item( active)?" href="[^"]*">([^<]+)</a>')
PLAIN = re.compile(r'<li class="nav-item"><a class="nav-link( active)?" href="[^"]*">([^<]+)</a></li>')


def top_bar(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return page[page.index('id="mainNav"'):page.index("</ul>\n      <div")]


def test_the_registrar_sees_groups_and_the_one_holding_this_page_is_active(client, login_as):
    login_as("registrar")
    bar = top_bar(client, "/graduation/audit")
    groups = {label: bool(active) for active, label in TOGGLE.findall(bar)}
    assert groups == {"招生": False, "教学": False, "考核": True, "证书": False}
    exam = bar[bar.index(">考核</a>"):]
    exam = exam[:exam.index("</ul>")]
    assert [(label, bool(active)) for active, label in ITEM.findall(exam)] == [
        ("政策设置", False), ("考核录入", False), ("免修免考", False), ("毕业审核", True)]


def test_a_group_with_a_single_page_for_this_role_is_a_plain_link(client, login_as):
    login_as("township", divisions=[])
    bar = top_bar(client, "/")
    plain = [label for _active, label in PLAIN.findall(bar)]
    assert plain == ["首页", "数据看板", "免修免考", "证书"]    # 免修免考, 证书: the only page of their group
    assert [label for _a, label in TOGGLE.findall(bar)] == ["招生", "教学"]
