"""Resident ID numbers: cleaning, 15 → 18 conversion, refusals and warnings (SPEC §5b, §7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from stdnum.cn import ric

from lms.core.errors import DomainError
from lms.learners.idnumbers import (
    IdNumber,
    IdNumberError,
    birth_date_from_id,
    generate_id_number,
    id_number_hash,
    is_known_address_code,
    normalise_id_number,
    sex_from_id,
)

TODAY = dt.date(2025, 3, 1)
EXCEL_MESSAGE = "身份证号被 Excel 存成了数字，后几位已丢失；请把该列设为文本格式后重新填写"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_digit(first17: str) -> str:
    """GB 11643's check digit computed from its published weights (independent of stdnum)."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


# A man born 1990-01-01 in 册亨县 (odd 17th digit) and a woman (even 17th digit).
MALE = with_check("52232719900101125")
FEMALE = with_check("52232719900101124")
# A number whose check digit is X (found by its published weights).
ENDS_IN_X = next(
    n for n in (with_check(f"52232719850615{i:03d}") for i in range(1000)) if n.endswith("X")
)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_valid_number_gives_birth_date_sex_and_address():
    result = normalise_id_number(MALE, today=TODAY)
    assert result == IdNumber(
        number=MALE, birth_on=dt.date(1990, 1, 1), sex="1", address_code="522327", warnings=()
    )


def test_even_seventeenth_digit_is_female():
    assert normalise_id_number(FEMALE, today=TODAY).sex == "2"


def test_result_is_immutable():
    result = normalise_id_number(MALE, today=TODAY)
    with pytest.raises(AttributeError):
        result.number = FEMALE  # type: ignore[misc]


def test_lower_case_x_becomes_upper_case():
    assert normalise_id_number(ENDS_IN_X.lower(), today=TODAY).number == ENDS_IN_X


@pytest.mark.parametrize(
    "raw",
    [
        f"  {MALE}  ",
        f"{MALE[:6]} {MALE[6:14]} {MALE[14:]}",
        f"\t{MALE}\n",
        f"{MALE}\r\n",
        f"\u00a0{MALE}\u00a0",
        f"\u3000{MALE}\u3000",
        f"\u200b{MALE}",
        f"{MALE[:9]}\u200c{MALE[9:]}",
        f"{MALE}\u200d",
        f"\u2060{MALE}",
        f"\ufeff{MALE}",
        f"'{MALE}",
        MALE.translate(FULL_WIDTH),
        f"\u3000{MALE.translate(FULL_WIDTH)}\u200b",
    ],
    ids=[
        "surrounding spaces", "inner spaces", "tab and newline", "crlf", "nbsp",
        "ideographic space", "zero-width space", "zero-width non-joiner", "zero-width joiner",
        "word joiner", "bom", "apostrophe text marker", "full-width digits", "full-width mixed",
    ],
)
def test_spaces_invisible_characters_and_full_width_digits_are_cleaned(raw):
    assert normalise_id_number(raw, today=TODAY).number == MALE


@pytest.mark.parametrize("raw", [ENDS_IN_X.translate(FULL_WIDTH), ENDS_IN_X[:-1] + "ｘ"])
def test_full_width_x_is_accepted(raw):
    assert normalise_id_number(raw, today=TODAY).number == ENDS_IN_X


def test_fifteen_digit_old_number_becomes_eighteen_digits():
    result = normalise_id_number("522327900101125", today=TODAY)
    assert result.number == with_check("52232719900101125")
    assert result.number == MALE
    assert result.birth_on == dt.date(1990, 1, 1)
    assert result.sex == "1"
    assert result.warnings == ("15 位旧身份证号已转换为 18 位",)


def test_fifteen_digit_conversion_computes_an_x_check_digit_when_due():
    old = ENDS_IN_X[:6] + ENDS_IN_X[8:17]
    assert normalise_id_number(old, today=TODAY).number == ENDS_IN_X


@pytest.mark.parametrize("raw", [522327900101125, 522327900101125.0, Decimal("522327900101125")])
def test_fifteen_digit_number_in_a_numeric_cell_is_exact_and_accepted(raw):
    assert normalise_id_number(raw, today=TODAY).number == MALE


@pytest.mark.parametrize(
    "raw",
    [
        5.223271990010113e17,
        float(MALE),
        int(MALE),
        Decimal(MALE),
        1.5,
        "5.22327E+17",
        "5.22327e17",
        "5.22327E17",
        "5.22327199001011E+17",
        " 5.22327E+17 ",
        "５.２２３２７Ｅ＋１７",
        "5E+17",
    ],
)
def test_number_excel_turned_into_a_number_is_refused_with_text_format_advice(raw):
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number(raw, today=TODAY)
    assert caught.value.message == EXCEL_MESSAGE


