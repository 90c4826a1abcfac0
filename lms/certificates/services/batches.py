"""The issuing workflow by batch.

Diplomas: build a batch from learners the engine finds eligible (draft) → submit it to the prefecture
education bureau for 验印 (submitted) → record the verification's date and reference (verified) →
assign numbers and issue (issued). Completion certificates and study records are issued by the
school directly: `issue_directly` creates an already-issued batch, which is what gets printed.
Every step is audited; members are marked removed, never deleted.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.audit.services import record
from lms.certificates import eligibility
from lms.certificates.models import KIND_LABELS, BatchMember, Certificate, GraduationBatch
from lms.certificates.numbers import upcoming_numbers
from lms.certificates.services import assets, issue_certificates, refuse_ineligible, valid_holders
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.models import Learner
from lms.settings.services import all_settings

BATCH_STEPS = ("draft", "submitted", "verified", "issued")


def _unique_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写批次名称", field="name")
    if len(name) > 80:
        raise DomainError("批次名称不能超过 80 个字", field="name")
    if db.session.scalar(select(GraduationBatch.id).where(GraduationBatch.name == name)):
        raise DomainError(f"批次名称“{name}”已被使用，请换一个", field="name")
    return name


def learners_in_open_diploma_batches(learner_ids: Collection[int], *, except_batch_id: int | None = None) -> set[int]:
    """Learners already in a diploma batch not yet issued (one query)."""
    stmt = (select(BatchMember.learner_id).join(GraduationBatch)
            .where(GraduationBatch.kind == "diploma", GraduationBatch.status != "issued",
                   BatchMember.removed_on.is_(None), BatchMember.learner_id.in_(learner_ids)))
    if except_batch_id is not None:
        stmt = stmt.where(GraduationBatch.id != except_batch_id)
    return set(db.session.scalars(stmt))


def _names(learners: Sequence[Learner], limit: int = 10) -> str:
    shown = "、".join(learner.name for learner in learners[:limit])
    return shown + (f" 等 {len(learners)} 人" if len(learners) > limit else "")


def _load_learners(learner_ids: Sequence[int]) -> list[Learner]:
    learners = list(db.session.scalars(select(Learner).where(Learner.id.in_(learner_ids))
                                       .order_by(Learner.student_number)))
    if not learners or len(learners) != len(set(learner_ids)):
        raise DomainError("请至少选择一名学员", field="learners")
    return learners


def create_diploma_batch(*, actor, name: str, as_of: date, learner_ids: Sequence[int],
                         early_applied: Collection[int] = (), decide: eligibility.DecideFn | None = None
                         ) -> GraduationBatch:
    """A draft diploma batch of learners the engine finds eligible as of `as_of` (graduate, or
    early_graduate with an application for early graduation in `early_applied`). Audited."""
    name = _unique_name(name)
    learners = _load_learners(learner_ids)
    ids = [learner.id for learner in learners]
    decisions = (decide or eligibility.decide)(ids, as_of)
    refuse_ineligible("diploma", learners, decisions, early_applied)
    holders = valid_holders("diploma", ids)
    busy = learners_in_open_diploma_batches(ids)
    clash = [learner.name for learner in learners if learner.id in holders or learner.id in busy]
    if clash:
        raise DomainError(f"{'、'.join(clash[:5])} 已有毕业证书或已在其他未发证批次中", field="learners")
    batch = GraduationBatch(name=name, kind="diploma", status="draft", as_of=as_of,
                            created_by_id=getattr(actor, "id", None))
    batch.members = [BatchMember(learner_id=learner.id, outcome=decisions[learner.id].outcome,
                                 early_graduation_applied=learner.id in early_applied) for learner in learners]
    db.session.add(batch)
    db.session.flush()
    record(actor, "batch.create", "batch", batch.id, summary=f"新建毕业批次“{name}”（{len(learners)} 人）",
           after={"name": name, "as_of": as_of, "learner_ids": ids, "early_applied": sorted(early_applied)})
    return batch


def active_members(batch: GraduationBatch) -> list[BatchMember]:
    """Members not removed from the batch."""
    return [member for member in batch.members if member.removed_on is None]


def remove_member(*, actor, batch: GraduationBatch, member: BatchMember, reason: str, removed_on: date) -> None:
    """Take a learner out of a batch not yet issued (e.g. withdrew before 验印). Audited, never deleted."""
    if batch.status == "issued":
        raise DomainError("已发证的批次不能再移出学员；如需作废请撤销证书", field="reason")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写移出原因", field="reason")
    if member.batch_id != batch.id or member.removed_on is not None:
        raise DomainError("该学员不在此批次中", field="reason")
    member.removed_on, member.removed_reason = removed_on, reason
    db.session.flush()
    record(actor, "batch.remove_member", "batch", batch.id,
           summary=f"从批次“{batch.name}”移出 {member.learner.name}：{reason}",
           before={"learner_id": member.learner_id, "removed_on": None},
           after={"learner_id": member.learner_id, "removed_on": removed_on, "reason": reason})


def _step(actor, batch: GraduationBatch, *, expected: str, new: str, summary: str, without_photo=None,
          **values) -> None:
    if batch.kind != "diploma":
        raise DomainError(f"{batch.kind_label}由学校直接发放，无需验印流程")
    if batch.status != expected:
        raise DomainError(f"批次当前状态为“{batch.status_label}”，不能执行此操作")
    before = {"status": batch.status, **{key: getattr(batch, key) for key in values}}
    batch.status = new
    for key, value in values.items():
        setattr(batch, key, value)
    db.session.flush()
    extra = {} if without_photo is None else {"without_photo": without_photo}
    record(actor, f"batch.{new}", "batch", batch.id, summary=summary, before=before,
           after={"status": new, **values, **extra})


def has_photo(learner: Learner) -> bool:
    """Whether the learner's photo file exists, i.e. whether a diploma issued now would print a photo."""
    return assets.inside_data_dir(learner.photo_path) is not None


