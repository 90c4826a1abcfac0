"""The administrator's settings page (a plain form generated from the registry)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.settings.registry import SETTINGS
from lms.settings.services import all_settings, save_settings
from lms.web.access import requires
from lms.web.saving import saving

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("/", methods=["GET", "POST"])
@requires("settings.manage")
def index():
    values = all_settings()
    error = None
    if request.method == "POST":
        # Only the fields the form sent: a setting absent from the POST keeps its value.
        submitted = {item.key: request.form[item.key] for item in SETTINGS if item.key in request.form}
        with saving(show=False) as saved:     # the page shows the refusal above the fields
            changed = save_settings(actor=current_user, values=submitted)
        if saved:
            flash(f"已保存 {len(changed)} 项设置。" if changed else "没有修改。", "success")
            return redirect(url_for("settings.index"))
        error, values = saved.error, {**values, **submitted}
    sections: dict[str, list] = {}
    for item in SETTINGS:
        sections.setdefault(item.section, []).append(item)
    return render_template("settings/index.html", sections=sections, values=values, error=error)
