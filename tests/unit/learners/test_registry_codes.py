"""Code lists, student-number patterns and pinyin initials, with plain values."""
from __future__ import annotations

import pytest

from lms.imports.cells import CellError
from lms.learners.codes import ETHNICITIES, education_gb4658, ethnicity_name, parse_education, parse_ethnicity
from lms.learners.numbering import pattern_problem, plan_number
from lms.learners.pinyin import name_initials


def test_the_56_ethnic_groups_of_gb_t_3304():
    assert len(ETHNICITIES) == 56 and ETHNICITIES["01"] == "汉族" and ETHNICITIES["06"] == "苗族"
    assert ETHNICITIES["09"] == "布依族" and ETHNICITIES["56"] == "基诺族"


@pytest.mark.parametrize("cell", ["布依族", "布依", "09", "9", 9.0, " 布依族 ", "布依族"])
def test_ethnicity_cells(cell):
    assert parse_ethnicity(cell) == "09" and ethnicity_name("09") == "布依族"


@pytest.mark.parametrize("cell", ["族", "火星族", "57"])
def test_unknown_ethnicity_is_refused(cell):
    with pytest.raises(CellError):
        parse_ethnicity(cell)


@pytest.mark.parametrize("cell, level, code", [
    ("文盲", "未上过学", "90"), ("未上学", "未上过学", "90"), ("小学肄业", "小学", "81"), ("初中肄业", "初中肄业", "72"),
    ("初中毕业", "初中", "71"), ("中专", "高中及以上", "61"), ("高中", "高中及以上", "61"),
])
def test_education_synonyms_and_gb_t_4658_codes(cell, level, code):
    assert parse_education(cell) == level and education_gb4658(level)[0] == code


@pytest.mark.parametrize("pattern, problem", [
    ("{school}{year}{seq:4}", None), ("XS{yy}{township}{seq:3}", None),
    ("{school}{year}", "必须包含且只包含一个序号占位符"), ("{seq:4}{seq:2}", "必须包含且只包含一个序号占位符"),
    ("{seq:9}", "序号位数应在 1–8 之间"), ("{month}{seq:3}", "未知的占位符 {month}"), ("{year:2}{seq:3}", "只有"),
    ("{year{seq:3}", "花括号不成对"), ("", "不能为空"), ("{year} {seq:3}", "不能包含空格"),
])
def test_student_number_patterns(pattern, problem):
    found = pattern_problem(pattern)
    assert (found is None) if problem is None else (problem in found)


def test_a_plan_fills_every_token_and_counts_per_prefix():
    plan = plan_number("S{yy}-{county}-{seq:3}/{year}", year=2025, school_code="520000", village_code="522327100001")
    assert plan.number(7) == "S25-522327-007/2025"
    assert plan.prefix_key == "student_number:S25-522327-#/2025"
    with pytest.raises(OverflowError):
        plan.number(1000)


@pytest.mark.parametrize("name, initials", [
    ("王德才", "wdc"), ("覃小梅", "qxm"), ("曾国强", "zgq"), ("阿卜杜拉·买买提", "abdlmmt"), ("王𠈌", "w"),
])
def test_pinyin_initials(name, initials):
    assert name_initials(name) == initials
