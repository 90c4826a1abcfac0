"""The roster pages: lists per township/village, one person with their visits, recording a visit."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.core.clock import today
from lms.geo.queries import townships_in_scope, villages_in_scope
from lms.learners import queries
from lms.learners.forms import VisitForm
from lms.learners.models import ROSTER_STATUS_LABELS, RosterEntry
from lms.learners.services.visits import record_roster_id_view, record_visit
from lms.rules import LEARNER_STATUS_LABELS
from lms.web.access import can, current_scope, get_or_404, requires
from lms.web.numbers import int_arg, page_arg
from lms.web.saving import saving

bp = Blueprint("roster", __name__, url_prefix="/roster")

@bp.app_context_processor
def registry_home_helpers():
    """For the township and enroller home panels: counts in the user's area, computed only if asked."""
    return {"registry_area_counts": lambda: queries.area_counts(current_scope()),
            "roster_labels": ROSTER_STATUS_LABELS, "learner_labels": LEARNER_STATUS_LABELS}


@bp.get("/")
@requires("roster.view")
def index():
    scope = current_scope()
    filters = {"township_id": int_arg("township"),
               "village_id": int_arg("village"),
               "status": request.args.get("status", ""), "q": request.args.get("q", "").strip()}
    result = queries.roster_list(scope, **filters, page=page_arg())
    return render_template("roster/index.html", result=result, filters=filters, labels=ROSTER_STATUS_LABELS,
                           townships=townships_in_scope(scope), villages=villages_in_scope(scope))


def _show(entry: RosterEntry, form: VisitForm | None = None, *, reveal: bool = False):
    if form is None and can("roster.visit"):
        form = VisitForm(visited_on=today(), visitor=current_user.display_name)
    return render_template("roster/show.html", entry=entry, visits=queries.visits_of(entry.id), form=form, reveal=reveal,
                           learner=queries.learner_for_roster_entry(entry.id), labels=ROSTER_STATUS_LABELS)


@bp.get("/<int:entry_id>")
@requires("roster.view")
def show(entry_id: int):
    return _show(get_or_404(RosterEntry, entry_id))


@bp.post("/<int:entry_id>/reveal")
@requires("ids.reveal")
def reveal(entry_id: int):
    entry = get_or_404(RosterEntry, entry_id)
    record_roster_id_view(actor=current_user, entry=entry)
    return _show(entry, reveal=True)


@bp.post("/<int:entry_id>/visits")
@requires("roster.visit")
def add_visit(entry_id: int):
    entry = get_or_404(RosterEntry, entry_id)
    form = VisitForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            record_visit(actor=current_user, entry=entry, today=today(), visited_on=form.visited_on.data,
                         visitor=form.visitor.data, outcome=form.outcome.data, reason=form.reason.data or "",
                         contact_phone=form.contact_phone.data or "", residence=form.residence.data or "",
                         work_situation=form.work_situation.data or "", health=form.health.data or "",
                         can_study={"yes": True, "no": False}.get(form.can_study.data),
                         willingness=form.willingness.data,
                         notes=form.notes.data or "")
        if saved:
            flash(f"已记录对 {entry.name} 的走访，名册状态：{entry.status_label}。", "success")
            return redirect(url_for("roster.show", entry_id=entry.id))
    return _show(entry, form)