def without_photo(members: Sequence[BatchMember]) -> list[Learner]:
    """The learners of these members who have no photo on file, in the members' order."""
    return [member.learner for member in members if not has_photo(member.learner)]


def submit_batch(*, actor, batch: GraduationBatch, submitted_on: date, print_without_photo: bool = False) -> None:
    """Mark a draft diploma batch as submitted to the prefecture education bureau for 验印. Audited.

    Every learner needs a photo, unless the registrar chooses `print_without_photo` (无照片打印), which is
    recorded in the batch with the learners it concerns: the prefecture stamps the diplomas as printed.
    """
    members = active_members(batch)
    if not members:
        raise DomainError("批次中没有学员，不能报送")
    if submitted_on < batch.as_of:
        raise DomainError("报送日期不能早于批次的审核日期", field="submitted_on")
    missing = without_photo(members) if batch.kind == "diploma" else []
    if missing and not print_without_photo:
        raise DomainError(f"{len(missing)} 名学员没有照片：{_names(missing)}。请先在学员页面上传照片，"
                          "或选择“无照片打印”", field="print_without_photo")
    note = f"，{len(missing)} 人无照片打印" if missing else ""
    _step(actor, batch, expected="draft", new="submitted", submitted_on=submitted_on,
          print_without_photo=bool(missing), without_photo=[learner.id for learner in missing],
          summary=f"毕业批次“{batch.name}”报州教育局验印（{submitted_on}{note}）")


def record_verification(*, actor, batch: GraduationBatch, verified_on: date, reference: str) -> None:
    """Record the prefecture's 验印 of a submitted batch: its date and reference (文号). Audited."""
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("请填写验印文号或编号", field="verification_ref")
    if len(reference) > 80:
        raise DomainError("验印文号不能超过 80 个字", field="verification_ref")
    if batch.submitted_on and verified_on < batch.submitted_on:
        raise DomainError("验印日期不能早于报送日期", field="verified_on")
    _step(actor, batch, expected="submitted", new="verified", verified_on=verified_on, verification_ref=reference,
          summary=f"毕业批次“{batch.name}”已验印（{verified_on}，{reference}）")


def _check_issuable(batch: GraduationBatch, issued_on: date) -> None:
    if batch.kind == "diploma" and batch.status != "verified":
        raise DomainError(f"批次当前状态为“{batch.status_label}”，验印后才能编号发证")
    if batch.verified_on and issued_on < batch.verified_on:
        raise DomainError("发证日期不能早于验印日期", field="issued_on")


