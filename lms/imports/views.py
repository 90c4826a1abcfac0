"""Upload a spreadsheet, see every bad row, confirm; download each kind's template."""
from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.audit.services import record
from lms.auth.permissions import roles_with
from lms.core.clock import today
from lms.core.db import write_after_read
from lms.core.xlsx import Sheet, xlsx_response
from lms.extensions import db
from lms.imports.pipeline import refused_sheet, run_import
from lms.imports.registry import importer_classes
from lms.web.access import can, current_scope, requires
from lms.web.transaction import on_commit

bp = Blueprint("imports", __name__, url_prefix="/imports")

ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _importer_class(kind: str):
    cls = importer_classes().get(kind)
    if cls is None:
        abort(404)
    if not can(cls.capability):
        abort(403)
    return cls


def _roles_for_kind(kind: str) -> frozenset[str]:
    """Who may use import kind `kind`: the roles holding its capability (for the permission tests)."""
    cls = importer_classes().get(kind)
    return roles_with(cls.capability) if cls else frozenset()


def _upload_dir() -> Path:
    path = Path(current_app.config["DATA_DIR"]) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored_upload(kind: str, token: str, *, imported: bool = False) -> Path | None:
    """The file this user uploaded for the preview, or None when it is gone (already imported). With
    `imported`, also a file kept after its import for downloading the refused rows. The user's id is in
    the file name: nobody reaches another user's upload."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    patterns = [f"{current_user.id}-{kind}-{token}.*"] + ([f"{current_user.id}-{kind}-{token}-done.*"] if imported else [])
    matches = [path for pattern in patterns for path in _upload_dir().glob(pattern)]
    return matches[0] if matches else None


@bp.get("/")
@requires("imports.view")
def index():
    kinds = [cls for cls in importer_classes().values() if can(cls.capability)]
    return render_template("imports/index.html", kinds=kinds)


@bp.route("/<kind>/", methods=["GET", "POST"])
@requires("imports.view")
def upload(kind: str):
    cls = _importer_class(kind)
    error = None
    if request.method == "POST":
        file = request.files.get("file")
        suffix = Path(file.filename or "").suffix.lower() if file else ""
        if file is None or not file.filename:
            error = "请选择要上传的文件"
        elif suffix not in ALLOWED_SUFFIXES:
            error = f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .xlsx、.xls 或 .csv 文件"
        else:
            data = file.read()
            importer = cls(actor=current_user, scope=current_scope(), today=today())
            summary = run_import(importer, data, file.filename, write=False)
            token = ""
            # to confirm, to fix the refused, or to tick an option the warnings offer
            if not summary.fatal and (summary.to_write or summary.errors or (cls.options and summary.warnings)):
                token = secrets.token_urlsafe(24)
                (_upload_dir() / f"{current_user.id}-{kind}-{token}{suffix}").write_bytes(data)
            return render_template("imports/preview.html", cls=cls, summary=summary, token=token,
                                   filename=file.filename)
    return render_template("imports/upload.html", cls=cls, error=error)


upload.roles_for = _roles_for_kind


@bp.post("/<kind>/confirm")
@requires("imports.view")
def confirm(kind: str):
    cls = _importer_class(kind)
    path = _stored_upload(kind, request.form.get("token", ""))
    if path is None:
        flash("上传的文件已失效（可能已经导入过），请重新上传。", "warning")
        return redirect(url_for("imports.upload", kind=kind))
    filename = request.form.get("filename") or path.name
    importer = cls(actor=current_user, scope=current_scope(), today=today(), chosen=request.form.getlist("option"))
    summary = run_import(importer, path.read_bytes(), filename, write=True)
    # Once the rows are committed: a failed commit leaves the upload to confirm again.
    if summary.errors:      # kept (not importable again) so the refused rows can still be downloaded
        on_commit(lambda: path.rename(path.with_name(f"{path.stem}-done{path.suffix}")))
    else:
        on_commit(lambda: path.unlink(missing_ok=True))
    return render_template("imports/result.html", cls=cls, summary=summary, filename=filename,
                           token=request.form.get("token", ""))


confirm.roles_for = _roles_for_kind


@bp.get("/<kind>/refused.xlsx")
@requires("imports.view")
def refused(kind: str):
    """The refused rows of this user's own upload as .xlsx: the file's columns, every cell as text, and a
    错误原因 column — to fix and upload again. Audited (the rows hold ID numbers)."""
    cls = _importer_class(kind)
    path = _stored_upload(kind, request.args.get("token", ""), imported=True)
    if path is None:
        flash("上传的文件已失效，请重新上传。", "warning")
        return redirect(url_for("imports.upload", kind=kind))
    filename = (request.args.get("filename") or path.name)[:120]
    importer = cls(actor=current_user, scope=current_scope(), today=today())
    summary = run_import(importer, path.read_bytes(), filename, write=False)
    response = xlsx_response([refused_sheet(summary)], f"{Path(filename).stem}-有问题的行.xlsx")
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "import.refused_export", "import", None,
               summary=f"下载{cls.label}导入中有问题的 {len(summary.refused_rows)} 行：{filename}",
               after={"kind": kind, "file": filename, "rows": len(summary.refused_rows)})
    return response


refused.roles_for = _roles_for_kind


@bp.get("/<kind>/template.xlsx")
@requires("imports.view")
def template(kind: str):
    cls = _importer_class(kind)
    keys = [column.key for column in cls.columns]
    example = [cls.example.get(key) for key in keys]
    rows = [example] if any(value is not None for value in example) else []
    # Text format down to row 1001 so Excel keeps all 18 digits of an ID number typed in.
    sheet = Sheet(cls.label[:30], [column.label for column in cls.columns], rows,
                  widths=[max(12, len(column.label) * 2 + 4) for column in cls.columns],
                  text_columns={i for i, key in enumerate(keys) if key in cls.text_columns},
                  header_fills={i for i, column in enumerate(cls.columns) if column.required},
                  blank_rows=1000 - len(rows))
    return xlsx_response([sheet], f"{cls.label}导入模板.xlsx")


template.roles_for = _roles_for_kind
