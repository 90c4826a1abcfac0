"""Crediting: which records earn hours, how many minutes, in which category, and the daily caps.

THE one statement of these working rules. The attendance sheet and the attendance import judge a
learner's mark with ``mark_minutes`` and ``mark_problem``; the session form and import, the self-study
form and import judge a session's or an entry's length with ``day_minutes_problem``; every writer of hours
(the attendance sheet, the self-study form, the attendance, online-hours and self-study imports) checks the
learner's day with ``daily_cap_problem``; and the SQL that sums hours (lms.teaching.hours, the villages'
monthly hours, the class page, the learning account) builds its expressions from the data below, never
from literals of its own.

* Attendance: 出勤 present and 迟到 late earn hours — the session's minutes unless fewer are typed, never
  more; 请假 leave and 缺勤 absent earn none: their minutes are always 0 (``mark_problem`` refuses
  anything else), so a sum of attendance minutes needs no filter on the status.
* Categories (every credited minute belongs to exactly one): F minutes attended at face-to-face sessions,
  L at live-online sessions (a cancelled session never counts), P platform records, S self-study entries
  once a class teacher approved them (on the web; an import brings them in pending).
* The daily caps are policy settings of the learner's cohort (lms.rules.policy): self-study (S) and
  platform (P) each have a cap of their own (defaults 4 and 8 学时), and all four categories together one
  more (default 12 学时). Face-to-face and live-online hours have no cap of their own but count toward the
  total: the plan's teaching day is 8 学时 (集中授课1天(8学时)), which leaves 4 for other study that day. A
  pending self-study entry already holds its place in the day; only a rejected one frees it. No session or
  entry is longer than a day (``DAY_MINUTES``), and no cap can be set higher.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from lms.rules.formatting import format_date_cn, format_hours
from lms.rules.units import PARTS_PER_HOUR
from lms.rules.vocab import HOUR_CATEGORY_LABELS

if TYPE_CHECKING:
    from lms.rules.policy import Policy

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

#: A day (24 学时, in parts): no session or self-study entry is longer, and no daily cap can be set higher.
DAY_MINUTES = 24 * PARTS_PER_HOUR

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
    most a day (1,440 parts, 24 学时). (How much of it a learner may be credited that day is ``daily_cap_problem``'s.)"""
    if not 0 < minutes <= DAY_MINUTES:
        return f"学时应大于 0 且不超过 {format_hours(DAY_MINUTES)}"
    return None


def daily_cap(policy: Policy, category: str) -> int | None:
    """The most minutes of `category` (F, L, P, S) a learner may be credited in one day under `policy`:
    P and S have a cap of their own; F and L none (None), only the total (``policy.daily_cap_total_minutes``).
    ValueError for an unknown category."""
    if category == PLATFORM_CATEGORY:
        return policy.daily_cap_platform_minutes
    if category == SELF_STUDY_CATEGORY:
        return policy.daily_cap_self_study_minutes
    if category in SESSION_MODE_CATEGORIES.values():
        return None
    raise ValueError(f"unknown hour category {category!r}")


def daily_room(policy: Policy, category: str, day: Mapping[str, int]) -> int:
    """How many more minutes of `category` fit into a learner's day already holding `day` ({category:
    minutes}; a category absent holds 0): the least of what the category's own cap and the total cap
    leave, never below 0."""
    room = policy.daily_cap_total_minutes - sum(day.values())
    own = daily_cap(policy, category)
    if own is not None:
        room = min(room, own - day.get(category, 0))
    return max(room, 0)


def daily_cap_problem(policy: Policy, category: str, day: Mapping[str, int], adding: int, when: dt.date, *,
                      who: str) -> str | None:
    """Why `adding` more minutes of `category` cannot be credited to the learner `who` on `when`, a day
    already holding `day` ({category: minutes}) (Chinese), or None. THE check of the daily caps, for the
    attendance sheet, the self-study form and every hours import.

    The category's own cap is judged first (reaching it exactly passes, one minute more does not), then
    the total of all categories. Adding nothing (or taking away: a mark lowered) is never refused, even on
    a day over the caps from before they were set. The message names the learner, the day, what the day
    would hold (rounded up, so one minute over never reads as the cap itself) and the cap:
    “王芳 2025年3月8日 的自学将达 4.1 学时，超过每日自学上限 4 学时”.
    """
    if adding <= 0:
        return None
    own = daily_cap(policy, category)
    reaching = day.get(category, 0) + adding
    if own is not None and reaching > own:
        label = HOUR_CATEGORY_LABELS[category]
        return (f"{who} {format_date_cn(when)} 的{label}将达 {format_hours(reaching, round_up=True)} 学时，"
                f"超过每日{label}上限 {format_hours(own)} 学时")
    total = sum(day.values()) + adding
    if total > policy.daily_cap_total_minutes:
        return (f"{who} {format_date_cn(when)} 的学时合计将达 {format_hours(total, round_up=True)} 学时，"
                f"超过每日合计上限 {format_hours(policy.daily_cap_total_minutes)} 学时")
    return None
