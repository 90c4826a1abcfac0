"""Classes: the scoped list, create/edit, teachers and learners, the class page, cards, a learner's hours.

Who may create and edit classes: the registrar (county-wide) and township staff, for classes meeting at
teaching points in their township(s) — they arrange the venues and the enrolment; teachers and enrollers
see their classes but do not change them.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from lms.auth.models import User
from lms.certificates.rendering import public_base_url
from lms.core.clock import today
from lms.core.errors import DomainError
from lms.extensions import db
from lms.geo.models import TeachingPoint
from lms.geo.queries import teaching_points_in_scope
from lms.learners.models import Learner
from lms.learners.my_learning import card_qr_text, my_learning_url
from lms.learners.services.cards import issue_cards
from lms.learners.studying import studying_on
from lms.policies.services import policy_for
from lms.teaching import queries, services
from lms.teaching.forms import ClassForm
from lms.teaching.models import Specialty, TeachingClass
from lms.teaching.pdfs import learner_cards_pdf
from lms.teaching.progress import learner_progress, progress_for
from lms.web.access import current_scope, get_or_404, requires
from lms.web.filters import date_cn, hours, id_url
from lms.web.forms import choices
from lms.web.numbers import form_ids, form_int
from lms.web.saving import saving

bp = Blueprint("teaching", __name__)

@bp.app_context_processor
def teacher_panel():
    """`teacher_sessions_today()` for the teacher's home panel (templates/home/_teacher.html)."""
    def teacher_sessions_today():
        return queries.sessions_on(today(), current_user) if current_user.is_authenticated else []

    return {"teacher_sessions_today": teacher_sessions_today}


@bp.get("/classes")
@requires("classes.view")
def classes():
    return render_template("teaching/classes.html", rows=queries.classes_in_scope(current_scope()))


def _class_form(teaching_class: TeachingClass | None):
    form = ClassForm(obj=teaching_class)
    form.specialty_id.choices = choices((s.id, s.name) for s in db.session.scalars(
        select(Specialty).where(Specialty.active.is_(True)).order_by(Specialty.position)))
    form.teaching_point_id.choices = choices(
        (p.id, f"{p.village.parent.name if p.village.parent else ''} {p.village.name} · {p.name}")
        for p in teaching_points_in_scope(current_scope()))
    form.head_teacher_id.choices = choices([(0, "（暂无）")] + [(t.id, t.display_name) for t in queries.teachers()])
    if teaching_class is None and request.method == "GET":
        form.cohort.data = today().year
        form.active.data = True
    if teaching_class is not None and request.method == "GET":
        form.head_teacher_id.data = teaching_class.head_teacher_id or 0
    if form.validate_on_submit():
        point = get_or_404(TeachingPoint, form.teaching_point_id.data)
        specialty = db.session.get(Specialty, form.specialty_id.data) or abort(400)
        head = db.session.get(User, form.head_teacher_id.data) if form.head_teacher_id.data else None
        with saving(form) as saved:
            teaching_class = services.save_class(
                actor=current_user, teaching_class=teaching_class, code=form.code.data, name=form.name.data,
                specialty=specialty, teaching_point=point, cohort=form.cohort.data, head_teacher=head,
                active=form.active.data)
        if saved:
            flash(f"已保存班级 {teaching_class.name}。", "success")
            return redirect(url_for("teaching.class_page", class_id=teaching_class.id))
    return render_template("teaching/class_form.html", form=form, teaching_class=teaching_class)


@bp.route("/classes/new", methods=["GET", "POST"])
@requires("classes.manage")
def new_class():
    return _class_form(None)


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@requires("classes.manage")
def edit_class(class_id: int):
    return _class_form(get_or_404(TeachingClass, class_id))


def risk_items(pairs) -> Markup:
    """The class page's list of learners whose hours need attention: (learner, progress) pairs, each linked to
    the learner's hours with what is missing, one line each. The markup the template's macro wrote."""
    return Markup("".join(
        f'\n  <a class="list-group-item list-group-item-action small" '
        f'href="{escape(id_url("teaching.learner_hours", learner_id=learner.id))}">'
        f'\n    <strong>{escape(learner.name)}</strong> <span class="text-muted">{escape(learner.student_number)}</span>'
        f'\n    <div>{"".join(f"<div>{escape(line)}</div>" for line in p.missing)}</div>\n  </a>\n'
        for learner, p in pairs))


