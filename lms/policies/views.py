"""The registrar's policy pages: cohorts, the edit form generated from POLICY_FIELDS, version history."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from lms.core.clock import today
from lms.extensions import db
from lms.learners.models import Learner
from lms.policies.forms import changed_settings, form_fields, mapping_from_form, year_text
from lms.policies.models import PolicyVersion
from lms.policies.services import latest_version, policy_for, policy_history, save_policy, settings_of
from lms.reports.targets import parse_targets
from lms.rules import Policy
from lms.settings.services import get_setting
from lms.teaching.models import TeachingClass
from lms.web.access import requires
from lms.web.saving import saving

bp = Blueprint("policies", __name__, url_prefix="/policies")

def _cohorts() -> list[int]:
    """Cohorts worth listing: those with classes, learners or stored versions, and this year."""
    found = set(db.session.scalars(select(TeachingClass.cohort).distinct()))
    found |= set(db.session.scalars(select(Learner.cohort).distinct()))
    found |= set(db.session.scalars(select(PolicyVersion.cohort).distinct()))
    found.add(today().year)
    return sorted(found, reverse=True)


@bp.get("/")
@requires("policies.view")
def index():
    rows = [(cohort, latest_version(cohort)) for cohort in _cohorts()]
    return render_template("policies/index.html", rows=rows)


@bp.route("/<int:cohort>", methods=["GET", "POST"])
@requires("policies.edit")
def edit(cohort: int):
    values = policy_for(cohort).to_mapping()
    error = None
    note = ""
    if request.method == "POST":
        note = request.form.get("note", "")
        with saving(show=False) as saved:     # the page shows the refusal above the fields
            submitted = mapping_from_form(request.form)
            values = {**values, **submitted}
            version = save_policy(actor=current_user, cohort=cohort, values=submitted, note=note)
        if saved:
            flash(f"已保存 {cohort} 级政策第 {version.version} 版。", "success")
            return redirect(url_for("policies.history", cohort=cohort))
        error = saved.error
    # The goals are the county's setting, shown here beside who counts toward them (read-only).
    return render_template("policies/edit.html", cohort=cohort, fields=form_fields(values), error=error, note=note,
                           current=latest_version(cohort), year_text=year_text,
                           goals=parse_targets(get_setting("reports.targets")))


@bp.get("/<int:cohort>/history")
@requires("policies.view")
def history(cohort: int):
    versions = policy_history(cohort)
    defaults = Policy().to_mapping()
    rows = []
    settings = [settings_of(version) for version in versions]
    for index, version in enumerate(versions):
        previous = settings[index + 1] if index + 1 < len(versions) else defaults
        rows.append((version, changed_settings(previous, settings[index])))
    return render_template("policies/history.html", cohort=cohort, rows=rows)
