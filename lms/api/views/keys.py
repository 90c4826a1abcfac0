"""API keys (系统管理员): the list, creating one (its secret shown once), revoking one."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from lms.api import queries, services
from lms.api.forms import ApiKeyForm
from lms.api.models import KEY_STATUS_LABELS, PURPOSE_LABELS, ApiKey
from lms.core import clock
from lms.geo.models import LEVEL_LABELS
from lms.web.access import get_or_404, requires
from lms.web.forms import BaseForm, choices
from lms.web.saving import saving

bp = Blueprint("keys", __name__, url_prefix="/api-keys")


@bp.get("/")
@requires("api_keys.manage")
def index():
    return render_template("keys/index.html", keys=queries.keys_list(), today=clock.today(),
                           status_labels=KEY_STATUS_LABELS, revoke_form=BaseForm())


@bp.route("/new", methods=["GET", "POST"])
@requires("api_keys.manage")
def new():
    form = ApiKeyForm()
    form.area_id.choices = choices((d.id, f"{d.name}（{LEVEL_LABELS[d.level]}）") for d in queries.areas())
    if not form.is_submitted():
        form.expires_on.data = clock.today() + timedelta(days=365)
    if form.validate_on_submit():
        with saving(form) as saved:
            key, secret = services.create_key(actor=current_user, name=form.name.data, purpose=form.purpose.data,
                                              area_id=form.area_id.data, expires_on=form.expires_on.data,
                                              note=form.note.data or "")
        if saved:
            # The secret is in this answer only: never stored, never in a redirect or the session.
            response = make_response(render_template("keys/created.html", key=key, secret=secret,
                                                     purpose_labels=PURPOSE_LABELS))
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("keys/form.html", form=form)


@bp.post("/<int:api_key_id>/revoke")
@requires("api_keys.manage")
def revoke(api_key_id: int):
    key = get_or_404(ApiKey, api_key_id)
    form = BaseForm()
    if form.validate_on_submit():
        with saving() as saved:
            services.revoke_key(actor=current_user, key=key)
        if saved:
            flash(f"已吊销接口密钥“{key.name}”。", "success")
    return redirect(url_for("keys.index"))
