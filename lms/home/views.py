"""The role-aware home page."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from lms.web.access import requires

bp = Blueprint("home", __name__)


@bp.get("/")
@requires("home.view")
def index():
    return render_template("home/index.html", role=current_user.role)
