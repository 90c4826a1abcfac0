"""Which policy judges a learner (the newest version of their cohort's), and saving a new version.

A cohort's policy is never rewritten: every save appends a PolicyVersion, so a decision can always
be explained by the settings in force. A cohort without any version is judged by the defaults.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select

from lms import summaries
from lms.audit.services import record
from lms.core.db import forget_cached, transaction_cache
from lms.core.errors import DomainError
from lms.extensions import db
from lms.policies.forms import changed_settings
from lms.policies.models import PolicyVersion
from lms.rules import Policy, PolicyError


def latest_version(cohort: int) -> PolicyVersion | None:
    """The newest stored version of `cohort`'s policy, or None when it still uses the defaults."""
    return db.session.scalar(select(PolicyVersion).where(PolicyVersion.cohort == cohort)
                             .order_by(PolicyVersion.version.desc()).limit(1))


def settings_of(version: PolicyVersion) -> dict[str, Any]:
    """A stored version's settings as the rules read them: a setting added since it was saved (e.g. the
    daily caps) reads as its default, so it is not shown as changed when the next version stores it."""
    return Policy.from_mapping(version.settings).to_mapping()


def parsed_policy(settings: Mapping[str, Any]) -> Policy:
    """`settings` (a stored version's JSON) as a Policy, checked once per process for each distinct text.

    Every list and report resolves its cohorts' policies on each request; checking all the settings again each
    time was an eighth of a dashboard's time. Versions are never rewritten and a Policy is frozen, so the parsed
    object can be shared. The key is the settings' own text, not the row id, so a rolled-back version (tests,
    a failed save) can never answer for a different one that reuses its id."""
    return _parsed(json.dumps(settings, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=256)
def _parsed(text: str) -> Policy:
    return Policy.from_mapping(json.loads(text))


def policy_for(cohort: int) -> Policy:
    """The policy that judges learners of `cohort` (the enrolment year): its newest version, else the defaults.
    Read once per transaction (a save forgets it)."""
    cached = transaction_cache(db.session, "policies")
    if cohort not in cached:
        version = latest_version(cohort)
        cached[cohort] = Policy() if version is None else parsed_policy(version.settings)
    return cached[cohort]


def policies_for(cohorts, session=None) -> dict[int, Policy]:
    """{cohort: Policy} for many cohorts in one query (lists and reports judging learners of several cohorts);
    `session` for callers outside the request's session (a migration, a flush listener)."""
    cohorts = set(cohorts)
    session = session or db.session
    newest = (select(PolicyVersion.cohort, func.max(PolicyVersion.version).label("version"))
              .where(PolicyVersion.cohort.in_(cohorts)).group_by(PolicyVersion.cohort).subquery())
    rows = session.scalars(select(PolicyVersion).join(
        newest, (PolicyVersion.cohort == newest.c.cohort) & (PolicyVersion.version == newest.c.version)))
    found = {row.cohort: parsed_policy(row.settings) for row in rows}
    return {cohort: found.get(cohort) or Policy() for cohort in cohorts}


def save_policy(*, actor, cohort: int, values: Mapping[str, Any], note: str = "") -> PolicyVersion:
    """Store `values` (Policy.from_mapping input) as the next version of `cohort`'s policy; audited.

    Raises DomainError (field = the policy key) when a value is invalid, and when nothing changed.
    """
    if not 2000 <= cohort <= 2100:
        raise DomainError("年级应在 2000–2100 之间", field="cohort")
    try:
        policy = Policy.from_mapping(values)
    except PolicyError as error:
        raise DomainError(str(error), field=error.field) from None
    current = latest_version(cohort)
    before = settings_of(current) if current else Policy().to_mapping()
    after = policy.to_mapping()
    if after == before:
        raise DomainError("没有修改任何设置")
    version = PolicyVersion(cohort=cohort, version=(current.version + 1) if current else 1, settings=after,
                            note=note.strip()[:200], created_by_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    forget_cached(db.session, "policies")
    summaries.policy_changed(cohort)
    changed = [key for key in after if after[key] != before.get(key)]
    # The summary is what the audit log shows: labels and 学时, as on the history page. before/after keep the
    # stored values (durations in parts of a 学时, lms.rules.units) so the event restores exactly.
    shown = "；".join(f"{label} {old} → {new}" for label, old, new in changed_settings(before, after))
    record(actor, "policy.save", "policy", f"{cohort}/v{version.version}",
           summary=f"修改 {cohort} 级政策（第 {version.version} 版）：{shown}",
           before={key: before.get(key) for key in changed}, after={key: after[key] for key in changed})
    return version


def policy_history(cohort: int) -> list[PolicyVersion]:
    """Every stored version of `cohort`'s policy, newest first."""
    return list(db.session.scalars(select(PolicyVersion).where(PolicyVersion.cohort == cohort)
                                   .order_by(PolicyVersion.version.desc())))
