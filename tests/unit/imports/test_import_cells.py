"""Single-cell parsing: text, dates, phones, numbers, hours, choices and name suggestions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl.utils.datetime import from_excel

from lms.core.errors import DomainError
from lms.imports.cells import (
    SEX_CHOICES,
    CellError,
    bounded_message,
    clean_text,
    closest_name,
    fold_width,
    is_blank,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_hours_as_parts,
    parse_int,
    parse_phone,
    remove_invisible,
)

MAY_6 = dt.date(2023, 5, 6)
DATE_HINT = "，请写成 2023-05-06"


def message_of(func, *args, **kwargs) -> str:
    with pytest.raises(CellError) as caught:
        func(*args, **kwargs)
    return caught.value.message


# --- clean_text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,text",
    [
        (None, ""),
        ("", ""),
        ("  王德才  ", "王德才"),
        ("王\u200b德才", "王德才"),
        ("\ufeff姓名", "姓名"),
        ("者楼\u00a0街道", "者楼 街道"),
        ("者楼\u3000\u3000街道", "者楼 街道"),
        ("联系\n电话", "联系 电话"),
        ("a\t\tb\r\nc", "a b c"),
        ("\u2060\u200c\u200d", ""),
        (3.0, "3"),
        (13812345678.0, "13812345678"),
        (1.5, "1.5"),
        (5.223271990010113e17, "5.223271990010113e+17"),
        (42, "42"),
        (True, "是"),
        (False, "否"),
        (MAY_6, "2023-05-06"),
        (dt.datetime(2023, 5, 6), "2023-05-06"),
        (dt.datetime(2023, 5, 6, 8, 30), "2023-05-06 08:30:00"),
        (Decimal("2.50"), "2.50"),
    ],
)
def test_clean_text_gives_one_tidy_line(value, text):
    assert clean_text(value) == text


def test_full_width_characters_are_left_alone_by_clean_text():
    assert clean_text("１２３") == "１２３"


def test_fold_width_turns_full_width_into_half_width_and_drops_invisibles():
    assert fold_width("２０２３／５／６\u200b") == "2023/5/6"
    assert fold_width("plain") == "plain"


def test_remove_invisible_keeps_visible_characters():
    assert remove_invisible("王\u200b芳 ") == "王芳 "


@pytest.mark.parametrize("value", [None, "", "  ", "\u200b", "\u3000\n"])
def test_blank_cells_are_blank(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", ["0", 0, 0.0, False, MAY_6, "x"])
def test_values_are_not_blank(value):
    assert not is_blank(value)


# --- parse_date --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        MAY_6,
        dt.datetime(2023, 5, 6, 17, 45),
        "2023-05-06",
        "2023-5-6",
        "2023/5/6",
        "2023/05/06",
        "2023.5.6",
        "2023.05.06",
        "2023年5月6日",
        "2023年05月06日",
        "2023年5月6号",
        "2023年5月6",
        "2023 年 5 月 6 日",
        "20230506",
        "  2023-05-06  ",
        "2023-05-06\u200b",
        "２０２３年５月６日",
        "２０２３－０５－０６",
        "２０２３／５／６",
        "２０２３０５０６",
        "2023-05-06 00:00:00",
        "2023/5/6 8:30",
        "2023-05-06T08:30:00",
        "2023-05-06 08:30:00.000",
        45052,
        45052.0,
        45052.75,
        20230506,
        20230506.0,
        Decimal("45052"),
    ],
)
def test_dates_in_every_accepted_form(value):
    assert parse_date(value) == MAY_6


@pytest.mark.parametrize("serial", [7306, 25569, 36526, 44927, 45351, 73050])
def test_excel_serials_match_excel_1900_calendar(serial):
    assert parse_date(serial) == from_excel(serial).date()


def test_leap_day_is_a_date():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    "value", ["2023-02-29", "2023-02-30", "2023/13/1", "2023年4月31日", "20230230", "2023-00-10"]
)
def test_impossible_dates_are_refused(value):
    assert message_of(parse_date, value) == f"日期不存在：{value}，请核对年月日"


def test_impossible_eight_digit_number_is_refused():
    assert message_of(parse_date, 20231301) == "日期不存在：20231301，请核对年月日"


@pytest.mark.parametrize(
    "value",
    [
        "5/6/2023",
        "23/5/6",
        "2023-05",
        "2023",
        "2023-05-06-07",
        "明天",
        "2023年5月",
        "May 6, 2023",
        "1899-12-31",
        "2100-01-01",
        "45052",
        "2023-5/6",
        2023,
        7305,
        73051,
        -1,
        0,
        float("nan"),
        float("inf"),
        True,
        dt.time(8, 30),
        dt.timedelta(days=1),
    ],
)
def test_unrecognisable_dates_are_refused_with_the_expected_form(value):
    message = message_of(parse_date, value)
    assert message.startswith("日期无法识别") and message.endswith(DATE_HINT)


def test_error_quotes_the_cell_text():
    assert message_of(parse_date, "明天") == "日期无法识别：明天，请写成 2023-05-06"


def test_long_cell_text_is_cut_in_the_message():
    message = message_of(parse_date, "x" * 100)
    assert "x" * 23 + "…" in message and "x" * 24 not in message


@pytest.mark.parametrize("value", [None, "", "   ", "\u200b"])
def test_empty_date_is_refused(value):
    assert message_of(parse_date, value) == "日期不能为空"


def test_date_after_the_upper_bound_is_refused():
    today = dt.date(2025, 3, 1)
    assert parse_date("2025-03-01", not_after=today) == today
    assert message_of(parse_date, "2025-03-02", not_after=today) == (
        "日期 2025年3月2日 不能晚于 2025年3月1日"
    )


def test_date_before_the_lower_bound_is_refused():
    start = dt.date(2023, 1, 1)
    assert parse_date("2023-01-01", not_before=start) == start
    assert message_of(parse_date, "2022-12-31", not_before=start) == (
        "日期 2022年12月31日 不能早于 2023年1月1日"
    )


def test_repeated_date_text_gives_the_same_answer():
    assert parse_date("2023/5/6") == parse_date("2023/5/6") == MAY_6


# --- parse_phone -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        " 13812345678 ",
        "138 1234 5678",
        "138-1234-5678",
        "(138)1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "+86-138-1234-5678",
        "008613812345678",
        "8613812345678",
        "１３８１２３４５６７８",
        "13812345678\u200b",
        "\u3000138\u00a01234\u00a05678",
        13812345678,
        13812345678.0,
        8613812345678,
    ],
)
def test_mobile_numbers_in_every_accepted_form(value):
    assert parse_phone(value) == "13812345678"


@pytest.mark.parametrize(
    "value",
    [
        "1381234567",
        "138123456789",
        "23812345678",
        "0859-3712345",
        "138abcd5678",
        "1.38123E+10",
        "13812345678/13912345678",
        "+8713812345678",
        "١٣٨١٢٣٤٥٦٧٨",
        13812345678.5,
        1381234567,
        True,
        MAY_6,
    ],
)
def test_values_that_are_not_mobile_numbers_are_refused(value):
    assert message_of(parse_phone, value) == "手机号应为 1 开头的 11 位数字"


@pytest.mark.parametrize("value", [None, "", "  "])
def test_empty_phone_is_refused(value):
    assert message_of(parse_phone, value) == "手机号不能为空"


# --- parse_decimal / parse_int -----------------------------------------------------------


@pytest.mark.parametrize(
    "value,number",
    [
        ("1.5", Decimal("1.5")),
        (" 1.5 ", Decimal("1.5")),
        ("１.５", Decimal("1.5")),
        ("1,500", Decimal("1500")),
        ("-2", Decimal("-2")),
        (3, Decimal(3)),
        (0.1, Decimal("0.1")),
        (2.5, Decimal("2.5")),
        (Decimal("4.25"), Decimal("4.25")),
        ("0", Decimal(0)),
    ],
)
def test_decimals(value, number):
    assert parse_decimal(value) == number


@pytest.mark.parametrize(
    "value", ["abc", "1.5.2", "一", True, float("nan"), float("inf"), "NaN", "Infinity", MAY_6]
)
def test_non_numbers_are_refused(value):
    assert message_of(parse_decimal, value).startswith("不是数字")


def test_non_number_message_quotes_the_cell():
    assert message_of(parse_decimal, "abc") == "不是数字：abc"


@pytest.mark.parametrize("value", [None, "", " "])
def test_empty_number_is_refused(value):
    assert message_of(parse_decimal, value) == "不能为空"


def test_negative_number_under_a_zero_minimum_is_refused():
    assert parse_decimal("0", min=0) == 0
    assert message_of(parse_decimal, "-0.1", min=0) == "不能为负数"


def test_number_under_a_positive_minimum_is_refused():
    assert message_of(parse_decimal, "0.5", min=1) == "不能小于 1"


def test_number_over_the_maximum_is_refused():
    assert parse_decimal("24", max=24) == 24
    assert message_of(parse_decimal, "24.5", max=24) == "不能超过 24"
    assert message_of(parse_decimal, "100.5", max=Decimal("100.0")) == "不能超过 100"
    assert message_of(parse_decimal, 3, max=Decimal("2.5")) == "不能超过 2.5"


@pytest.mark.parametrize("value", [3, 3.0, "3", "３", " 3 ", "3.00", Decimal("3")])
def test_whole_numbers(value):
    assert parse_int(value) == 3


def test_fraction_is_not_a_whole_number():
    assert message_of(parse_int, "3.5") == "应为整数：3.5"


def test_whole_number_bounds():
    assert message_of(parse_int, -1, min=0) == "不能为负数"
    assert message_of(parse_int, 101, min=0, max=100) == "不能超过 100"


# --- parse_hours_as_parts: a 学时 cell as parts of a 学时 (1/60) -------------------------------


@pytest.mark.parametrize(
    "value,parts",
    [
        (1.5, 90),
        ("1.5", 90),
        ("2", 120),
        (2, 120),
        ("2学时", 120),
        ("2 学时", 120),
        ("１.５", 90),
        (0, 0),
        ("24", 1440),
        (24.0, 1440),
        (1 / 60, 1),
        (0.0125, 1),
        (0.008, 0),
        (Decimal("7.75"), 465),
    ],
)
def test_hours_become_whole_parts(value, parts):
    assert parse_hours_as_parts(value) == parts


@pytest.mark.parametrize("value,shown", [
    (dt.time(1, 30), "01:30:00"),
    (dt.timedelta(hours=2, minutes=15), "2:15:00"),
    ("1:30", "1:30"),
    ("2小时", "2小时"),
    ("0.5 小时", "0.5 小时"),
    ("2h", "2h"),
    ("2 H", "2 H"),
    ("1.5 hours", "1.5 hours"),
    ("-2小时", "-2小时"),
])
def test_a_clock_duration_in_a_hours_column_is_refused_not_guessed(value, shown):
    """A 学时 is the policy's length (e.g. 45 minutes), so 1:30 could be 1.5 or 2 学时: the user types 学时."""
    assert message_of(parse_hours_as_parts, value) == (
        f"“{shown}”是钟点时长，这一列应填写学时数（如 2 或 2学时；一学时的分钟数见政策设置）")


