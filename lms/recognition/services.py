"""Writing the certificate table and recognition applications; every claim is judged by lms.rules.check_exemption."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from lms.audit.services import changes, record, snapshot
from lms.auth.permissions import may
from lms.core.clock import now_utc
from lms.core.errors import DomainError, PermissionDenied
from lms.extensions import db
from lms.learners.models import Learner
from lms.policies.services import policy_for
from lms.recognition.evidence import scan_mime, store_scan
from lms.recognition.models import (
    APPLICATION_STATUS_LABELS,
    EVIDENCE_TYPES,
    TABLE_EVIDENCE_TYPES,
    CertificateKind,
    CertificateKindCourse,
    RecognitionApplication,
    RecognitionItem,
)
from lms.rules import (
    EXEMPTION_KIND_LABELS,
    ExemptionClaim,
    ExemptionDecision,
    Policy,
    check_exemption,
    format_credits,
)
from lms.rules.studying import off_register_reason
from lms.teaching.models import Course


def save_certificate_kind(*, actor, kind: CertificateKind | None, name: str, evidence_type: str,
                          credits: Decimal, course_ids: Iterable[int], note: str = "",
                          active: bool = True) -> CertificateKind:
    """Create or edit a row of the school's certificate table; audited.

    Certificates (职业资格/职业技能等级证书) must map to at least one course; awards and
    innovations must grant credits. Names are unique.
    """
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写证书（奖项）名称", field="name")
    if evidence_type not in TABLE_EVIDENCE_TYPES:
        raise DomainError(f"类别只能是：{'、'.join(TABLE_EVIDENCE_TYPES)}", field="evidence_type")
    credits = Decimal(credits or 0)
    if credits < 0:
        raise DomainError("学分不能为负数", field="credits")
    clash = db.session.scalar(select(CertificateKind.id).where(CertificateKind.name == name))
    if clash and (kind is None or clash != kind.id):
        raise DomainError(f"对应表中已有“{name}”", field="name")
    wanted = set(course_ids)
    found = set(db.session.scalars(select(Course.id).where(Course.id.in_(wanted)))) if wanted else set()
    if wanted - found:
        raise DomainError("所选课程不存在", field="course_ids")
    if EVIDENCE_TYPES[evidence_type] == "certificate" and not wanted:
        raise DomainError("职业资格证书/职业技能等级证书须对应至少一门课程", field="course_ids")
    if EVIDENCE_TYPES[evidence_type] != "certificate" and credits <= 0:
        raise DomainError("竞赛获奖、发明创造和技术革新须写明给予的学分", field="credits")

    before = _kind_snapshot(kind) if kind is not None else None
    if kind is None:
        kind = CertificateKind()
        db.session.add(kind)
    kind.name, kind.evidence_type, kind.credits = name, evidence_type, credits
    kind.note, kind.active = (note or "").strip()[:200], active
    kind.mapped = [link for link in kind.mapped if link.course_id in wanted] + [
        CertificateKindCourse(course_id=course_id) for course_id in sorted(wanted - kind.course_ids)]
    db.session.flush()
    after = _kind_snapshot(kind)
    if before is None:
        record(actor, "certificate_kind.create", "certificate_kind", kind.id, summary=f"证书对应表新增：{name}",
               after=after)
    else:
        old, new = changes(before, after)
        record(actor, "certificate_kind.update", "certificate_kind", kind.id, summary=f"修改证书对应表：{name}",
               before=old, after=new)
    return kind


def _kind_snapshot(kind: CertificateKind) -> dict:
    data = snapshot(kind)
    data.pop("updated_at", None)
    data["course_ids"] = sorted(kind.course_ids)
    return data


@dataclass(frozen=True)
class Request:
    """What an application asks for: requested kind (免修/免考/实习免除, None = credits) and courses."""

    requested: str | None
    course_ids: tuple[int, ...]
    credits: Decimal | None = None


def plan_courses(learner: Learner) -> dict[int, Course]:
    """The active courses of the learner's specialty plan, by id (one query)."""
    return {course.id: course for course in db.session.scalars(
        select(Course).where(Course.specialty_id == learner.specialty_id, Course.active.is_(True))
        .order_by(Course.position, Course.id))}


