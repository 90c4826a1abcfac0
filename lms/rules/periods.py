"""R3 programme length (学制) and study period dates, and the R12 re-sit window and facts cut-off.

Periods are inclusive ranges of days. A period of N years starting on day D ends on the
day before D's N-th anniversary, where the anniversary of 29 February in a common year is
1 March (the same convention as ages in R1). So enrolled 2023-03-01 for 3 years → last day
2026-02-28; enrolled 2024-02-29 for 1 year → last day 2025-02-28.
"""

from __future__ import annotations

import datetime as dt

from lms.rules.formatting import format_date_cn
from lms.rules.policy import Policy
from lms.rules.results import RuleResult

_ONE_DAY = dt.timedelta(days=1)


def anniversary(day: dt.date, years: int) -> dt.date:
    """The same month and day ``years`` later; 29 February falls on 1 March in a common year."""
    year = day.year + years
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 3, 1)


def programme_years(prior_education: str, policy: Policy) -> int:
    """R3: the programme length (学制) in years for a prior education (高中及以上 → 1, else 3 by default)."""
    try:
        return policy.programme_years[prior_education]
    except KeyError:
        raise ValueError(f"unknown prior education {prior_education!r}") from None


def study_period_end(enrolled_on: dt.date, years: int) -> dt.date:
    """R3: the LAST day (inclusive) of a study period of ``years`` starting on ``enrolled_on``."""
    if years < 1:
        raise ValueError("a study period is at least one year")
    return anniversary(enrolled_on, years) - _ONE_DAY


def resit_until(period_end_on: dt.date, policy: Policy) -> dt.date:
    """R12: the last day (inclusive) on which a 结业 learner's re-sit results still count.

    The window is a period of ``policy.resit_years`` starting the day after the study
    period ends (period ending 2026-02-28 → re-sit until 2028-02-29); with 0 years there is
    no window and this is the period's last day.
    """
    if policy.resit_years == 0:
        return period_end_on
    return study_period_end(period_end_on + _ONE_DAY, policy.resit_years)


def facts_cutoff(as_of: dt.date, period_end_on: dt.date, policy: Policy) -> dt.date:
    """R12: the last day whose facts may count for a decision as of ``as_of``.

    min(as_of, end of the re-sit window): a result obtained after the window never turns a
    结业 learner into a graduate. Callers gather hours, assignments and evaluations up to
    this date; attempts carry their own dates and are also filtered by the engine.
    """
    return min(as_of, resit_until(period_end_on, policy))


def hours_cutoff(as_of: dt.date, period_end_on: dt.date, policy: Policy) -> dt.date:
    """The last day whose hours (R5/R6) may count for a decision as of ``as_of``.

    ``policy.hours_after_period`` "none" (the plan: 结业 goes to those who "在规定的学习年限内，未修满
    规定学时"): min(as_of, the period's last day), so hours added after the period never turn a 结业
    learner into a graduate — only re-sat assessments do. "resit_window": facts_cutoff's day.
    """
    if policy.hours_after_period == "none":
        return min(as_of, period_end_on)
    return facts_cutoff(as_of, period_end_on, policy)


def learner_period_end(enrolled_on: dt.date, prior_education: str, policy: Policy,
                       period_end_on: dt.date | None = None) -> dt.date:
    """The study period's last day: ``period_end_on`` when given (e.g. extended by a suspension), else R3's."""
    if period_end_on is not None:
        return period_end_on
    return study_period_end(enrolled_on, programme_years(prior_education, policy))


def programme_rule(enrolled_on: dt.date, prior_education: str, policy: Policy,
                   period_end_on: dt.date | None = None) -> RuleResult:
    """R3 as a (always met, informational) RuleResult: 学制 and the study period's dates."""
    years = programme_years(prior_education, policy)
    standard_end = study_period_end(enrolled_on, years)
    end = period_end_on or standard_end
    reason = (f"入学前学历{prior_education}，学制 {years} 年，"
              f"修业期 {format_date_cn(enrolled_on)}至{format_date_cn(end)}")
    if end != standard_end:
        reason += f"（标准修业期至{format_date_cn(standard_end)}）"
    return RuleResult("R3", True, False, reason, {
        "years": years, "enrolled_on": enrolled_on, "period_end_on": end,
        "standard_period_end_on": standard_end, "resit_until": resit_until(end, policy),
    })
