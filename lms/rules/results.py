"""RuleResult: one rule's judgement — pass/fail, whether it blocks, a Chinese reason and its numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
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

    @classmethod
    def owning(cls, code: str, ok: bool, blocking: bool, reason: str, numbers: dict[str, Any]) -> RuleResult:
        """A RuleResult that takes `numbers` over instead of copying it: for the engine's hot paths, whose
        caller builds the dict for this result alone and never touches it again."""
        result = object.__new__(cls)
        setter = object.__setattr__
        setter(result, "code", code)
        setter(result, "ok", ok)
        setter(result, "blocking", blocking)
        setter(result, "reason", reason)
        setter(result, "numbers", MappingProxyType(numbers))
        return result

    def __hash__(self) -> int:
        return hash((self.code, self.ok, self.blocking, self.reason))

    @property
    def severity(self) -> str:
        """'ok' when met, 'blocker' when a blocking rule fails, else 'warning'."""
        if self.ok:
            return "ok"
        return "blocker" if self.blocking else "warning"
