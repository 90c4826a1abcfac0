"""The wait after failed logins: none below the threshold, one minute at it, doubling, capped by the window."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.auth.throttle import required_wait, wait_after

WINDOW = timedelta(minutes=15)
NOON = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


def _at(*minutes: float) -> list[datetime]:
    return [NOON + timedelta(minutes=m) for m in minutes]


def _wait(failures, now_minutes: float) -> timedelta:
    return wait_after(failures, NOON + timedelta(minutes=now_minutes), threshold=5, window=WINDOW)


@pytest.mark.parametrize(("failures", "minutes"), [
    (0, 0), (1, 0), (4, 0),            # below the threshold: no wait
    (5, 1), (6, 2), (7, 4), (8, 8),    # at it: one minute, doubling with each further failure
    (9, 15), (10, 15), (1000, 15),     # never longer than the window (and no overflow for huge counts)
])
def test_wait_after_failures(failures, minutes):
    assert required_wait(failures, threshold=5, window=WINDOW) == timedelta(minutes=minutes)


def test_a_window_shorter_than_a_minute_caps_the_first_wait_too():
    assert required_wait(3, threshold=3, window=timedelta(seconds=30)) == timedelta(seconds=30)


def test_no_failures_no_wait():
    assert _wait([], 0) <= timedelta(0)


def test_four_failures_no_wait_five_wait_a_minute_from_the_latest():
    assert _wait(_at(0, 0, 0, 0), 0) <= timedelta(0)
    assert _wait(_at(0, 0, 0, 0, 2), 2) == timedelta(minutes=1)
    assert _wait(_at(0, 0, 0, 0, 2), 2.5) == timedelta(minutes=0.5)
    assert _wait(_at(0, 0, 0, 0, 2), 3) == timedelta(0)


def test_failures_right_after_each_wait_keep_the_count_going():
    failures = _at(0, 0, 0, 0, 0, 1, 3, 7, 15, 30, 45)
    assert _wait(failures, 45) == WINDOW


def test_a_whole_window_after_the_wait_starts_the_count_again():
    # five failures at 0 require a one-minute wait: forgotten at 1 + 15 = 16 minutes, not before
    assert _wait(_at(0, 0, 0, 0, 0, 15.9), 15.9) == timedelta(minutes=2)     # the sixth: two minutes
    assert _wait(_at(0, 0, 0, 0, 0, 16), 16) <= timedelta(0)                 # the first of a new count
    # four failures require no wait: forgotten a window after the latest
    assert _wait(_at(0, 0, 0, 0, 15), 15) <= timedelta(0)
    assert _wait(_at(0, 0, 0, 0, 14.9), 14.9) == timedelta(minutes=1)