def session_items(rows, as_of, may_take: bool, may_see_evidence: bool) -> Markup:
    """The class page's session list items, newest first: day, course, mode and hours, place, teacher, the
    attendance count (or cancelled / not marked), the sheet links for a user who takes attendance and the
    evidence link for one who may see it (the permissions checked once per page, not per row). The markup the
    template's macro wrote, byte for byte (36 sessions × 5 links through the macro were a third of the page)."""
    out = []
    for row in rows:
        s = row.session
        state = (' · <span class="text-danger">已取消</span>' if s.cancelled_at else
                 f" · 到课 {escape(row.attended)}/{escape(row.marked)}" if row.marked else " · 未点名")
        held = s.held_on <= as_of
        links = ""
        if may_take and not s.cancelled_at:
            take = (f'<a class="btn btn-sm btn-primary btn-touch" href="{escape(id_url("sessions.attendance", session_id=s.id))}">点名</a>'
                    if held else "")
            links = ('\n    <div class="mt-1 d-flex gap-2 flex-wrap">\n      ' + take +
                     f'\n      <a class="btn btn-sm btn-outline-secondary" href="{escape(id_url("sessions.sign_in_sheet", session_id=s.id))}">签到表</a>'
                     f'\n      <a class="btn btn-sm btn-outline-secondary" href="{escape(id_url("sessions.sign_in_spreadsheet", session_id=s.id))}">录入表</a>'
                     f'\n      <a class="btn btn-sm btn-outline-secondary" href="{escape(id_url("sessions.edit_session", session_id=s.id))}">修改</a>'
                     '\n    </div>')
        evidence = (f'<div class="mt-1"><a class="small" href="{escape(id_url("sessions.session_evidence", session_id=s.id))}">照片与签到表</a></div>'
                    if may_see_evidence and held else "")
        teacher = f" · {escape(s.teacher.display_name)}" if s.teacher else ""
        out.append(
            f'\n  <div class="list-group-item {"text-muted" if s.cancelled_at else ""}">'
            '\n    <div class="d-flex justify-content-between flex-wrap gap-1">'
            f'\n      <span><strong>{escape(date_cn(s.held_on))}</strong> {escape(s.course.name)}</span>'
            f'\n      <span class="small">{escape(s.mode_label)} · {escape(hours(s.minutes))} 学时</span>'
            '\n    </div>'
            f'\n    <div class="small text-muted">{escape(s.place)}{teacher}'
            f'\n      {state}</div>\n    '
            f'{links}\n    {evidence}\n  </div>\n')
    return Markup("".join(out))


def learner_rows(learners, progress: dict) -> Markup:
    """The class page's learner table rows: name (linked to the learner's hours, the status beside it when
    not studying), student number, the four hour totals and R6's percentage from `progress` (empty cells for
    a learner without). The markup the template's loop wrote, byte for byte."""
    out = []
    for learner in learners:
        p = progress.get(learner.id)
        status = ("" if learner.status == "studying" else
                  f' <span class="badge text-bg-secondary">{escape(learner.status_label)}</span>')
        if p:
            totals = p.totals
            cells = (f'<td class="num">{escape(hours(totals.face))}</td><td class="num">{escape(hours(totals.live))}</td>'
                     f'<td class="num">{escape(hours(totals.platform))}</td>'
                     f'<td class="num">{escape(hours(totals.self_study))}</td>'
                     f'\n    <td class="text-nowrap">{escape(p.r6_percent)}%</td>')
        else:
            cells = '<td colspan="5"></td>'
        out.append(f'\n  <tr><td class="col-name"><a href="{escape(id_url("teaching.learner_hours", learner_id=learner.id))}">'
                   f'{escape(learner.name)}</a>{status}</td>\n    <td>{escape(learner.student_number)}</td>\n    {cells}</tr>\n  ')
    return Markup("".join(out))


@bp.get("/classes/<int:class_id>")
@requires("classes.view")
def class_page(class_id: int):
    teaching_class = get_or_404(TeachingClass, class_id)
    as_of = today()
    sessions = queries.class_sessions(teaching_class)
    scope = current_scope()
    learners = queries.class_learners(teaching_class, scope)
    studying = [learner for learner in learners if learner.status == "studying"]
    progress = progress_for(studying, as_of)
    at_risk = [(learner, progress[learner.id]) for learner in studying if progress[learner.id].at_risk]
    return render_template("teaching/class.html", teaching_class=teaching_class, sessions=sessions,
                           learners=learners, progress=progress, at_risk=at_risk, as_of=as_of,
                           not_shown=queries.learners_not_shown(teaching_class, scope),
                           cadence=queries.class_cadence_report(teaching_class, sessions, as_of),
                           teachers=queries.teachers(), session_items=session_items, risk_items=risk_items,
                           learner_rows=learner_rows)


