"""Formatting of numbers in reasons: hours, money, scores, credits and dates in Chinese style."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from lms.rules.units import PARTS_PER_HOUR

_TENTH = Decimal("0.1")


def format_hours(minutes: int, *, round_up: bool = False) -> str:
    """Stored parts (1/60 学时, see lms.rules.units; the ``minutes`` columns) as 学时: "318" when whole, else
    one decimal ("318.5").

    Partial tenths are rounded down by default so progress is never overstated
    (21599 parts is "359.9", not "360.0"): a registrar checking the 360-hour rule never
    sees it met when it is not. Pass ``round_up=True`` for a shortfall so that one missing
    minute reads "0.1", never "0". This is THE rounding of hours: pages (the ``|hours``
    filter), exports (``hours_number``) and PDFs all use it.
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError(f"minutes must be an int, got {minutes!r}")
    if minutes % PARTS_PER_HOUR == 0:
        return str(minutes // PARTS_PER_HOUR)
    if minutes > 0:
        # Whole tenths by integer division: the Decimal quotient's digits below, with no Decimal built (a
        # county's `flask lms hours` formats hundreds of thousands of these). A quotient n/60 lies at least 1/60
        # from a tenth it is not on, so the two never differ (a test compares them).
        tenths = -(-minutes * 10 // PARTS_PER_HOUR) if round_up else minutes * 10 // PARTS_PER_HOUR
        return f"{tenths // 10}.{tenths % 10}"
    hours = Decimal(minutes) / Decimal(PARTS_PER_HOUR)
    return str(hours.quantize(_TENTH, rounding=ROUND_CEILING if round_up else ROUND_FLOOR))


def hours_number(minutes: int) -> int | float:
    """Stored parts as a 学时 number for spreadsheet cells and JSON: the figure ``format_hours`` shows
    (21599 → 359.9, 480 → 8), so an export never reads differently from the page."""
    if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0:
        # format_hours' figure without the text: whole 学时, else tenths cut down (t / 10 is the double
        # nearest to "x.y", as float("x.y") is).
        if minutes % PARTS_PER_HOUR == 0:
            return minutes // PARTS_PER_HOUR
        return minutes * 10 // PARTS_PER_HOUR / 10
    text = format_hours(minutes)
    return float(text) if "." in text else int(text)


def format_number(value: int | Decimal) -> str:
    """An int or Decimal without trailing zeros or exponent: Decimal("4.50") → "4.5", 60 → "60"."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number here")
    if isinstance(value, int):
        return str(value)
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def format_score(score: int | Decimal) -> str:
    """An assessment score as shown in reasons: 52 → "52", Decimal("59.5") → "59.5"."""
    return format_number(score)


def format_credits(credits: int | Decimal) -> str:
    """Credits (学分) as shown in reasons: Decimal("4.0") → "4", Decimal("1.5") → "1.5"."""
    return format_number(credits)


def format_yuan(fen: int) -> str:
    """Fen as yuan with thousands separators: 150000 → "1,500", 150050 → "1,500.50"."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be an int, got {fen!r}")
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    text = f"{sign}{yuan:,}"
    return f"{text}.{rest:02d}" if rest else text


def format_date_cn(day: dt.date) -> str:
    """A date in Chinese style: 2025年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def format_month_cn(year: int, month: int) -> str:
    """A calendar month in Chinese style: 2025年3月."""
    return f"{year}年{month}月"
