"""`flask lms audit --as-of DATE [--json]`: the graduation audit of every learner, the same engine as the page."""
from __future__ import annotations

import datetime as dt

import click

from lms.assessment.audit import audit_decisions, audit_record, hours_number
from lms.audit.services import record
from lms.auth.scope import EVERYTHING
from lms.core.clock import today
from lms.extensions import db
from lms.rules import OUTCOME_LABELS, OUTCOMES, format_date_cn


def _date(_ctx, _param, value: str | None) -> dt.date:
    if not value:
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期“{value}”无法识别，请写成 2026-07-01") from None


@click.command("audit")
@click.option("--as-of", "as_of", callback=_date, help="审核日期（YYYY-MM-DD，默认今天）。")
@click.option("--json", "as_json", is_flag=True, help="每个学员输出一行 JSON。")
def audit_command(as_of: dt.date, as_json: bool):
    """Graduation audit (R11–R13) of every learner as of a day: one JSON object per learner with --json
    (id_number, student_number, decision, hours_360 in 学时, reasons); the export is audited."""
    from lms.cli import echo_json

    report = audit_decisions(EVERYTHING, as_of)
    for row in report.rows:
        if as_json:
            echo_json(audit_record(row))
        else:
            reasons = "；".join(audit_record(row)["reasons"])
            click.echo(f"{row.student_number}\t{row.name}\t{row.decision.label}\t"
                       f"{hours_number(row.decision.hours_360)} 学时\t{reasons}")
    if not as_json:
        counts = "，".join(f"{OUTCOME_LABELS[o]} {report.counts[o]}" for o in OUTCOMES)
        click.echo(f"截至{format_date_cn(as_of)}共 {report.total} 人：{counts}", err=True)
    record(None, "graduation_audit.export", "graduation_audit", None,
           summary=f"命令行导出毕业审核（{format_date_cn(as_of)}，{len(report.rows)} 人，含完整身份证号）",
           after={"as_of": as_of, "rows": len(report.rows), "json": as_json})
    db.session.commit()
