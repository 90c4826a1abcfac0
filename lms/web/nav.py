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


def nav_for_current_user() -> list[dict]:
    """The menu entries the logged-in user may open."""
    if not current_user.is_authenticated:
        return []
    return [{"label": label, "url": url_for(endpoint), "endpoint": endpoint}
            for label, endpoint, roles in NAV_ITEMS if current_user.role in roles]
