"""Reading the certificate table and recognition applications, always within a scope."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from lms.auth.scope import Scope
from lms.extensions import db
from lms.learners.models import Learner
from lms.recognition.models import CertificateKind, CertificateKindCourse, RecognitionApplication, RecognitionItem
from lms.teaching.models import Course, Specialty

PER_PAGE = 50


def certificate_table(*, active_only: bool = False) -> list[CertificateKind]:
    """Every row of the school's table with its mapped courses and their specialties (three queries)."""
    stmt = select(CertificateKind).options(
        selectinload(CertificateKind.mapped).joinedload(CertificateKindCourse.course).joinedload(Course.specialty))
    if active_only:
        stmt = stmt.where(CertificateKind.active.is_(True))
    return list(db.session.scalars(stmt.order_by(CertificateKind.evidence_type, CertificateKind.name)))


def courses_by_specialty() -> list[tuple[str, list[Course]]]:
    """Every active course grouped by specialty, for the table editor (one query)."""
    rows = db.session.execute(select(Course, Specialty.name).join(Specialty, Course.specialty_id == Specialty.id)
                              .where(Course.active.is_(True))
                              .order_by(Specialty.position, Course.position, Course.id)).all()
    grouped: dict[str, list[Course]] = {}
    for course, specialty in rows:
        grouped.setdefault(specialty, []).append(course)
    return list(grouped.items())


def applications(scope: Scope, *, status: str | None, page: int = 1):
    """Applications of learners in scope (pending first, newest first), one page, with a total; fixed queries."""
    stmt = (select(RecognitionApplication).join(Learner, RecognitionApplication.learner_id == Learner.id)
            .where(RecognitionApplication.in_scope(scope)))
    if status:
        stmt = stmt.where(RecognitionApplication.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.options(joinedload(RecognitionApplication.learner),
                     selectinload(RecognitionApplication.items).joinedload(RecognitionItem.course))
        .order_by((RecognitionApplication.status == "pending").desc(), RecognitionApplication.created_at.desc(),
                  RecognitionApplication.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).unique().all()
    return rows, total


def status_counts(scope: Scope) -> dict[str, int]:
    """How many applications in scope are pending / approved / rejected (one query)."""
    return dict(db.session.execute(select(RecognitionApplication.status, func.count())
                                   .where(RecognitionApplication.in_scope(scope))
                                   .group_by(RecognitionApplication.status)).all())