@pytest.mark.parametrize("raw", ["", "   ", "\u200b", "\u3000", None])
def test_empty_cell_is_refused(raw):
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number(raw, today=TODAY)
    assert caught.value.message == "身份证号不能为空"


@pytest.mark.parametrize("raw,length", [(MALE[:17], 17), (MALE + "1", 19), ("5223271990", 10)])
def test_wrong_length_is_refused_with_the_length_found(raw, length):
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number(raw, today=TODAY)
    assert caught.value.message == f"身份证号应为 18 位（旧号 15 位），现在是 {length} 位"


@pytest.mark.parametrize(
    "raw",
    [
        MALE[:17] + "A",
        MALE[:9] + "O" + MALE[10:],
        "X" + MALE[1:],
        MALE[:10] + "-" + MALE[11:],
        MALE[:10] + "١" + MALE[11:],  # an Arabic-Indic digit is not a digit here
    ],
)
def test_non_digits_are_refused(raw):
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number(raw, today=TODAY)
    assert caught.value.message == "身份证号只能由数字组成，最后一位可以是 X"


def test_fifteen_characters_with_a_letter_are_refused():
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number("52232790010112X", today=TODAY)
    assert caught.value.message == "15 位旧身份证号只能由数字组成"


@pytest.mark.parametrize("wrong", [d for d in "0123456789X" if d != check_digit(MALE[:17])])
def test_wrong_check_digit_is_refused_without_revealing_the_right_one(wrong):
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number(MALE[:17] + wrong, today=TODAY)
    assert caught.value.message == "身份证号校验码不正确，请核对"


def test_swapped_digits_are_caught_by_the_check_digit():
    swapped = MALE[:14] + MALE[15] + MALE[14] + MALE[16:]
    assert swapped != MALE
    with pytest.raises(IdNumberError):
        normalise_id_number(swapped, today=TODAY)


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900100", "19890229", "18991231"])
def test_impossible_birth_date_is_refused(birth):
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number(with_check(f"522327{birth}123"), today=TODAY)
    assert birth in caught.value.message
    assert caught.value.message.startswith("身份证号中的出生日期")


def test_leap_day_birth_date_is_accepted():
    number = with_check("52232720000229123")
    assert normalise_id_number(number, today=TODAY).birth_on == dt.date(2000, 2, 29)


def test_fifteen_digit_number_with_impossible_birth_date_is_refused():
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number("522327900230123", today=TODAY)
    assert "19900230" in caught.value.message


def test_birth_date_after_today_is_refused():
    tomorrow = TODAY + dt.timedelta(days=1)
    number = generate_id_number(address_code="522327", birth_on=tomorrow, sequence=1, sex="1")
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number(number, today=TODAY)
    assert caught.value.message == "身份证号中的出生日期 2025年3月2日 晚于今天，请核对"


def test_birth_date_today_is_accepted():
    number = generate_id_number(address_code="522327", birth_on=TODAY, sequence=1, sex="2")
    assert normalise_id_number(number, today=TODAY).birth_on == TODAY


@pytest.mark.parametrize("raw", [True, dt.date(1990, 1, 1), ["522327"]])
def test_values_of_other_types_are_refused(raw):
    with pytest.raises(IdNumberError) as caught:
        normalise_id_number(raw, today=TODAY)
    assert caught.value.message == "身份证号格式不正确"


def test_retired_address_code_is_accepted_without_warning_where_stdnum_rejects_it():
    # 522322 兴仁县 became 522302 兴仁市 in 2018; someone registered there in 2019 still holds it.
    number = generate_id_number(
        address_code="522322", birth_on=dt.date(2019, 5, 1), sequence=3, sex="1"
    )
    assert not ric.is_valid(number)
    result = normalise_id_number(number, today=TODAY)
    assert result.address_code == "522322"
    assert result.warnings == ()


def test_new_address_code_is_known():
    number = generate_id_number(
        address_code="522302", birth_on=dt.date(1990, 5, 1), sequence=3, sex="1"
    )
    assert normalise_id_number(number, today=TODAY).warnings == ()


def test_unknown_address_code_is_a_warning_not_an_error():
    number = with_check("99999919900101123")
    result = normalise_id_number(number, today=TODAY)
    assert result.number == number
    assert result.warnings == ("地址码 999999 不在行政区划代码表中",)


def test_converted_number_with_unknown_address_code_carries_both_warnings():
    result = normalise_id_number("999999900101123", today=TODAY)
    assert result.warnings == ("15 位旧身份证号已转换为 18 位", "地址码 999999 不在行政区划代码表中")


def test_number_ending_in_000_warns_that_excel_may_have_cut_it():
    number = next(
        n for n in (f"5223271990010{i}000" for i in range(10, 100)) if n[-1] == check_digit(n[:17])
    )
    result = normalise_id_number(number, today=TODAY)
    assert result.warnings == ("身份证号末三位是 000，可能被 Excel 截断过，请与原件核对",)


