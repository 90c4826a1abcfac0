"""Masks for ID numbers, phones and names shown in lists and on public pages (SPEC §8)."""

from __future__ import annotations

import pytest

from lms.core.privacy import mask_id_number, mask_name, mask_phone


def test_id_number_keeps_first_six_and_last_four():
    assert mask_id_number("522327199001011234") == "522327********1234"


def test_id_number_ending_in_x_keeps_the_x():
    assert mask_id_number("52232719900101123X") == "522327********123X"


def test_old_fifteen_digit_number_keeps_first_six_and_last_four():
    assert mask_id_number("522327900101123") == "522327*****1123"


@pytest.mark.parametrize("short", ["1", "123456", "1234567890"])
def test_short_id_value_is_starred_completely(short):
    assert mask_id_number(short) == "*" * len(short)


@pytest.mark.parametrize("empty", [None, ""])
def test_missing_id_number_masks_to_empty(empty):
    assert mask_id_number(empty) == ""


def test_phone_keeps_first_three_and_last_four():
    assert mask_phone("13812341234") == "138****1234"


@pytest.mark.parametrize("short", ["1", "1234", "1234567"])
def test_short_phone_value_is_starred_completely(short):
    assert mask_phone(short) == "*" * len(short)


@pytest.mark.parametrize("empty", [None, ""])
def test_missing_phone_masks_to_empty(empty):
    assert mask_phone(empty) == ""


@pytest.mark.parametrize(
    "name,masked",
    [
        ("王德才", "王*才"),
        ("王芳", "王*"),
        ("欧阳娜娜", "欧**娜"),
        ("司马相如", "司**如"),
        ("阿卜杜拉·买买提", "阿***·**提"),
        ("阿依·木", "阿*·木"),
        ("热依拉・阿不都", "热**・**都"),
        ("吴𠈌", "吴*"),
        ("  王德才 ", "王*才"),
    ],
)
def test_name_keeps_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_single_character_name_is_fully_starred():
    assert mask_name("王") == "*"


def test_two_letters_around_a_dot_keep_only_the_first():
    assert mask_name("A·B") == "A·*"


@pytest.mark.parametrize("empty", [None, "", "   ", "·"])
def test_missing_name_masks_to_empty(empty):
    assert mask_name(empty) == ""


@pytest.mark.parametrize("func", [mask_id_number, mask_phone, mask_name])
def test_masks_accept_numbers_without_crashing(func):
    assert isinstance(func(13812341234), str)
