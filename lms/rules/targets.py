"""R2 target groups: which learners count toward the county's goals (2023 and 2025 in the plan).

The goals themselves — due date and number — are the county's setting reports.targets (lms.reports.targets);
the policy of a learner's cohort says who counts toward a goal due in a year (target_counted_groups)."""

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


def counted_spans(prior_education: str, policy: Policy) -> tuple[tuple[int | None, int | None], ...]:
    """The due years of the goals a learner with this prior education counts toward, as (first, last) spans
    by counted_groups (None: open-ended), e.g. ((2025, None),) for 小学 by default: every goal due in 2025
    or later."""
    group = target_group(prior_education, policy)
    listed = sorted(policy.target_counted_groups)
    spans: list[tuple[int | None, int | None]] = []
    for index, year in enumerate(listed):
        if group not in policy.target_counted_groups[year]:
            continue
        first = None if index == 0 else year           # before every listed year: the earliest's groups
        last = listed[index + 1] - 1 if index + 1 < len(listed) else None
        if spans and spans[-1][1] is not None and first is not None and spans[-1][1] + 1 == first:
            first = spans.pop()[0]
        spans.append((first, last))
    return tuple(spans)


def _span_text(first: int | None, last: int | None) -> str:
    if first is None and last is None:
        return "各年度"
    if last is None:
        return f"{first}年及以后到期的"
    if first is None:
        return f"{last}年及以前到期的"
    return f"{first}年到期的" if first == last else f"{first}–{last}年到期的"


def target_rule(prior_education: str, policy: Policy) -> RuleResult:
    """R2 as an informational RuleResult (always met: everyone may enrol; only the counting differs). The
    reason names the due years of the goals the learner counts toward (counted_spans), whatever years the
    county's goals fall in."""
    group = target_group(prior_education, policy)
    years = target_years(prior_education, policy)
    spans = counted_spans(prior_education, policy)
    label = target_group_label(group)
    if spans:
        counted = "、".join(_span_text(first, last) for first, last in spans)
        reason = f"入学前学历{prior_education}，属{label}，计入{counted}目标人数"
    else:
        reason = f"入学前学历{prior_education}，可以报名，但不计入目标人数"
    return RuleResult("R2", True, False, reason, {"group": group, "years": years, "spans": spans})