@pytest.mark.parametrize(
    "code,known",
    [("522327", True), ("522322", True), ("522302", True), ("522300", True), ("999999", False),
     ("52232", False), ("abcdef", False)],
)
def test_address_code_lookup_covers_every_year(code, known):
    assert is_known_address_code(code) is known


def test_error_is_a_domain_error_with_a_message():
    with pytest.raises(DomainError) as caught:
        normalise_id_number("123", today=TODAY)
    assert isinstance(caught.value, IdNumberError)
    assert caught.value.message == str(caught.value)


def test_hash_is_keyed_hex_sha256_and_stable():
    first = id_number_hash(MALE, b"key-one")
    assert first == id_number_hash(MALE, b"key-one")
    assert len(first) == 64 and int(first, 16) >= 0
    assert first != id_number_hash(MALE, b"key-two")
    assert first != id_number_hash(FEMALE, b"key-one")


def test_hash_treats_lower_case_x_like_upper_case():
    assert id_number_hash(ENDS_IN_X.lower(), b"k") == id_number_hash(ENDS_IN_X, b"k")


def test_hash_without_a_key_is_a_programming_error():
    with pytest.raises(ValueError):
        id_number_hash(MALE, b"")


def test_sex_and_birth_date_helpers_read_the_number():
    assert sex_from_id(MALE) == "1"
    assert sex_from_id(FEMALE) == "2"
    assert birth_date_from_id(MALE) == dt.date(1990, 1, 1)


@pytest.mark.parametrize("bad", ["", "123", MALE[:17]])
def test_helpers_refuse_numbers_that_are_not_18_characters(bad):
    with pytest.raises(IdNumberError):
        sex_from_id(bad)
    with pytest.raises(IdNumberError):
        birth_date_from_id(bad)


@pytest.mark.parametrize("sex", ["1", "2"])
@pytest.mark.parametrize("sequence", [1, 2, 250, 499])
def test_generated_numbers_are_valid_and_encode_sex_and_birth(sex, sequence):
    born = dt.date(1975, 12, 31)
    number = generate_id_number(address_code="522327", birth_on=born, sequence=sequence, sex=sex)
    assert len(number) == 18
    assert number[17] == check_digit(number[:17])
    result = normalise_id_number(number, today=TODAY)
    assert (result.number, result.birth_on, result.sex) == (number, born, sex)


def test_generated_numbers_differ_by_sequence_and_sex():
    born = dt.date(1980, 6, 1)
    numbers = {
        generate_id_number(address_code="522327", birth_on=born, sequence=i, sex=s)
        for i in range(1, 500)
        for s in "12"
    }
    assert len(numbers) == 998
    assert {n[14:17] for n in numbers} == {f"{order:03d}" for order in range(1, 999)}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"address_code": "52232", "sequence": 1, "sex": "1"},
        {"address_code": "522327", "sequence": 0, "sex": "1"},
        {"address_code": "522327", "sequence": 500, "sex": "2"},
        {"address_code": "522327", "sequence": 1, "sex": "男"},
    ],
)
def test_generator_refuses_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        generate_id_number(birth_on=dt.date(1990, 1, 1), **kwargs)


# The clean-cell fast path (_is_clean) must give exactly what the full cleaning gives.
FAST_PATH_CELLS = [
    MALE, FEMALE, ENDS_IN_X, ENDS_IN_X.lower(), ENDS_IN_X[:-1] + "ｘ", MALE.translate(FULL_WIDTH),
    f" {MALE}", f"{MALE[:6]} {MALE[6:]}", f"'{MALE}", f"\u200b{MALE}", MALE[:17] + "0", MALE[:17] + "Y",
    MALE[:16] + "a" + MALE[17], "52232719900101" + "1250", "522327900101125", "52232790010112X",
    "5.22327E+17", "", "19900101", MALE + "1", with_check("52232720250102125"), with_check("52232719900230125"),
    with_check("12345619900101125"), with_check("52232719900101000")[:17] + check_digit("52232719900101000"),
    522327900101125, 5.22327199001011e17, None,
]


@pytest.mark.parametrize("raw", FAST_PATH_CELLS)
def test_clean_cell_fast_path_gives_the_same_result_as_full_cleaning(raw):
    from lms.learners.idnumbers import _eighteen_characters, _is_clean

    def outcome(function):
        try:
            return function()
        except IdNumberError as error:
            return error.message

    if _is_clean(raw):
        assert _eighteen_characters(raw) == (raw, False)
    # The same cell through the slow path (a trailing space forces it): same number, same warnings, same refusal.
    slow = f"{raw} " if isinstance(raw, str) else raw
    assert not _is_clean(slow) or slow == raw
    assert outcome(lambda: normalise_id_number(raw, today=TODAY)) == outcome(
        lambda: normalise_id_number(slow, today=TODAY))
