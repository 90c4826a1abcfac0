"""R9 recognition of prior learning: certificates, work experience, competition awards and innovations.

* A vocational-qualification or skill-level certificate gives 免修 or 免考 of a course the
  school's table maps it to, for course kinds in policy.certificate_exempt_kinds (the plan
  says 专业课程, so skills courses by default), with that course's credits.
* Work in a matching post for at least policy.internship_waiver_min_years (2) waives the
  internship (顶岗实习) and grants its credits; years are compared as Decimals (1.9 < 2).
* Competition awards and inventions/technical innovations grant credits only, never a
  course exemption.
The registrar still approves with evidence; this only says whether a claim is admissible.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lms.rules.facts import to_decimal
from lms.rules.formatting import format_credits, format_number
from lms.rules.policy import Policy
from lms.rules.results import RuleResult
from lms.rules.vocab import (
    COURSE_KIND_LABELS,
    COURSE_KINDS,
    EXEMPTION_BASES,
    EXEMPTION_BASIS_LABELS,
    EXEMPTION_KIND_LABELS,
    EXEMPTION_KINDS,
)


@dataclass(frozen=True)
class ExemptionClaim:
    """A learner's request for recognition of prior learning.

    ``basis``: 'certificate' | 'work_experience' | 'competition' | 'innovation'.
    ``requested``: 'exempt_study' | 'exempt_exam' | 'waived', or None for credits only.
    ``course_*`` describe the course to be excused; ``mapped_course_ids`` are the courses the
    certificate maps to in the school's table; ``work_years`` the years in a matching post;
    ``credits`` the credits the school's table grants for an award or innovation.
    """

    basis: str
    requested: str | None = None
    course_id: Any = None
    course_name: str = ""
    course_kind: str | None = None
    course_credits: Decimal = Decimal(0)
    mapped_course_ids: frozenset[Any] = frozenset()
    work_years: Decimal | None = None
    credits: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.basis not in EXEMPTION_BASES:
            raise ValueError(f"basis must be one of {EXEMPTION_BASES}, got {self.basis!r}")
        if self.requested is not None and self.requested not in EXEMPTION_KINDS:
            raise ValueError(f"requested must be None or one of {EXEMPTION_KINDS}")
        if self.course_kind is not None and self.course_kind not in COURSE_KINDS:
            raise ValueError(f"course_kind must be one of {COURSE_KINDS}")
        object.__setattr__(self, "course_credits", to_decimal(self.course_credits, "course_credits"))
        object.__setattr__(self, "credits", to_decimal(self.credits, "credits"))
        object.__setattr__(self, "mapped_course_ids", frozenset(self.mapped_course_ids))
        if self.work_years is not None:
            object.__setattr__(self, "work_years", to_decimal(self.work_years, "work_years"))


@dataclass(frozen=True)
class ExemptionDecision:
    """Whether a claim is admissible, the exemption to record (None = credits only) and credits granted."""

    ok: bool
    kind: str | None
    credits: Decimal
    rule: RuleResult

    @property
    def reason(self) -> str:
        """The Chinese sentence explaining the decision."""
        return self.rule.reason


def _decide(claim: ExemptionClaim, ok: bool, kind: str | None, credits: Decimal, reason: str,
            **numbers: Any) -> ExemptionDecision:
    granted = credits if ok else Decimal(0)
    rule = RuleResult("R9", ok, True, reason, {
        "basis": claim.basis, "requested": claim.requested, "course_id": claim.course_id,
        "kind": kind if ok else None, "credits": granted, **numbers,
    })
    return ExemptionDecision(ok, kind if ok else None, granted, rule)


def check_exemption(claim: ExemptionClaim, policy: Policy) -> ExemptionDecision:
    """R9: decide whether a recognition-of-prior-learning claim may be granted, with a Chinese reason."""
    if claim.basis == "work_experience":
        return _work_experience(claim, policy)
    if claim.basis == "certificate":
        return _certificate(claim, policy)
    return _credits_only(claim)


def _work_experience(claim: ExemptionClaim, policy: Policy) -> ExemptionDecision:
    need = policy.internship_waiver_min_years
    numbers = {"work_years": claim.work_years, "min_years": need}
    if claim.requested not in (None, "waived"):
        return _decide(claim, False, None, Decimal(0),
                       "岗位工作经历只能免除顶岗实习，不能申请免修或免考", **numbers)
    if claim.course_kind != "internship":
        return _decide(claim, False, None, Decimal(0),
                       f"岗位工作经历只能免除顶岗实习，不能用于课程《{claim.course_name}》", **numbers)
    if claim.work_years is None:
        return _decide(claim, False, None, Decimal(0), "未填写对口岗位工作年限", **numbers)
    years, need_text = format_number(claim.work_years), format_number(need)
    if claim.work_years < need:
        return _decide(claim, False, None, Decimal(0),
                       f"对口岗位工作 {years} 年，不足 {need_text} 年，不能免除顶岗实习", **numbers)
    return _decide(claim, True, "waived", claim.course_credits,
                   f"对口岗位工作 {years} 年，满 {need_text} 年，免除顶岗实习"
                   f"《{claim.course_name}》，计 {format_credits(claim.course_credits)} 学分", **numbers)


def _certificate(claim: ExemptionClaim, policy: Policy) -> ExemptionDecision:
    course = f"课程《{claim.course_name}》"
    if claim.requested not in ("exempt_study", "exempt_exam"):
        return _decide(claim, False, None, Decimal(0), "凭证书只能申请课程免修或免考")
    label = EXEMPTION_KIND_LABELS[claim.requested]
    if claim.course_kind not in policy.certificate_exempt_kinds:
        allowed = "、".join(COURSE_KIND_LABELS[k] for k in COURSE_KINDS
                           if k in policy.certificate_exempt_kinds)
        kind = COURSE_KIND_LABELS.get(claim.course_kind or "", "未知类别")
        return _decide(claim, False, None, Decimal(0),
                       f"证书只能申请{allowed}的免修免考，{course}是{kind}")
    if claim.course_id not in claim.mapped_course_ids:
        return _decide(claim, False, None, Decimal(0),
                       f"该证书在学校的证书与课程对应表中不对应{course}，不能{label}")
    return _decide(claim, True, claim.requested, claim.course_credits,
                   f"凭{EXEMPTION_BASIS_LABELS['certificate']}{label}{course}，"
                   f"计 {format_credits(claim.course_credits)} 学分")


def _credits_only(claim: ExemptionClaim) -> ExemptionDecision:
    what = EXEMPTION_BASIS_LABELS[claim.basis]
    if claim.requested is not None:
        return _decide(claim, False, None, Decimal(0), f"{what}只能给予学分，不能免修、免考或免除课程")
    if claim.credits <= 0:
        return _decide(claim, False, None, Decimal(0), f"{what}未填写给予的学分")
    return _decide(claim, True, None, claim.credits,
                   f"{what}，给予 {format_credits(claim.credits)} 学分")
