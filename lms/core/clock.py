"""The one place that reads the clock; rules never do (they take `as_of`).

The day can be set (`set_today`, `frozen_at`, or `LMS_TODAY` outside production) so that tests, the
demo checker and a trainer showing the system "as on 1 March" mean a day instead of reading the
calendar. While a day is set, `now_utc()` is that day at the current time of day in China, so
timestamps still order the way they were written.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

# Process-wide on purpose: a live test server's threads and the test share one "today".
_fixed_day: date | None = None


def set_today(day: date | None) -> None:
    """Make `today()` answer `day` from now on (None: the real calendar again)."""
    global _fixed_day
    _fixed_day = day


def fixed_day() -> date | None:
    """The day set with `set_today`, or None when the real calendar is read."""
    return _fixed_day


@contextmanager
def frozen_at(day: date) -> Iterator[date]:
    """with frozen_at(date(2028, 2, 29)): … — today is `day` inside the block, as before after it."""
    before = _fixed_day
    set_today(day)
    try:
        yield day
    finally:
        set_today(before)


def now_china() -> datetime:
    """The current instant in China (timezone-aware), on the set day when one is set."""
    now = datetime.now(CHINA)
    if _fixed_day is not None:
        now = datetime.combine(_fixed_day, now.timetz())
    return now


def now_utc() -> datetime:
    """The current instant, timezone-aware UTC (stored in *_at columns)."""
    if _fixed_day is None:
        return datetime.now(UTC)
    return now_china().astimezone(UTC)


def today() -> date:
    """Today's date in China (the date users mean when they say 'today')."""
    return _fixed_day if _fixed_day is not None else datetime.now(CHINA).date()
