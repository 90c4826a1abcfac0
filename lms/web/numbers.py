"""Whole numbers from URLs, query strings and forms, bounded to what a database integer column holds.

Ids are 64-bit signed integers in SQLite and PostgreSQL; a larger number sent to SQLite fails with
"Python int too large to convert to SQLite INTEGER" — a 500 for a typo or a probe. So:
- path parameters `<int:…>` use `BoundedIntConverter` (registered app-wide as `int` in create_app):
  a number out of range matches no URL, so it answers 404 like any id that does not exist;
- query parameters are read with `int_arg` / `page_arg`: a value that is not a whole number within
  range (too large, negative, not a number) is ignored, as if it were not given;
- ids posted in forms are read with `form_int` / `form_ids` (same bounds: out of range is no id).
"""
from __future__ import annotations

import builtins
from collections.abc import Iterable

from flask import request
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**63 - 1
# The deepest page a list may be asked for: page × rows per page must stay far inside DB_INT_MAX.
MAX_PAGE = 10**9


def db_int(raw) -> int:
    """`raw` as a whole number 0 … 2**63-1; ValueError for anything else (werkzeug's `type=` contract)."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"not a whole number: {raw!r}")
    value = int(text)
    if value > DB_INT_MAX:
        raise ValueError(f"out of range: {raw!r}")
    return value


def in_range(value) -> bool:
    """True when `value` is an int a database integer column holds (0 … 2**63-1)."""
    return isinstance(value, int) and 0 <= value <= DB_INT_MAX


def int_arg(name: str, default: int | None = None) -> int | None:
    """The query parameter `name` as a bounded whole number; `default` when missing or unusable."""
    return request.args.get(name, default, type=db_int)


def page_arg(name: str = "page") -> int:
    """The page number of a list (1 when missing, unusable or beyond MAX_PAGE)."""
    page = int_arg(name, 1)
    return page if 1 <= page <= MAX_PAGE else 1


def form_int(name: str, default: int | None = None) -> int | None:
    """The form field `name` as a bounded whole number; `default` when missing or unusable."""
    return request.form.get(name, default, type=db_int)


def form_ids(name: str) -> list[int]:
    """Every value of the form field `name` that is a bounded whole number (the rest are dropped)."""
    return bounded_ids(request.form.getlist(name))


def bounded_ids(values: Iterable) -> list[int]:
    """The values that are bounded whole numbers, as ints, in order (the rest are dropped)."""
    ids = []
    for value in values:
        try:
            ids.append(db_int(value))
        except ValueError:
            continue
    return ids


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only 0 … 2**63-1 (unsigned as before): larger ids answer 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = DB_INT_MAX,
                 signed: bool = False) -> None:
        upper = DB_INT_MAX if max is None else builtins.min(max, DB_INT_MAX)
        super().__init__(map, fixed_digits, min, upper, signed)
