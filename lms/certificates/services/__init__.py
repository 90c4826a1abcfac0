"""Issuing, revoking and re-issuing (补发) certificates. Every write is audited; nothing is deleted.

Nothing is issued unless the policy engine's decision (from `eligibility.decide`, or an injected
`decide` with the same signature) allows that document for that learner.
"""
from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms import summaries
from lms.audit.services import record
from lms.certificates import eligibility
from lms.certificates.models import KIND_LABELS, Certificate, VerificationLog
from lms.certificates.numbers import next_numbers
from lms.certificates.services import assets
from lms.certificates.snapshots import School, build_snapshot
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.models import Learner
from lms.rules.formatting import format_credits
from lms.settings.services import all_settings
from lms.teaching.models import Course

# Issuing a document moves the learner's student status (学籍) to its end state.
STATUS_AFTER = {"diploma": "graduated", "completion": "completed"}


def school() -> School:
    """The school's details from the settings, with the current seal copied into the asset store."""
    values = all_settings()
    return School(name=values["school.name"], code=values["school.code"], principal=values["school.principal"],
                  number_pattern=values["certificate.number_pattern"], seal=assets.store_asset(assets.current_seal()))


def _names(learners: Sequence[Learner], limit: int = 5) -> str:
    shown = "、".join(learner.name for learner in learners[:limit])
    return shown + (f" 等 {len(learners)} 人" if len(learners) > limit else "")


def refuse_ineligible(kind: str, learners: Sequence[Learner], decisions: dict, early_applied: Collection[int]) -> None:
    """Raise DomainError naming every learner whose decision does not allow `kind`, with the engine's reason."""
    refused = [learner for learner in learners
               if not eligibility.allows(kind, decisions.get(learner.id),
                                         early_graduation_applied=learner.id in early_applied)]
    if not refused:
        return
    details = []
    for learner in refused[:5]:
        decision = decisions.get(learner.id)
        why = f"{decision.label}：{decision.reasons[0]}" if decision else "无法判定"
        if decision and decision.outcome == "early_graduate":
            why = "可提前毕业，但没有提前毕业申请"
        details.append(f"{learner.name}（{why}）")
    more = f" 等 {len(refused)} 人" if len(refused) > 5 else ""
    raise DomainError(f"以下学员不符合发放{KIND_LABELS[kind]}的条件：{'；'.join(details)}{more}", field="learners")


def valid_holders(kind: str, learner_ids: Collection[int]) -> dict[int, Certificate]:
    """The valid certificate of `kind` each of these learners already holds (one query)."""
    rows = db.session.scalars(select(Certificate).where(
        Certificate.kind == kind, Certificate.status == "valid", Certificate.learner_id.in_(learner_ids)))
    return {certificate.learner_id: certificate for certificate in rows}


def planned_courses(decisions) -> dict:
    """Planned minutes and credits of every course in these decisions' plans, by course id (one query)."""
    course_ids = {standing.course_id for decision in decisions for standing in decision.courses}
    rows = db.session.execute(select(Course.id, Course.minutes, Course.credits).where(Course.id.in_(course_ids)))
    return {course_id: (minutes, format_credits(credits)) for course_id, minutes, credits in rows}


