"""The navigation menu: (label, endpoint, roles). Each domain adds its entries here."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

NAV_ITEMS: list[tuple[str, str, tuple[str, ...]]] = [
    ("首页", "home.index", ("admin", "bureau", "township", "enroller", "teacher", "registrar")),
    ("数据看板", "reports.dashboard", ("admin", "bureau", "township", "registrar")),
    ("名册与走访", "roster.index", ("admin", "bureau", "township", "enroller", "registrar")),
    ("学员", "learners.index", ("admin", "bureau", "township", "enroller", "teacher", "registrar")),
    ("区划与教学点", "geo.divisions", ("admin", "bureau", "township", "enroller", "registrar")),
    ("班级", "teaching.classes", ("admin", "bureau", "township", "enroller", "teacher", "registrar")),
    ("教学计划", "plans.index", ("admin", "bureau", "teacher", "registrar")),
    ("政策设置", "policies.index", ("admin", "bureau", "registrar")),
    ("数据导入", "imports.index", ("admin", "township", "enroller", "teacher", "registrar")),
    ("考核录入", "assessment.index", ("teacher", "registrar")),
    ("免修免考", "recognition.index", ("admin", "bureau", "township", "teacher", "registrar")),
    ("毕业审核", "graduation.audit", ("admin", "bureau", "registrar")),
    ("证书", "certificates.index", ("admin", "bureau", "township", "registrar")),
    ("毕业批次", "batches.index", ("admin", "bureau", "registrar")),
    ("用户管理", "users.index", ("admin",)),
    ("系统设置", "settings.index", ("admin",)),
    ("操作日志", "audit.index", ("admin",)),
]


# Menu groups for the top bar (endpoint → group label): thirteen links do not fit a laptop's bar.
# Entries not listed here stand alone; a group the user has only one entry of shows that entry alone.
NAV_GROUPS: dict[str, str] = {
    "roster.index": "招生", "learners.index": "招生", "geo.divisions": "招生",
    "teaching.classes": "教学", "plans.index": "教学", "imports.index": "教学",
    "assessment.index": "考核", "recognition.index": "考核", "graduation.audit": "考核", "policies.index": "考核",
    "certificates.index": "证书", "batches.index": "证书",
    "users.index": "系统", "settings.index": "系统", "audit.index": "系统",
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
    return [{"label": label, "url": url_for(endpoint), "endpoint": endpoint}
            for label, endpoint, roles in NAV_ITEMS if current_user.role in roles]
