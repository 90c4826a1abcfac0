"""`flask lms report targets|quarterly`: the dashboard's and the quarterly report's figures, whole county."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask.cli import AppGroup

from lms.assessment.cli import _date
from lms.auth.scope import EVERYTHING

report_cli = AppGroup("report", help="目标、进展与季度报表（全县）。")


@report_cli.command("targets")
@click.option("--as-of", "as_of", callback=_date, help="统计日期（YYYY-MM-DD，默认今天）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON:as_of、targets、funnel。")
def targets_command(as_of: dt.date, as_json: bool):
    """Progress toward the county's targets (R2) and the funnel, as on the dashboard."""
    from lms.cli import echo_json
    from lms.extensions import db
    from lms.reports.areas import county_area
    from lms.reports.queries import FUNNEL_LABELS, area_figures
    from lms.rules import format_date_cn
    from lms.settings.services import get_setting

    overview = area_figures(EVERYTHING, county_area(get_setting("county.name")), as_of)
    db.session.commit()     # keep the R4 standings judged (lms.reports.standings)
    if as_json:
        echo_json(overview.cli_dict())
        return
    click.echo(f"截至{format_date_cn(as_of)}")
    for target in overview.targets:
        click.echo(f"到{format_date_cn(target.due)}目标 {target.goal:,} 人：已计入 {target.count:,} 人"
                   f"（{target.percent}%）")
    click.echo("，".join(f"{FUNNEL_LABELS[key]} {value:,}" for key, value in overview.total.funnel().items()))


@report_cli.command("quarterly")
@click.option("--quarter", "period", required=True, help="期间：2025Q3（季度）或 2025（全年）。")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="写入的 .xlsx 文件。")
def quarterly_command(period: str, out: Path):
    """Write the quarterly report and funding claim (.xlsx, the same figures as the page); audited."""
    from lms.audit.services import record
    from lms.extensions import db
    from lms.reports.exports import quarterly_workbook
    from lms.reports.quarterly import Period
    from lms.settings.services import get_setting

    try:
        chosen = Period.parse(period)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--quarter") from None
    data, listed = quarterly_workbook(EVERYTHING, chosen, get_setting("county.name"))
    out.write_bytes(data)
    record(None, "reports.quarterly_export", "report", None,
           summary=f"命令行导出{chosen.label}季度报表与经费申报（{listed} 人，含完整身份证号）",
           after={"period": chosen.code, "learners": listed, "file": out.name})
    db.session.commit()
    click.echo(f"已写入 {out}（{chosen.label}，经费申报 {listed} 人）")


@report_cli.command("retally")
@click.option("--if-needed", "if_needed", is_flag=True,
              help="只在汇总与学员不一致时重算（升级数据库之后运行；一致时几乎不花时间）。")
def retally_command(if_needed: bool):
    """Re-count the dashboard's learner tallies from the learners (after `flask db upgrade`)."""
    from lms.extensions import db
    from lms.reports.tallies import rebuild_tallies, tallies_complete

    if if_needed and tallies_complete():
        click.echo("看板汇总与学员一致，无需重算。")
        return
    rebuild_tallies()
    db.session.commit()
    click.echo("已重算看板汇总。")
