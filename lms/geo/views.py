"""Pages for divisions and teaching points."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from lms.geo import queries, services
from lms.geo.forms import DivisionForm, TeachingPointForm
from lms.geo.models import Division, TeachingPoint
from lms.web.access import current_scope, get_or_404, requires
from lms.web.forms import choices
from lms.web.saving import saving

bp = Blueprint("geo", __name__)

@bp.get("/divisions")
@requires("geo.view")
def divisions():
    return render_template("geo/divisions.html", roots=queries.division_tree(current_scope()),
                           points=queries.teaching_points_in_scope(current_scope()))


@bp.route("/divisions/new", methods=["GET", "POST"])
@requires("divisions.manage")
def new_division():
    form = DivisionForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            division = services.create_division(actor=current_user, code=form.code.data, name=form.name.data)
        if saved:
            flash(f"已新增区划 {division.name}。", "success")
            return redirect(url_for("geo.divisions"))
    return render_template("geo/division_form.html", form=form)


def _point_form(point: TeachingPoint | None):
    form = TeachingPointForm(obj=point)
    form.village_id.choices = choices(queries.villages_in_scope(current_scope()))
    if form.validate_on_submit():
        village = get_or_404(Division, form.village_id.data)
        with saving(form) as saved:
            point = services.save_teaching_point(actor=current_user, point=point, name=form.name.data,
                                                 kind=form.kind.data, address=form.address.data or "",
                                                 village=village)
        if saved:
            flash(f"已保存教学点 {point.name}。", "success")
            return redirect(url_for("geo.divisions"))
    return render_template("geo/teaching_point_form.html", form=form, point=point)


@bp.route("/teaching-points/new", methods=["GET", "POST"])
@requires("teaching_points.manage")
def new_teaching_point():
    return _point_form(None)


@bp.route("/teaching-points/<int:point_id>/edit", methods=["GET", "POST"])
@requires("teaching_points.manage")
def edit_teaching_point(point_id: int):
    return _point_form(get_or_404(TeachingPoint, point_id))