def judge_items(*, learner: Learner, basis: str, certificate_kind: CertificateKind | None, request: Request,
                work_years: Decimal | None, plan: dict[int, Course], policy: Policy | None = None,
                ) -> list[tuple[Course, ExemptionDecision]]:
    """Each requested course with the engine's R9 decision for it (by `policy`, default the learner's cohort's).

    A work-experience claim with no course given asks for the plan's internship(s).
    """
    course_ids = list(request.course_ids)
    if basis == "work_experience" and not course_ids:
        course_ids = [course.id for course in plan.values() if course.kind == "internship"]
        if not course_ids:
            raise DomainError("该学员的教学计划没有顶岗实习，无需免除", field="course_ids")
    if not course_ids:
        raise DomainError("请选择申请的课程", field="course_ids")
    unknown = [course_id for course_id in course_ids if course_id not in plan]
    if unknown:
        raise DomainError("所选课程不在该学员专业的教学计划中", field="course_ids")
    if basis in ("competition", "innovation") and len(course_ids) != 1:
        raise DomainError("奖励学分请选择一门计入的课程", field="course_ids")
    credits = request.credits
    if credits is None and certificate_kind is not None:
        credits = certificate_kind.credits
    policy = policy or policy_for(learner.cohort)
    judged = []
    for course_id in course_ids:
        course = plan[course_id]
        claim = ExemptionClaim(
            basis=basis, requested=request.requested, course_id=course.id, course_name=course.name,
            course_kind=course.kind, course_credits=course.credits,
            mapped_course_ids=certificate_kind.course_ids if certificate_kind else frozenset(),
            work_years=work_years, credits=credits or Decimal(0))
        judged.append((course, check_exemption(claim, policy)))
    return judged


def _check_conflicts(learner_id: int, judged, *, ignore_application: int | None = None) -> None:
    """Refuse a second 免修/免考/免除 of a course that already has one pending or approved."""
    excused = [course.id for course, decision in judged if decision.kind is not None]
    if not excused:
        return
    rows = db.session.execute(
        select(RecognitionItem.course_id, RecognitionApplication.id, RecognitionApplication.status)
        .join(RecognitionApplication, RecognitionItem.application_id == RecognitionApplication.id)
        .where(RecognitionApplication.learner_id == learner_id, RecognitionItem.course_id.in_(excused),
               RecognitionItem.kind.is_not(None), RecognitionApplication.status.in_(("pending", "approved")),
               RecognitionApplication.id != (ignore_application or 0))).all()
    if rows:
        names = {course.id: course.name for course, _ in judged}
        course_id, application_id, status = rows[0]
        raise DomainError(f"《{names[course_id]}》已有{APPLICATION_STATUS_LABELS[status]}的免修/免考申请（第 {application_id} 号）",
                          field="course_ids")


