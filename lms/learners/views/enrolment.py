"""The enrolment form: a person from the roster (?entry=ID) or a walk-in, enrolled in a village."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from lms.core.clock import today
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.geo.queries import villages_in_scope
from lms.learners import queries
from lms.learners.forms import EnrolmentForm
from lms.learners.models import RosterEntry
from lms.learners.services import enrol_learner
from lms.teaching.models import Specialty, TeachingClass
from lms.web.access import current_scope, get_or_404, requires
from lms.web.forms import choices
from lms.web.numbers import db_int
from lms.web.saving import saving

bp = Blueprint("enrolment", __name__, url_prefix="/enrol")

def _form_with_choices(entry: RosterEntry | None) -> tuple[EnrolmentForm, dict]:
    """The form with every choice the user may make; `allowed` holds the ids a POST may use."""
    scope = current_scope()
    form = EnrolmentForm()
    form.from_roster = entry is not None
    villages = villages_in_scope(scope)
    points = queries.enrolment_points(scope)
    specialties = queries.active_specialties()
    classes = queries.classes_at_points([p.id for p in points])
    form.village_id.choices = choices([(0, "请选择")] + villages)
    form.teaching_point_id.choices = choices(
        [(0, "请选择")] + [(p.id, f"{p.name}（{p.village.parent.name}{p.village.name}）") for p in points])
    form.specialty_id.choices = choices([(0, "请选择")] + specialties)
    # Each class option names its point and specialty, so the page can offer only matching classes.
    form.class_id.choices = [SelectChoice(0, "暂不分班")] + [
        SelectChoice(c.id, f"{c.name}（{c.cohort}级）",
                     render_kw={"data-point": c.teaching_point_id, "data-specialty": c.specialty_id})
        for c in classes]
    allowed = {"villages": {v for v, _ in villages}, "points": {p.id for p in points},
               "specialties": {s for s, _ in specialties}, "classes": {c.id for c in classes}}
    if request.method == "GET":
        form.enrolled_on.data = today()
        if len(villages) == 1:              # an enroller of one village: nothing to choose
            form.village_id.data = villages[0][0]
        if len(points) == 1:
            form.teaching_point_id.data = points[0].id
        if entry is not None:
            form.name.data = entry.name
            form.village_id.data = entry.village_id
            form.prior_education.data = entry.education or ""
    return form, allowed


def _chosen(form: EnrolmentForm, allowed: dict):
    """The village, point, specialty and class the POST chose, after checking each was offered."""
    problems = {"village_id": ("villages", "请选择所在村（社区）"), "teaching_point_id": ("points", "请选择教学点"),
                "specialty_id": ("specialties", "请选择专业")}
    ok = True
    for name, (key, message) in problems.items():
        if getattr(form, name).data not in allowed[key] and message not in getattr(form, name).errors:
            getattr(form, name).errors = [*getattr(form, name).errors, message]
            ok = False
    class_id = form.class_id.data or 0
    if class_id and class_id not in allowed["classes"]:
        form.class_id.errors = [*form.class_id.errors, "请选择班级"]
        ok = False
    if not ok:
        return None
    return (db.session.get(Division, form.village_id.data), db.session.get(TeachingPoint, form.teaching_point_id.data),
            db.session.get(Specialty, form.specialty_id.data),
            db.session.get(TeachingClass, class_id) if class_id else None)


@bp.route("/", methods=["GET", "POST"])
@requires("learners.enrol")
def new():
    entry_id = request.values.get("entry", type=db_int)
    entry = get_or_404(RosterEntry, entry_id) if entry_id else None
    if entry is not None and entry.status == "enrolled":
        learner = queries.learner_for_roster_entry(entry.id)
        flash(f"{entry.name} 已经报名。", "info")
        if learner is not None:
            return redirect(url_for("learners.show", learner_id=learner.id))
        return redirect(url_for("roster.show", entry_id=entry.id))
    form, allowed = _form_with_choices(entry)
    if form.validate_on_submit() and (chosen := _chosen(form, allowed)) is not None:
        village, point, specialty, teaching_class = chosen
        upload = request.files.get("photo")
        with saving(form) as saved:
            learner = enrol_learner(
                actor=current_user, scope=current_scope(),
                id_number=entry.id_number if entry is not None else (form.id_number.data or ""),
                name=form.name.data, village=village, teaching_point=point, specialty=specialty,
                teaching_class=teaching_class, enrolled_on=form.enrolled_on.data,
                prior_education=form.prior_education.data, ethnicity=form.ethnicity.data,
                phone=form.phone.data or (entry.phone if entry is not None else ""),
                privacy_agreed=form.privacy_agreed.data, today=today(), roster_entry=entry,
                photo=upload.read() if upload is not None and upload.filename else None,
                max_photo_bytes=current_app.config["PHOTO_MAX_BYTES"])
        if saved:
            flash(f"已报名：{learner.name}，学号 {learner.student_number}，学制 {learner.programme_years} 年。",
                  "success")
            return redirect(url_for("learners.show", learner_id=learner.id))
    return render_template("enrolment/new.html", form=form, entry=entry)
