"""The role-aware home page."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from lms.web.access import ALL_ROLES, roles_required

bp = Blueprint("home", __name__)


@bp.get("/")
@roles_required(*ALL_ROLES)
def index():
    return render_template("home/index.html", role=current_user.role)
