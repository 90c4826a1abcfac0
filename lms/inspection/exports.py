"""The inspection lists as .xlsx sheets (lms/core/xlsx.py: every text is a text cell)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lms.auth.scope import Scope
from lms.core.xlsx import Sheet
from lms.inspection import queries
from lms.inspection.queries import Criteria
from lms.rules import format_hours
from lms.teaching.models import SESSION_MODE_LABELS


@dataclass(frozen=True)
class InspectionList:
    """One list of the page: its key (the export's `list` argument), title, and how to build its sheet."""

    key: str
    title: str
    sheet: Callable[[Scope, Criteria, date], Sheet]


def _hours(minutes: int) -> Decimal:
    """学时 as a number cell (rounded as every page rounds them: lms.rules.format_hours)."""
    return Decimal(format_hours(minutes))


SESSION_HEADERS = ["日期", "乡镇", "村", "班级代码", "班级", "课程", "方式", "学时", "授课教师", "地点", "记学时人数",
                   "佐证材料（份）", "督查次数"]


def _session_rows(rows):
    return [[r.held_on, r.township, r.village, r.class_code, r.class_name, r.course, SESSION_MODE_LABELS[r.mode],
             _hours(r.minutes), r.teacher, r.place, r.attended, r.evidence, r.visits] for r in rows]


def _missing(scope, criteria, today) -> Sheet:
    return Sheet("无佐证材料的课次", SESSION_HEADERS,
                 _session_rows(queries.sessions_without_evidence(scope, criteria, today)), text_columns=(3,))


def _sample(scope, criteria, today) -> Sheet:
    return Sheet("抽查课次", SESSION_HEADERS, _session_rows(queries.sample_sessions(scope, criteria)),
                 text_columns=(3,))


def _fast(scope, criteria, today) -> Sheet:
    rows = [[r.name, r.student_number, r.township, r.village, r.class_code, r.started_on, r.reached_on, r.days,
             _hours(r.required_minutes)] for r in queries.fast_learners(scope, criteria)]
    return Sheet("学时达标过快", ["姓名", "学号", "乡镇", "村", "班级代码", "首个计入学时日", "达标日", "用时（天）",
                             "学时要求"], rows, text_columns=(1, 4))


def _texts(scope, criteria, today) -> Sheet:
    rows = [[g.content, g.learners, g.entries, g.first_on, g.last_on, "、".join(f"{n}（{s}）" for _i, n, s in g.names)]
            for g in queries.identical_texts(scope, criteria)]
    return Sheet("相同自学内容", ["自学内容", "学员数", "记录数", "最早", "最晚", "学员（学号）"], rows, widths=(50, 8, 8, 14, 14, 60))


def _overlaps(scope, criteria, today) -> Sheet:
    rows = [[r.day, r.name, r.student_number, r.township, r.village, r.class_code, _hours(r.face_minutes),
             r.sessions, r.platform, _hours(r.platform_minutes), r.clock_minutes, r.records, _hours(r.total_minutes)]
            for r in queries.platform_overlaps(scope, criteria)]
    return Sheet("平台学时与面授同日", ["日期", "姓名", "学号", "乡镇", "村", "班级代码", "面授学时", "面授课次",
                                "平台", "平台学时", "平台时长（分钟）", "平台记录数", "当日合计学时"], rows, text_columns=(2, 5))


def _visits(scope, criteria, today) -> Sheet:
    rows = [[v.visited_on, v.inspector, v.outcome_label, v.findings, v.session.held_on, v.session.teaching_class.code,
             v.session.course.name, v.recorded_by.display_name if v.recorded_by else ""]
            for v in queries.visits(scope, criteria)]
    return Sheet("督查记录", ["督查日期", "督查人员", "结论", "发现的情况", "课次日期", "班级代码", "课程", "登记人"], rows,
                 text_columns=(5,), widths=(14, 12, 12, 50, 14, 14, 20, 10))


LISTS: dict[str, InspectionList] = {item.key: item for item in (
    InspectionList("sample", "抽查课次", _sample),
    InspectionList("missing", "无佐证材料的课次", _missing),
    InspectionList("fast", "学时达标过快的学员", _fast),
    InspectionList("texts", "相同的自学内容", _texts),
    InspectionList("overlaps", "平台学时与面授同日", _overlaps),
    InspectionList("visits", "督查记录", _visits),
)}


def inspection_sheets(scope: Scope, criteria: Criteria, today: date, key: str | None) -> list[Sheet]:
    """The sheet of list `key`, or every list's sheet (key None), each headed by the period and area."""
    chosen = [LISTS[key]] if key else list(LISTS.values())
    sheets = []
    for item in chosen:
        sheet = item.sheet(scope, criteria, today)
        sheet.heading = f"督查核查：{item.title}"
        sheet.lines = [f"{criteria.area.name}  {criteria.start.isoformat()} 至 {criteria.end.isoformat()}"]
        sheets.append(sheet)
    return sheets
