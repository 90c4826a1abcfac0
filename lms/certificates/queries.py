"""Reading certificates, batches and who may get which document — set-based, always within a scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from lms.auth.scope import Scope
from lms.certificates import eligibility
from lms.certificates.models import BatchMember, Certificate, GraduationBatch, RenderJob, VerificationLog
from lms.certificates.services.batches import learners_in_open_diploma_batches
from lms.extensions import db
from lms.geo.models import Division
from lms.learners.models import Learner
from lms.rules import Decision
from lms.teaching.models import TeachingClass

PER_PAGE = 50


def certificate_page(scope: Scope, *, kind: str | None = None, status: str | None = None, q: str = "",
                     page: int = 1):
    """A page of certificates in scope, newest first, with learner and village loaded (two queries)."""
    stmt = (select(Certificate).join(Certificate.learner).where(Certificate.in_scope(scope))
            .options(joinedload(Certificate.learner).joinedload(Learner.village).joinedload(Division.parent))
            .order_by(Certificate.issued_on.desc(), Certificate.number.desc()))
    if kind:
        stmt = stmt.where(Certificate.kind == kind)
    if status:
        stmt = stmt.where(Certificate.status == status)
    if q:
        stmt = stmt.where(or_(Certificate.number == q, Learner.name.contains(q),
                              Learner.name_initials.startswith(q.lower()), Learner.student_number == q))
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)


@dataclass(frozen=True)
class BatchRow:
    """A batch with its member and certificate counts."""

    batch: GraduationBatch
    members: int
    certificates: int


def batch_rows(scope: Scope) -> list[BatchRow]:
    """Every batch the scope may see, newest first, with counts (one query)."""
    members = (select(func.count()).where(BatchMember.batch_id == GraduationBatch.id, BatchMember.removed_on.is_(None))
               .correlate(GraduationBatch).scalar_subquery())
    certificates = (select(func.count()).where(Certificate.batch_id == GraduationBatch.id)
                    .correlate(GraduationBatch).scalar_subquery())
    rows = db.session.execute(select(GraduationBatch, members, certificates)
                              .where(GraduationBatch.in_scope(scope)).order_by(GraduationBatch.id.desc()))
    return [BatchRow(batch, m, c) for batch, m, c in rows]


def batch_members(batch: GraduationBatch) -> list[BatchMember]:
    """The batch's members with learner, village, township and certificate loaded (one query)."""
    return list(db.session.scalars(
        select(BatchMember).where(BatchMember.batch_id == batch.id).join(BatchMember.learner)
        .options(joinedload(BatchMember.learner).joinedload(Learner.village).joinedload(Division.parent),
                 joinedload(BatchMember.certificate))
        .order_by(BatchMember.removed_on.is_not(None), Learner.student_number)))


def batch_certificate_ids(batch: GraduationBatch) -> list[int]:
    """Ids of the batch's certificates, valid ones only, in number order (one query)."""
    return list(db.session.scalars(select(Certificate.id).where(Certificate.batch_id == batch.id,
                                                                Certificate.status == "valid")
                                   .order_by(Certificate.number)))


def latest_job(batch: GraduationBatch) -> RenderJob | None:
    """The most recent print job of a batch."""
    return db.session.scalar(select(RenderJob).where(RenderJob.batch_id == batch.id).order_by(RenderJob.id.desc()))


@dataclass(frozen=True)
class Candidate:
    """A learner the engine allows a document for, with the decision and its reasons."""

    learner: Learner
    decision: Decision


def candidates(kind: str, scope: Scope, *, as_of: date, cohort: int | None = None, class_id: int | None = None,
               decide: eligibility.DecideFn | None = None) -> list[Candidate]:
    """Learners in scope the engine allows `kind` as of `as_of`, who hold no valid one yet (and, for
    diplomas, are in no open batch); an early graduate is listed too (the registrar ticks the
    application). A fixed number of queries: ids, holders, open batches, the audit's decisions, the learners."""
    stmt = select(Learner.id).where(Learner.in_scope(scope))
    if cohort:
        stmt = stmt.where(Learner.cohort == cohort)
    if class_id:
        stmt = stmt.where(Learner.class_id == class_id)
    holders = select(Certificate.learner_id).where(Certificate.kind == kind, Certificate.status == "valid")
    ids = list(db.session.scalars(stmt.where(Learner.id.not_in(holders))))
    if kind == "diploma":
        busy = learners_in_open_diploma_batches(ids)
        ids = [i for i in ids if i not in busy]
    decisions = (decide or eligibility.decide)(ids, as_of)
    allowed = [i for i, d in decisions.items()
               if eligibility.allows(kind, d, early_graduation_applied=(kind == "diploma"))]
    learners = db.session.scalars(
        select(Learner).where(Learner.id.in_(allowed)).order_by(Learner.student_number)
        .options(joinedload(Learner.village).joinedload(Division.parent), joinedload(Learner.teaching_class)))
    return [Candidate(learner, decisions[learner.id]) for learner in learners]


def cohorts_and_classes(scope: Scope) -> tuple[list[int], list[tuple[int, str]]]:
    """Filter choices: the cohorts of learners in scope, and classes in scope (two queries)."""
    cohorts = list(db.session.scalars(select(Learner.cohort).where(Learner.in_scope(scope)).distinct()
                                      .order_by(Learner.cohort.desc())))
    classes = db.session.execute(select(TeachingClass.id, TeachingClass.name).where(TeachingClass.in_scope(scope))
                                 .order_by(TeachingClass.cohort.desc(), TeachingClass.name)).all()
    return cohorts, [(row.id, row.name) for row in classes]


def verification_summary(certificate: Certificate) -> tuple[int, list[VerificationLog]]:
    """How often a certificate was verified, and the ten latest look-ups (two queries)."""
    count = db.session.scalar(select(func.count()).where(VerificationLog.certificate_id == certificate.id)) or 0
    latest = list(db.session.scalars(select(VerificationLog).where(VerificationLog.certificate_id == certificate.id)
                                     .order_by(VerificationLog.at.desc()).limit(10)))
    return count, latest


def replacement_of(certificate: Certificate) -> Certificate | None:
    """The certificate issued in place of this one (补发), if any."""
    return db.session.scalar(select(Certificate).where(Certificate.replaces_id == certificate.id))


def certificate_by_token(token: str) -> Certificate | None:
    """The certificate behind a public verification token (no scope: the page is public)."""
    return db.session.scalar(select(Certificate).where(Certificate.token == token))


def revoked_numbers() -> list[str]:
    """Numbers of every revoked certificate (for the offline page's cached revocation list)."""
    return list(db.session.scalars(select(Certificate.number).where(Certificate.status == "revoked")
                                   .order_by(Certificate.number)))