def new_token() -> str:
    """An unguessable verification token (128 random bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def issue_certificates(*, actor, kind: str, learner_ids: Sequence[int], issued_on: date, batch=None,
                       as_of: date | None = None, early_applied: Collection[int] = (),
                       decide: eligibility.DecideFn | None = None) -> list[Certificate]:
    """Issue one `kind` certificate to each learner, numbered in student-number order. Flushes and audits.

    The engine judges every learner as of `as_of` (default: the issue day); anyone it does not allow,
    or who already holds a valid certificate of this kind, is refused and nothing is written.
    A diploma replaces (revokes) a completion certificate the learner holds (R12 换发).
    """
    if not learner_ids:
        raise DomainError("请至少选择一名学员", field="learners")
    learners = list(db.session.scalars(select(Learner).where(Learner.id.in_(learner_ids))
                                       .options(joinedload(Learner.specialty)).order_by(Learner.student_number)))
    if len(learners) != len(set(learner_ids)):
        raise DomainError("所选学员不存在", field="learners")
    decisions = (decide or eligibility.decide)([learner.id for learner in learners], as_of or issued_on)
    refuse_ineligible(kind, learners, decisions, early_applied)
    holders = valid_holders(kind, learner_ids)
    if holders:
        holding = [learner for learner in learners if learner.id in holders]
        raise DomainError(f"{_names(holding)} 已持有有效的{KIND_LABELS[kind]}，不能重复发放；遗失或损坏请使用“补发”",
                          field="learners")
    the_school = school()
    numbers = next_numbers(the_school.number_pattern, school_code=the_school.code, year=issued_on.year,
                           kind=kind, count=len(learners))
    withdrawn = eligibility.withdrawal_dates([learner.id for learner in learners]) if kind == "study_record" else {}
    planned = planned_courses(decisions.values())
    replaced = valid_holders("completion", learner_ids) if kind == "diploma" else {}
    certificates = []
    for learner, number in zip(learners, numbers, strict=True):
        snapshot = build_snapshot(
            kind=kind, learner=learner, decision=decisions[learner.id], issued_on=issued_on, school=the_school,
            photo=assets.store_asset(assets.inside_data_dir(learner.photo_path)),
            withdrawn_on=withdrawn.get(learner.id), planned=planned)
        snapshot["early_graduation"] = decisions[learner.id].outcome == "early_graduate"
        certificates.append(Certificate(kind=kind, number=number, learner_id=learner.id, batch=batch,
                                        issued_on=issued_on, token=new_token(), status="valid", snapshot=snapshot,
                                        issued_by_id=getattr(actor, "id", None)))
    number_of = {learner.id: number for learner, number in zip(learners, numbers, strict=True)}
    for old in replaced.values():
        _revoke(actor, old, reason=f"已换发毕业证书（编号 {number_of[old.learner_id]}）", revoked_on=issued_on)
    db.session.add_all(certificates)
    try:
        db.session.flush()
    except IntegrityError:
        raise DomainError("有学员刚刚已被他人发证，或编号已被占用；请刷新页面后重试", field="learners") from None
    new_status = STATUS_AFTER.get(kind)
    for learner, certificate in zip(learners, certificates, strict=True):
        before = {"learner_status": learner.status}
        after = {"kind": kind, "number": certificate.number, "learner_id": learner.id, "issued_on": issued_on,
                 "batch_id": certificate.batch_id}
        if new_status and learner.status != "graduated":
            after["learner_status"] = new_status
        record(actor, "certificate.issue", "certificate", certificate.id,
               summary=f"发放{KIND_LABELS[kind]} {certificate.number}（{learner.name}）", before=before, after=after)
    if new_status:
        movable = [learner.id for learner in learners if learner.status != "graduated"]
        if movable:
            db.session.execute(update(Learner).where(Learner.id.in_(movable))
                               .values(status=new_status, status_changed_on=issued_on),
                               execution_options={"synchronize_session": "fetch"})
            summaries.learners_changed(movable)
    return certificates


def _revoke(actor, certificate: Certificate, *, reason: str, revoked_on: date) -> None:
    before = {"status": certificate.status, "revoked_on": None, "revoke_reason": ""}
    certificate.status, certificate.revoked_on, certificate.revoke_reason = "revoked", revoked_on, reason
    certificate.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(actor, "certificate.revoke", "certificate", certificate.id,
           summary=f"撤销{certificate.kind_label} {certificate.number}：{reason}", before=before,
           after={"status": "revoked", "revoked_on": revoked_on, "revoke_reason": reason})


def check_revocable(certificate: Certificate, *, reason: str, revoked_on: date) -> str:
    """The cleaned reason when `certificate` can be revoked so; raises DomainError when not (writes nothing)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写撤销原因", field="reason")
    if certificate.revoked:
        raise DomainError(f"证书 {certificate.number} 已于 {certificate.revoked_on} 撤销", field="reason")
    if revoked_on < certificate.issued_on:
        raise DomainError("撤销日期不能早于发证日期", field="revoked_on")
    return reason


