"""学员证 and 我的学习: a new card's secret (the old card stops opening 我的学习), the birth date a learner
enters with it (wrong ones counted per card, which locks for a while), and the audit of every view."""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from lms.audit.services import record
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.models import Learner, LearnerCard

# 16 random bytes: 22 URL-safe characters, short enough for a small QR code, far too many to guess.
TOKEN_BYTES = 16


@dataclass(frozen=True)
class LearnerHimself:
    """The actor of the audit events of 我的学习: the learner on their own phone, who has no user account."""

    id: None = None
    display_name: str = "学员本人（扫学员证）"


LEARNER_HIMSELF = LearnerHimself()


class BirthDateRefused(DomainError):
    """A wrong birth date, or a card locked after too many."""

    rolls_back = False      # the failure it counted must stand: the request commits it


def token_digest(token: str) -> str:
    """The SHA-256 (hex) under which a card's token is stored; the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_card(*, actor, learner: Learner) -> tuple[LearnerCard, str]:
    """打印新学员证: revoke the learner's working card (its QR code no longer opens 我的学习) and issue a new
    one with a fresh random token. Audited. Returns the card and the plain token, which is printed on the new
    card and nowhere stored."""
    now = now_utc()
    old = db.session.scalar(select(LearnerCard).where(LearnerCard.learner_id == learner.id,
                                                      LearnerCard.revoked_at.is_(None)))
    if old is not None:
        old.revoked_at = now
        db.session.flush()          # before the new card: one working card per learner (a unique index)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    card = LearnerCard(learner_id=learner.id, token_hash=token_digest(token), issued_at=now,
                       issued_by_id=getattr(actor, "id", None))
    db.session.add(card)
    db.session.flush()
    record(actor, "learner.card_issue", "learner", learner.id,
           summary=f"打印新学员证：{learner.name}（{learner.student_number}）"
                   + ("，旧学员证的“我的学习”二维码已失效" if old is not None else ""),
           after={"card_id": card.id, "revoked_card_id": old.id if old is not None else None})
    return card, token


def check_birth_date(*, card: LearnerCard, birth_on: date) -> None:
    """Open 我的学习 with `card` when `birth_on` is the learner's birth date; audited either way.

    Raises BirthDateRefused (its failure is kept): a wrong date counts toward MY_LEARNING_MAX_FAILURES, at
    which the card locks for MY_LEARNING_LOCK_MINUTES (and the count starts again); while locked no date is
    checked. A right date clears the count.
    """
    now = now_utc()
    learner = card.learner
    if card.locked_until is not None and card.locked_until > now:
        record(LEARNER_HIMSELF, "learner.self_view_refused", "learner", learner.id,
               summary=f"我的学习：学员证已暂时锁定，未核对出生日期（{learner.student_number}）")
        db.session.flush()
        minutes = max(1, math.ceil((card.locked_until - now).total_seconds() / 60))
        raise BirthDateRefused(f"出生日期输错次数太多，请 {minutes} 分钟后再试。", field="birth_on")
    if birth_on != learner.birth_on:
        limit = current_app.config["MY_LEARNING_MAX_FAILURES"]
        card.failed_attempts += 1
        left = limit - card.failed_attempts
        if left <= 0:
            card.locked_until = now + timedelta(minutes=current_app.config["MY_LEARNING_LOCK_MINUTES"])
            card.failed_attempts = 0
        record(LEARNER_HIMSELF, "learner.self_view_refused", "learner", learner.id,
               summary=f"我的学习：出生日期不对（{learner.student_number}）"
                       + ("，学员证暂时锁定" if left <= 0 else ""))
        db.session.flush()
        if left <= 0:
            raise BirthDateRefused(
                f"出生日期不对。输错次数太多，请 {current_app.config['MY_LEARNING_LOCK_MINUTES']} 分钟后再试。",
                field="birth_on")
        raise BirthDateRefused(f"出生日期不对，请再选一次。还可以试 {left} 次。", field="birth_on")
    card.failed_attempts = 0
    card.locked_until = None
    record(LEARNER_HIMSELF, "learner.self_login", "learner", learner.id,
           summary=f"我的学习：出生日期正确，打开本人学习情况（{learner.student_number}）")
    db.session.flush()


def record_self_view(*, card: LearnerCard) -> None:
    """Audit one view of 我的学习 by the learner (each page view, so every look at the data is on record)."""
    learner = card.learner
    record(LEARNER_HIMSELF, "learner.self_view", "learner", learner.id,
           summary=f"我的学习：学员本人查看学习情况（{learner.student_number}）")


def issue_cards(*, actor, learners) -> dict[int, str]:
    """打印新学员证 for several learners at once (a class): issue_card for each. Returns learner id → token."""
    return {learner.id: issue_card(actor=actor, learner=learner)[1] for learner in learners}
