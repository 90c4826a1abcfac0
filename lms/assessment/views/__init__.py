"""Assessment pages: classes, a class's sheet for one course (phone-first), the moral sheet, voiding a
result, and a learner's learning account."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.assessment import queries, services
from lms.assessment.account import learning_account as build_account
from lms.assessment.facts import required_titles
from lms.assessment.forms import SheetForm, VoidResultForm
from lms.assessment.models import AssessmentResult
from lms.assessment.rights import MORAL_RULE_TEXT, RULE_TEXT, rights_of
from lms.core.clock import today
from lms.extensions import db
from lms.learners.models import Learner
from lms.teaching.models import Course, TeachingClass
from lms.web.access import current_scope, get_or_404, requires
from lms.web.numbers import bounded_ids, form_ids
from lms.web.saving import saving
from lms.web.transaction import keep_writes

bp = Blueprint("assessment", __name__)

def _course_of_class(teaching_class: TeachingClass, course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None or course.specialty_id != teaching_class.specialty_id:
        abort(404)
    return course


@bp.get("/assessment/")
@requires("assessment.record")
def index():
    classes = queries.classes_for_assessment(current_scope(), current_user.id)
    return render_template("assessment/index.html", classes=classes)


@bp.get("/assessment/classes/<int:class_id>")
@requires("assessment.record")
def class_overview(class_id: int):
    teaching_class = get_or_404(TeachingClass, class_id)
    rights = rights_of(current_user)
    return render_template("assessment/class.html", teaching_class=teaching_class,
                           courses=queries.class_courses(teaching_class, rights),
                           moral_refusal=rights.moral_refusal(teaching_class.id), rule_text=RULE_TEXT)


def _sheet_entries(form_data) -> list[services.SheetEntry]:
    entries = []
    for learner_id in bounded_ids(form_data.getlist("learner")):
        entries.append(services.SheetEntry(learner_id, frozenset(form_data.getlist(f"a-{learner_id}")),
                                           form_data.get(f"s-{learner_id}", ""),
                                           frozenset(form_data.getlist(f"had-{learner_id}"))))
    return entries


@bp.route("/assessment/classes/<int:class_id>/courses/<int:course_id>", methods=["GET", "POST"])
@requires("assessment.record")
def sheet(class_id: int, course_id: int):
    teaching_class = get_or_404(TeachingClass, class_id)
    course = _course_of_class(teaching_class, course_id)
    refusal = rights_of(current_user).refusal(teaching_class.id, course)
    form = SheetForm(on=today())
    outcome, status, typed = None, 200, {}
    if request.method == "POST":
        if refusal:
            abort(403)
        if form.validate_on_submit():
            entries = _sheet_entries(request.form)
            with saving(form) as saved:
                outcome = services.save_assessment_sheet(actor=current_user, teaching_class=teaching_class,
                                                         course=course, on=form.on.data, entries=entries,
                                                         today=today())
            if saved:
                if not outcome.refused:
                    flash(_saved_text(outcome), "success")
                    return redirect(url_for("assessment.sheet", class_id=class_id, course_id=course_id))
                typed = {e.learner_id: e.score for e in entries if e.learner_id in outcome.refused}
                status = 422
                keep_writes(status)     # the good rows are saved; the refused ones are shown to fix
    lines = queries.assessment_sheet(teaching_class, course)
    return render_template("assessment/sheet.html", teaching_class=teaching_class, course=course, form=form,
                           lines=lines, titles=required_titles(course.required_assignments), refusal=refusal,
                           outcome=outcome, typed=typed, rule_text=RULE_TEXT[course.kind]), status


def _saved_text(outcome: services.SheetOutcome) -> str:
    if not outcome.changed:
        return "没有需要保存的修改。"
    return (f"已保存：成绩 {outcome.results} 条，作业完成 {outcome.completed} 项"
            + (f"，取消 {outcome.voided} 项" if outcome.voided else "") + "。")


@bp.route("/assessment/classes/<int:class_id>/moral", methods=["GET", "POST"])
@requires("assessment.record")
def moral_sheet(class_id: int):
    teaching_class = get_or_404(TeachingClass, class_id)
    refusal = rights_of(current_user).moral_refusal(teaching_class.id)
    form = SheetForm(on=today())
    if request.method == "POST":
        if refusal:
            abort(403)
        if form.validate_on_submit():
            choices = {learner_id: (request.form.get(f"m-{learner_id}", ""),
                                    request.form.get(f"c-{learner_id}", "").strip())
                       for learner_id in form_ids("learner")}
            with saving(form) as saved:
                count = services.save_moral_sheet(actor=current_user, teaching_class=teaching_class,
                                                  on=form.on.data, choices=choices, today=today())
            if saved:
                flash(f"已记录 {count} 人的思想品德评价。" if count else "没有需要保存的修改。", "success")
                return redirect(url_for("assessment.moral_sheet", class_id=class_id))
    return render_template("assessment/moral.html", teaching_class=teaching_class, form=form,
                           lines=queries.moral_sheet(teaching_class), refusal=refusal, rule_text=MORAL_RULE_TEXT)


@bp.route("/assessment/results/<int:result_id>/void", methods=["GET", "POST"])
@requires("assessment.record")
def void_result(result_id: int):
    result = get_or_404(AssessmentResult, result_id)
    learner = db.session.get(Learner, result.learner_id)
    form = VoidResultForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            services.void_result(actor=current_user, result=result, reason=form.reason.data)
        if saved:
            flash("已作废这条成绩，它仍保留在成绩记录中。", "success")
            if learner.class_id:
                return redirect(url_for("assessment.sheet", class_id=learner.class_id, course_id=result.course_id))
            return redirect(url_for("assessment.learning_account", learner_id=learner.id))
    return render_template("assessment/void.html", form=form, result=result, learner=learner)


def as_of_argument() -> dt.date:
    """The ?as_of=YYYY-MM-DD query argument, or today."""
    raw = request.args.get("as_of", "")
    try:
        return dt.date.fromisoformat(raw) if raw else today()
    except ValueError:
        flash(f"日期“{raw}”无法识别，已按今天计算。", "warning")
        return today()


@bp.get("/learners/<int:learner_id>/account")
@requires("learners.view")
def learning_account(learner_id: int):
    learner = get_or_404(Learner, learner_id)
    account = build_account(learner, as_of_argument())
    return render_template("assessment/account.html", learner=learner, account=account)