@dataclass(frozen=True)
class IssuePreview:
    """What issuing a batch on a day would do: who gets which number (student-number order, as issued)."""

    kind_label: str
    issued_on: date
    numbered: list[tuple[Learner, str]]
    without_photo: int

    @property
    def count(self) -> int:
        return len(self.numbered)

    @property
    def first(self) -> str:
        return self.numbered[0][1] if self.numbered else ""

    @property
    def summary(self) -> str:
        """将发放 38 份毕业证书,编号 520000260001 至 520000260038"""
        span = self.first if self.count == 1 else f"{self.first} 至 {self.numbered[-1][1]}"
        return f"将发放 {self.count} 份{self.kind_label}，编号 {span}"


def issue_preview(batch: GraduationBatch, issued_on: date) -> IssuePreview:
    """What `issue_batch` would do on `issued_on`, writing nothing; raises DomainError when it could not be done
    (a confirmation page is shown only for a step that can be taken)."""
    _check_issuable(batch, issued_on)
    learners = sorted((member.learner for member in active_members(batch)), key=lambda learner: learner.student_number)
    if not learners:
        raise DomainError("批次中没有学员，不能发证")
    settings = all_settings()
    numbers = upcoming_numbers(settings["certificate.number_pattern"], school_code=settings["school.code"],
                               year=issued_on.year, kind=batch.kind, count=len(learners))
    return IssuePreview(batch.kind_label, issued_on, list(zip(learners, numbers, strict=True)),
                        sum(1 for learner in learners if not has_photo(learner)))


def issue_batch(*, actor, batch: GraduationBatch, issued_on: date,
                decide: eligibility.DecideFn | None = None) -> list[Certificate]:
    """Assign numbers and issue the diplomas of a verified batch, re-checking every member with the
    engine as of the issue day (nobody the engine no longer allows is issued). Audited."""
    _check_issuable(batch, issued_on)
    members = active_members(batch)
    certificates = issue_certificates(
        actor=actor, kind=batch.kind, learner_ids=[m.learner_id for m in members], issued_on=issued_on,
        batch=batch, early_applied={m.learner_id for m in members if m.early_graduation_applied}, decide=decide)
    by_learner = {certificate.learner_id: certificate for certificate in certificates}
    for member in members:
        member.certificate_id = by_learner[member.learner_id].id
    batch.status, batch.issued_on = "issued", issued_on
    db.session.flush()
    record(actor, "batch.issued", "batch", batch.id,
           summary=f"毕业批次“{batch.name}”编号发证 {len(certificates)} 份",
           before={"status": "verified"}, after={"status": "issued", "issued_on": issued_on,
                                                 "numbers": [c.number for c in certificates]})
    return certificates


def issue_directly(*, actor, kind: str, learner_ids: Sequence[int], issued_on: date, name: str | None = None,
                   decide: eligibility.DecideFn | None = None) -> GraduationBatch:
    """Issue completion certificates or study records (no 验印) as one batch, ready to print. Audited."""
    if kind not in ("completion", "study_record"):
        raise DomainError("毕业证书须经批次报州教育局验印后发放")
    name = _unique_name(name or f"{KIND_LABELS[kind]} {issued_on.isoformat()} 第{_batches_that_day(kind, issued_on) + 1}批")
    batch = GraduationBatch(name=name, kind=kind, status="issued", as_of=issued_on, issued_on=issued_on,
                            created_by_id=getattr(actor, "id", None))
    db.session.add(batch)
    certificates = issue_certificates(actor=actor, kind=kind, learner_ids=learner_ids, issued_on=issued_on,
                                      batch=batch, decide=decide)
    decisions_outcome = {"completion": "complete", "study_record": "withdrawn"}[kind]
    batch.members = [BatchMember(learner_id=c.learner_id, outcome=decisions_outcome, certificate_id=c.id)
                     for c in certificates]
    db.session.flush()
    record(actor, "batch.issued", "batch", batch.id, summary=f"直接发放{KIND_LABELS[kind]} {len(certificates)} 份（“{name}”）",
           after={"status": "issued", "issued_on": issued_on, "numbers": [c.number for c in certificates]})
    return batch


def _batches_that_day(kind: str, issued_on: date) -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(GraduationBatch)
                             .where(GraduationBatch.kind == kind, GraduationBatch.issued_on == issued_on)) or 0
