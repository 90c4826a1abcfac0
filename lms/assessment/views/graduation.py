"""The graduation audit page (R11–R13) and its .xlsx export: registrar, bureau (read-only) and admin."""
from __future__ import annotations

import io

from flask import Blueprint, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from lms.assessment.audit import AuditFilters, AuditReport, audit_decisions
from lms.assessment.views import as_of_argument
from lms.audit.services import record
from lms.core.db import write_after_read
from lms.core.xlsx import XLSX_MIME, Sheet, workbook_bytes
from lms.extensions import db
from lms.geo.queries import townships_in_scope, villages_in_scope
from lms.learners.models import Learner
from lms.rules import OUTCOME_LABELS, OUTCOMES, format_credits, format_date_cn, format_hours
from lms.teaching.models import Specialty, TeachingClass
from lms.web.access import current_scope, requires
from lms.web.numbers import int_arg

bp = Blueprint("graduation", __name__, url_prefix="/graduation")

PER_PAGE = 50


def _int_argument(name: str) -> int | None:
    return int_arg(name)


def _filters() -> AuditFilters:
    decision = request.args.get("decision") or None
    return AuditFilters(township_id=_int_argument("township_id"), village_id=_int_argument("village_id"),
                        class_id=_int_argument("class_id"), specialty_id=_int_argument("specialty_id"),
                        cohort=_int_argument("cohort"), decision=decision if decision in OUTCOMES else None)


def _filter_choices() -> dict:
    scope = current_scope()
    classes = db.session.execute(select(TeachingClass.id, TeachingClass.name).where(TeachingClass.in_scope(scope))
                                 .order_by(TeachingClass.cohort.desc(), TeachingClass.code)).all()
    return {
        "townships": [(t.id, t.name) for t in townships_in_scope(scope)],
        "villages": villages_in_scope(scope),
        "classes": classes,
        "specialties": db.session.execute(select(Specialty.id, Specialty.name).order_by(Specialty.position)).all(),
        "cohorts": list(db.session.scalars(select(Learner.cohort).distinct().where(Learner.in_scope(scope))
                                           .order_by(Learner.cohort.desc()))),
    }


@bp.get("/audit")
@requires("graduation.audit")
def audit():
    as_of, filters = as_of_argument(), _filters()
    if not request.args:
        # A county-wide audit takes seconds: open on the form, and let "审核" run it with a progress overlay.
        return render_template("graduation/audit.html", report=None, as_of=as_of, filters=filters,
                               choices=_filter_choices(), labels=OUTCOME_LABELS, outcomes=OUTCOMES)
    report = audit_decisions(current_scope(), as_of, filters)
    page = max(1, _int_argument("page") or 1)
    pages = max(1, -(-len(report.rows) // PER_PAGE))
    page = min(page, pages)
    rows = report.rows[(page - 1) * PER_PAGE: page * PER_PAGE]
    return render_template("graduation/audit.html", report=report, rows=rows, page=page, pages=pages,
                           as_of=as_of, filters=filters, choices=_filter_choices(),
                           args={**filters.as_args(), "as_of": as_of.isoformat()},
                           labels=OUTCOME_LABELS, outcomes=OUTCOMES)


EXPORT_HEADERS = ("学号", "姓名", "身份证号", "乡镇（街道）", "村（社区）", "班级", "专业", "年级", "入学日期",
                  "修业期至", "自学+线上学时", "学分", "结论", "原因")


def audit_workbook(report: AuditReport) -> bytes:
    """The audit as an .xlsx workbook (write-only: constant memory whatever the number of rows)."""
    rows = ([row.student_number, row.name, row.id_number, row.township, row.village, row.class_name or "",
             row.specialty, row.cohort, format_date_cn(row.enrolled_on), format_date_cn(row.decision.period_end_on),
             format_hours(row.decision.hours_360), format_credits(row.decision.credits), row.decision.label,
             "；".join(row.decision.reasons)] for row in report.rows)
    return workbook_bytes([Sheet(f"毕业审核{report.as_of:%Y%m%d}", EXPORT_HEADERS, rows)])


@bp.get("/audit.xlsx")
@requires("graduation.audit")
def audit_export():
    as_of, filters = as_of_argument(), _filters()
    report = audit_decisions(current_scope(), as_of, filters)
    data = audit_workbook(report)
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "graduation_audit.export", "graduation_audit", None,
               summary=f"导出毕业审核（{format_date_cn(as_of)}，{len(report.rows)} 人，含完整身份证号）",
               after={"as_of": as_of, "filters": filters.as_args(), "rows": len(report.rows)})
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"毕业审核-{as_of:%Y%m%d}.xlsx",
                     mimetype=XLSX_MIME)
