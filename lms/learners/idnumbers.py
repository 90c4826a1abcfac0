"""Resident ID numbers (GB 11643): normalise, validate, convert 15 → 18 digits, hash, generate."""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import re
from dataclasses import dataclass
from decimal import Decimal

from stdnum import numdb
from stdnum.cn import ric

from lms.core.errors import DomainError
from lms.imports.cells import fold_width

__all__ = [
    "IdNumber",
    "IdNumberError",
    "birth_date_from_id",
    "generate_id_number",
    "id_number_hash",
    "is_known_address_code",
    "normalise_id_number",
    "sex_from_id",
]

EXCEL_NUMBER_MESSAGE = "身份证号被 Excel 存成了数字，后几位已丢失；请把该列设为文本格式后重新填写"

# What Excel shows for a long number, typed or exported as text: 5.22327E+17, 5.22327e17.
_SCIENTIFIC = re.compile(r"[0-9]+(?:\.[0-9]*)?E\+?[0-9]+")
_LAST_CHARACTERS = frozenset("0123456789X")


class IdNumberError(DomainError):
    """An ID number that cannot be accepted; `.message` says what is wrong, in Chinese."""


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A valid 18-character ID number and what it encodes.

    `sex` is "1" (male, odd 17th digit) or "2" (female); `warnings` are non-blocking remarks
    for the import preview (converted from 15 digits, unknown address code, …).
    """

    number: str
    birth_on: dt.date
    sex: str
    address_code: str
    warnings: tuple[str, ...] = ()


def _check_digit(first17: str) -> str:
    # stdnum's calc_check_digit reads all but the last character, so give it 18.
    return ric.calc_check_digit(first17 + "0")


@functools.lru_cache(maxsize=8192)
def is_known_address_code(code: str) -> bool:
    """True if the 6-digit code is in python-stdnum's division table for any year.

    Retired codes count as known (522322 兴仁县 became 522302 兴仁市 in 2018; people born
    there before keep their numbers).
    """
    if len(code) != 6 or not code.isdigit():
        return False
    return any("county" in props for _, props in numdb.get("cn/loc").info(code))


# Birth dates repeat across a file; parsing "19900101" once per distinct value saves time on
# 100,000-row imports. Only valid dates are kept, and the cache is emptied when it grows big.
_BIRTH_DATES: dict[str, dt.date] = {}


def _birth_date(digits8: str) -> dt.date:
    born = _BIRTH_DATES.get(digits8)
    if born is not None:
        return born
    try:
        born = dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期 {digits8} 不存在，请核对") from None
    if born.year < 1900:
        raise IdNumberError(f"身份证号中的出生日期 {digits8} 不合理，请核对")
    if len(_BIRTH_DATES) >= 50_000:
        _BIRTH_DATES.clear()
    _BIRTH_DATES[digits8] = born
    return born


def _text_of(raw: object) -> str:
    """The raw cell as compact upper-case text, or an IdNumberError for unusable types."""
    if type(raw) is str:
        text = raw if raw.isascii() else fold_width(raw)
        text = "".join(text.split()).upper()
        # A leading apostrophe is Excel's "store as text" marker when typed into a CSV.
        return text[1:] if text[:1] in ("'", "`") else text
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise IdNumberError("身份证号格式不正确")
    if isinstance(raw, (int, float, Decimal)):
        # A 15-digit old number is below 2**53 and survives as a number intact;
        # an 18-digit one has lost its last digits.
        if raw == raw and raw not in (float("inf"), float("-inf")) and raw == int(raw):
            whole = int(raw)
            if 10**14 <= whole < 10**15:
                return str(whole)
        raise IdNumberError(EXCEL_NUMBER_MESSAGE)
    raise IdNumberError("身份证号格式不正确")


def _eighteen_characters(raw: object) -> tuple[str, bool]:
    """The cell as an 18-character candidate number, and whether it was a 15-digit old one."""
    text = _text_of(raw)
    if not text:
        raise IdNumberError("身份证号不能为空")
    if "E" in text and _SCIENTIFIC.fullmatch(text):
        raise IdNumberError(EXCEL_NUMBER_MESSAGE)
    length = len(text)
    if length == 18:
        if not (text.isascii() and text[:17].isdigit() and text[17] in _LAST_CHARACTERS):
            raise IdNumberError("身份证号只能由数字组成，最后一位可以是 X")
        return text, False
    if length == 15:
        if not (text.isascii() and text.isdigit()):
            raise IdNumberError("15 位旧身份证号只能由数字组成")
        first17 = text[:6] + "19" + text[6:]
        return first17 + _check_digit(first17), True
    raise IdNumberError(f"身份证号应为 18 位（旧号 15 位），现在是 {length} 位")


def _is_clean(raw: object) -> bool:
    """True for a cell that cleaning would leave as it is and that is 18 digits (or 17 and X): a roster's usual
    cell. _eighteen_characters(raw) is then (raw, False) (tests/unit/learners/test_idnumbers.py holds it)."""
    return (type(raw) is str and len(raw) == 18 and raw.isascii() and raw[:17].isdigit()
            and raw[17] in _LAST_CHARACTERS)


def normalise_id_number(raw: object, *, today: dt.date) -> IdNumber:
    """Clean and validate an ID number cell; convert a 15-digit old number to 18 digits.

    Accepts spaces, full-width digits, lower-case x and invisible characters. Refuses an
    empty cell, numbers Excel stored as numeric (18 digits no longer exact), wrong length,
    non-digits, an impossible birth date, a wrong check digit or a birth date after `today`.
    An unknown address code is only a warning.
    """
    if _is_clean(raw):  # the common, already clean case skips all cleaning
        number, converted = raw, False
    else:
        number, converted = _eighteen_characters(raw)
    birth_on = _birth_date(number[6:14])
    if number[17] != ric.calc_check_digit(number):  # it reads the first 17 characters
        raise IdNumberError("身份证号校验码不正确，请核对")
    if birth_on > today:
        raise IdNumberError(
            f"身份证号中的出生日期 {birth_on.year}年{birth_on.month}月{birth_on.day}日 晚于今天，请核对"
        )
    if converted:
        warnings: tuple[str, ...] = ("15 位旧身份证号已转换为 18 位",)
    elif number.endswith("000"):
        warnings = ("身份证号末三位是 000，可能被 Excel 截断过，请与原件核对",)
    else:
        warnings = ()
    address_code = number[:6]
    if not is_known_address_code(address_code):
        warnings += (f"地址码 {address_code} 不在行政区划代码表中",)
    return IdNumber(number, birth_on, "1" if number[16] in "13579" else "2", address_code, warnings)


def id_number_hash(number: str, key: bytes) -> str:
    """Keyed HMAC-SHA256 (64 hex characters) of a normalised number, for look-ups by ID."""
    if not key:
        raise ValueError("id_number_hash needs a non-empty key")
    # hmac.digest is OpenSSL's one-shot HMAC: the same value as hmac.new(…).hexdigest(), several
    # times faster, which matters when a 100,000-row roster is hashed.
    return hmac.digest(key, number.upper().encode("ascii"), "sha256").hex()


def sex_from_id(number: str) -> str:
    """"1" (male) when the 17th character of a normalised 18-digit number is odd, else "2"."""
    if len(number) != 18 or not number[16].isdigit():
        raise IdNumberError("身份证号应为 18 位")
    return "1" if int(number[16]) % 2 else "2"


def birth_date_from_id(number: str) -> dt.date:
    """The birth date encoded in a normalised 18-digit number (characters 7–14)."""
    if len(number) != 18:
        raise IdNumberError("身份证号应为 18 位")
    return _birth_date(number[6:14])


def generate_id_number(*, address_code: str, birth_on: dt.date, sequence: int, sex: str) -> str:
    """A valid 18-digit number for demo data and tests.

    `sequence` (1–499) is the n-th person of that sex born that day in that place: the
    3-digit order code is 2·sequence − 1 for men ("1", odd) and 2·sequence for women ("2",
    even), so order codes run 001–998 and never 000.
    """
    if len(address_code) != 6 or not address_code.isdigit():
        raise ValueError("address_code must be 6 digits")
    if sex not in ("1", "2"):
        raise ValueError("sex must be '1' (male) or '2' (female)")
    if not 1 <= sequence <= 499:
        raise ValueError("sequence must be between 1 and 499")
    if birth_on.year < 1900:
        raise ValueError("birth_on must be in or after 1900")
    order = 2 * sequence - (1 if sex == "1" else 0)
    first17 = f"{address_code}{birth_on:%Y%m%d}{order:03d}"
    return first17 + _check_digit(first17)
