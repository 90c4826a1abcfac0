"""Reads of the API: a key from its secret, the area a key sees, a learner's status, certificates since a day."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select

from lms.api.models import ApiKey
from lms.assessment.facts import facts_and_policies
from lms.auth.scope import Scope
from lms.certificates.models import Certificate
from lms.core.gc import paused_gc
from lms.extensions import db
from lms.geo.models import Division
from lms.learners.models import Learner
from lms.rules import Decision, HourTotals, graduation_decision

KEY_PREFIX = "lms_"
MAX_LIMIT = 500


def secret_hash(secret: str) -> str:
    """The stored form of a key: SHA-256 hex (the secret is 256 random bits: no salt or stretching needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def split_key(secret: str) -> str | None:
    """The look-up prefix of a key `lms_<prefix>_<random>`, or None when it is not shaped like one."""
    if not secret.startswith(KEY_PREFIX):
        return None
    prefix, _, rest = secret[len(KEY_PREFIX):].partition("_")
    return prefix if len(prefix) == 12 and rest else None


def key_for_secret(secret: str) -> ApiKey | None:
    """The key whose secret this is (revoked and expired ones too: the caller says why it is refused)."""
    prefix = split_key(secret)
    if prefix is None:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or not hmac.compare_digest(key.secret_hash, secret_hash(secret)):
        return None
    return key


def key_scope(key: ApiKey) -> Scope:
    """What a key sees: the learners of its area (a county: every township under it), as a user of that area."""
    area = key.area
    if area.level == "village":
        return Scope(village_ids=frozenset({area.id}))
    if area.level == "township":
        return Scope(township_ids=frozenset({area.id}))
    townships = db.session.scalars(select(Division.id).where(Division.parent_id == area.id))
    return Scope(township_ids=frozenset(townships))


def keys_list() -> list[ApiKey]:
    """Every key, newest first (the admin page)."""
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
                                   .options(db.selectinload(ApiKey.area), db.selectinload(ApiKey.created_by))))


def areas() -> list[Division]:
    """Counties and townships and villages a key may be bound to, county first."""
    return list(db.session.scalars(select(Division).order_by(Division.code)))


@dataclass(frozen=True)
class LearnerStatus:
    """One learner as the API reads them: who, where, status, hours by category and the audit decision."""

    learner: Learner
    hours: HourTotals
    decision: Decision


def learner_status(student_number: str, scope: Scope, as_of: dt.date) -> LearnerStatus | None:
    """The learner with this student number in `scope`, with hours and decision as of `as_of` by the one
    facts builder and the engine (as the graduation audit judges them); None when not in scope."""
    learner = db.session.scalar(select(Learner).where(Learner.student_number == student_number,
                                                      Learner.in_scope(scope)))
    if learner is None:
        return None
    with paused_gc():
        facts, policies = facts_and_policies([learner.id], as_of)
        fact = facts[learner.id]
        return LearnerStatus(learner, fact.hours, graduation_decision(fact, as_of, policies[learner.id]))


def encode_cursor(last_id: int) -> str:
    """An opaque cursor after row `last_id`."""
    return base64.urlsafe_b64encode(f"c{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """The row id a cursor stands after, or None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not text.startswith("c") or not text[1:].isdigit() or len(text) > 20:
        return None
    return int(text[1:])


def certificates_since(scope: Scope, since: dt.date, *, after_id: int = 0, limit: int = 100) -> list[Certificate]:
    """Certificates of learners in `scope` issued on or after `since`, in id order after `after_id`; one
    more than `limit` when there is a next page. Two queries (the certificates, their learners)."""
    stmt = (select(Certificate).where(Certificate.issued_on >= since, Certificate.id > after_id,
                                      Certificate.in_scope(scope))
            .order_by(Certificate.id).limit(min(limit, MAX_LIMIT) + 1)
            .options(db.selectinload(Certificate.learner), db.selectinload(Certificate.replaces)))
    return list(db.session.scalars(stmt))
