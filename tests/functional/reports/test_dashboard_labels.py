"""The dashboard's headings and funnel rows are the vocabularies' words: levels, roster and learner statuses."""
from __future__ import annotations

import re
from datetime import date

from lms.learners.services.status import record_status_event


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_each_level_heads_its_breakdown_and_the_funnel_names_every_status(client, login_as, county):
    record_status_event(actor=None, learner=county.learners["core_2023"], kind="suspend",
                        occurred_on=date(2025, 5, 1), reason="外出务工", today=date(2025, 6, 30))
    login_as("bureau")
    page = _text(client.get("/reports/?as_of=2025-06-30").get_data(as_text=True))
    assert "按乡镇（街道） 乡镇（街道） 名册 已走访 已报名 在读 毕业 结业 退学" in page
    assert "名册 4 已走访 2 已报名 5 在读 3 毕业 0 结业 0 退学 1 休学 1" in page
    town = _text(client.get(f"/reports/townships/{county.towns[0].id}?as_of=2025-06-30").get_data(as_text=True))
    assert "按村（社区） 村（社区） 名册" in town
    village = _text(client.get(f"/reports/villages/{county.villages[0].id}?as_of=2025-06-30").get_data(as_text=True))
    assert "按班级（本村学员） 班级（本村学员） 名册" in village
