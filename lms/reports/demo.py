"""The demo county's targets: the plan's due dates, goals scaled to the demo's few hundred learners."""
from __future__ import annotations

import math
from datetime import date

from lms.auth.scope import EVERYTHING
from lms.settings.services import get_setting, save_settings


def load(*, today: date) -> str:
    """Give the demo county two goals dated around the day it loads — the end of last year (just met) and
    the end of next year (about 85 % reached) — scaled to its few hundred learners, as the plan's goals
    (3,000 by 2023, 6,000 by 2025) are to a county. The goals are the setting 县目标任务 alone (the one place
    they live); the second falls in a year no policy lists in 计入目标的群体, and counts the groups of the
    latest listed year before it. Returns the setting's text."""
    from lms.reports.areas import county_area
    from lms.reports.queries import area_figures

    dues = (date(today.year - 1, 12, 31), date(today.year + 1, 12, 31))
    save_settings(actor=None, values={"reports.targets": "\n".join(f"{due.isoformat()} 10" for due in dues)})
    overview = area_figures(EVERYTHING, county_area(get_setting("county.name")), today)
    lines = []
    for index, target in enumerate(overview.targets):
        count = max(target.count, 10)
        goal = count // 10 * 10 if index == 0 else math.ceil(count * 1.18 / 10) * 10
        lines.append(f"{target.due.isoformat()} {max(goal, 10)}")
    text = "\n".join(lines)
    save_settings(actor=None, values={"reports.targets": text})
    return text
