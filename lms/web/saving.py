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

from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, flash

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
