"""Issue batches, their members, certificates, verification logs and background render jobs.

Nothing here is ever deleted: a certificate is revoked (never removed), a batch member is marked
removed, and every change is audited by the services.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    select,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import now_utc
from lms.core.db import CreatedAtMixin
from lms.extensions import db
from lms.learners.models import Learner

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.auth.scope import Scope

KINDS = ("diploma", "completion", "study_record")
KIND_LABELS = {"diploma": "毕业证书", "completion": "结业证书", "study_record": "写实性学习证明"}
# The command line and URLs spell kinds with hyphens.
KIND_SLUGS = {"diploma": "diploma", "completion": "completion", "study-record": "study_record"}
CERTIFICATE_STATUS_LABELS = {"valid": "有效", "revoked": "已撤销"}
BATCH_STATUSES = ("draft", "submitted", "verified", "issued")
BATCH_STATUS_LABELS = {"draft": "草稿", "submitted": "已报州教育局验印", "verified": "已验印", "issued": "已发证"}
JOB_STATUS_LABELS = {"queued": "排队中", "running": "生成中", "done": "已完成", "failed": "失败"}
CHANNEL_LABELS = {"online": "在线", "offline-cli": "命令行"}      # as a certificate's page lists its look-ups


def _county_wide_only(scope: Scope):
    """Batches and print jobs belong to the school's registrar office: county-wide roles only."""
    return true() if scope.everything else false()


class GraduationBatch(CreatedAtMixin, db.Model):
    """A batch of certificates issued together.

    Diploma batches follow the prefecture's workflow: draft → submitted (报州教育局验印) → verified
    (date and reference of the 验印) → issued (numbers assigned). Completion certificates and study
    records are issued by the school directly, so their batches are created already issued; the
    batch is what gets printed as one PDF.
    """

    __tablename__ = "graduation_batches"
    __table_args__ = (
        CheckConstraint("kind IN ('diploma', 'completion', 'study_record')", name="kind"),
        CheckConstraint("status IN ('draft', 'submitted', 'verified', 'issued')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="diploma")
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    as_of: Mapped[date]                                   # the day eligibility was judged when built
    submitted_on: Mapped[date | None]
    verified_on: Mapped[date | None]
    verification_ref: Mapped[str] = mapped_column(String(80), default="")
    # Chosen when the batch was submitted for 验印 with learners who have no photo (无照片打印).
    print_without_photo: Mapped[bool] = mapped_column(default=False)
    issued_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    members: Mapped[list[BatchMember]] = relationship(back_populates="batch", order_by="BatchMember.id")
    created_by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return BATCH_STATUS_LABELS[self.status]

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: batches are the registrar office's, visible to county-wide roles only."""
        return _county_wide_only(scope)


class BatchMember(CreatedAtMixin, db.Model):
    """A learner in a batch; `removed_on` marks one taken out before issuing (never deleted)."""

    __tablename__ = "batch_members"
    __table_args__ = (UniqueConstraint("batch_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("graduation_batches.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))           # the engine's outcome when added
    early_graduation_applied: Mapped[bool] = mapped_column(default=False)   # 提前毕业申请
    removed_on: Mapped[date | None]
    removed_reason: Mapped[str] = mapped_column(String(200), default="")
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    batch: Mapped[GraduationBatch] = relationship(back_populates="members")
    learner: Mapped[Learner] = relationship()
    certificate: Mapped[Certificate | None] = relationship(foreign_keys=[certificate_id])


class Certificate(CreatedAtMixin, db.Model):
    """An issued document. `snapshot` holds everything printed on it, so later data changes never
    alter it; `token` is the unguessable key of its public verification page."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("kind IN ('diploma', 'completion', 'study_record')", name="kind"),
        CheckConstraint("status IN ('valid', 'revoked')", name="status"),
        # At most one valid certificate of each kind per learner (a replaced one is revoked first).
        Index("uq_certificates_valid_learner_kind", "learner_id", "kind", unique=True,
              sqlite_where=text("status = 'valid'"), postgresql_where=text("status = 'valid'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    number: Mapped[str] = mapped_column(String(40), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("graduation_batches.id"), index=True)
    issued_on: Mapped[date] = mapped_column(index=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(8), default="valid", index=True)
    revoked_on: Mapped[date | None]
    revoke_reason: Mapped[str] = mapped_column(String(200), default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), unique=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    learner: Mapped[Learner] = relationship()
    batch: Mapped[GraduationBatch | None] = relationship()
    replaces: Mapped[Certificate | None] = relationship(remote_side="Certificate.id", foreign_keys=[replaces_id])

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return CERTIFICATE_STATUS_LABELS[self.status]

    @property
    def revoked(self) -> bool:
        return self.status == "revoked"

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: certificates of learners in the scope (a township sees its own learners')."""
        if scope.everything:
            return true()
        return cls.learner_id.in_(select(Learner.id).where(Learner.in_scope(scope)))


class VerificationLog(db.Model):
    """One look-up of a certificate: on the public page (online) or by `flask lms verify-qr --record`."""

    __tablename__ = "verification_logs"
    __table_args__ = (CheckConstraint("channel IN ('online', 'offline-cli')", name="channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now_utc)
    channel: Mapped[str] = mapped_column(String(12), default="online")
    remote_addr: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]


class RenderJob(CreatedAtMixin, db.Model):
    """A background job printing many certificates into one PDF, chunk by chunk (resumable)."""

    __tablename__ = "render_jobs"
    __table_args__ = (CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("graduation_batches.id"), index=True)
    certificate_ids: Mapped[list[int]] = mapped_column(JSON)     # in print (number) order
    base_url: Mapped[str] = mapped_column(String(200))            # of the verification links in the QR codes
    status: Mapped[str] = mapped_column(String(8), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    chunk_size: Mapped[int] = mapped_column(default=50)
    file_path: Mapped[str | None] = mapped_column(String(200))   # relative to DATA_DIR, when done
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    finished_at: Mapped[datetime | None]

    batch: Mapped[GraduationBatch | None] = relationship()

    @property
    def status_label(self) -> str:
        return JOB_STATUS_LABELS[self.status]

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else (self.done * 100 // self.total if self.total else 0)

    @classmethod
    def in_scope(cls, scope: Scope):
        """SQL clause: print jobs are the registrar office's (county-wide roles only)."""
        return _county_wide_only(scope)