@pytest.mark.parametrize("value", [-1, "-0.5", "-2学时"])
def test_negative_hours_are_refused(value):
    assert message_of(parse_hours_as_parts, value) == "不能为负数"


@pytest.mark.parametrize("value", [24.01, "25", "25学时"])
def test_more_than_24_hours_a_day_is_refused(value):
    assert message_of(parse_hours_as_parts, value) == "不能超过 24"


def test_hours_limit_can_be_lowered():
    assert parse_hours_as_parts("8", max_hours=8) == 480
    assert message_of(parse_hours_as_parts, "8.5", max_hours=8) == "不能超过 8"


@pytest.mark.parametrize("value", ["abc", "学时", "小时", "two hours"])
def test_hours_that_are_not_numbers_are_refused(value):
    assert message_of(parse_hours_as_parts, value).startswith("不是数字")


def test_empty_hours_are_refused():
    assert message_of(parse_hours_as_parts, None) == "不能为空"


# --- parse_choice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,code",
    [("男", "1"), ("女", "2"), ("1", "1"), (1, "1"), (2.0, "2"), ("M", "1"), ("m", "1"),
     (" Ｍ ", "1"), ("f", "2"), ("女性", "2"), ("男\u200b", "1"), ("Male", "1")],
)
def test_sex_synonyms_map_to_gb_codes(value, code):
    assert parse_choice(value, SEX_CHOICES, "性别") == code


