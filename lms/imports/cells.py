"""Parsing single spreadsheet cells (text, dates, phones, numbers, choices), errors in Chinese."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType

from lms.core.errors import DomainError
from lms.rules.units import PARTS_PER_HOUR

__all__ = [
    "CellError",
    "SEX_CHOICES",
    "bounded_message",
    "clean_text",
    "closest_name",
    "fold_width",
    "is_blank",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_hours_as_parts",
    "parse_phone",
    "remove_invisible",
]


class CellError(DomainError):
    """One cell's value is unusable; `.message` says why (the caller adds row and column)."""


# Characters that are invisible in Excel and WeChat but break comparisons: zero-width
# spaces and joiners, word joiner, BOM, soft hyphen, direction marks and embeddings.
# Visible-width blanks (NBSP, U+3000 ideographic space, tabs, newlines) are not here:
# str.split() already treats them as whitespace.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)

# Integral floats below 2**53 are exact, so 13812345678.0 may become "13812345678";
# above that (an 18-digit ID Excel stored as a number) the digits are already lost.
_EXACT_FLOAT = 2**53

_DATE_SEPARATED = re.compile(
    r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII
)
_DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?", re.ASCII)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)

# Excel's 1900 date system counts the 1900-02-29 that never was (Lotus 1-2-3's leap-year
# bug), so from serial 61 (1900-03-01) on, serial N is 1899-12-30 + N days. Only serials
# between 1920-01-01 and 2099-12-31 are taken as dates: a bare year typed as 2023 is
# refused instead of becoming 1905-07-15, and the bug's early range never applies.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN = 7306  # 1920-01-01
_SERIAL_MAX = 73050  # 2099-12-31

_PHONE_JUNK = str.maketrans("", "", " -()")
#: A 学时 column's own unit, which may follow the number ("2学时").
_HOUR_UNITS = ("学时",)
#: Clock-hour spellings: a clock duration is not a number of 学时 (a 学时 is the policy's length, e.g. 45 minutes).
_CLOCK_UNITS = ("小时", "hours", "hour", "hrs", "hr", "h", "钟头")
_CLOCK_REFUSAL = "是钟点时长，这一列应填写学时数（如 2 或 2学时；一学时的分钟数见政策设置）"

#: Synonyms for sex (GB/T 2261.1 codes); reuse with parse_choice(value, SEX_CHOICES, "性别").
SEX_CHOICES: Mapping[str, str] = MappingProxyType({
    "男": "1",
    "女": "2",
    "1": "1",
    "2": "2",
    "男性": "1",
    "女性": "2",
    "M": "1",
    "F": "2",
    "male": "1",
    "female": "2",
})


def remove_invisible(text: str) -> str:
    """Delete zero-width and direction-mark characters from text; other characters are kept."""
    return text if text.isascii() else text.translate(_INVISIBLE)


def fold_width(text: str) -> str:
    """Full-width digits, letters and punctuation to half-width (NFKC), invisible chars removed."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE))


def clean_text(value: object) -> str:
    """A cell as one line of text: None → "", invisible characters removed, whitespace collapsed.

    Whole floats below 2**53 print without ".0" (3.0 → "3"); larger floats keep their
    exponent (5.223271990010113e+17) so a precision-lost ID number stays recognisable.
    Dates print as 2023-05-06, booleans as 是/否.
    """
    if type(value) is str:
        if not value.isascii():
            value = value.translate(_INVISIBLE)
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_FLOAT:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(str(value))


def is_blank(value: object) -> bool:
    """True when a cell holds nothing but whitespace or invisible characters."""
    if value is None:
        return True
    if type(value) is str:
        return not clean_text(value)
    return False


def _shown(value: object) -> str:
    """The cell as quoted in an error message, cut to a readable length."""
    text = clean_text(value)
    return text if len(text) <= 24 else text[:23] + "…"


# A row's message quotes a cell in “…”; one of 40,000 characters must not fill the preview page.
_LONG_QUOTE = re.compile(r"“([^“”]{25,})”")
_MAX_MESSAGE = 200


def bounded_message(message: str) -> str:
    """A row's message with each quoted cell cut to 24 characters, on one line, at most 200 in all."""
    message = " ".join(_LONG_QUOTE.sub(lambda match: f"“{_shown(match[1])}”", message).split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def _date_cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _build_date(year: int, month: int, day: int, value: object) -> dt.date:
    if not 1900 <= year <= 2099:
        raise CellError(f"日期无法识别：{_shown(value)}，请写成 2023-05-06")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"日期不存在：{_shown(value)}，请核对年月日") from None


