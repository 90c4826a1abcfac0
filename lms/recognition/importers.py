"""Import of recognition applications (免修/免考/实习免除/奖励学分): rows that break R9 are refused."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from lms.assessment.importers import LearnerRowsImporter
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.extensions import db
from lms.imports.cells import CellError, clean_text, closest_name, parse_choice, parse_date, parse_decimal
from lms.imports.headers import Column, common_column
from lms.imports.pipeline import SourceRow
from lms.learners.models import Learner
from lms.policies.services import policy_for
from lms.recognition.models import EVIDENCE_TYPES, CertificateKind, RecognitionApplication, RecognitionItem
from lms.recognition.services import Request, judge_items
from lms.rules import EXEMPTION_KIND_LABELS
from lms.teaching.models import Course

# A cell may hold the label (免修, 免考, 实习免除, 奖励学分) or one of these synonyms.
KIND_CHOICES = {**{label: kind for kind, label in EXEMPTION_KIND_LABELS.items()}, "免除实习": "waived",
                "免除顶岗实习": "waived", "奖励学分": "credits", "学分": "credits"}
STATUS_CHOICES = {"已批准": "approved", "批准": "approved", "同意": "approved", "待审批": "pending", "待审核": "pending"}
TYPE_CHOICES = {**{t: t for t in EVIDENCE_TYPES}, "岗位工作经历": "工作经历", "技能等级证书": "职业技能等级证书",
                "发明创造/技术革新": "发明创造", "技术创新": "技术革新"}


@dataclass(frozen=True, slots=True)
class PlannedRecognition:
    """A recognition application of one course to add, as judged by the engine (R9)."""

    learner: Learner
    course: Course
    evidence_type: str
    kind: str | None
    credits: Decimal
    evidence: str
    certificate_kind: CertificateKind | None
    work_years: Decimal | None
    status: str
    decided_on: dt.date | None = None
    approver: str = ""


class ExemptionImporter(LearnerRowsImporter[PlannedRecognition]):
    """免修免考: one row per course asked for; judged by the engine (R9) like a web application."""

    kind = "exemptions"
    label = "免修免考"
    capability = "recognition.decide"
    description = ("每行一门课程：类型 免修/免考/实习免除（竞赛获奖、发明创造给学分时留空或填“奖励学分”）；"
                   "凭证书的，“证明材料”须写学校证书对应表中的证书名称；工作经历须写对口岗位工作年限。"
                   "不符合规定（如工作不满两年申请免除实习）的行不导入。"
                   "迁移台账时可填“审批日期”（不晚于今天、不早于入学日期，留空为今天）和“审批人”（原样记入审批意见）。")
    columns = (
        common_column("id_number", required=True),
        common_column("course", required=True),
        Column("kind", "类型", ("类型", "申请类型", "免修免考类型")),
        Column("evidence_type", "依据", ("依据", "申请依据", "认定依据"), True),
        Column("evidence", "证明材料", ("证明材料", "证书名称", "证明", "材料")),
        Column("work_years", "工作年限", ("工作年限", "对口岗位工作年限", "对口工作年限")),
        Column("status", "审批结论", ("审批结论", "审批结果", "审批"), True),
        Column("credits", "学分", ("学分", "奖励学分")),
        Column("decided_on", "审批日期", ("审批日期", "批准日期", "审批时间")),
        common_column("approver"),
    )
    example = {"id_number": "522327198506150024", "course": "顶岗实习", "kind": "实习免除", "evidence_type": "工作经历",
               "evidence": "某养殖场饲养员 2019—2022", "work_years": "3", "status": "已批准"}

    def check(self, rows: list[SourceRow]) -> list[PlannedRecognition]:
        learners = self.learners_of(rows)
        self.load_plans(learners.values())
        table = {k.name: k for k in db.session.scalars(select(CertificateKind).where(CertificateKind.active.is_(True)))}
        policies = {cohort: policy_for(cohort) for cohort in {learner.cohort for learner in learners.values()}}
        existing = self._existing({learner.id for learner in learners.values()})
        planned: list[PlannedRecognition] = []
        for row in rows:
            learner = learners.get(row.number)
            course = self.course_of(row, learner) if learner else None
            if course is None:
                continue
            item = self._judge(row, learner, course, table, policies[learner.cohort])
            if item is None:
                continue
            key = (learner.id, course.id, item.kind)
            if key in existing and existing[key] == (item.evidence_type, item.status):
                self.unchanged += 1
                continue
            if item.kind is not None and any(k[:2] == key[:2] and k[2] is not None for k in existing):
                self.refuse(row, "course", f"《{course.name}》已有待审批或已批准的免修免考申请")
                continue
            existing[key] = (item.evidence_type, item.status)
            planned.append(item)
        return planned

    def _existing(self, learner_ids) -> dict[tuple[int, int, str | None], tuple[str, str]]:
        rows = db.session.execute(
            select(RecognitionApplication.learner_id, RecognitionItem.course_id, RecognitionItem.kind,
                   RecognitionApplication.evidence_type, RecognitionApplication.status)
            .join(RecognitionApplication, RecognitionItem.application_id == RecognitionApplication.id)
            .where(RecognitionApplication.learner_id.in_(list(learner_ids)),
                   RecognitionApplication.status.in_(("pending", "approved"))))
        return {(a, b, c): (d, e) for a, b, c, d, e in rows}

    def _cell(self, row: SourceRow, key: str, parse):
        """parse(cell) or None after refusing the row with the cell's message; blank optional cells → ""."""
        try:
            return parse(row.get(key))
        except CellError as error:
            self.refuse(row, key, error.message)
            return None

    def _judge(self, row, learner, course, table, policy) -> PlannedRecognition | None:
        evidence_type = self._cell(row, "evidence_type", lambda v: parse_choice(
            v, TYPE_CHOICES, "依据", shown=tuple(EVIDENCE_TYPES)))
        status = self._cell(row, "status", lambda v: parse_choice(v, STATUS_CHOICES, "审批结论", shown=("已批准", "待审批")))
        requested = self._cell(row, "kind", lambda v: parse_choice(
            v, KIND_CHOICES, "类型", shown=(*EXEMPTION_KIND_LABELS.values(), "奖励学分")) if clean_text(v) else "")
        work_years = self._cell(row, "work_years", lambda v: parse_decimal(v, min=0, max=50) if clean_text(v) else "")
        credits = self._cell(row, "credits", lambda v: parse_decimal(v, min=0, max=100) if clean_text(v) else "")
        decided_on = self._cell(row, "decided_on", lambda v: parse_date(
            v, not_before=learner.enrolled_on, not_after=self.today) if clean_text(v) else "")
        if None in (evidence_type, status, requested, work_years, credits, decided_on):
            return None
        approver = clean_text(row.get("approver"))[:40]
        if status != "approved" and (decided_on or approver):
            self.refuse(row, "decided_on" if decided_on else "approver", "待审批的申请不能填写审批日期或审批人")
            return None
        basis = EVIDENCE_TYPES[evidence_type]
        requested = requested or ("waived" if basis == "work_experience" else "credits")
        work_years = None if work_years == "" else work_years
        credits = None if credits == "" else credits
        evidence = clean_text(row.get("evidence"))
        certificate_kind = table.get(evidence)
        if basis == "certificate" and certificate_kind is None:
            guess = closest_name(evidence, [name for name, k in table.items() if k.basis == "certificate"])
            hint = f"，是不是“{guess}”？" if guess else "，请先在“证书与课程对应表”中添加"
            self.refuse(row, "evidence", f"证书“{evidence or '（空）'}”不在学校的证书对应表中{hint}")
            return None
        if certificate_kind is not None and certificate_kind.basis != basis:
            certificate_kind = None
        try:
            judged = judge_items(learner=learner, basis=basis, certificate_kind=certificate_kind,
                                 request=Request(None if requested == "credits" else requested, (course.id,), credits),
                                 work_years=work_years, plan=self.plans_by_id(learner), policy=policy)
        except DomainError as error:
            self.refuse(row, "course", error.message)
            return None
        _course, decision = judged[0]
        if not decision.ok:
            self.refuse(row, "work_years" if basis == "work_experience" else "kind", decision.reason)
            return None
        return PlannedRecognition(learner, course, evidence_type, decision.kind, decision.credits, evidence,
                                  certificate_kind, work_years, status, decided_on or None, approver)

    def plans_by_id(self, learner: Learner) -> dict[int, Course]:
        return {course.id: course for course in self.plans.get(learner.specialty_id, {}).values()}

    def write(self, planned: list[PlannedRecognition]) -> int:
        actor_id, now = getattr(self.actor, "id", None), now_utc()
        for item in planned:
            approved = item.status == "approved"
            db.session.add(RecognitionApplication(
                learner_id=item.learner.id, evidence_type=item.evidence_type, basis=EVIDENCE_TYPES[item.evidence_type],
                certificate_kind_id=item.certificate_kind.id if item.certificate_kind else None,
                certificate_name=item.evidence[:80] if item.evidence_type != "工作经历" else "",
                work_post=item.evidence[:120] if item.evidence_type == "工作经历" else "",
                work_years=item.work_years, evidence_note="批量导入", status=item.status, created_by_id=actor_id,
                decided_by_id=actor_id if approved else None, decided_at=now if approved else None,
                # A migrated 台账 keeps its own approval day, so an audit as of an earlier day counts it.
                decided_on=(item.decided_on or self.today) if approved else None,
                decision_reason=_reason(item) if approved else "",
                items=[RecognitionItem(course_id=item.course.id, kind=item.kind, credits=item.credits)]))
        db.session.flush()
        return len(planned)


def _reason(item: PlannedRecognition) -> str:
    """The stored decision note: the approver's name is free text because old 台账 name people who are no users."""
    return "导入时已批准" + (f"（审批人：{item.approver}）" if item.approver else "")
