"""The student-status registration list (学籍注册) for the national secondary-vocational student system:
one .xlsx row per learner of a cohort in the user's scope, in the national template's column headers
(SPEC §6). The system fills what it holds and leaves the rest empty; 学习形式 is always 非全日制."""
from __future__ import annotations

from sqlalchemy import select
from stdnum import numdb

from lms.auth.scope import Scope
from lms.core.xlsx import Sheet, workbook_bytes
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.learners.codes import education_gb4658, ethnicity_name
from lms.learners.models import SEX_LABELS, Learner, OutreachVisit, StatusEvent
from lms.rules import LEARNER_STATUS_LABELS, format_date_cn
from lms.settings.services import get_setting
from lms.teaching.models import Specialty, TeachingClass

#: The national template's headers (SPEC §6), then the columns this programme adds.
HEADERS = (
    "身份证号", "姓名", "性别", "民族", "年级", "入学年月", "招生类型", "修读专业", "学制", "班级", "联招合作类型",
    "联招合作学校机构代码", "户籍所在省", "户籍所在市", "户籍所在区县", "详细地址", "户籍性质", "是否低保",
    "是否享受国家助学金", "月发放标准(元)", "学校类型", "生源类别", "家长(监护人)姓名", "家长(监护人)电话",
    "教学点名称", "健康情况", "现家庭所在省", "现家庭所在市", "现家庭所在区县", "现家庭详细地址", "专业目录版本",
    "学生类别", "出生日期", "校内学号", "学生本人联系电话", "邮政编码", "省级电子注册学籍号", "曾用名", "政治面貌",
    "籍贯", "港澳台侨胞", "毕业学校", "电子邮箱", "中职学生资助卡号", "备注",
    "学习形式", "入学前学历代码", "入学前学历", "学籍状态", "学籍异动",
)
STUDY_MODE = "非全日制"          # never 全日制: these are non-full-time learners
TEXT_COLUMNS = {"身份证号", "校内学号", "学生本人联系电话", "入学前学历代码"}


def _province(code6: str) -> str:
    """The province name of a 6-digit division code, from python-stdnum's table ("" when unknown)."""
    for _part, props in numdb.get("cn/loc").info(code6):
        if "province" in props:
            return props["province"]
    return ""


def export_rows(scope: Scope, cohort: int) -> list[dict[str, str]]:
    """The rows of the list: learners of `cohort` in `scope`, by student number; 学籍状态 and 学籍异动 (the
    standing events, oldest first) after the template's columns. Three queries."""
    township, county = db.aliased(Division), db.aliased(Division)
    stmt = (select(Learner, Division.name, township.name, county.name, county.code, TeachingPoint.name,
                   Specialty.name, TeachingClass.name)
            .join(Division, Learner.village_id == Division.id)
            .join(township, Division.parent_id == township.id)
            .outerjoin(county, township.parent_id == county.id)
            .join(Specialty, Learner.specialty_id == Specialty.id)
            .outerjoin(TeachingPoint, Learner.teaching_point_id == TeachingPoint.id)
            .outerjoin(TeachingClass, Learner.class_id == TeachingClass.id)
            .where(Learner.in_scope(scope), Learner.cohort == cohort)
            .order_by(Learner.student_number))
    results = db.session.execute(stmt).all()
    health = _latest_health([row[0].roster_entry_id for row in results if row[0].roster_entry_id])
    events = _event_lines([row[0].id for row in results])
    category = get_setting("learners.student_category")
    provinces: dict[str, str] = {}
    rows = []
    for learner, village, township_name, county_name, county_code, point, specialty, class_name in results:
        code6 = (county_code or "")[:6]
        if code6 not in provinces:
            provinces[code6] = _province(code6) if code6 else ""
        education_code, _ = education_gb4658(learner.prior_education)
        status_note = "" if learner.status == "studying" else LEARNER_STATUS_LABELS[learner.status]
        rows.append({
            "身份证号": learner.id_number, "姓名": learner.name, "性别": SEX_LABELS.get(learner.sex, ""),
            "民族": ethnicity_name(learner.ethnicity), "年级": str(learner.cohort),
            "入学年月": f"{learner.enrolled_on:%Y-%m}", "修读专业": specialty, "学制": str(learner.programme_years),
            "班级": class_name or "", "教学点名称": point or "", "健康情况": health.get(learner.roster_entry_id, ""),
            "现家庭所在省": provinces[code6], "现家庭所在区县": county_name or "",
            "现家庭详细地址": f"{township_name}{village}", "学生类别": category,
            "出生日期": learner.birth_on.isoformat(), "校内学号": learner.student_number,
            "学生本人联系电话": learner.phone, "备注": status_note, "学习形式": STUDY_MODE,
            "入学前学历代码": education_code, "入学前学历": learner.prior_education,
            "学籍状态": LEARNER_STATUS_LABELS[learner.status], "学籍异动": "；".join(events.get(learner.id, ())),
        })
    return rows


def event_line(event: StatusEvent) -> str:
    """One status event as the list writes it: “2026年5月3日转出：转入某县职校，转学证明 ZX-01（举家搬迁）”."""
    line = f"{format_date_cn(event.occurred_on)}{event.kind_label}"
    if event.kind in ("transfer_out", "transfer_in"):
        where = "转入" if event.kind == "transfer_out" else "来自"
        line += f"：{where}{event.other_school}，转学证明 {event.document_number}"
    return f"{line}（{event.reason}）"


def _event_lines(learner_ids: list[int]) -> dict[int, list[str]]:
    """{learner id: lines of their standing status events, oldest first} (one query per 500 learners)."""
    lines: dict[int, list[str]] = {}
    for start in range(0, len(learner_ids), 500):
        for event in db.session.scalars(select(StatusEvent).where(
                StatusEvent.learner_id.in_(learner_ids[start:start + 500]), StatusEvent.standing())
                .order_by(StatusEvent.occurred_on, StatusEvent.id)):
            lines.setdefault(event.learner_id, []).append(event_line(event))
    return lines


def _latest_health(entry_ids: list[int]) -> dict[int, str]:
    """The health remark of each roster entry's latest visit that noted one (one query)."""
    if not entry_ids:
        return {}
    found: dict[int, str] = {}
    stmt = (select(OutreachVisit.roster_entry_id, OutreachVisit.health)
            .where(OutreachVisit.roster_entry_id.in_(entry_ids), OutreachVisit.health != "")
            .order_by(OutreachVisit.visited_on, OutreachVisit.id))
    for entry_id, health in db.session.execute(stmt):
        found[entry_id] = health
    return found


def write_workbook(rows: list[dict[str, str]]) -> bytes:
    """The rows as an .xlsx in the template's columns; ID number and other code columns as text."""
    text_columns = {i for i, title in enumerate(HEADERS) if title in TEXT_COLUMNS}
    return workbook_bytes([Sheet("学籍注册", HEADERS, ([row.get(title, "") for title in HEADERS] for row in rows),
                                 text_columns=text_columns)])
