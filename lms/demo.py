"""The demo county 示例县: every domain adds its part, so a newcomer sees the whole system working."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select

from lms.audit.services import record
from lms.extensions import db

DEMO_PASSWORD = "demo2025"


def database_is_empty() -> bool:
    """True when no division exists yet (a fresh database)."""
    from lms.geo.models import Division

    return not db.session.scalar(select(func.count()).select_from(Division))


def demo_accounts() -> list[tuple[str, str]]:
    """(username, role and scope label) of the demo users."""
    from lms.auth.demo import DEMO_USERS

    return [(username, display) for username, display, _role, _scope in DEMO_USERS]


def load_demo(*, today: date, echo: Callable[[str], None] = lambda _m: None) -> None:
    """Load the whole demo county into an empty database (flushes; the caller commits)."""
    from lms.summaries import counted_once_at_the_end

    with counted_once_at_the_end():     # one count of the dashboard's summaries, not one per write
        _load_domains(today, echo)
    # The county's view reads everything above; only its targets are scaled to the demo's size.
    from lms.reports import demo as reports_demo

    echo("目标任务 …")
    reports_demo.load(today=today)
    record(None, "demo.load", "demo", None, summary="加载演示数据（示例县）")


def _load_domains(today: date, echo: Callable[[str], None]) -> None:
    """Each domain's part, in the order they depend on: registry → teaching → assessment → certificates."""
    from lms.assessment import demo as assessment_demo
    from lms.auth import demo as auth_demo
    from lms.certificates import demo as certificates_demo
    from lms.geo import demo as geo_demo
    from lms.learners import demo as learners_demo
    from lms.teaching import demo as teaching_demo
    from lms.teaching.services import ensure_default_specialties

    echo("区划与教学点 …")
    divisions = geo_demo.load()
    ensure_default_specialties()
    echo("用户 …")
    users = auth_demo.load(divisions, DEMO_PASSWORD)
    echo("名册、走访与学员 …")
    learners_demo.load(divisions, users, today=today)
    echo("教学：课次、考勤、线上与自学学时 …")
    teaching_demo.load(today=today)
    from lms.inspection import demo as inspection_demo

    echo("课次佐证材料与督查 …")
    inspection_demo.load(today=today)
    echo("考核、免修免考与毕业审核 …")
    assessment_demo.load(today=today)
    # Certificates come last: they issue whatever the engine allows on everything loaded above.
    echo("证书 …")
    certificates_demo.load(today=today)
