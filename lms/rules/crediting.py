"""Crediting: which records earn hours, how many minutes, in which category, and the daily cap.

THE one statement of these working rules. The attendance sheet and the attendance import judge a
learner's mark with ``mark_minutes`` and ``mark_problem``; the session form and import, the self-study
form and import judge a day's minutes with ``day_minutes_problem``; every writer of hours checks the day
with ``exceeds_daily_cap`` and says so with ``daily_cap_reason``; and the SQL that sums hours
(lms.teaching.hours, the villages' monthly hours, the class page, the learning account) builds its
expressions from the data below, never from literals of its own.

* Attendance: 出勤 present and 迟到 late earn hours — the session's minutes unless fewer are typed, never
  more; 请假 leave and 缺勤 absent earn none: their minutes are always 0 (``mark_problem`` refuses
  anything else), so a sum of attendance minutes needs no filter on the status.
* Categories (every credited minute belongs to exactly one): F minutes attended at face-to-face sessions,
  L at live-online sessions (a cancelled session never counts), P platform records, S self-study entries
  once a teacher approved them (or an import brought them in as approved).
* The daily cap: a learner's minutes of one day, all four categories together, at most 24 学时
  (1,440 minutes). A pending self-study entry already holds its place in the day; only a rejected one
  frees it. One session or one entry cannot be longer than a day either.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

from lms.rules.formatting import format_date_cn, format_hours

#: Attendance statuses, in the order the sheet shows them, and their labels.
ATTENDANCE_STATUSES: tuple[str, ...] = ("present", "late", "leave", "absent")
ATTENDANCE_STATUS_LABELS = MappingProxyType({"present": "出勤", "late": "迟到", "leave": "请假", "absent": "缺勤"})

#: The statuses that earn hours: 迟到 counts as present.
CREDITING_STATUSES: tuple[str, ...] = ("present", "late")

#: The hour category of the minutes attended at a session, by the session's mode.
SESSION_MODE_CATEGORIES = MappingProxyType({"face": "F", "live": "L"})
#: Platform records are P, self-study entries S.
PLATFORM_CATEGORY, SELF_STUDY_CATEGORY = "P", "S"

#: Self-study entry statuses; the ones whose minutes are S hours; the ones that hold their place in the day.
SELF_STUDY_STATUSES: tuple[str, ...] = ("pending", "approved", "rejected")
CREDITED_SELF_STUDY_STATUSES: tuple[str, ...] = ("approved",)
DAY_HOLDING_SELF_STUDY_STATUSES: tuple[str, ...] = ("pending", "approved")

#: At most this many minutes a learner a day, all categories together (24 学时).
DAILY_CAP_MINUTES = 24 * 60

_NOT_CREDITING = tuple(status for status in ATTENDANCE_STATUSES if status not in CREDITING_STATUSES)


def earns_hours(status: str) -> bool:
    """True for the attendance statuses that earn hours (出勤, 迟到)."""
    return status in CREDITING_STATUSES


def mark_minutes(status: str, typed: int | None, session_minutes: int) -> int:
    """The minutes a mark credits: the typed minutes when some were typed; otherwise the session's for
    出勤/迟到 and 0 for 请假/缺勤. (Typed minutes are judged by ``mark_problem``.)"""
    if typed is not None:
        return typed
    return session_minutes if earns_hours(status) else 0


def mark_problem(status: str, minutes: int, session_minutes: int) -> str | None:
    """Why a learner's mark at a session of `session_minutes` cannot be saved (Chinese), or None.

    The one check of a mark, for the sheet and the attendance import alike: a known status, minutes not
    negative, none at all for 请假/缺勤, and not more than the session's."""
    if status not in ATTENDANCE_STATUS_LABELS:
        return "考勤状态不正确"
    if minutes < 0:
        return "学时不能为负数"
    if not earns_hours(status) and minutes:
        return f"{'、'.join(ATTENDANCE_STATUS_LABELS[s] for s in _NOT_CREDITING)}不计学时，实际学时应为空或 0"
    if minutes > session_minutes:
        return "实际学时不能超过课次学时"
    return None


def session_category(mode: str) -> str:
    """The hour category (F or L) of the minutes attended at a session of this mode; ValueError if unknown."""
    try:
        return SESSION_MODE_CATEGORIES[mode]
    except KeyError:
        raise ValueError(f"unknown session mode {mode!r}") from None


def credits_self_study(status: str) -> bool:
    """True when a self-study entry of this status counts as S hours (approved only)."""
    return status in CREDITED_SELF_STUDY_STATUSES


def holds_day(status: str) -> bool:
    """True when a self-study entry of this status counts toward its day's cap (pending or approved)."""
    return status in DAY_HOLDING_SELF_STUDY_STATUSES


def day_minutes_problem(minutes: int) -> str | None:
    """Why a session's or a self-study entry's minutes are unusable (Chinese), or None: more than 0 and at
    most a day's cap (1,440)."""
    if not 0 < minutes <= DAILY_CAP_MINUTES:
        return f"学时应大于 0 且不超过 {format_hours(DAILY_CAP_MINUTES)}"
    return None


def exceeds_daily_cap(already: int, adding: int) -> bool:
    """True when `adding` minutes to a learner's day holding `already` minutes goes over the cap:
    1,440 minutes in all pass, 1,441 do not."""
    return already + adding > DAILY_CAP_MINUTES


def daily_cap_reason(day: dt.date, who: str = "该学员") -> str:
    """How a refusal by the daily cap reads, on the sheet (naming the learner), a form or an import row:
    “该学员 2025年3月8日 的学时合计超过 24 学时”."""
    return f"{who} {format_date_cn(day)} 的学时合计超过 {format_hours(DAILY_CAP_MINUTES)} 学时"
