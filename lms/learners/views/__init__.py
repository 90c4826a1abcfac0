"""Learner pages: the list, one learner's record (masked data, show-ID action, photo, status events,
audit trail), the privacy notice, and the student-status registration export."""
from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from lms.assessment.account import learning_account
from lms.audit.queries import events_for
from lms.audit.services import record
from lms.certificates.rendering import public_base_url
from lms.core.clock import today
from lms.core.db import write_after_read
from lms.core.xlsx import XLSX_MIME
from lms.extensions import db
from lms.geo.queries import villages_in_scope
from lms.learners import queries
from lms.learners.forms import CorrectionForm, ExportForm, PhotoForm, RevokeEventForm, StatusEventForm
from lms.learners.models import Learner, StatusEvent
from lms.learners.my_learning import card_qr_text, my_learning_url
from lms.learners.photos import photo_file
from lms.learners.services import (
    PRIVACY_NOTICE_VERSION,
    correct_learner,
    export_registration_list,
    record_id_view,
    replace_photo,
)
from lms.learners.services.cards import issue_card
from lms.learners.services.status import parse_carried_results, record_status_event, revoke_status_event
from lms.learners.transfer_record import transfer_out_event, transfer_record_pdf
from lms.rules import (
    LEARNER_STATUS_LABELS,
    STATUS_EVENT_KIND_LABELS,
    format_date_cn,
    period_end_if_resumed,
    study_stops,
    suspended_since,
    target_group_label,
)
from lms.teaching.models import Specialty
from lms.teaching.pdfs import learner_cards_pdf
from lms.teaching.progress import learner_progress
from lms.web.access import can, current_scope, get_or_404, requires
from lms.web.forms import choices
from lms.web.numbers import int_arg, page_arg
from lms.web.saving import saving

bp = Blueprint("learners", __name__, url_prefix="/learners")

@bp.get("/")
@requires("learners.view")
def index():
    scope = current_scope()
    filters = {"village_id": int_arg("village"), "class_id": int_arg("class"),
               "specialty_id": int_arg("specialty"), "cohort": int_arg("cohort"),
               "status": request.args.get("status", ""), "q": request.args.get("q", "").strip()}
    result = queries.learner_list(scope, **filters, page=page_arg())
    return render_template("learners/index.html", result=result, filters=filters, labels=LEARNER_STATUS_LABELS,
                           villages=villages_in_scope(scope), classes=queries.classes_in_scope(scope),
                           specialties=queries.active_specialties(), cohorts=queries.cohorts_in_scope(scope))


def _event_form() -> StatusEventForm:
    form = StatusEventForm()
    form.to_specialty_id.choices = choices([(0, "请选择")] + queries.active_specialties())
    return form


def _show(learner: Learner, *, event_form: StatusEventForm | None = None, reveal: bool = False,
          revoke_form: RevokeEventForm | None = None, revoking: int | None = None):
    if event_form is None and can("learners.status") and learner.status in ("studying", "suspended"):
        event_form = _event_form()
        event_form.occurred_on.data = today()
    if revoke_form is None and can("learners.status") and learner.status not in ("graduated", "completed"):
        revoke_form = RevokeEventForm()
    events = queries.status_events(learner.id)
    return render_template(
        "learners/show.html", learner=learner, reveal=reveal, events=events, paused=_paused_period(learner, events),
        carried=queries.carried_in(learner.id), revoke_form=revoke_form, revoking=revoking,
        transfer_record=can("learners.export") and transfer_out_event(learner) is not None,
        audit_events=events_for("learner", learner.id), event_form=event_form,
        photo_form=PhotoForm() if can("learners.photo") else None,
        target_label=target_group_label(learner.target_group), has_photo=photo_file(learner.photo_path) is not None,
        progress=learner_progress(learner, today()), account=learning_account(learner, today()),
        card=queries.current_card(learner.id) if can("learners.card") else None)


def _paused_period(learner: Learner, events) -> tuple[date, date] | None:
    """(the day the open 休学 began, the period's last day should they resume today) for a suspended
    learner, else None: 休学期间不计入修业年限, so the page says how far the period moves."""
    standing = [(e.kind, e.occurred_on) for e, _, _ in events if e.revoked_on is None]
    stops = study_stops(standing, learner.status, learner.status_changed_on)
    began = suspended_since(stops, today(), learner.enrolled_on)
    return None if began is None else (began, period_end_if_resumed(learner.period_end_on, began, today()))


@bp.get("/<int:learner_id>")
@requires("learners.view")
def show(learner_id: int):
    return _show(get_or_404(Learner, learner_id))


@bp.post("/<int:learner_id>/reveal")
@requires("ids.reveal")
def reveal(learner_id: int):
    learner = get_or_404(Learner, learner_id)
    record_id_view(actor=current_user, learner=learner)
    return _show(learner, reveal=True)


@bp.post("/<int:learner_id>/card")
@requires("learners.card")
def new_card(learner_id: int):
    """打印新学员证: a card whose QR code opens 我的学习 (and still signs in on the attendance sheet); the
    learner's previous card stops opening 我的学习. Answers the card's PDF."""
    learner = get_or_404(Learner, learner_id)
    with saving() as saved:
        _card, token = issue_card(actor=current_user, learner=learner)
    if not saved:
        return redirect(url_for("learners.show", learner_id=learner.id))
    text = card_qr_text(learner, my_learning_url(token, public_base_url()))
    pdf = learner_cards_pdf(None, [learner], qr_texts={learner.id: text})
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=card-{learner.id}.pdf", "Cache-Control": "no-store"})