def _date_from_serial(value: float, original: object) -> dt.date:
    if value.is_integer() and 10000101 <= value <= 99991231:
        whole = int(value)
        return _build_date(whole // 10000, whole // 100 % 100, whole % 100, original)
    serial = int(value)
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise CellError(f"日期无法识别：{_shown(original)}，请写成 2023-05-06")
    return _EXCEL_EPOCH + dt.timedelta(days=serial)


# Imports repeat the same few hundred date texts; each distinct text is parsed once.
_DATE_TEXTS: dict[str, dt.date] = {}


def _date_from_text(value: str) -> dt.date:
    day = _DATE_TEXTS.get(value)
    if day is None:
        day = _parse_date_text(value)
        if len(_DATE_TEXTS) >= 20_000:
            _DATE_TEXTS.clear()
        _DATE_TEXTS[value] = day
    return day


def _parse_date_text(value: str) -> dt.date:
    text = value.strip() if value.isascii() else fold_width(clean_text(value))
    if not text:
        raise CellError("日期不能为空")
    match = _DATE_SEPARATED.fullmatch(text)
    if match is not None:
        return _build_date(int(match[1]), int(match[3]), int(match[4]), value)
    compact = "".join(text.split())
    match = _DATE_CHINESE.fullmatch(compact) or _DATE_COMPACT.fullmatch(compact)
    if match is None:
        match = _DATE_SEPARATED.fullmatch(compact)
        if match is None:
            raise CellError(f"日期无法识别：{_shown(value)}，请写成 2023-05-06")
        return _build_date(int(match[1]), int(match[3]), int(match[4]), value)
    return _build_date(int(match[1]), int(match[2]), int(match[3]), value)


def parse_date(
    value: object, *, not_before: dt.date | None = None, not_after: dt.date | None = None
) -> dt.date:
    """A cell as a date: date/datetime objects, Excel serial numbers or 8-digit numbers,
    and text 2023-05-06, 2023/5/6, 2023.5.6, 2023年5月6日, 20230506 (full-width digits too;
    a trailing time of day is ignored). Optional bounds refuse dates outside them.
    """
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, bool):
        raise CellError(f"日期无法识别：{_shown(value)}，请写成 2023-05-06")
    elif isinstance(value, (int, float, Decimal)):
        number = float(value) if abs(value) < 10**9 else float("inf")
        if number != number or number in (float("inf"), float("-inf")):
            raise CellError(f"日期无法识别：{_shown(value)}，请写成 2023-05-06")
        day = _date_from_serial(number, value)
    elif type(value) is str:
        day = _date_from_text(value)
    elif value is None:
        raise CellError("日期不能为空")
    else:
        raise CellError(f"日期无法识别：{_shown(value)}，请写成 2023-05-06")
    if not_before is not None and day < not_before:
        raise CellError(f"日期 {_date_cn(day)} 不能早于 {_date_cn(not_before)}")
    if not_after is not None and day > not_after:
        raise CellError(f"日期 {_date_cn(day)} 不能晚于 {_date_cn(not_after)}")
    return day


def parse_phone(value: object) -> str:
    """A mainland mobile number as 11 digits starting with 1.

    Spaces, dashes, brackets and a +86/0086/86 prefix are removed; a numeric cell such as
    13812345678 or 13812345678.0 is fine (11 digits are well within a float's precision).
    """
    if isinstance(value, bool):
        raise CellError("手机号应为 1 开头的 11 位数字")
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= _EXACT_FLOAT:
            raise CellError("手机号应为 1 开头的 11 位数字")
        text = str(int(value))
    elif isinstance(value, int):
        text = str(value)
    elif type(value) is str and len(value) == 11 and value.isdigit() and value.isascii():
        text = value  # the common case, checked below without any cleaning
    else:
        text = clean_text(value)
        if not text:
            raise CellError("手机号不能为空")
        text = fold_width(text).translate(_PHONE_JUNK)
    if len(text) > 11:
        if text.startswith("+86"):
            text = text[3:]
        elif text.startswith("0086"):
            text = text[4:]
        elif text.startswith("86") and len(text) == 13:
            text = text[2:]
    if len(text) == 11 and text[0] == "1" and text.isdigit() and text.isascii():
        return text
    raise CellError("手机号应为 1 开头的 11 位数字")


def _format_bound(bound: Decimal | int | float) -> str:
    number = Decimal(str(bound))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def parse_decimal(
    value: object,
    *,
    min: Decimal | int | float | None = None,  # noqa: A002 - the names read best at call sites
    max: Decimal | int | float | None = None,  # noqa: A002
) -> Decimal:
    """A cell as a Decimal (text may use full-width digits and thousands commas), within bounds.

    Errors: "不能为空", "不是数字:…", "不能为负数" (when min is 0), "不能小于 N", "不能超过 N".
    """
    if isinstance(value, bool):
        raise CellError(f"不是数字：{_shown(value)}")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(f"不是数字：{_shown(value)}")
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    else:
        text = clean_text(value)
        if not text:
            raise CellError("不能为空")
        if type(value) is not str:
            raise CellError(f"不是数字：{text}")
        compact = fold_width(text).replace(",", "").replace(" ", "")
        try:
            number = Decimal(compact)
        except InvalidOperation:
            raise CellError(f"不是数字：{_shown(value)}") from None
    if not number.is_finite():
        raise CellError(f"不是数字：{_shown(value)}")
    if min is not None and number < Decimal(str(min)):
        if Decimal(str(min)) == 0:
            raise CellError("不能为负数")
        raise CellError(f"不能小于 {_format_bound(min)}")
    if max is not None and number > Decimal(str(max)):
        raise CellError(f"不能超过 {_format_bound(max)}")
    return number


