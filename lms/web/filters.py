"""Jinja filters: Chinese dates, hours from minutes, masked IDs and phones, money from fen."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_datetime, get_locale

from lms.core.privacy import mask_id_number, mask_name, mask_phone
from lms.rules import PARTS_PER_HOUR, RULE_LABELS, format_credits, format_hours, format_score


def date_cn(value: date | datetime | None) -> str:
    """2025年3月1日 (Babel's long date in zh_Hans_CN)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    # Babel's pattern formatting costs ~50 µs and a page lists dozens of days (the class page's sessions):
    # each day is formatted once per locale.
    locale = str(get_locale())
    key = (value, locale)
    text = _LONG_DATES.get(key)
    if text is None:
        if len(_LONG_DATES) > 20_000:
            _LONG_DATES.clear()
        text = _LONG_DATES[key] = format_date(value, "long")
    return text


_LONG_DATES: dict[tuple[date, str], str] = {}


def datetime_cn(value: datetime | None) -> str:
    """2025年3月1日 14:05 in China time."""
    if value is None:
        return ""
    return format_datetime(value, "yyyy年M月d日 HH:mm")


def hours(minutes: int | None) -> str:
    """Stored parts (1/60 学时) as 学时 by the engine's one rounding (lms.rules.format_hours): 480 → "8", 510 → "8.5",
    21599 → "359.9" — cut down to one decimal, so a page never shows the 360-hour rule met when it is not."""
    if minutes is None:
        return ""
    return format_hours(int(minutes))


def hours_input(minutes: int | None) -> str:
    """Stored parts (1/60 学时) as the 学时 value of an input box: exact enough that saving the form unchanged
    keeps the parts (25 → "0.42" → 25), where the shown figure "0.4" would lose one."""
    if minutes is None:
        return ""
    text = f"{int(minutes) / PARTS_PER_HOUR:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def yuan(fen: int | None) -> str:
    """Fen as yuan with thousands separators: 150000 → "1,500"."""
    if fen is None:
        return ""
    whole, cents = divmod(int(fen), 100)
    return f"{whole:,}" + (f".{cents:02d}" if cents else "")


FILTERS = {
    "date_cn": date_cn,
    "datetime_cn": datetime_cn,
    "hours": hours,
    "hours_input": hours_input,
    "yuan": yuan,
    "mask_id": mask_id_number,
    "mask_phone": mask_phone,
    "mask_name": mask_name,
    "score": format_score,        # Decimal("75.0") → "75"
    "credits": format_credits,    # Decimal("2.0") → "2"
    "rule_label": RULE_LABELS.__getitem__,   # "R4" → "集中授课频次" (users never see the bare code)
}


def register_filters(app) -> None:
    """Install the filters on the app's Jinja environment."""
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["id_url"] = id_url


_ID_SENTINEL = 2_000_000_017          # an id no row holds, that a URL spells only where the id goes


def id_url(endpoint: str, **values) -> str:
    """url_for(endpoint, <one id argument>) for the links of long lists (a class page links each of its sessions
    four times): the URL is built by Flask once per endpoint and application root, then the id is put in. The
    same text as url_for gives; for endpoints whose one argument is an int id, nothing else."""
    from flask import current_app, request, url_for

    ((name, object_id),) = values.items()
    key = (endpoint, name, request.script_root)
    parts = current_app.extensions.setdefault("lms.id_urls", {}).get(key)
    if parts is None:
        built = url_for(endpoint, **{name: _ID_SENTINEL})
        if built.count(str(_ID_SENTINEL)) != 1:
            return url_for(endpoint, **values)
        parts = current_app.extensions["lms.id_urls"][key] = tuple(built.split(str(_ID_SENTINEL)))
    return f"{parts[0]}{int(object_id)}{parts[1]}"
