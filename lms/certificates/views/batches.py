"""The registrar's issuing workflow: diploma batches (build → 验印 → issue), direct issuing of completion
certificates and study records, and batch printing in the background with a progress bar."""
from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from lms.audit.services import record
from lms.certificates import queries, roster
from lms.certificates.eligibility import ALLOWED_OUTCOMES
from lms.certificates.forms import (
    BatchForm,
    CandidateFilterForm,
    IssueForm,
    RemoveMemberForm,
    SubmitForm,
    VerificationForm,
)
from lms.certificates.models import KIND_LABELS, KIND_SLUGS, BatchMember, GraduationBatch, RenderJob
from lms.certificates.rendering import public_base_url, qr_base_warning
from lms.certificates.services import batches, jobs
from lms.core.clock import today
from lms.core.db import write_after_read
from lms.core.errors import DomainError
from lms.core.xlsx import xlsx_response
from lms.extensions import db
from lms.rules import OUTCOME_LABELS
from lms.settings.services import get_setting
from lms.web.access import current_scope, get_or_404, requires
from lms.web.forms import choices
from lms.web.numbers import form_ids
from lms.web.saving import button_action, first_error, saving
from lms.web.transaction import on_commit

bp = Blueprint("batches", __name__, url_prefix="/certificates")

def _selected_ids(name: str) -> list[int]:
    return form_ids(name)


def _candidate_filters():
    form = CandidateFilterForm(request.args)
    cohorts, classes = queries.cohorts_and_classes(current_scope())
    form.cohort.choices = choices([(0, "全部年级"), *[(c, f"{c}级") for c in cohorts]])
    form.class_id.choices = choices([(0, "全部班级"), *classes])
    form.validate()
    return form, form.as_of.data or today()


@bp.get("/batches")
@requires("batches.view")
def index():
    return render_template("certificates/batches.html", rows=queries.batch_rows(current_scope()))


@bp.route("/batches/new", methods=["GET", "POST"])
@requires("certificates.issue")
def new():
    filters, as_of = _candidate_filters()
    form = BatchForm(as_of=as_of, name=f"{as_of.year}年毕业批次")
    if form.validate_on_submit():
        with saving(form) as saved:
            batch = batches.create_diploma_batch(actor=current_user, name=form.name.data, as_of=form.as_of.data,
                                                 learner_ids=_selected_ids("learner_id"),
                                                 early_applied=set(_selected_ids("early")))
        if saved:
            flash(f"已建立毕业批次“{batch.name}”，共 {len(batch.members)} 人。下一步：报州教育局验印。", "success")
            return redirect(url_for("batches.detail", batch_id=batch.id))
    rows = queries.candidates("diploma", current_scope(), as_of=form.as_of.data or as_of,
                              cohort=filters.cohort.data or None, class_id=filters.class_id.data or None)
    return render_template("certificates/batch_new.html", form=form, filters=filters, rows=rows,
                           checked=set(_selected_ids("learner_id")) if request.method == "POST" else None)


@bp.get("/batches/<int:batch_id>")
@requires("batches.view")
def detail(batch_id: int):
    batch = get_or_404(GraduationBatch, batch_id)
    members = queries.batch_members(batch)
    missing = batches.without_photo([m for m in members if m.removed_on is None]) \
        if batch.kind == "diploma" and batch.status != "issued" else []
    return render_template("certificates/batch.html", batch=batch, members=members, without_photo=missing,
                           job=queries.latest_job(batch), submit_form=SubmitForm(submitted_on=today()),
                           verify_form=VerificationForm(verified_on=today()), issue_form=IssueForm(issued_on=today()),
                           remove_form=RemoveMemberForm(), qr_warning=qr_base_warning(public_base_url()))


def _batch_step(batch_id: int, form_class, action, success):
    batch = get_or_404(GraduationBatch, batch_id)
    form = form_class()
    return button_action(form, lambda: action(batch, form), success, url_for("batches.detail", batch_id=batch.id))


