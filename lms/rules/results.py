"""RuleResult: one rule's judgement — pass/fail, whether it blocks, a Chinese reason and its numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class RuleResult:
    """The judgement of one rule.

    ``code`` names the rule ("R6", "R8" …); ``ok`` says whether it is met; ``blocking``
    says whether a failure stops graduation/enrolment (False = a warning only);
    ``reason`` is a complete Chinese sentence; ``numbers`` holds the figures behind it
    (minutes, scores, dates …) for templates and exports.
    """

    code: str
    ok: bool
    blocking: bool
    reason: str
    numbers: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", MappingProxyType(dict(self.numbers)))

    def __hash__(self) -> int:
        return hash((self.code, self.ok, self.blocking, self.reason))

    @property
    def severity(self) -> str:
        """'ok' when met, 'blocker' when a blocking rule fails, else 'warning'."""
        if self.ok:
            return "ok"
        return "blocker" if self.blocking else "warning"
