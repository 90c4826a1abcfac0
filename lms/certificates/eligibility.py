"""Which document the engine allows each learner, as of a day — asked before every issue.

`decide(learner_ids, as_of)` returns the policy engine's Decision for many learners in one call,
from the graduation audit (lms.assessment.audit.decide: the same facts and engine as the audit
page). `allows` says which decision permits which document, in one place.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from lms.assessment.audit import decide as audit_decide
from lms.assessment.facts import chunks
from lms.assessment.facts import withdrawal_dates as facts_withdrawal_dates
from lms.rules import Decision

DecideFn = Callable[[Sequence[int], date], dict[int, Decision]]
_CHUNK = 5000
# The outcome each document needs; a diploma for 'early_graduate' also needs the learner's
# application for early graduation (提前毕业申请), recorded on the batch member.
ALLOWED_OUTCOMES = {"diploma": ("graduate",), "completion": ("complete",), "study_record": ("withdrawn",)}


def allows(kind: str, decision: Decision | None, *, early_graduation_applied: bool = False) -> bool:
    """Whether `decision` allows issuing a document of `kind` (diploma / completion / study_record)."""
    if decision is None:
        return False
    if kind == "diploma" and decision.outcome == "early_graduate":
        return early_graduation_applied
    return decision.outcome in ALLOWED_OUTCOMES[kind]


def withdrawal_dates(learner_ids: Sequence[int]) -> dict[int, date]:
    """The date of each learner's (latest) 退学 status event, for those who have one — the withdrawal date
    the graduation audit's facts carry (lms.assessment.facts.withdrawal_dates)."""
    dates: dict[int, date] = {}
    for ids in chunks(learner_ids):
        dates.update(facts_withdrawal_dates(ids))
    return dates


def decide(learner_ids: Iterable[int], as_of: date) -> dict[int, Decision]:
    """The engine's graduation decision (R11–R13) per learner id as of `as_of`.

    Every issuing service, page, command, export and the demo ask this function; it is the graduation
    audit's `lms.assessment.audit.decide` — the same decisions the audit page, its export and
    `flask lms audit` show.
    """
    return audit_decide(learner_ids, as_of)