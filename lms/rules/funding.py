"""R14 funding: policy.funding_per_learner_fen for every learner who completes training.

The basis is a setting: 'graduated' (default) counts 毕业 only; 'graduated_or_completed'
also counts 结业. Outcomes may be given as decision outcomes ('graduate', 'complete' …) or as
student-status codes ('graduated', 'completed' …). 'early_graduate' means "may apply", not
graduated, so it never counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lms.rules.formatting import format_yuan
from lms.rules.policy import Policy
from lms.rules.results import RuleResult
from lms.rules.vocab import LEARNER_STATUSES, OUTCOME_LABELS, OUTCOMES

_STATUS_TO_OUTCOME = {
    "studying": "continue", "suspended": "continue", "withdrawn": "withdrawn",
    "graduated": "graduate", "completed": "complete",
    "transferred": "left", "cancelled": "left", "deceased": "left",
}
_COUNTED = {"graduated": ("graduate",), "graduated_or_completed": ("graduate", "complete")}


def _outcome(code: str) -> str:
    if code in OUTCOMES:
        return code
    if code in LEARNER_STATUSES:
        return _STATUS_TO_OUTCOME[code]
    raise ValueError(f"unknown outcome or status {code!r}")


def counts_for_funding(outcome: str, policy: Policy) -> bool:
    """R14: whether a learner with this outcome (or status) counts for funding under the policy's basis."""
    return _outcome(outcome) in _COUNTED[policy.funding_basis]


def _tally(outcomes: Mapping[str, int] | Iterable[str]) -> dict[str, int]:
    pairs = outcomes.items() if isinstance(outcomes, Mapping) else ((code, 1) for code in outcomes)
    tally: dict[str, int] = {}
    for code, count in pairs:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count for {code!r} must be a non-negative int")
        key = _outcome(code)
        tally[key] = tally.get(key, 0) + count
    return tally


def funding_due(outcomes: Mapping[str, int] | Iterable[str], policy: Policy) -> int:
    """R14: fen due for outcome counts ({'graduate': 120, …}) or an iterable of outcomes/statuses."""
    tally = _tally(outcomes)
    learners = sum(tally.get(code, 0) for code in _COUNTED[policy.funding_basis])
    return learners * policy.funding_per_learner_fen


def funding_rule(outcomes: Mapping[str, int] | Iterable[str], policy: Policy) -> RuleResult:
    """R14 as an informational RuleResult: the amount with its arithmetic in Chinese."""
    tally = _tally(outcomes)
    counted = _COUNTED[policy.funding_basis]
    learners = sum(tally.get(code, 0) for code in counted)
    fen = learners * policy.funding_per_learner_fen
    parts = "、".join(f"{OUTCOME_LABELS[code]} {tally.get(code, 0)} 人" for code in counted)
    total = f"，共 {learners} 人" if len(counted) > 1 else ""
    reason = (f"{parts}{total} × {format_yuan(policy.funding_per_learner_fen)} 元 = "
              f"{format_yuan(fen)} 元")
    return RuleResult("R14", True, False, reason, {
        "learners": learners, "fen": fen, "per_learner_fen": policy.funding_per_learner_fen,
        "basis": policy.funding_basis, "by_outcome": tally,
    })
