"""The one place that reads the clock; rules never do (they take `as_of`)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now_utc() -> datetime:
    """The current instant, timezone-aware UTC (stored in *_at columns)."""
    return datetime.now(timezone.utc)


def today() -> date:
    """Today's date in China (the date users mean when they say 'today')."""
    return datetime.now(CHINA).date()
