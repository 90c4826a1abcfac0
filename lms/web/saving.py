"""One transaction per user action, written once for every view.

    with saving(form) as saved:
        user = services.create_user(actor=current_user, ...)
    if saved:
        flash("已创建用户。", "success")
        return redirect(...)

A DomainError from the service rolls everything back (nothing is written) and is shown to the user:
on the form field it names, or — when there is no form — as a flashed message. Without one, the
transaction commits and `saved` is true. A PermissionDenied (a DomainError the service raises when
the user may not do this to this record) rolls back and answers 403.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import abort, flash, redirect

from lms.core.errors import DomainError, PermissionDenied
from lms.extensions import db


class Saved:
    """True once the block committed."""

    def __init__(self) -> None:
        self.ok = False

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def saving(form=None, *, category: str = "danger") -> Iterator[Saved]:
    """Commit the block's writes, or roll back and show the DomainError it raised (see module doc)."""
    saved = Saved()
    try:
        yield saved
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        if form is not None:
            form.add_domain_error(error)
        else:
            flash(error.message, category)
    else:
        db.session.commit()
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
