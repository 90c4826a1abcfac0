"""Login throttling: how long the next attempt on an account must wait after recent failed ones.

Only accounts are throttled, never addresses: a village office or a township behind one NAT address
shares it among everyone there, so failures on some accounts must not refuse the correct password of
another. Throttling slows rather than locks:

- from one address, LOGIN_MAX_FAILURES failures on one account make that address wait one minute after
  the latest before trying the account again, then 2, 4, 8 … minutes with each further failure, never
  longer than the window (LOGIN_FAILURE_WINDOW_MINUTES);
- from all addresses together, ACCOUNT_FACTOR times as many failures slow every address the same way, so
  guessing spread over many addresses is slowed too, while one person mistyping does not slow the account
  for the others who use it elsewhere;
- failures are forgotten once a whole window has passed, after the wait, without another one. Trying
  again as soon as each wait is over therefore keeps the wait at its longest: a guesser gets about four
  tries an hour, and the person who mistyped waits a few minutes.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from lms.auth.models import LoginAttempt
from lms.extensions import db

# Failures on an account from all addresses together, as a multiple of LOGIN_MAX_FAILURES, before every
# address must wait.
ACCOUNT_FACTOR = 2
# The most recent failures read per check. Enough to reach the longest wait for any sensible setting; a
# longer run only starts its count later, when the wait is already at its longest.
HISTORY = 100


def required_wait(failures: int, *, threshold: int, window: timedelta) -> timedelta:
    """The wait after the latest of `failures` failures: none below `threshold`; one minute at it, doubling
    with each further failure (2, 4, 8 … minutes), never longer than `window`."""
    if failures < threshold:
        return timedelta(0)
    doublings = min(failures - threshold, 30)      # 2**30 minutes is past any window already
    return min(window, timedelta(minutes=2 ** doublings))


def wait_after(failures: Sequence[datetime], now: datetime, *, threshold: int, window: timedelta) -> timedelta:
    """How much longer the next attempt must wait after `failures` (their times, oldest first); zero or
    less: it may go ahead now.

    Failures count one after another until a whole `window` passes, after the wait the last one required,
    without another; then the count starts again from nothing.
    """
    count, latest = 0, None
    for at in failures:
        if latest is not None and at - latest >= required_wait(count, threshold=threshold, window=window) + window:
            count = 0
        count, latest = count + 1, at
    if latest is None:
        return timedelta(0)
    return latest + required_wait(count, threshold=threshold, window=window) - now


def _failures(username: str, remote_addr: str | None = None) -> list[datetime]:
    """The times of the latest failed attempts on `username` (from `remote_addr` only, if given), oldest first.
    Attempts refused while waiting are not failures: their password was never checked."""
    stmt = (select(LoginAttempt.at)
            .where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(False),
                   LoginAttempt.throttled.is_(False))
            .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc()).limit(HISTORY))
    if remote_addr is not None:
        stmt = stmt.where(LoginAttempt.remote_addr == remote_addr)
    return list(reversed(db.session.scalars(stmt).all()))


def wait_remaining(username: str, remote_addr: str, now: datetime) -> timedelta:
    """How much longer `remote_addr` must wait before trying `username` again (zero or less: it may try now)."""
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    threshold = current_app.config["LOGIN_MAX_FAILURES"]
    return max(wait_after(_failures(username, remote_addr), now, threshold=threshold, window=window),
               wait_after(_failures(username), now, threshold=ACCOUNT_FACTOR * threshold, window=window))