@bp.post("/classes/<int:class_id>/teachers")
@requires("classes.manage")
def class_teachers(class_id: int):
    teaching_class = get_or_404(TeachingClass, class_id)
    teacher_id = form_int("teacher_id")
    with saving() as saved:
        if request.form.get("action") == "remove":
            services.remove_teacher(actor=current_user, teaching_class=teaching_class, teacher_id=teacher_id)
        else:
            teacher = db.session.get(User, teacher_id or 0)
            if teacher is None:
                raise DomainError("请选择教师", field="teacher_id")
            services.add_teacher(actor=current_user, teaching_class=teaching_class, teacher=teacher)
    if saved:
        flash("已更新任课教师。", "success")
    return redirect(url_for("teaching.class_page", class_id=class_id))


@bp.route("/classes/<int:class_id>/learners", methods=["GET", "POST"])
@requires("classes.manage")
def class_learners(class_id: int):
    teaching_class = get_or_404(TeachingClass, class_id)
    if request.method == "POST":
        scope = current_scope()
        with saving() as saved:
            if request.form.get("action") == "remove":
                learner = get_or_404(Learner, form_int("learner_id", 0))
                services.remove_learner(actor=current_user, teaching_class=teaching_class, learner=learner)
                message = f"已将 {learner.name} 移出本班。"
            else:
                ids = form_ids("learner_ids")
                chosen = list(db.session.scalars(select(Learner).where(Learner.id.in_(ids), Learner.in_scope(scope))))
                if not chosen:
                    raise DomainError("请勾选要加入的学员")
                count = services.add_learners(actor=current_user, teaching_class=teaching_class, learners=chosen)
                message = f"已加入 {count} 名学员。"
        if saved:
            flash(message, "success")
        return redirect(url_for("teaching.class_learners", class_id=class_id))
    search = request.args.get("q", "").strip()
    return render_template("teaching/class_learners.html", teaching_class=teaching_class, search=search,
                           members=queries.class_learners(teaching_class, current_scope()),
                           not_shown=queries.learners_not_shown(teaching_class, current_scope()),
                           candidates=queries.candidate_learners(teaching_class, current_scope(), search=search))


@bp.get("/classes/<int:class_id>/cards.pdf")
@requires("attendance.take")
def learner_cards(class_id: int):
    teaching_class = get_or_404(TeachingClass, class_id)
    learners = studying_on(queries.class_learners(teaching_class, current_scope()), today())
    pdf = learner_cards_pdf(teaching_class, learners)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=cards-{teaching_class.id}.pdf"})


@bp.post("/classes/<int:class_id>/new-cards.pdf")
@requires("learners.card")
def new_learner_cards(class_id: int):
    """New 学员证 for the class's learners in the user's scope: each card's QR code opens 我的学习 and still
    signs in on the attendance sheet; each learner's previous card stops opening 我的学习."""
    teaching_class = get_or_404(TeachingClass, class_id)
    learners = studying_on(queries.class_learners(teaching_class, current_scope()), today())
    with saving() as saved:
        tokens = issue_cards(actor=current_user, learners=learners)
    if not saved:
        return redirect(url_for("teaching.class_page", class_id=class_id))
    base = public_base_url()
    texts = {learner.id: card_qr_text(learner, my_learning_url(tokens[learner.id], base)) for learner in learners}
    pdf = learner_cards_pdf(teaching_class, learners, qr_texts=texts)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=new-cards-{teaching_class.id}.pdf", "Cache-Control": "no-store"})


@bp.get("/learners/<int:learner_id>/hours")
@requires("learners.view")
def learner_hours(learner_id: int):
    learner = get_or_404(Learner, learner_id)
    as_of = today()
    return render_template("teaching/learner_hours.html", learner=learner, as_of=as_of,
                           progress=learner_progress(learner, as_of),
                           hour_length=policy_for(learner.cohort).hour_length_minutes,
                           records=queries.learner_hour_records(learner))