def revoke_certificate(*, actor, certificate: Certificate, reason: str, revoked_on: date) -> Certificate:
    """Revoke a valid certificate with a reason (its verification page then says 已撤销). Audited."""
    reason = check_revocable(certificate, reason=reason, revoked_on=revoked_on)
    _revoke(actor, certificate, reason=reason, revoked_on=revoked_on)
    return certificate


def reissue_certificate(*, actor, certificate: Certificate, reason: str, issued_on: date) -> Certificate:
    """补发: a new certificate under a new number naming the one it replaces, which is revoked if still valid.

    The new document keeps what the original certified (hours, courses, outcome) and takes the
    learner's personal data as they are now (so a corrected name is printed). Audited.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写补发原因（如：遗失、损坏、信息更正）", field="reason")
    if db.session.scalar(select(Certificate.number).where(Certificate.replaces_id == certificate.id)):
        raise DomainError(f"证书 {certificate.number} 已经补发过，请对补发的新证书操作", field="reason")
    if issued_on < certificate.issued_on:
        raise DomainError("补发日期不能早于原证书的发证日期", field="issued_on")
    if certificate.kind == "completion" and valid_holders("diploma", [certificate.learner_id]):
        raise DomainError("该学员已换发毕业证书，结业证书不能再补发", field="reason")
    the_school = school()
    number = next_numbers(the_school.number_pattern, school_code=the_school.code, year=issued_on.year,
                          kind=certificate.kind, count=1)[0]
    if not certificate.revoked:
        _revoke(actor, certificate, reason=f"{reason}；已补发新证书（编号 {number}）", revoked_on=issued_on)
    learner = certificate.learner
    snapshot = {**certificate.snapshot, "name": learner.name, "sex": learner.sex_label,
                "birth_on": learner.birth_on.isoformat(), "id_number": learner.id_number,
                "school": {"name": the_school.name, "code": the_school.code, "principal": the_school.principal},
                "seal": the_school.seal, "photo": assets.store_asset(assets.inside_data_dir(learner.photo_path)),
                "replaces_number": certificate.number}
    new = Certificate(kind=certificate.kind, number=number, learner_id=certificate.learner_id,
                      batch_id=certificate.batch_id, issued_on=issued_on, token=new_token(), status="valid",
                      replaces_id=certificate.id, snapshot=snapshot, issued_by_id=getattr(actor, "id", None))
    db.session.add(new)
    db.session.flush()
    record(actor, "certificate.reissue", "certificate", new.id,
           summary=f"补发{new.kind_label} {number}（替代 {certificate.number}）：{reason}",
           after={"number": number, "replaces": certificate.number, "reason": reason, "issued_on": issued_on})
    return new



def log_verification_by_token(token: str, *, remote_addr: str, user_agent: str) -> bool:
    """Record an online look-up of the certificate behind `token`; False when no certificate has it.

    One INSERT … SELECT as the request's first statement: on SQLite a transaction that reads first
    and writes later fails ("database is locked") when another process wrote in between, and the
    public page is the busiest writer of all.
    """
    chosen = select(Certificate.id, literal(now_utc(), type_=VerificationLog.at.type), literal("online"),
                    literal(remote_addr[:45]), literal(user_agent[:200])).where(Certificate.token == token)
    logged = db.session.execute(insert(VerificationLog).from_select(
        ["certificate_id", "at", "channel", "remote_addr", "user_agent"], chosen)
        .returning(VerificationLog.id)).first()     # (rowcount is -1 for INSERT … SELECT on psycopg)
    return logged is not None


def log_verification(certificate: Certificate, *, channel: str, remote_addr: str = "",
                     user_agent: str = "") -> VerificationLog:
    """Record one look-up of a certificate (the public page, or `flask lms verify-qr --record`). Flushes."""
    entry = VerificationLog(certificate_id=certificate.id, at=now_utc(), channel=channel,
                            remote_addr=remote_addr[:45], user_agent=user_agent[:200])
    db.session.add(entry)
    db.session.flush()
    return entry