def test_unknown_choice_lists_the_allowed_values():
    choices = {"男": "1", "女": "2", "1": "1", "2": "2"}
    assert message_of(parse_choice, "未知", choices, "性别") == "性别“未知”无法识别，只能填：男、女、1、2"


def test_unknown_choice_can_list_chosen_values_only():
    message = message_of(parse_choice, "x", SEX_CHOICES, "性别", shown=("男", "女"))
    assert message == "性别“x”无法识别，只能填：男、女"


@pytest.mark.parametrize("value", [None, "", "  "])
def test_empty_choice_is_refused(value):
    assert message_of(parse_choice, value, SEX_CHOICES, "性别") == "性别不能为空"


# --- closest_name ------------------------------------------------------------------------

TOWNSHIPS = ["者楼街道办事处", "秧坝镇", "冗渡镇", "巧马镇", "双江镇", "岩架镇"]


def test_shortened_name_suggests_the_full_name():
    assert closest_name("者楼街道", TOWNSHIPS) == "者楼街道办事处"


def test_name_with_extra_words_suggests_the_contained_name():
    assert closest_name("册亨县秧坝镇", TOWNSHIPS) == "秧坝镇"


def test_mistyped_name_suggests_the_closest():
    assert closest_name("秧霸镇", TOWNSHIPS) == "秧坝镇"


def test_name_with_spaces_matches_exactly():
    assert closest_name("冗 渡镇", TOWNSHIPS) == "冗渡镇"


def test_shortest_containing_candidate_wins():
    assert closest_name("纳福", ["纳福村民委员会", "纳福村"]) == "纳福村"


@pytest.mark.parametrize("name", ["北京市", "", None, "   "])
def test_no_suggestion_when_nothing_is_close(name):
    assert closest_name(name, TOWNSHIPS) is None


def test_no_suggestion_from_no_candidates():
    assert closest_name("秧坝镇", []) is None


def test_cell_error_is_a_domain_error_with_a_message():
    with pytest.raises(DomainError) as caught:
        parse_phone("123")
    assert caught.value.message == str(caught.value)


def test_a_message_quoting_a_huge_cell_is_cut_to_a_readable_length():
    message = bounded_message(f"班级“{'王' * 40_000}”不存在，请核对班级编号")
    assert message == f"班级“{'王' * 23}…”不存在，请核对班级编号"
    assert len(bounded_message("原因：" + "x" * 5_000)) == 200
    assert bounded_message("第一行\n第二行") == "第一行 第二行"
