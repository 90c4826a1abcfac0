"""The dashboard and its drill-down: R2 targets, the funnel, R6 bands, R4 breaches, scope and query counts."""
from __future__ import annotations

from datetime import date

import pytest

from lms.auth.scope import EVERYTHING, Scope
from lms.policies.services import policy_for
from lms.reports.areas import county_area, division_area
from lms.reports.queries import area_figures
from lms.rules import HourTotals, hours_rule
from lms.settings.services import save_settings
from lms.teaching.hours import summary_totals
from tests.functional.reports.conftest import AS_OF


def overview(as_of=AS_OF, scope=EVERYTHING):
    return area_figures(scope, county_area("报表县"), as_of)


def test_targets_count_learners_by_r2_group_and_enrolment_before_the_due_date(county):
    targets = {t.due: (t.goal, t.count) for t in overview().targets}
    # 2023: only 未上过学 enrolled by 2023-12-31 (core_2023, and 'left' who withdrew later but was enrolled).
    # 2025: also 小学 and the 2024 enrolment; 初中 never; 'future' is not enrolled yet on AS_OF.
    assert targets == {date(2023, 12, 31): (3000, 2), date(2025, 12, 31): (6000, 4)}


def test_targets_follow_the_setting(county):
    save_settings(actor=None, values={"reports.targets": "2024-12-31 10\n2025-12-31 20"})
    targets = [(t.due, t.goal, t.count) for t in overview().targets]
    # The policy lists 2023 and 2025: a 2024 goal counts 2023's group (未上过学) enrolled by its due date.
    assert targets == [(date(2024, 12, 31), 10, 3), (date(2025, 12, 31), 20, 4)]


def test_funnel_counts_statuses_as_of_the_day(county):
    assert overview().total.funnel() == {"roster": 4, "visited": 2, "enrolled": 5, "studying": 4,
                                         "graduated": 0, "completed": 0, "withdrawn": 1}
    before_withdrawal = overview(as_of=date(2024, 11, 4)).total.funnel()
    assert before_withdrawal["studying"] == 5 and before_withdrawal["withdrawn"] == 0


@pytest.mark.parametrize("as_of", [AS_OF, None], ids=["dated", "today-from-summary"])
def test_the_top_hours_band_is_exactly_who_meets_r6(county, as_of):
    from lms.core.clock import today

    figures = overview(as_of or today())
    totals = summary_totals()
    studying = [l for l in county.learners.values() if l.status == "studying" and l.enrolled_on <= (as_of or today())]
    met = sum(hours_rule(totals.get(l.id, HourTotals()), policy_for(l.cohort)).ok for l in studying)
    assert met == 1 and figures.total.hours_met == 1
    assert figures.total.hours_bands[5] == 1        # 359 h 59 min: the band below 360
    assert sum(figures.total.hours_bands.values()) == len(studying)


def test_classes_breaking_r4_are_listed_with_the_engines_reason(county):
    breaches = overview().breaches
    assert [b.name for b in breaches] == [county.classes[1].name]
    assert "2025年2月" in breaches[0].reason and "无满 8 学时的集中授课" in breaches[0].reason
    by_town = {name: f.cadence_breaches for _, name, f in overview().children}
    assert by_town == {"甲镇": 0, "乙镇": 1}


def test_drill_down_rows_add_up_to_their_parent(county):
    top = overview()
    town = area_figures(EVERYTHING, division_area(EVERYTHING, county.towns[0].id, "township", "报表县"), AS_OF)
    row = next(f for child_id, _, f in top.children if child_id == county.towns[0].id)
    assert town.total.funnel() == row.funnel()
    assert sum(f.enrolled for _, _, f in town.children) == town.total.enrolled
    village = area_figures(EVERYTHING, division_area(EVERYTHING, county.villages[0].id, "village", "报表县"), AS_OF)
    assert [name for _, name, _ in village.children] == [county.classes[0].name]
    assert village.total.funnel()["roster"] == 3 and village.children[0][2].roster is None


