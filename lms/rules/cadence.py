"""R4 class cadence: a concentrated day each month, or two long concentrated trainings each year.

Per the county plan (每班每月集中授课1次,每次1天(8学时)或每年每班集中培训不少于两次,每次不低于120学时):

* A class's session minutes are summed per date (face-to-face and live online are both
  concentrated teaching). A month is met when some date in it reaches
  policy.cadence_day_minutes (480) — or, with policy.cadence_month_by = 'month' (乡村夜校: four
  evenings of 2 学时), when the month's sessions together reach it.
* A *training* is a continuous run of one class's session dates: consecutive dates have at most
  policy.cadence_gap_days empty days between them (default 2: Friday → Monday is one training),
  whatever the calendar. A run crossing 31 December is one training counted whole in one year:
  the year it began (policy.cadence_year_by = 'start'), or the year holding most of its session
  dates ('most_days'; a tie goes to the year it began). A year is covered when at least
  policy.cadence_trainings_per_year (2) of the trainings counted in it reach
  policy.cadence_training_minutes (7200).
* A month fails when it is over (before as_of's month), has no full day, and its year is
  not covered. The month containing as_of is "running" and never fails. In the current
  year a missed month is reported until the yearly alternative is met, so the school can
  act in time. Sessions after as_of are ignored.

It is a warning for the school, never a learner blocker.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from lms.rules.facts import SessionFacts
from lms.rules.formatting import format_hours, format_month_cn
from lms.rules.policy import Policy
from lms.rules.results import RuleResult


@dataclass(frozen=True)
class Training:
    """A run of session dates counted as one concentrated training (R4 yearly route), in ``year``."""

    start_on: dt.date
    end_on: dt.date
    days: int
    minutes: int
    qualifies: bool
    year: int

    @property
    def crosses_year(self) -> bool:
        """Whether the training runs across New Year (counted whole in ``year``)."""
        return self.start_on.year != self.end_on.year


@dataclass(frozen=True)
class YearCadence:
    """One calendar year of a class: its trainings and whether the yearly route covers it."""

    year: int
    trainings: tuple[Training, ...]
    qualifying: int
    covered: bool
    running: bool


@dataclass(frozen=True)
class MonthCadence:
    """One calendar month of a class: its full concentrated days, its minutes and its standing.

    ``status`` is 'ok' (a full day exists — or, by month, the month's minutes reach the day's),
    'missed' (the month is over without) or 'running' (the month of as_of, not yet over, not met
    so far).
    """

    year: int
    month: int
    full_days: tuple[dt.date, ...]
    status: str
    covered_by_year: bool
    minutes: int = 0

    @property
    def failing(self) -> bool:
        """Missed and not rescued by the yearly alternative."""
        return self.status == "missed" and not self.covered_by_year

    @property
    def label(self) -> str:
        """The month in Chinese style, e.g. 2025年3月."""
        return format_month_cn(self.year, self.month)


@dataclass(frozen=True)
class CadenceReport:
    """R4 for one class: every month, every year and the overall (non-blocking) RuleResult;
    ``month_by`` is the monthly route judged ('day' or 'month', policy.cadence_month_by)."""

    months: tuple[MonthCadence, ...]
    years: tuple[YearCadence, ...]
    result: RuleResult
    month_by: str = "day"

    @property
    def failing_months(self) -> tuple[MonthCadence, ...]:
        """The months that break the rule."""
        return tuple(month for month in self.months if month.failing)


def _month_range(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def training_year(run: list[dt.date], policy: Policy) -> int:
    """The year a training of these (sorted) session dates counts in: the year it began, or by
    policy.cadence_year_by = 'most_days' the year holding most of its dates (a tie: the earlier)."""
    if policy.cadence_year_by == "start":
        return run[0].year
    per_year: dict[int, int] = defaultdict(int)
    for day in run:
        per_year[day.year] += 1
    return max(sorted(per_year), key=lambda year: per_year[year])   # max keeps the first of equals


def class_trainings(daily: dict[dt.date, int], policy: Policy) -> tuple[Training, ...]:
    """Group session dates (date → minutes) into continuous trainings per the policy's gap, each with
    the year it counts in."""
    days = sorted(day for day, minutes in daily.items() if minutes > 0)
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days - 1 <= policy.cadence_gap_days:
            runs[-1].append(day)
        else:
            runs.append([day])
    found = []
    for run in runs:
        minutes = sum(daily[day] for day in run)
        found.append(Training(run[0], run[-1], len(run), minutes,
                              minutes >= policy.cadence_training_minutes, training_year(run, policy)))
    return tuple(found)


def trainings_in_year(daily: dict[dt.date, int], year: int, policy: Policy) -> tuple[Training, ...]:
    """The trainings (see ``class_trainings``) counted in ``year``: a training across New Year counts whole
    in one year, never split."""
    return tuple(training for training in class_trainings(daily, policy) if training.year == year)


def _join_months(months: Iterable[MonthCadence]) -> str:
    parts, last_year = [], None
    for month in months:
        parts.append(month.label if month.year != last_year else f"{month.month}月")
        last_year = month.year
    return "、".join(parts)


def class_cadence(sessions: Iterable[SessionFacts], first_month: dt.date, as_of: dt.date,
                  policy: Policy) -> CadenceReport:
    """R4: judge a class's concentrated teaching per month from ``first_month``'s month to ``as_of``'s month."""
    daily: dict[dt.date, int] = defaultdict(int)
    for session in sessions:
        if session.held_on <= as_of:
            daily[session.held_on] += session.minutes
    month_keys = _month_range(first_month, as_of)
    runs = class_trainings(daily, policy)
    years = []
    for year in sorted({year for year, _ in month_keys}):
        counted = tuple(training for training in runs if training.year == year)
        qualifying = sum(1 for training in counted if training.qualifies)
        years.append(YearCadence(year, counted, qualifying,
                                 qualifying >= policy.cadence_trainings_per_year,
                                 year == as_of.year))
    covered = {item.year: item.covered for item in years}
    full_days: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    month_minutes: dict[tuple[int, int], int] = defaultdict(int)
    for day in sorted(daily):
        month_minutes[(day.year, day.month)] += daily[day]
        if daily[day] >= policy.cadence_day_minutes:
            full_days[(day.year, day.month)].append(day)
    by_month = policy.cadence_month_by == "month"
    months = []
    for year, month in month_keys:
        full = tuple(full_days.get((year, month), ()))
        minutes = month_minutes.get((year, month), 0)
        if (minutes >= policy.cadence_day_minutes) if by_month else full:
            status = "ok"
        elif (year, month) == (as_of.year, as_of.month):
            status = "running"
        else:
            status = "missed"
        months.append(MonthCadence(year, month, full, status, covered[year], minutes))
    return CadenceReport(tuple(months), tuple(years), _overall(months, years, policy),
                         policy.cadence_month_by)


