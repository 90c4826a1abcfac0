"""Certificate pages: the list, one certificate (PDF, revoke, 补发), exports, and the school seal."""
from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from lms.audit.services import record
from lms.certificates import exports, queries, services
from lms.certificates.forms import ExportForm, ReissueForm, RevokeForm, SealForm
from lms.certificates.models import CERTIFICATE_STATUS_LABELS, KIND_LABELS, Certificate
from lms.certificates.rendering import date_cn, public_base_url, qr_base_warning, render_certificates, verify_url
from lms.certificates.services import assets
from lms.core.clock import today
from lms.core.db import write_after_read
from lms.core.xlsx import xlsx_response
from lms.extensions import db
from lms.settings.services import get_setting
from lms.web.access import current_scope, get_or_404, requires
from lms.web.forms import choices
from lms.web.numbers import page_arg
from lms.web.saving import first_error, saving

bp = Blueprint("certificates", __name__)

@bp.get("/certificates/")
@requires("certificates.view")
def index():
    kind = request.args.get("kind") if request.args.get("kind") in KIND_LABELS else None
    status = request.args.get("status") if request.args.get("status") in CERTIFICATE_STATUS_LABELS else None
    q = (request.args.get("q") or "").strip()
    page = queries.certificate_page(current_scope(), kind=kind, status=status, q=q,
                                    page=page_arg())
    return render_template("certificates/index.html", page=page, kind=kind, status=status, q=q,
                           kinds=KIND_LABELS, statuses=CERTIFICATE_STATUS_LABELS)


@bp.get("/certificates/<int:certificate_id>")
@requires("certificates.view")
def detail(certificate_id: int):
    certificate = get_or_404(Certificate, certificate_id)
    count, logs = queries.verification_summary(certificate)
    base = public_base_url()
    return render_template("certificates/detail.html", c=certificate, s=certificate.snapshot,
                           verifications=count, logs=logs, replacement=queries.replacement_of(certificate),
                           url=verify_url(certificate.token, base), iso_cn=date_cn, qr_warning=qr_base_warning(base),
                           revoke_form=RevokeForm(revoked_on=today()), reissue_form=ReissueForm(issued_on=today()))


@bp.get("/certificates/<int:certificate_id>/pdf")
@requires("certificates.view")
def pdf(certificate_id: int):
    certificate = get_or_404(Certificate, certificate_id)
    content = render_certificates([certificate], base_url=public_base_url())
    name = f"{certificate.kind_label}-{certificate.number}.pdf"
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "certificate.pdf", "certificate", certificate.id,
               summary=f"下载{certificate.kind_label} {certificate.number} 的 PDF（含完整身份证号）")
    return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=False, download_name=name)


@bp.post("/certificates/<int:certificate_id>/revoke")
@requires("certificates.issue")
def revoke(certificate_id: int):
    """Revocation cannot be undone: first a page naming the certificate and its holder, then (confirmed) the revocation."""
    certificate = get_or_404(Certificate, certificate_id)
    form, back = RevokeForm(), url_for("certificates.detail", certificate_id=certificate.id)
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
        return redirect(back)
    with saving() as checked:
        reason = services.check_revocable(certificate, reason=form.reason.data, revoked_on=form.revoked_on.data)
    if not checked:
        return redirect(back)
    if form.confirmed.data != "1":
        return render_template("certificates/confirm_revoke.html", c=certificate, reason=reason,
                               revoked_on=form.revoked_on.data)
    with saving() as saved:
        services.revoke_certificate(actor=current_user, certificate=certificate, reason=reason,
                                    revoked_on=form.revoked_on.data)
    if saved:
        flash(f"已撤销证书 {certificate.number}。核验页面将显示“已撤销”。", "success")
    return redirect(back)


@bp.post("/certificates/<int:certificate_id>/reissue")
@requires("certificates.issue")
def reissue(certificate_id: int):
    certificate = get_or_404(Certificate, certificate_id)
    form = ReissueForm()
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
        return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    with saving() as saved:
        new = services.reissue_certificate(actor=current_user, certificate=certificate, reason=form.reason.data,
                                           issued_on=form.issued_on.data)
    if not saved:
        return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    flash(f"已补发新证书 {new.number}（替代 {certificate.number}）。", "success")
    return redirect(url_for("certificates.detail", certificate_id=new.id))


# --- exports ------------------------------------------------------------------------------------

def _export_selection():
    form = ExportForm(request.args)
    batches = [(b.batch.id, b.batch.name) for b in queries.batch_rows(current_scope())] \
        if current_scope().everything else []
    form.batch_id.choices = choices([(0, "全部批次"), *batches])
    form.validate()
    selection = exports.Selection(batch_id=form.batch_id.data or None, date_from=form.date_from.data,
                                  date_to=form.date_to.data)
    names = dict(batches)
    return form, selection, selection.describe(names.get(selection.batch_id))


@bp.get("/certificates/exports")
@requires("certificates.view")
def exports_page():
    form, _selection, _label = _export_selection()
    return render_template("certificates/exports.html", form=form, county_wide=current_scope().everything)


def _export(build, title: str):
    """The selected export as .xlsx, audited (it holds full ID numbers)."""
    _form, selection, label = _export_selection()
    sheets, count = build(current_scope(), selection, county=get_setting("county.name"), heading_scope=label)
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "export.xlsx", "certificate", None,
               summary=f"导出{title}（{label}，{count} 人，含完整身份证号）")
    return xlsx_response(sheets, f"{title}-{today().isoformat()}.xlsx")


@bp.get("/certificates/exports/police.xlsx")
@requires("certificates.view")
def police_export():
    return _export(exports.police_list, "毕业学员户籍名单")


@bp.get("/certificates/exports/funding.xlsx")
@requires("certificates.view")
def funding_export():
    return _export(exports.funding_claim, "培训经费申请表")


# --- the school seal ----------------------------------------------------------------------------

@bp.route("/settings/seal", methods=["GET", "POST"])
@requires("settings.manage")
def seal():
    form = SealForm()
    if form.validate_on_submit():
        upload = request.files.get("seal")
        with saving(form) as saved:
            if request.form.get("action") == "remove":
                assets.remove_seal(actor=current_user)
                message = "已移除印章；之后发放的证书不再印章。"
            else:
                assets.save_seal(actor=current_user, content=upload.read() if upload else b"")
                message = "已保存印章；之后发放的证书将使用新印章，已发证书不变。"
        if saved:
            flash(message, "success")
            return redirect(url_for("certificates.seal"))
    return render_template("certificates/seal.html", form=form,
                           seal=assets.asset_data_uri(str(assets.SEAL_FILE)))