def test_the_pages_show_the_same_figures_as_the_queries(client, login_as, county):
    login_as("bureau")
    page = client.get("/reports/?as_of=2025-06-30").get_data(as_text=True)
    assert "到 2023年12月31日 累计 3,000 人" in page and "甲镇" in page and "乙镇" in page
    assert f'href="/reports/townships/{county.towns[0].id}?as_of=2025-06-30"' in page
    town = client.get(f"/reports/townships/{county.towns[0].id}?as_of=2025-06-30").get_data(as_text=True)
    assert "甲一村" in town and "乙一村" not in town
    klass = client.get(f"/reports/classes/{county.classes[0].id}?as_of=2025-06-30").get_data(as_text=True)
    assert county.learners["core_2023"].name in klass and "360/360" in klass


def test_township_staff_see_only_their_township_and_404_for_another(client, login_as, county):
    login_as("township", divisions=[county.towns[0]])
    response = client.get("/reports/?as_of=2025-06-30")          # one township: start at it
    assert response.headers["Location"] == f"/reports/townships/{county.towns[0].id}?as_of=2025-06-30"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "甲镇" in page and "甲一村" in page and "乙镇" not in page
    scope = Scope(township_ids=frozenset({county.towns[0].id}))
    assert overview(scope=scope).total.enrolled == 3
    assert client.get(f"/reports/townships/{county.towns[1].id}").status_code == 404
    assert client.get(f"/reports/villages/{county.villages[1].id}").status_code == 404
    assert client.get(f"/reports/classes/{county.classes[1].id}").status_code == 404


def test_staff_of_several_townships_see_them_side_by_side(client, login_as, county):
    login_as("township", divisions=list(county.towns))
    page = client.get("/reports/?as_of=2025-06-30").get_data(as_text=True)
    assert "甲镇" in page and "乙镇" in page and "您管辖的范围" in page


@pytest.mark.parametrize("page", ["county", "township", "village", "class"])
def test_each_page_costs_the_same_number_of_queries_at_two_sizes(client, login_as, county, count_queries, page):
    login_as("bureau")
    url = {"county": "/reports/", "township": f"/reports/townships/{county.towns[0].id}",
           "village": f"/reports/villages/{county.villages[0].id}",
           "class": f"/reports/classes/{county.classes[0].id}"}[page]
    client.get(url)                                     # warm caches (login, settings)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    county.grow(per_village=6)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small) <= 16


def test_the_bureau_home_page_shows_targets_and_funnel_at_a_glance(client, login_as, county):
    from lms.core.clock import today

    login_as("bureau")
    page = client.get("/").get_data(as_text=True)
    figures = overview(as_of=today())
    assert 'id="county-glance"' in page and 'href="/reports/"' in page
    for target in figures.targets:
        assert f'data-due="{target.due.isoformat()}"' in page
    for key, value in figures.total.funnel().items():
        assert f'data-count="{key}">{value:,}</strong>' in page
    assert figures.total.funnel()["enrolled"] == 6          # 'future' is enrolled by today


@pytest.mark.parametrize("role", ["admin", "registrar", "township", "enroller", "teacher"])
def test_only_the_bureau_home_page_has_the_county_panel(client, login_as, county, role):
    login_as(role, divisions=[county.towns[0]] if role in ("township", "enroller") else ())
    assert 'id="county-glance"' not in client.get("/").get_data(as_text=True)


def test_a_goal_of_any_year_set_on_the_settings_page_counts_on_the_dashboard(client, login_as, county):
    """The goals live in one place, the setting 县目标任务: a 2027 goal — a year no policy lists — counts the
    groups of the latest listed year before it (2025: 未上过学 and 小学)."""
    login_as("admin")
    settings_page = client.get("/settings/").get_data(as_text=True)
    assert "全县目标只在这里设置" in settings_page
    values = {"school.name": "示例县中等职业学校", "school.code": "520000", "school.principal": "张三",
              "county.name": "报表县", "reports.targets": "2023-12-31 3000\n2027-12-31 8000"}
    assert client.post_form("/settings/", values).status_code == 302
    assert [(t.due, t.goal, t.count) for t in overview().targets] == [
        (date(2023, 12, 31), 3000, 2), (date(2027, 12, 31), 8000, 4)]
    login_as("bureau")
    page = client.get("/reports/?as_of=2025-06-30").get_data(as_text=True)
    assert "到 2027年12月31日 累计 8,000 人" in page
