"""R4 on the class page follows the cohort's policy: evening classes counted by the month (乡村夜校), and a
winter training across New Year counted whole in one year."""
from __future__ import annotations

from datetime import date, timedelta

from lms.core import clock
from lms.policies.services import save_policy
from tests.factories import make_session
from tests.functional.teaching.conftest import build_class


def class_page(client, setup, day: date) -> str:
    client.login(setup.teacher.username)
    with clock.frozen_at(day):
        return client.get(f"/classes/{setup.teaching_class.id}").get_data(as_text=True)


def test_four_evening_classes_meet_the_month_on_the_class_page_when_the_policy_counts_by_month(client, app):
    setup = build_class(1, enrolled_on=date(2025, 9, 1))            # cohort 2025
    for day in (3, 10, 17, 24):
        make_session(setup.teaching_class, held_on=date(2025, 11, day), hours=2)
    page = class_page(client, setup, date(2025, 12, 2))
    assert "2025年11月无满 8 学时的集中授课" in page and "cadence-fail" in page
    save_policy(actor=None, cohort=2025, values={"cadence_month_by": "month"})
    page = class_page(client, setup, date(2025, 12, 2))
    assert "集中授课符合要求（每月集中授课累计满 8 学时" in page and "cadence-fail" not in page
    assert "✓ 8 学时" in page
    assert "2025年12月集中授课累计 0 学时，尚不满 8 学时（本月未结束）" in page


def test_evening_classes_one_tenth_short_fail_the_month_even_counted_by_month(client, app):
    setup = build_class(1, enrolled_on=date(2025, 9, 1))
    save_policy(actor=None, cohort=2025, values={"cadence_month_by": "month"})
    for day, hours in ((3, 2), (10, 2), (17, 2), (24, 1.9)):        # 7.9 学时
        make_session(setup.teaching_class, held_on=date(2025, 11, day), hours=hours)
    page = class_page(client, setup, date(2025, 12, 2))
    assert "2025年11月集中授课累计不满 8 学时" in page and "cadence-fail" in page


def test_the_class_page_shows_a_winter_training_counted_whole_in_one_year(client, app):
    setup = build_class(1, enrolled_on=date(2025, 9, 1))
    day = date(2025, 12, 29)
    while day <= date(2026, 1, 14):                 # 3 days in December, 14 in January: 136 学时
        make_session(setup.teaching_class, held_on=day)
        day += timedelta(days=1)
    page = class_page(client, setup, date(2026, 2, 10))
    assert ("2025 年：满 120 学时的集中培训 1 次；跨年培训 2025年12月29日至2026年1月14日共 136 学时，"
            "整次计入 2025 年") in page
    assert "2026 年：满 120 学时的集中培训 0 次</div>" in page
    save_policy(actor=None, cohort=2025, values={"cadence_year_by": "most_days"})
    page = class_page(client, setup, date(2026, 2, 10))
    assert "2025 年：满 120 学时的集中培训 0 次</div>" in page
    assert "2026 年：满 120 学时的集中培训 1 次；跨年培训 2025年12月29日至2026年1月14日共 136 学时，整次计入 2026 年" in page
