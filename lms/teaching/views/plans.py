"""Teaching plans: the specialties, each one's courses, and the registrar's course editing."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.extensions import db
from lms.rules import hours_from_parts, parts_from_hours
from lms.teaching import queries, services
from lms.teaching.forms import CourseForm, SpecialtyForm
from lms.teaching.models import Course, Specialty
from lms.web.access import requires
from lms.web.saving import saving

bp = Blueprint("plans", __name__, url_prefix="/plans")

@bp.get("/")
@requires("plans.view")
def index():
    return render_template("teaching/plans.html", rows=queries.specialties_with_counts())


def _specialty_form(item: Specialty | None):
    form = SpecialtyForm(obj=item)
    if form.validate_on_submit():
        with saving(form) as saved:
            item = services.save_specialty(actor=current_user, specialty=item, name=form.name.data)
        if saved:
            flash(f"已保存专业 {item.name}。", "success")
            return redirect(url_for("plans.specialty", specialty_id=item.id))
    return render_template("teaching/specialty_form.html", form=form, specialty=item)


@bp.route("/new", methods=["GET", "POST"])
@requires("plans.edit")
def new_specialty():
    return _specialty_form(None)


@bp.route("/<int:specialty_id>/edit", methods=["GET", "POST"])
@requires("plans.edit")
def edit_specialty(specialty_id: int):
    return _specialty_form(db.session.get(Specialty, specialty_id) or abort(404))


@bp.post("/<int:specialty_id>/active")
@requires("plans.edit")
def toggle_specialty(specialty_id: int):
    item = db.session.get(Specialty, specialty_id) or abort(404)
    with saving() as saved:
        services.set_specialty_active(actor=current_user, specialty=item, active=request.form.get("active") == "1")
    if saved:
        flash(f"专业 {item.name} 已{'恢复' if item.active else '停办'}。", "success")
    return redirect(url_for("plans.specialty", specialty_id=item.id))


@bp.get("/<int:specialty_id>")
@requires("plans.view")
def specialty(specialty_id: int):
    item = db.session.get(Specialty, specialty_id) or abort(404)
    courses = queries.plan_courses(item.id, active_only=False)
    return render_template("teaching/plan.html", specialty=item, courses=courses)


def _course_form(item: Specialty, course: Course | None):
    form = CourseForm(obj=course)
    if course is not None and request.method == "GET":
        form.hours.data = hours_from_parts(course.minutes)
    if form.validate_on_submit():
        with saving(form) as saved:
            course = services.save_course(
                actor=current_user, specialty=item, course=course, name=form.name.data, kind=form.kind.data,
                minutes=parts_from_hours(form.hours.data), credits=form.credits.data,
                required_assignments=form.required_assignments.data)
        if saved:
            flash(f"已保存课程 {course.name}。", "success")
            return redirect(url_for("plans.specialty", specialty_id=item.id))
    return render_template("teaching/course_form.html", form=form, specialty=item, course=course)


@bp.route("/<int:specialty_id>/courses/new", methods=["GET", "POST"])
@requires("plans.edit")
def new_course(specialty_id: int):
    return _course_form(db.session.get(Specialty, specialty_id) or abort(404), None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@requires("plans.edit")
def edit_course(course_id: int):
    course = db.session.get(Course, course_id) or abort(404)
    return _course_form(course.specialty, course)


@bp.post("/courses/<int:course_id>/active")
@requires("plans.edit")
def toggle_course(course_id: int):
    course = db.session.get(Course, course_id) or abort(404)
    services.set_course_active(actor=current_user, course=course, active=request.form.get("active") == "1")
    flash(f"课程 {course.name} 已{'启用' if course.active else '停用'}。", "success")
    return redirect(url_for("plans.specialty", specialty_id=course.specialty_id))
