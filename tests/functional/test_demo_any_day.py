"""The demo county loads on any day and tells the same story; its pages answer on any day.

The demo is loaded as on the 1st and the 15th of every month from the suite's day to three years ahead,
plus 29 February 2028 — each into a fresh in-memory database in a worker process (one per core), so the
sweep neither touches nor waits for the suite's database. The pages of every demo user are walked for a
sample of those days (documents — PDFs — on the first of them only: they cost seconds each).

It runs once, in the SQLite pass of bin/test: it never uses the suite's database, so the PostgreSQL pass
would repeat it exactly. The sweep starts in the background as soon as the tests are collected (see
`start_sweep`, called from tests/conftest.py), on the core the rest of the suite leaves idle, and these
tests run last and collect it.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date

import pytest

from lms.core import clock
from tests.support.demo_days import story_on

pytestmark = pytest.mark.skipif(bool(os.environ.get("LMS_TEST_DATABASE_URL")),
                                reason="uses its own in-memory SQLite databases; run once, in the SQLite pass")


def days_to_try(start: date) -> list[date]:
    """The 1st and the 15th of every month from `start`'s month for three years, and 29 February 2028."""
    days = []
    for offset in range(36):
        year, month = start.year + (start.month - 1 + offset) // 12, (start.month - 1 + offset) % 12 + 1
        days += [date(year, month, 1), date(year, month, 15)]
    return sorted({*days, date(2028, 2, 29)})


def walked(days: list[date]) -> set[date]:
    """A sample of the days whose pages are walked: the first, the middle, the last, and 29 February."""
    return {days[0], days[len(days) // 2], days[-1], date(2028, 2, 29)}


_sweep: list = []


def start_sweep() -> None:
    """Submit every day of the sweep to worker processes (once per run)."""
    if _sweep:
        return
    days = days_to_try(clock.today())
    sample = walked(days)
    pool = ProcessPoolExecutor(os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn"))
    walks = ["documents" if day == days[0] else "pages" if day in sample else None for day in days]
    _sweep.append(pool)
    _sweep.extend(pool.submit(story_on, day, walk) for day, walk in zip(days, walks, strict=True))


def stop_sweep() -> None:
    """Cancel what has not started and let the workers go."""
    if _sweep:
        _sweep[0].shutdown(wait=False, cancel_futures=True)


@pytest.fixture(scope="module")
def stories() -> list[dict]:
    start_sweep()
    _pool, *futures = _sweep
    try:
        return [future.result() for future in futures]
    finally:
        stop_sweep()


def test_the_sweep_covers_three_years_of_firsts_and_fifteenths_and_a_leap_day():
    days = days_to_try(date(2026, 12, 7))
    assert days[0] == date(2026, 12, 1) and days[-1] == date(2029, 11, 15)
    assert len(days) == 73 and date(2028, 2, 29) in days


def test_the_demo_loads_on_every_day(stories):
    failed = [(story["day"], story["error"]) for story in stories if "error" in story]
    assert failed == []


def test_the_demo_tells_the_same_story_whatever_the_day(stories):
    for story in stories:
        if "error" in story:
            continue
        day = story["day"]
        assert {"studying", "suspended", "withdrawn", "graduated", "completed"} <= set(story["statuses"]), day
        assert all(story["outcomes"][outcome] for outcome in
                   ("graduate", "early_graduate", "complete", "continue", "withdrawn")), (day, story["outcomes"])
        assert 0 < story["breaking_r4"] < story["classes"], (day, "some classes break R4, some keep it")
        assert story["batches"].get("diploma:issued") == 1, (day, story["batches"])
        assert story["certificates"].get("revoked") == 2 and story["reissued"] == 1, (day, story["certificates"])
        assert story["hours_on_days_off"] == [], (day, "hours dated when the learner was not studying")
        assert story["days_over_caps"] == [], (day, "a learner's day over the daily caps")
        first, second = story["targets"]
        assert first[1] >= first[0] and second[1] < second[0], (day, "the first goal met, the second not yet")


def test_every_page_of_every_demo_user_answers_on_the_sampled_days(stories):
    walks = [story for story in stories if "pages" in story]
    assert len(walks) == 4
    assert all(story["pages"] > 300 for story in walks), [story["pages"] for story in walks]
    assert [(story["day"], failure) for story in walks for failure in story["failures"]] == []
