"""The quarterly report and funding claim as one .xlsx workbook (the same figures as the page)."""
from __future__ import annotations

from lms.auth.scope import Scope
from lms.core.clock import today
from lms.core.xlsx import Sheet, workbook_bytes
from lms.reports.quarterly import Period, funded_learners, funding_by_township, quarterly_report
from lms.rules import LEARNER_STATUS_LABELS, format_date_cn, hours_number
from lms.settings.services import get_setting

SIGNATURE_LINE = "____________"

QUARTERLY_HEADERS = ("乡镇（街道）", "本期新报名", "累计报名", "期末在读", "集中面授学时", "集中线上学时",
                     "平台线上学时", "自学学时", "学时合计", "本期毕业", "本期结业", "本期退学",
                     "计经费人数", "应拨经费（元）")
FUNDING_HEADERS = ("乡镇（街道）", "人数", "应拨经费（元）")
DETAIL_HEADERS = ("乡镇（街道）", "村（社区）", "姓名", "身份证号", "学号", "年级", "学籍", "日期", "证书编号",
                  "经费（元）")


def yuan_value(fen: int) -> int | float:
    """Fen as a yuan number for a spreadsheet cell."""
    return fen // 100 if fen % 100 == 0 else fen / 100


def _quarter_line(row) -> list:
    return [row.name, row.new_enrolled, row.enrolled, row.studying, *(hours_number(row.hours[c]) for c in "FLPS"),
            hours_number(row.hours_total), row.graduated, row.completed, row.withdrawn, row.funded,
            yuan_value(row.funding_fen)]


def filing_lines() -> tuple[str, str, str]:
    """填报单位 (the setting, else the school's name), 负责人 (the setting, else a line to sign on) and
    填报日期 (today): what a report sent to the prefecture carries."""
    unit = get_setting("reports.filing_unit") or get_setting("school.name")
    responsible = get_setting("reports.responsible") or SIGNATURE_LINE
    return f"填报单位：{unit}", f"负责人：{responsible}", f"填报日期：{format_date_cn(today())}"


def quarterly_sheets(scope: Scope, period: Period, county: str) -> tuple[list[Sheet], int]:
    """(sheets, learners listed with whole ID numbers) of the quarterly workbook, each set up for printing."""
    lines = filing_lines()
    report = quarterly_report(scope, period)
    learners = funded_learners(scope, period)
    by_township = funding_by_township(learners)
    span = f"{format_date_cn(period.start)}至{format_date_cn(period.end)}"
    sheets = [
        Sheet("季度报表", QUARTERLY_HEADERS, [*(_quarter_line(r) for r in report.rows), _quarter_line(report.total)],
              heading=f"{county}职业技能学历双提升工程{period.label}进展报表（{span}）", lines=lines, printable=True,
              widths=(16, 10, 10, 10, 12, 12, 12, 10, 10, 10, 10, 10, 12, 14)),
        Sheet("经费申报", FUNDING_HEADERS,
              [*([name, count, yuan_value(fen)] for name, (count, fen) in by_township.items()),
               ["合计", len(learners), yuan_value(sum(learner.fen for learner in learners))]],
              heading=f"{county}双提升工程经费申报（{period.label}，按完成培训人数计）", lines=lines, printable=True,
              widths=(24, 10, 16)),
        Sheet("经费申报明细", DETAIL_HEADERS,
              ([l.township, l.village, l.name, l.id_number, l.student_number, l.cohort,
                LEARNER_STATUS_LABELS[l.status], l.changed_on, l.certificate_number,
                yuan_value(l.fen)] for l in learners),
              heading=f"{county}双提升工程经费申报明细（{period.label}）", lines=lines, printable=True,
              widths=(14, 14, 10, 22, 16, 8, 8, 16, 16, 10), text_columns=(3, 4, 8)),
    ]
    return sheets, len(learners)


def quarterly_workbook(scope: Scope, period: Period, county: str) -> tuple[bytes, int]:
    """(.xlsx bytes, learners listed) of the quarterly report and the funding claim."""
    sheets, listed = quarterly_sheets(scope, period, county)
    return workbook_bytes(sheets), listed
