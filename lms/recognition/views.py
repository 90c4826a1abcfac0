"""Recognition of prior learning: applications (create for a learner in scope; the registrar's queue to
approve or reject), the evidence scan (served within scope) and the school's certificate table."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from lms.core.clock import today
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.models import Learner
from lms.recognition import queries, services
from lms.recognition.evidence import scan_file
from lms.recognition.forms import ApplicationForm, CertificateKindForm, DecisionForm
from lms.recognition.models import APPLICATION_STATUS_LABELS, EVIDENCE_TYPES, CertificateKind, RecognitionApplication
from lms.rules import format_credits
from lms.web.access import current_scope, get_or_404, requires
from lms.web.forms import choices
from lms.web.numbers import page_arg
from lms.web.saving import saving

bp = Blueprint("recognition", __name__)

@bp.get("/recognition/")
@requires("recognition.view")
def index():
    status = request.args.get("status", "pending")
    status = status if status in APPLICATION_STATUS_LABELS else None
    page = page_arg()
    rows, total = queries.applications(current_scope(), status=status, page=page)
    return render_template("recognition/index.html", rows=rows, total=total, status=status, page=page,
                           per_page=queries.PER_PAGE, counts=queries.status_counts(current_scope()),
                           labels=APPLICATION_STATUS_LABELS, describe=services.describe)


@bp.route("/learners/<int:learner_id>/recognition/new", methods=["GET", "POST"])
@requires("recognition.apply")
def new(learner_id: int):
    learner = get_or_404(Learner, learner_id)
    form = ApplicationForm()
    table = queries.certificate_table(active_only=True)
    form.certificate_kind_id.choices = choices([(0, "（不在对应表中）")] + [(k.id, f"{k.name}（{k.evidence_type}）")
                                                                       for k in table])
    plan = services.plan_courses(learner)
    form.course_ids.choices = choices([(c.id, f"{c.name}（{c.kind_label}，{format_credits(c.credits)} 学分）")
                                       for c in plan.values()])
    if form.validate_on_submit():
        kind = db.session.get(CertificateKind, form.certificate_kind_id.data) if form.certificate_kind_id.data else None
        basis = EVIDENCE_TYPES.get(form.evidence_type.data)
        requested = {"certificate": form.exemption.data, "work_experience": "waived"}.get(basis)
        scan = request.files.get("scan")
        data = scan.read() if scan and scan.filename else b""
        with saving(form) as saved:
            if not data:
                raise DomainError("请上传证明材料扫描件", field="scan")
            application = services.create_application(
                actor=current_user, learner=learner, evidence_type=form.evidence_type.data,
                request=services.Request(requested, tuple(form.course_ids.data or ()), form.credits.data),
                certificate_kind=kind, certificate_name=form.certificate_name.data or "",
                certificate_number=form.certificate_number.data or "", issuer=form.issuer.data or "",
                issued_on=form.issued_on.data, work_post=form.work_post.data or "",
                work_years=form.work_years.data, evidence_note=form.evidence_note.data or "", scan=data,
                today=today())
        if saved:
            flash(f"已提交申请（第 {application.id} 号），等待教务审批。", "success")
            return redirect(url_for("recognition.detail", application_id=application.id))
    return render_template("recognition/new.html", form=form, learner=learner, table=table)


@bp.get("/recognition/<int:application_id>")
@requires("recognition.view")
def detail(application_id: int):
    application = get_or_404(RecognitionApplication, application_id)
    return render_template("recognition/detail.html", application=application, form=DecisionForm(),
                           describe=services.describe)


@bp.post("/recognition/<int:application_id>/decide")
@requires("recognition.decide")
def decide(application_id: int):
    application = get_or_404(RecognitionApplication, application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            services.decide_application(actor=current_user, application=application,
                                        approve=form.decision.data == "approve", reason=form.reason.data or "",
                                        on=today())
        if saved:
            flash(f"第 {application.id} 号申请：{application.status_label}。", "success")
            return redirect(url_for("recognition.index"))
    return render_template("recognition/detail.html", application=application, form=form,
                           describe=services.describe), 422


@bp.get("/recognition/<int:application_id>/scan")
@requires("recognition.view")
def scan(application_id: int):
    application = get_or_404(RecognitionApplication, application_id)
    path = scan_file(application.scan_path)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=application.scan_mime, as_attachment=False,
                         download_name=f"证明材料-{application.id}{path.suffix}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/recognition/table")
@requires("recognition.table_view")
def table():
    return render_template("recognition/table.html", kinds=queries.certificate_table())


def _kind_form(kind: CertificateKind | None):
    form = CertificateKindForm(obj=kind)
    grouped = queries.courses_by_specialty()
    form.course_ids.choices = choices([(c.id, c.name) for _name, courses in grouped for c in courses])
    if request.method == "GET" and kind is not None:
        form.course_ids.data = sorted(kind.course_ids)
    if form.validate_on_submit():
        with saving(form) as saved:
            kind = services.save_certificate_kind(
                actor=current_user, kind=kind, name=form.name.data, evidence_type=form.evidence_type.data,
                credits=form.credits.data or Decimal(0), course_ids=form.course_ids.data or [],
                note=form.note.data or "", active=form.active.data)
        if saved:
            flash(f"已保存“{kind.name}”。", "success")
            return redirect(url_for("recognition.table"))
    return render_template("recognition/kind_form.html", form=form, kind=kind, grouped=grouped,
                           picked=set(form.course_ids.data or []))


@bp.route("/recognition/table/new", methods=["GET", "POST"])
@requires("recognition.table_edit")
def new_kind():
    return _kind_form(None)


@bp.route("/recognition/table/<int:kind_id>/edit", methods=["GET", "POST"])
@requires("recognition.table_edit")
def edit_kind(kind_id: int):
    kind = db.session.get(CertificateKind, kind_id)
    if kind is None:
        abort(404)
    return _kind_form(kind)
