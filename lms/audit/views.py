"""The audit log page (administrators)."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from lms.audit.labels import ACTION_LABELS, action_label, entity_label
from lms.audit.queries import search_events
from lms.web.access import requires
from lms.web.numbers import page_arg

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@requires("audit.view")
def index():
    page = search_events(text=request.args.get("q", "").strip(), action=request.args.get("action", "").strip(),
                         page=page_arg())
    return render_template("audit/index.html", page=page, action_labels=ACTION_LABELS,
                           action_label=action_label, entity_label=entity_label)
