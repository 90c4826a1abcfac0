"""The navigation menu: (label, endpoint). Each domain adds its entries here.

An entry shows to whoever may open its page: the capability the page's `@requires` names (the table in
lms/auth/permissions.py), so the menu never offers a page that answers 403, nor hides one a role may use.
"""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

from lms.auth.permissions import capabilities_key
from lms.web.access import can

NAV_ITEMS: list[tuple[str, str]] = [
    ("首页", "home.index"),
    ("数据看板", "reports.dashboard"),
    ("名册与走访", "roster.index"),
    ("学员", "learners.index"),
    ("区划与教学点", "geo.divisions"),
    ("班级", "teaching.classes"),
    ("我的课", "offline.my_sessions"),
    ("教学计划", "plans.index"),
    ("政策设置", "policies.index"),
    ("数据导入", "imports.index"),
    ("督查核查", "inspection.index"),
    ("考核录入", "assessment.index"),
    ("免修免考", "recognition.index"),
    ("毕业审核", "graduation.audit"),
    ("证书", "certificates.index"),
    ("毕业批次", "batches.index"),
    ("用户管理", "users.index"),
    ("系统设置", "settings.index"),
    ("操作日志", "audit.index"),
    ("接口密钥", "keys.index"),
]


# Menu groups for the top bar (endpoint → group label): thirteen links do not fit a laptop's bar.
# Entries not listed here stand alone; a group the user has only one entry of shows that entry alone.
NAV_GROUPS: dict[str, str] = {
    "roster.index": "招生", "learners.index": "招生", "geo.divisions": "招生",
    "teaching.classes": "教学", "offline.my_sessions": "教学", "plans.index": "教学", "imports.index": "教学",
    "inspection.index": "教学",
    "assessment.index": "考核", "recognition.index": "考核", "graduation.audit": "考核", "policies.index": "考核",
    "certificates.index": "证书", "batches.index": "证书",
    "users.index": "系统", "settings.index": "系统", "audit.index": "系统",
    "keys.index": "系统",
}


def nav_menu_for_current_user() -> list[dict]:
    """The top bar: the user's entries, grouped as NAV_GROUPS says ({"label", "children"} for a group)."""
    menu: list[dict] = []
    groups: dict[str, dict] = {}
    for item in nav_for_current_user():
        group = NAV_GROUPS.get(item["endpoint"])
        if group is None:
            menu.append(item)
        elif group in groups:
            groups[group]["children"].append(item)
        else:
            groups[group] = {"label": group, "children": [item]}
            menu.append(groups[group])
    return [entry["children"][0] if len(entry.get("children", ())) == 1 else entry for entry in menu]


def nav_for_current_user() -> list[dict]:
    """The menu entries the logged-in user may open."""
    if not current_user.is_authenticated or current_user.must_change_password:
        return []           # every entry would lead back to the change-password page
    # The same for every user of a role (the capability table decides): built once per role and root URL.
    built = current_app.extensions.setdefault("lms.nav", {})
    key = (capabilities_key(current_user._get_current_object()), request.script_root)
    if key not in built:
        views = current_app.view_functions
        built[key] = tuple({"label": label, "url": url_for(endpoint), "endpoint": endpoint}
                           for label, endpoint in NAV_ITEMS if can(views[endpoint].capability))
    return [dict(item) for item in built[key]]
