"""Roster and learner lists: scope, filters, search by name / pinyin initials / ID tail, counts per status,
masking, pagination and a fixed number of queries."""
from __future__ import annotations

from datetime import date

import pytest

from tests.factories import (
    make_class,
    make_learner,
    make_roster_entry,
    make_teaching_point,
    make_visit,
    specialty_named,
)


@pytest.fixture
def roster(area):
    wang = make_roster_entry(area.village_a, name="王德才", phone="13812341234")
    luo = make_roster_entry(area.village_a2, name="罗春花", status="declined")
    far = make_roster_entry(area.village_b, name="乙镇人")
    return wang, luo, far


def test_a_township_user_sees_only_their_township_with_masked_numbers(area, client, login_as, roster):
    wang, luo, far = roster
    login_as("township", divisions=[area.township_a])
    page = client.get("/roster/").get_data(as_text=True)
    assert "王德才" in page and "罗春花" in page and "乙镇人" not in page
    assert wang.id_number not in page and "138****1234" in page and "13812341234" not in page


@pytest.mark.parametrize("query, found, not_found", [
    ("wdc", "王德才", "罗春花"),
    ("WD", "王德才", "罗春花"),
    ("春花", "罗春花", "王德才"),
    ("ｗｄｃ", "王德才", "罗春花"),
])
def test_search_by_name_or_pinyin_initials(area, client, login_as, roster, query, found, not_found):
    login_as("township", divisions=[area.township_a])
    page = client.get("/roster/", query_string={"q": query}).get_data(as_text=True)
    assert found in page and not_found not in page


def test_search_by_the_last_digits_of_the_id_number(area, client, login_as, roster):
    wang, luo, _ = roster
    login_as("township", divisions=[area.township_a])
    page = client.get("/roster/", query_string={"q": wang.id_number[-6:]}).get_data(as_text=True)
    assert "王德才" in page and "罗春花" not in page


def test_filters_and_counts_per_status(area, client, login_as, roster):
    login_as("township", divisions=[area.township_a])
    page = client.get("/roster/", query_string={"status": "declined"}).get_data(as_text=True)
    assert "罗春花" in page and "王德才" not in page
    assert 'data-count="pending">1<' in page and 'data-count="declined">1<' in page
    page = client.get("/roster/", query_string={"village": area.village_a.id}).get_data(as_text=True)
    assert "王德才" in page and "罗春花" not in page


def test_the_roster_list_costs_a_fixed_number_of_queries(area, client, login_as, count_queries):
    login_as("township", divisions=[area.township_a])
    make_roster_entry(area.village_a)
    client.get("/roster/")
    with count_queries() as few:
        client.get("/roster/")
    for n in range(40):
        make_visit(make_roster_entry(area.village_a if n % 2 else area.village_a2))
    with count_queries() as many:
        page = client.get("/roster/").get_data(as_text=True)
    assert len(many) == len(few), many
    assert "共 41 条" in page


def test_the_roster_page_of_one_person_with_visits(area, client, login_as, roster):
    wang, *_ = roster
    make_visit(wang, health="腿脚不便")
    login_as("enroller", divisions=[area.village_a])
    page = client.get(f"/roster/{wang.id}").get_data(as_text=True)
    assert "腿脚不便" in page and "为此人报名" in page and "记录走访" in page


def test_the_bureau_reads_the_roster_but_gets_no_forms(area, client, login_as, roster):
    wang, *_ = roster
    login_as("bureau")
    page = client.get(f"/roster/{wang.id}").get_data(as_text=True)
    assert "王德才" in page and "记录走访" not in page and "为此人报名" not in page
    assert client.get("/roster/").status_code == 200


@pytest.fixture
def learners(area):
    point_b = make_teaching_point(area.village_b)
    class_a = make_class(area.point_a, cohort=2024)
    one = make_learner(area.village_a, teaching_class=class_a, name="王德才", enrolled_on=date(2024, 3, 1))
    two = make_learner(area.village_a2, name="黄明", enrolled_on=date(2025, 3, 1), status="suspended",
                       specialty=specialty_named("刺绣"))
    three = make_learner(area.village_b, teaching_class=make_class(point_b), name="乙镇学员")
    return one, two, three


def test_the_learner_list_filters_by_village_class_specialty_cohort_and_status(area, client, login_as, learners):
    one, two, _ = learners
    login_as("township", divisions=[area.township_a])

    def names(**query):
        page = client.get("/learners/", query_string=query).get_data(as_text=True)
        return {name for name in ("王德才", "黄明", "乙镇学员") if name in page}

    assert names() == {"王德才", "黄明"}
    assert names(village=area.village_a2.id) == {"黄明"}
    assert names(**{"class": one.class_id}) == {"王德才"}
    assert names(specialty=specialty_named("刺绣").id) == {"黄明"}
    assert names(cohort=2024) == {"王德才"}
    assert names(status="suspended") == {"黄明"}
    assert names(q="hm") == {"黄明"}
    assert names(q=one.id_number[-8:]) == {"王德才"}


def test_the_learner_list_costs_a_fixed_number_of_queries(area, client, login_as, count_queries):
    login_as("township", divisions=[area.township_a])
    teaching_class = make_class(area.point_a)
    make_learner(area.village_a, teaching_class=teaching_class)
    client.get("/learners/")
    with count_queries() as few:
        client.get("/learners/")
    for n in range(40):
        make_learner(area.village_a2 if n % 2 else area.village_a, teaching_class=teaching_class if n % 3 else None,
                     specialty=specialty_named("刺绣" if n % 2 else "种植（含园林、林下种植）"))
    with count_queries() as many:
        client.get("/learners/")
    assert len(many) == len(few), many


def test_a_teacher_lists_only_learners_of_their_classes(area, client, login_as, learners):
    one, *_ = learners
    login_as("teacher", classes=[one.teaching_class])
    page = client.get("/learners/").get_data(as_text=True)
    assert "王德才" in page and "黄明" not in page and "乙镇学员" not in page
    assert "导出学籍注册名单" not in page and client.get("/roster/").status_code == 403