@bp.post("/batches/<int:batch_id>/submit")
@requires("certificates.issue")
def submit(batch_id: int):
    return _batch_step(batch_id, SubmitForm, lambda batch, form: batches.submit_batch(
        actor=current_user, batch=batch, submitted_on=form.submitted_on.data,
        print_without_photo=form.print_without_photo.data),
        "已记录报送州教育局验印。验印完成后请登记验印日期和文号。")


@bp.post("/batches/<int:batch_id>/verification")
@requires("certificates.issue")
def verification(batch_id: int):
    return _batch_step(batch_id, VerificationForm, lambda batch, form: batches.record_verification(
        actor=current_user, batch=batch, verified_on=form.verified_on.data, reference=form.verification_ref.data),
        "已登记验印。现在可以编号发证。")


@bp.post("/batches/<int:batch_id>/issue")
@requires("certificates.issue")
def issue(batch_id: int):
    """Numbers cannot be taken back: first a page saying how many and which numbers, then (confirmed, and
    the numbers still those shown) the issue."""
    batch = get_or_404(GraduationBatch, batch_id)
    form, back = IssueForm(), url_for("batches.detail", batch_id=batch.id)
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
        return redirect(back)
    with saving() as checked:
        preview = batches.issue_preview(batch, form.issued_on.data)
    if not checked:
        return redirect(back)
    confirmed = form.confirmed.data == "1"
    if not confirmed or form.expected_first.data != preview.first:
        return render_template("certificates/confirm_issue.html", batch=batch, preview=preview, changed=confirmed)
    with saving() as saved:
        certificates = batches.issue_batch(actor=current_user, batch=batch, issued_on=form.issued_on.data)
    if saved:
        flash(f"已编号发证 {len(certificates)} 份。可以批量打印证书、导出户籍名单。", "success")
    return redirect(back)


@bp.post("/batches/<int:batch_id>/remove-member")
@requires("certificates.issue")
def remove_member(batch_id: int):
    def action(batch, form):
        member = db.session.get(BatchMember, form.member_id.data)
        if member is None or member.batch_id != batch.id:
            raise DomainError("该学员不在此批次中")
        batches.remove_member(actor=current_user, batch=batch, member=member, reason=form.reason.data,
                              removed_on=today())

    return _batch_step(batch_id, RemoveMemberForm, action, "已将学员移出批次。")


# --- the 毕业生名册 for 验印 (whole ID numbers: "batches.roster") -----------------------------------

ROSTER_STEPS = ("submitted", "verified", "issued")


def _roster(batch_id: int, fmt: str):
    """The batch's roster as a download, audited; a draft (or non-diploma) batch has none yet."""
    batch = get_or_404(GraduationBatch, batch_id)
    if batch.kind != "diploma" or batch.status not in ROSTER_STEPS:
        flash("报州教育局验印后才能下载毕业生名册。", "warning")
        return redirect(url_for("batches.detail", batch_id=batch.id))
    rows = roster.roster_rows(batch)
    school = get_setting("school.name")
    filename = f"毕业生名册-{batch.name}.{fmt}"
    if fmt == "xlsx":
        response = xlsx_response([roster.roster_sheet(batch, rows, school=school)], filename)
    else:
        content = roster.roster_pdf(batch, rows, school=school, printed_on=today())
        response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                             download_name=filename)
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "batch.roster_export", "batch", batch.id,
               summary=f"导出毕业生名册 .{fmt}（批次“{batch.name}”，{len(rows)} 人，含完整身份证号）",
               after={"format": fmt, "learners": len(rows)})
    return response


@bp.get("/batches/<int:batch_id>/roster.xlsx")
@requires("batches.roster")
def roster_xlsx(batch_id: int):
    return _roster(batch_id, "xlsx")


