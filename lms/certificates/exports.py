"""After issuing: the police list of graduates (household registration) and the funding claim (R14).

Both are read set-based within a scope (a township sees its own learners) and returned as sheets;
the views audit every download.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select

from lms.auth.scope import Scope
from lms.certificates.models import KIND_LABELS, Certificate
from lms.core.xlsx import Sheet
from lms.extensions import db
from lms.geo.models import Division
from lms.learners.models import Learner
from lms.policies.services import policy_for
from lms.rules import counts_for_funding, funding_rule
from lms.rules.formatting import format_yuan

NEW_EDUCATION_LEVEL = "中等职业教育"
# Which certificate stands for which decision outcome, for R14.
OUTCOME_OF_KIND = {"diploma": "graduate", "completion": "complete"}


@dataclass(frozen=True)
class Selection:
    """Which certificates an export covers: one batch, or those issued within a date range."""

    batch_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def describe(self, batch_name: str | None = None) -> str:
        """The selection in words, for export headings and the audit log."""
        if self.batch_id:
            return f"批次：{batch_name or self.batch_id}"
        if self.date_from or self.date_to:
            return f"发证日期：{self.date_from or '不限'} 至 {self.date_to or '不限'}"
        return "全部"


STATUS_OF_KIND = {"diploma": "graduated", "completion": "completed"}


def _rows(scope: Scope, kinds: tuple[str, ...], selection: Selection, *, by_outcome_date: bool = False):
    """Valid certificates of `kinds` in the selection, with learner, village and township (one query).
    Dates select the issue day — or, `by_outcome_date`, the day the student status became the
    certificate's outcome (a re-issued 补发 diploma then stays with its graduation, as the reports count)."""
    township = db.aliased(Division)
    stmt = (select(Certificate, Learner, Division.name.label("village"), township.name.label("township"))
            .join(Learner, Certificate.learner_id == Learner.id)
            .join(Division, Learner.village_id == Division.id)
            .join(township, Division.parent_id == township.id)
            .where(Certificate.in_scope(scope), Certificate.kind.in_(kinds), Certificate.status == "valid")
            .order_by(township.code, Division.code, Certificate.number))
    if selection.batch_id:
        stmt = stmt.where(Certificate.batch_id == selection.batch_id)
    dated = Certificate.issued_on
    if by_outcome_date:
        dated = Learner.status_changed_on
        stmt = stmt.where(or_(*[and_(Certificate.kind == kind, Learner.status == status)
                                for kind, status in STATUS_OF_KIND.items() if kind in kinds]))
    if selection.date_from:
        stmt = stmt.where(dated >= selection.date_from)
    if selection.date_to:
        stmt = stmt.where(dated <= selection.date_to)
    return db.session.execute(stmt).all()


def police_list(scope: Scope, selection: Selection, *, county: str, heading_scope: str) -> tuple[list[Sheet], int]:
    """The list of graduates for the police to update household registration (one query): name, ID
    number, village, the new education level 中等职业教育, diploma number and date."""
    rows = _rows(scope, ("diploma",), selection)
    body = [(index, row.Certificate.snapshot["name"], row.Certificate.snapshot["id_number"],
             row.Certificate.snapshot["sex"], row.township, row.village, row.Learner.prior_education,
             NEW_EDUCATION_LEVEL, row.Certificate.number, row.Certificate.issued_on.isoformat())
            for index, row in enumerate(rows, start=1)]
    sheet = Sheet("毕业学员名单", ("序号", "姓名", "身份证号", "性别", "乡镇（街道）", "村（社区）", "原文化程度",
                                  "新文化程度", "毕业证书编号", "发证日期"), body,
                  heading=f"{county}职业技能学历双提升工程毕业学员名单（报县公安局更新户籍文化程度）· {heading_scope}",
                  widths=(6, 12, 21, 6, 14, 14, 12, 14, 16, 12))
    return [sheet], len(body)


def funding_claim(scope: Scope, selection: Selection, *, county: str, heading_scope: str) -> tuple[list[Sheet], int]:
    """R14 funding claim per township: learners who completed (by each cohort's policy basis), the
    amount from lms.rules.funding_rule, and the learner detail (one query). Dates are those of the
    graduation or completion (the student-status change), as in the quarterly report's claim, so a
    learner is claimed once even when a certificate is re-issued later."""
    rows = _rows(scope, tuple(OUTCOME_OF_KIND), selection, by_outcome_date=True)
    tallies: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    detail = []
    for row in rows:
        outcome = OUTCOME_OF_KIND[row.Certificate.kind]
        tallies[row.township][row.Learner.cohort].append(outcome)
        counted = counts_for_funding(outcome, policy_for(row.Learner.cohort))
        detail.append((row.township, row.village, row.Certificate.snapshot["name"],
                       row.Certificate.snapshot["id_number"], row.Learner.cohort, KIND_LABELS[row.Certificate.kind],
                       row.Certificate.number, row.Certificate.issued_on.isoformat(), "是" if counted else "否"))
    summary = []
    total_learners = total_fen = 0
    for township, by_cohort in tallies.items():
        learners = fen = 0
        reasons = []
        for cohort, outcomes in sorted(by_cohort.items()):
            result = funding_rule(outcomes, policy_for(cohort))
            learners += result.numbers["learners"]
            fen += result.numbers["fen"]
            reasons.append(f"{cohort}级：{result.reason}")
        graduates = sum(o.count("graduate") for o in by_cohort.values())
        completers = sum(o.count("complete") for o in by_cohort.values())
        summary.append((township, graduates, completers, learners, format_yuan(fen), "；".join(reasons)))
        total_learners += learners
        total_fen += fen
    summary.append(("合计", sum(r[1] for r in summary), sum(r[2] for r in summary), total_learners,
                    format_yuan(total_fen), ""))
    sheets = [
        Sheet("经费汇总", ("乡镇（街道）", "毕业人数", "结业人数", "计入经费人数", "经费（元）", "计算说明"), summary,
              heading=f"{county}职业技能学历双提升工程培训经费申请表 · {heading_scope}", widths=(14, 10, 10, 12, 14, 60)),
        Sheet("学员明细", ("乡镇（街道）", "村（社区）", "姓名", "身份证号", "年级", "证书", "证书编号", "发证日期",
                           "计入经费"), detail, widths=(14, 14, 12, 21, 8, 14, 16, 12, 10)),
    ]
    return sheets, len(detail)
