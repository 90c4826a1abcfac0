"""One transaction per request, ended in one place for every request (installed first by create_app).

- The response's status is below 400 → the request's transaction commits. A commit that fails raises from
  here, before any byte of the response is sent, so Flask answers with the styled 500 page instead
  (lms.web.errors); the messages the view flashed are dropped, since they said the work was saved.
- The status is 400 or more (an abort, a refused form answered 4xx, an error page) → it rolls back —
  unless the view called `keep_writes(status)` for that very status: a sheet saved in part keeps its good
  rows and answers 422 with the refused ones.
- An exception escaped the request altogether (the debugger, the tests) → it rolls back at teardown.

So views never commit or roll back (tests/functional/web/test_one_transaction.py reads their source):
they call services inside `with saving(form) as saved:` (lms.web.saving), which turns a DomainError into a
form error, a flash or a 403 and undoes what the block wrote. Work that must wait for the commit — queueing
a job the worker will read, moving an imported file aside — is handed to `on_commit(callback)`.

A page view (GET) commits too, having written nothing: the audit event of a download or of a whole-ID view
and a verification's log are written by `lms.core.db.write_after_read`, and the dashboard's R4 standings by
`lms.core.db.cache_in_read` — the only two ways a GET writes. CLI commands and background jobs are not
requests: they commit explicitly.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, g
from flask import session as cookie_session

from lms.extensions import db

log = logging.getLogger(__name__)

_ON_COMMIT = "lms_on_commit"
_KEEP_WITH = "lms_keep_writes_with"


def init_app(app: Flask) -> None:
    """Install the request's transaction boundary. Flask runs after-request functions in the reverse order of
    registration, so create_app installs this before anything else: it runs after every other one."""
    app.after_request(_end_transaction)
    app.teardown_request(_roll_back_after_error)


def on_commit(callback: Callable[[], object]) -> None:
    """Run `callback()` once the request's transaction has committed — never if it rolls back."""
    g.setdefault(_ON_COMMIT, []).append(callback)


def keep_writes(status: int) -> None:
    """Commit what the request wrote although the view answers `status` (4xx): it reports a save in part."""
    setattr(g, _KEEP_WITH, status)


def _end_transaction(response):
    callbacks, keep_with = g.pop(_ON_COMMIT, []), g.pop(_KEEP_WITH, None)
    used = db.session.registry.has()        # not when the request never touched the database (a static file)
    if response.status_code >= 400 and response.status_code != keep_with:
        if used:
            _roll_back()
        return response
    if used:
        try:
            db.session.commit()
        except Exception:
            cookie_session.pop("_flashes", None)    # "已保存 …" would show on the error page
            _roll_back()
            raise                                   # → the 500 page (lms.web.errors), never this response
    for callback in callbacks:
        callback()
    return response


def _roll_back_after_error(error: BaseException | None) -> None:
    g.pop(_ON_COMMIT, None)                 # a test's requests share one app context, hence one `g`
    g.pop(_KEEP_WITH, None)
    if error is not None and db.session.registry.has():
        _roll_back()


def _roll_back() -> None:
    try:
        db.session.rollback()
    except Exception:   # the database itself is unreachable: the error page is drawn without it
        log.warning("rolling back the request's transaction failed", exc_info=True)