@bp.get("/<int:learner_id>/photo")
@requires("learners.view")
def photo(learner_id: int):
    learner = get_or_404(Learner, learner_id)
    path = photo_file(learner.photo_path)
    if path is None:
        return send_file(current_app.static_folder + "/img/no-photo.svg", mimetype="image/svg+xml", max_age=0)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"      # personal data: no shared caches
    return response


@bp.post("/<int:learner_id>/photo")
@requires("learners.photo")
def upload_photo(learner_id: int):
    learner = get_or_404(Learner, learner_id)
    form = PhotoForm()
    upload = request.files.get("photo")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash("请选择要上传的照片。", "warning")
        return redirect(url_for("learners.show", learner_id=learner.id))
    with saving() as saved:
        replace_photo(actor=current_user, learner=learner, photo=upload.read(),
                      max_photo_bytes=current_app.config["PHOTO_MAX_BYTES"])
    if saved:
        flash("照片已更新。", "success")
    return redirect(url_for("learners.show", learner_id=learner.id))


@bp.post("/<int:learner_id>/events")
@requires("learners.status")
def add_event(learner_id: int):
    learner = get_or_404(Learner, learner_id)
    form = _event_form()
    if form.validate_on_submit():
        to_specialty = db.session.get(Specialty, form.to_specialty_id.data) if form.to_specialty_id.data else None
        with saving(form) as saved:
            record_status_event(actor=current_user, learner=learner, kind=form.kind.data,
                                occurred_on=form.occurred_on.data, reason=form.reason.data,
                                approved_by=form.approved_by.data or "", to_specialty=to_specialty,
                                other_school=form.other_school.data or "",
                                document_number=form.document_number.data or "",
                                carried_hours=form.carried_minutes(),
                                carried_results=parse_carried_results(form.carried_results.data or "", learner),
                                today=today())
        if saved:
            flash(f"已办理{STATUS_EVENT_KIND_LABELS[form.kind.data]}：{learner.name}，当前状态 {learner.status_label}。", "success")
            return redirect(url_for("learners.show", learner_id=learner.id))
    return _show(learner, event_form=form)


@bp.post("/<int:learner_id>/events/<int:event_id>/revoke")
@requires("learners.status")
def revoke_event(learner_id: int, event_id: int):
    learner = get_or_404(Learner, learner_id)
    event = db.session.get(StatusEvent, event_id)
    if event is None or event.learner_id != learner.id:
        abort(404)
    form = RevokeEventForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            revoke_status_event(actor=current_user, event=event, reason=form.reason.data, today=today())
        if saved:
            flash(f"已撤销{event.kind_label}（{format_date_cn(event.occurred_on)}）：{learner.name}，"
                  f"当前状态 {learner.status_label}。", "success")
            return redirect(url_for("learners.show", learner_id=learner.id))
    return _show(learner, revoke_form=form, revoking=event.id)


@bp.get("/<int:learner_id>/transfer-record.pdf")
@requires("learners.export")
def transfer_record(learner_id: int):
    learner = get_or_404(Learner, learner_id)
    event = transfer_out_event(learner)
    if event is None:
        flash(f"{learner.name}没有转出记录，没有转学档案。", "warning")
        return redirect(url_for("learners.show", learner_id=learner.id))
    content = transfer_record_pdf(learner, event)
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "learner.transfer_record", "learner", learner.id,
               summary=f"下载转学档案：{learner.name}（转学证明 {event.document_number}）",
               after={"event_id": event.id, "document_number": event.document_number})
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                         download_name=f"转学档案-{learner.student_number}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:learner_id>/correct", methods=["GET", "POST"])
@requires("learners.status")
def correct(learner_id: int):
    learner = get_or_404(Learner, learner_id)
    form = CorrectionForm(obj=learner) if request.method == "GET" else CorrectionForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            changed = correct_learner(actor=current_user, learner=learner, name=form.name.data,
                                      phone=form.phone.data or "", ethnicity=form.ethnicity.data,
                                      reason=form.reason.data)
        if saved:
            flash(f"已更正{'、'.join(changed)}：{learner.name}。", "success")
            return redirect(url_for("learners.show", learner_id=learner.id))
    return render_template("learners/correct.html", form=form, learner=learner)


@bp.get("/privacy-notice")
@requires("learners.view")
def privacy_notice():
    return render_template("learners/privacy_notice.html", version=PRIVACY_NOTICE_VERSION)


@bp.route("/export", methods=["GET", "POST"])
@requires("learners.export")
def export():
    scope = current_scope()
    form = ExportForm()
    cohorts = queries.cohorts_in_scope(scope)
    form.cohort.choices = choices([(c, f"{c}级") for c in cohorts])
    if form.validate_on_submit():
        if form.cohort.data not in cohorts:
            form.cohort.errors = [*form.cohort.errors, "请选择年级"]
        else:
            content, _count, filename = export_registration_list(actor=current_user, scope=scope,
                                                                 cohort=form.cohort.data, today=today())
            return send_file(io.BytesIO(content), as_attachment=True, download_name=filename, mimetype=XLSX_MIME)
    return render_template("learners/export.html", form=form, has_cohorts=bool(cohorts))