@bp.get("/batches/<int:batch_id>/roster.pdf")
@requires("batches.roster")
def roster_pdf(batch_id: int):
    return _roster(batch_id, "pdf")


@bp.post("/batches/<int:batch_id>/print")
@requires("certificates.issue")
def print_batch(batch_id: int):
    batch = get_or_404(GraduationBatch, batch_id)
    with saving() as saved:
        job = jobs.create_render_job(actor=current_user, label=batch.name, batch=batch,
                                     certificate_ids=queries.batch_certificate_ids(batch), base_url=public_base_url())
    if not saved:
        return redirect(url_for("batches.detail", batch_id=batch.id))
    on_commit(lambda: jobs.enqueue(job))        # the worker reads the job: queue it once it is committed
    return redirect(url_for("batches.job", job_id=job.id))


@bp.route("/issue/<document>", methods=["GET", "POST"])
@requires("certificates.issue")
def issue_directly(document: str):
    kind = KIND_SLUGS.get(document)
    if kind not in ("completion", "study_record"):
        return redirect(url_for("batches.new"))
    filters, as_of = _candidate_filters()
    form = IssueForm(issued_on=as_of)
    if form.validate_on_submit():
        with saving(form) as saved:
            batch = batches.issue_directly(actor=current_user, kind=kind, learner_ids=_selected_ids("learner_id"),
                                           issued_on=form.issued_on.data)
        if saved:
            flash(f"已发放{KIND_LABELS[kind]} {len(batch.members)} 份（“{batch.name}”）。", "success")
            return redirect(url_for("batches.detail", batch_id=batch.id))
    rows = queries.candidates(kind, current_scope(), as_of=form.issued_on.data or as_of,
                              cohort=filters.cohort.data or None, class_id=filters.class_id.data or None)
    return render_template("certificates/issue.html", form=form, filters=filters, rows=rows, kind=kind,
                           document=document, title=KIND_LABELS[kind],
                           outcome_label=OUTCOME_LABELS[ALLOWED_OUTCOMES[kind][0]])


# --- print jobs ----------------------------------------------------------------------------------

def _job_state(job: RenderJob) -> dict:
    return {"status": job.status, "label": job.status_label, "done": job.done, "total": job.total,
            "percent": job.percent, "error": job.error,
            "download": url_for("batches.job_download", job_id=job.id) if job.status == "done" else None}


@bp.get("/jobs/<int:job_id>")
@requires("certificates.issue")
def job(job_id: int):
    job = get_or_404(RenderJob, job_id)
    return render_template("certificates/job.html", job=job, state=_job_state(job),
                           qr_warning=qr_base_warning(job.base_url, printed=True))


@bp.get("/jobs/<int:job_id>.json")
@requires("certificates.issue")
def job_progress(job_id: int):
    return jsonify(_job_state(get_or_404(RenderJob, job_id)))


@bp.post("/jobs/<int:job_id>/resume")
@requires("certificates.issue")
def job_resume(job_id: int):
    job = get_or_404(RenderJob, job_id)
    with saving(category="warning") as saved:
        jobs.resume(actor=current_user, job=job)
    if not saved:
        return redirect(url_for("batches.job", job_id=job.id))
    on_commit(lambda: jobs.enqueue(job))
    return redirect(url_for("batches.job", job_id=job.id))


@bp.get("/jobs/<int:job_id>/download")
@requires("certificates.issue")
def job_download(job_id: int):
    job = get_or_404(RenderJob, job_id)
    if job.status != "done" or not job.file_path:
        flash("打印文件尚未生成完成。", "warning")
        return redirect(url_for("batches.job", job_id=job.id))
    path, name = Path(current_app.config["DATA_DIR"]) / job.file_path, f"{job.label}.pdf"
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "certificate.print_download", "render_job", job.id,
               summary=f"下载批量打印文件“{job.label}”（{job.total} 份，含完整身份证号）")
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)
