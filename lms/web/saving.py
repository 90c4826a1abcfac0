"""How a view runs a service and shows its DomainError — the one way, written once for every view.

    with saving(form) as saved:
        user = services.create_user(actor=current_user, ...)
    if saved:
        flash("已创建用户。", "success")
        return redirect(...)

The block does not commit: the request's transaction does, once the view has answered (lms.web.transaction).
A DomainError from the block undoes what the request wrote (nothing is written) and is shown to the user:
on the form field it names, or — when there is no form — as a flashed message; `saved` is then false and
`saved.error` holds it. A view that shows the error itself (beside the rows of a sheet) passes show=False.
A PermissionDenied answers 403, a NotFound 404 (and the request rolls back, as every 4xx does).
Without a DomainError `saved` is true, and the block's writes are committed with the request.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import abort, flash, redirect

from lms.core.errors import DomainError, NotFound, PermissionDenied
from lms.extensions import db


class Saved:
    """True once the block ran without a DomainError; `error` is the one it raised, if any."""

    def __init__(self) -> None:
        self.ok = False
        self.error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def saving(form=None, *, category: str = "danger", show: bool = True) -> Iterator[Saved]:
    """Run the block; on a DomainError undo the request's writes and show it (see module doc)."""
    saved = Saved()
    try:
        yield saved
    except DomainError as error:
        if error.rolls_back:
            db.session.rollback()
        if isinstance(error, PermissionDenied):
            abort(403)
        if isinstance(error, NotFound):
            abort(404)
        saved.error = error
        if show and form is not None:
            form.add_domain_error(error)
        elif show:
            flash(error.message, category)
    else:
        saved.ok = True


def first_error(form) -> str:
    """The first validation message of a form, for a flash after a redirect."""
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "提交的内容无效"


def button_action(form, action: Callable[[], object], success: str | Callable[[object], str], back: str):
    """A small form posted from a record's page (revoke, 验印 …): an invalid form flashes its first error;
    otherwise `action()` runs inside saving() and `success` (text, or a function of the action's
    result) is flashed. Either way the user goes back to `back`."""
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
        return redirect(back)
    with saving() as saved:
        result = action()
    if saved:
        flash(success(result) if callable(success) else success, "success")
    return redirect(back)