def _overall(months: list[MonthCadence], years: list[YearCadence], policy: Policy) -> RuleResult:
    day = format_hours(policy.cadence_day_minutes)
    failing = [month for month in months if month.failing]
    numbers = {
        "months_checked": len(months),
        "failing_months": tuple(f"{m.year}-{m.month:02d}" for m in failing),
        "years_covered": tuple(y.year for y in years if y.covered),
        "day_minutes": policy.cadence_day_minutes,
        "training_minutes": policy.cadence_training_minutes,
        "trainings_per_year": policy.cadence_trainings_per_year,
        "month_by": policy.cadence_month_by,
        "year_by": policy.cadence_year_by,
    }
    alternative = (f"每年 {policy.cadence_trainings_per_year} 次各满 "
                   f"{format_hours(policy.cadence_training_minutes)} 学时的集中培训")
    by_month = policy.cadence_month_by == "month"
    if failing:
        missed = f"集中授课累计不满 {day} 学时" if by_month else f"无满 {day} 学时的集中授课"
        reason = f"{_join_months(failing)}{missed}，当年也未达到{alternative}"
        return RuleResult("R4", False, False, reason, numbers)
    route = f"每月集中授课累计满 {day} 学时" if by_month else f"每月 1 天满 {day} 学时"
    reason = f"集中授课符合要求（{route}，或{alternative}）"
    running = [month for month in months if month.status == "running"]
    if running:
        so_far = (f"集中授课累计 {format_hours(running[0].minutes)} 学时，尚不满 {day} 学时" if by_month
                  else f"尚无满 {day} 学时的集中授课")
        reason += f"；{running[0].label}{so_far}（本月未结束）"
    return RuleResult("R4", True, False, reason, numbers)
