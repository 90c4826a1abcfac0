"""Domain errors raised by services and shown to users in Chinese."""
from __future__ import annotations


class DomainError(Exception):
    """A refused action with a message for the user (Simplified Chinese).

    `field` names the form field at fault, when there is one, so views can attach the message.
    A view shows it through lms.web.saving.saving(), which first undoes the request's writes — unless the
    class sets `rolls_back = False`: a refusal whose record must stand (a failed login, which counts toward
    throttling).
    """

    rolls_back = True

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist or is outside the actor's scope (views answer 404)."""


class PermissionDenied(DomainError):
    """The actor's role may not do this (views answer 403)."""


class ConflictError(DomainError):
    """Someone else changed the record first (optimistic locking)."""
