"""Capability and scope enforcement in one place: a decorator for capabilities, helpers for scoped queries.

- `@requires("plans.view")` — login required; a user whose role lacks the capability gets 403. Who holds
  which capability is the table in lms/auth/permissions.py, and nowhere else.
- `can("plans.edit")` — the same question for the logged-in user, in views and (as a Jinja global) in
  templates: show a button or link only to those who may use it.
- `@public` — reachable without login (login page, certificate verification).
- `scoped(stmt, Model)` / `get_or_404(Model, id)` — apply `Model.in_scope(scope)`; data outside the
  user's scope answers 404, exactly as if it did not exist.
The permission-matrix test walks every endpoint and fails when one has neither marker.
"""
from __future__ import annotations

from functools import lru_cache, wraps

from flask import abort, g
from flask_login import current_user

from lms.auth.models import ROLES
from lms.auth.permissions import may, roles_with
from lms.auth.scope import Scope, scope_for
from lms.extensions import db
from lms.web.numbers import in_range

ALL_ROLES = ROLES


def requires(capability: str):
    """Decorator: the view needs a logged-in user holding `capability` (403 otherwise).

    The view keeps `capability` and `allowed_roles` (the roles holding it) for the menu and the tests."""
    allowed = roles_with(capability)        # an unknown capability fails when the module is imported

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from lms.extensions import login_manager

                return login_manager.unauthorized()
            if not may(current_user, capability):
                abort(403)
            return view(*args, **kwargs)

        wrapped.capability = capability
        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


def can(capability: str) -> bool:
    """True when the logged-in user holds `capability` (templates: `{% if can("plans.edit") %}`)."""
    user = current_user._get_current_object()      # one look-up through the proxy, not two (asked per row)
    return user.is_authenticated and may(user, capability)


def public(view):
    """Mark a view as reachable without login (checked by the permission-matrix test)."""
    view.public = True
    return view


def current_scope() -> Scope:
    """The logged-in user's scope, computed once per request."""
    if "lms_scope" not in g:
        g.lms_scope = scope_for(current_user)
    return g.lms_scope


def scoped(stmt, model, scope: Scope | None = None):
    """Restrict a select() of `model` to rows in the scope (default: the current user's)."""
    return stmt.where(model.in_scope(scope or current_scope()))


def get_or_404(model, object_id, scope: Scope | None = None, options: tuple = ()):
    """Load one row of `model` by primary key if it exists and lies in scope; otherwise 404. `options`: loader
    options (a module-level tuple, e.g. the relations the page shows, joined in the same SELECT)."""
    if not in_range(object_id):         # an id no column holds (from a form or a hand-made URL) exists nowhere
        abort(404)
    obj = db.session.scalars(_by_id_in_scope(model, scope or current_scope(), options),
                             {"object_id": object_id}).first()
    if obj is None:
        abort(404)
    return obj


@lru_cache(maxsize=1024)
def _by_id_in_scope(model, scope: Scope, options: tuple = ()):
    """SELECT model WHERE id = :object_id AND in scope — built once per model and scope, not per request
    (the scope clauses are sub-selects; building them cost more than running the query)."""
    from sqlalchemy import bindparam, select

    return scoped(select(model).where(model.id == bindparam("object_id")), model, scope).options(*options)
