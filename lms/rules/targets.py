"""R2 target groups: which learners count toward the county's 2023 and 2025 targets."""

from __future__ import annotations

from lms.rules.policy import Policy
from lms.rules.results import RuleResult
from lms.rules.vocab import TARGET_GROUP_LABELS


def target_group(prior_education: str, policy: Policy) -> str:
    """R2: 'core' (未上过学), '2025' (小学, 初中肄业) or 'none' (初中, 高中及以上) by default."""
    try:
        return policy.target_groups[prior_education]
    except KeyError:
        raise ValueError(f"unknown prior education {prior_education!r}") from None


def target_group_label(group: str) -> str:
    """The Chinese label of a target group code."""
    return TARGET_GROUP_LABELS[group]


def target_years(prior_education: str, policy: Policy) -> tuple[int, ...]:
    """The target years (e.g. 2023, 2025) whose count includes a learner with this prior education."""
    group = target_group(prior_education, policy)
    return tuple(year for year, groups in sorted(policy.target_counted_groups.items())
                 if group in groups)


def counted_groups(year: int, policy: Policy) -> tuple[str, ...]:
    """The target groups a goal due in ``year`` counts: those the policy lists for that year, else for the
    latest listed year before it (the 2025 group keeps counting toward a 2027 goal), else for the earliest
    listed year; none when the policy lists no year."""
    listed = sorted(policy.target_counted_groups)
    if not listed:
        return ()
    earlier = [listed_year for listed_year in listed if listed_year <= year]
    return tuple(policy.target_counted_groups[earlier[-1] if earlier else listed[0]])


def counts_toward_target(prior_education: str, year: int, policy: Policy) -> bool:
    """Whether a learner with this prior education counts toward a goal due in ``year`` (see counted_groups)."""
    return target_group(prior_education, policy) in counted_groups(year, policy)


def target_rule(prior_education: str, policy: Policy) -> RuleResult:
    """R2 as an informational RuleResult (always met: everyone may enrol; only the counting differs)."""
    group = target_group(prior_education, policy)
    years = target_years(prior_education, policy)
    label = target_group_label(group)
    if years:
        counted = "、".join(f"{year}年" for year in years)
        reason = f"入学前学历{prior_education}，属{label}，计入{counted}目标人数"
    else:
        reason = f"入学前学历{prior_education}，可以报名，但不计入目标人数"
    return RuleResult("R2", True, False, reason, {"group": group, "years": years})