def parse_int(
    value: object,
    *,
    min: int | None = None,  # noqa: A002
    max: int | None = None,  # noqa: A002
) -> int:
    """A cell as a whole number within bounds (3, 3.0, "３" are fine; 3.5 is "应为整数")."""
    number = parse_decimal(value, min=min, max=max)
    if number != number.to_integral_value():
        raise CellError(f"应为整数：{_shown(value)}")
    return int(number)


def parse_hours_as_parts(value: object, *, max_hours: int | Decimal = 24) -> int:
    """A 学时 cell (1.5, "2", "2学时") as stored parts of a 学时 (1/60, lms.rules.units): 1.5 → 90.

    Rounded half-up to the part; refuses negative hours ("不能为负数") and more than max_hours ("不能超过 24").
    A clock duration — a time or duration cell (1:30), "2小时", "2h" — is refused, not guessed: a 学时 is not a
    clock hour (the policy's hour_length_minutes, usually 45), so "1:30" could be 1.5 or 2 学时; the column's
    header says 学时 and the user types the 学时 (only a platform's 学习时长（分钟） is converted, on import).
    """
    if isinstance(value, dt.timedelta | dt.time):
        raise CellError(f"“{_shown(value)}”{_CLOCK_REFUSAL}")
    if type(value) is str:
        text = fold_width(clean_text(value)).lower()
        for unit in _CLOCK_UNITS:
            if text.endswith(unit) and len(text) > len(unit) and _NUMBER_BEFORE_UNIT.search(text[: -len(unit)]):
                raise CellError(f"“{_shown(value)}”{_CLOCK_REFUSAL}")
        if _CLOCK_TIME.fullmatch(text):
            raise CellError(f"“{_shown(value)}”{_CLOCK_REFUSAL}")
        for unit in _HOUR_UNITS:
            if text.endswith(unit) and len(text) > len(unit):
                text = text[: -len(unit)].rstrip()
                break
        value = text
    hours = parse_decimal(value, min=0)
    if hours > Decimal(str(max_hours)):
        raise CellError(f"不能超过 {_format_bound(max_hours)}")
    return int((hours * PARTS_PER_HOUR).quantize(Decimal(1), rounding=ROUND_HALF_UP))


_NUMBER_BEFORE_UNIT = re.compile(r"\d\s*$")
_CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")


def _choice_key(text: str) -> str:
    return fold_width(text).casefold().replace(" ", "")


def parse_choice(
    value: object,
    choices: Mapping[str, str],
    label: str,
    *,
    shown: Sequence[str] | None = None,
) -> str:
    """Map a cell to a canonical value through `choices` (synonym → value).

    Matching ignores case, spaces and full-width forms, and a numeric cell 1.0 matches "1".
    The error lists `shown` (default: every synonym) as the allowed values.
    """
    text = clean_text(value)
    if not text:
        raise CellError(f"{label}不能为空")
    found = choices.get(text)
    if found is not None:
        return found
    key = _choice_key(text)
    for synonym, canonical in choices.items():
        if _choice_key(synonym) == key:
            return canonical
    allowed = "、".join(shown if shown is not None else dict.fromkeys(choices))
    raise CellError(f"{label}“{_shown(value)}”无法识别，只能填：{allowed}")


def closest_name(name: object, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The candidate a mistyped or shortened name most likely means, or None.

    A candidate equal apart from spaces wins, then one that contains the name or is
    contained in it (者楼街道 → 者楼街道办事处), then difflib's closest match above `cutoff`.
    """
    text = clean_text(name).replace(" ", "")
    if not text:
        return None
    compact = {c: c.replace(" ", "") for c in candidates if c}
    for candidate, bare in compact.items():
        if bare == text:
            return candidate
    overlapping = [
        c for c, bare in compact.items() if len(bare) >= 2 and (text in bare or bare in text)
    ]
    if overlapping:
        return min(overlapping, key=lambda c: (abs(len(compact[c]) - len(text)), c))
    matches = difflib.get_close_matches(text, list(compact.values()), n=1, cutoff=cutoff)
    if not matches:
        return None
    return next(c for c, bare in compact.items() if bare == matches[0])
