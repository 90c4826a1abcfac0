"""refused(lambda: service(...)): assert a service raises DomainError, undoing only what it wrote."""
from __future__ import annotations

from lms.core.errors import DomainError
from lms.extensions import db


def refused(call) -> DomainError:
    """Run `call` inside a SAVEPOINT; it must raise DomainError. The test's other data stays."""
    savepoint = db.session.begin_nested()
    try:
        call()
    except DomainError as error:
        savepoint.rollback()
        return error
    savepoint.rollback()
    raise AssertionError("expected a DomainError, but the call succeeded")