def create_application(*, actor, learner: Learner, evidence_type: str, request: Request,
                       certificate_kind: CertificateKind | None = None, certificate_name: str = "",
                       certificate_number: str = "", issuer: str = "", issued_on: dt.date | None = None,
                       work_post: str = "", work_years: Decimal | None = None, evidence_note: str = "",
                       scan: bytes | None = None, today: dt.date) -> RecognitionApplication:
    """File a recognition application (R9) for a learner; it is pending until the registrar decides.

    Every requested course is judged by lms.rules.check_exemption first and the application is
    refused with the engine's reason when any item is inadmissible (e.g. "对口岗位工作 1.9 年,不足
    2 年,不能免除顶岗实习"). A scan, when given, must be a PDF/JPEG/PNG within the size limit. Audited.
    """
    if evidence_type not in EVIDENCE_TYPES:
        raise DomainError(f"依据只能是：{'、'.join(EVIDENCE_TYPES)}", field="evidence_type")
    basis = EVIDENCE_TYPES[evidence_type]
    if (refusal := off_register_reason(learner.status, "申请免修免考")) is not None:
        raise DomainError(refusal)
    if certificate_kind is not None and certificate_kind.basis != basis:
        raise DomainError(f"“{certificate_kind.name}”在对应表中是{certificate_kind.evidence_type}，与依据不符",
                          field="certificate_kind_id")
    if basis == "certificate" and certificate_kind is None:
        raise DomainError("请从学校的证书对应表中选择证书", field="certificate_kind_id")
    if basis == "work_experience" and not work_post.strip():
        raise DomainError("请填写从事的对口岗位（单位、岗位、起止时间）", field="work_post")
    if basis != "work_experience" and not (certificate_name.strip() or certificate_kind is not None):
        raise DomainError("请填写证书或奖项名称", field="certificate_name")
    if issued_on is not None and issued_on > today:
        raise DomainError("发证日期晚于今天", field="issued_on")
    judged = judge_items(learner=learner, basis=basis, certificate_kind=certificate_kind, request=request,
                         work_years=work_years, plan=plan_courses(learner))
    for _course, decision in judged:
        if not decision.ok:
            raise DomainError(decision.reason, field="work_years" if basis == "work_experience" else "course_ids")
    _check_conflicts(learner.id, judged)
    mime = scan_mime(scan) if scan else ""

    application = RecognitionApplication(
        learner_id=learner.id, evidence_type=evidence_type, basis=basis,
        certificate_kind_id=certificate_kind.id if certificate_kind else None,
        certificate_name=(certificate_name or (certificate_kind.name if certificate_kind else "")).strip()[:80],
        certificate_number=certificate_number.strip()[:60], issuer=issuer.strip()[:80], issued_on=issued_on,
        work_post=work_post.strip()[:120], work_years=work_years, evidence_note=evidence_note.strip(),
        status="pending", created_by_id=getattr(actor, "id", None))
    application.items = [RecognitionItem(course_id=course.id, kind=decision.kind, credits=decision.credits)
                         for course, decision in judged]
    if scan:
        application.scan_path = store_scan(scan, mime, today=today)
        application.scan_mime, application.scan_bytes = mime, len(scan)
    db.session.add(application)
    db.session.flush()
    record(actor, "recognition.create", "recognition_application", application.id,
           summary=f"{learner.name} 申请{describe(application)}", after=_application_snapshot(application))
    return application


def describe(application: RecognitionApplication) -> str:
    """"免修《种植技术》《果树栽培》" / "实习免除《顶岗实习》" / "奖励学分 2 学分(计入《…》)"."""
    parts = []
    for item in application.items:
        if item.kind is None:
            parts.append(f"奖励学分 {format_credits(item.credits)} 学分（计入《{item.course.name}》）")
        else:
            parts.append(f"{EXEMPTION_KIND_LABELS[item.kind]}《{item.course.name}》")
    return "、".join(parts)


def _application_snapshot(application: RecognitionApplication) -> dict:
    data = snapshot(application)
    data["items"] = [{"course_id": i.course_id, "kind": i.kind, "credits": str(i.credits)} for i in application.items]
    return data


def decide_application(*, actor, application: RecognitionApplication, approve: bool, reason: str,
                       on: dt.date) -> RecognitionApplication:
    """The registrar approves or rejects a pending application (a reason is required to reject); audited.

    Approval re-judges every item with check_exemption against today's table and policy, so a claim
    that no longer holds cannot be approved; approved items count from `on` (decided_on).
    """
    if not may(actor, "recognition.decide"):
        raise PermissionDenied("只有教务可以审批免修免考申请")
    if application.status != "pending":
        raise DomainError(f"该申请已{application.status_label}，不能重复审批")
    reason = (reason or "").strip()
    if not approve and len(reason) < 2:
        raise DomainError("不批准须写明理由", field="reason")
    learner = application.learner
    if approve:
        kind = application.certificate_kind
        request = Request(application.items[0].kind, tuple(item.course_id for item in application.items),
                          application.items[0].credits if application.items[0].kind is None else None)
        judged = judge_items(learner=learner, basis=application.basis, certificate_kind=kind, request=request,
                             work_years=application.work_years, plan=plan_courses(learner))
        for _course, decision in judged:
            if not decision.ok:
                raise DomainError(f"不能批准：{decision.reason}")
        _check_conflicts(learner.id, judged, ignore_application=application.id)
    before = snapshot(application)
    application.status = "approved" if approve else "rejected"
    application.decided_by_id, application.decided_at = getattr(actor, "id", None), now_utc()
    application.decided_on, application.decision_reason = on, reason[:200]
    db.session.flush()
    verb = "批准" if approve else "不批准"
    old, new = changes(before, snapshot(application))
    record(actor, "recognition.decide", "recognition_application", application.id,
           summary=f"{verb} {learner.name} 的申请：{describe(application)}" + (f"。理由：{reason}" if reason else ""),
           before=old, after=new)
    return application
