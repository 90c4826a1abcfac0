"""The policy edit form, generated from the engine's POLICY_FIELDS: flat form fields ⇄ Policy mapping."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms.core.errors import DomainError
from lms.rules import (
    CADENCE_MONTH_BASIS_LABELS,
    CADENCE_YEAR_BASIS_LABELS,
    COURSE_KIND_LABELS,
    FUNDING_BASIS_LABELS,
    HOUR_CATEGORY_LABELS,
    HOURS_AFTER_PERIOD_LABELS,
    POLICY_FIELDS,
    PRIOR_EDUCATIONS,
    TARGET_GROUP_LABELS,
    FieldSpec,
)

CHOICE_LABELS = {
    "categories": HOUR_CATEGORY_LABELS,
    "course_kinds": COURSE_KIND_LABELS,
    "education_groups": TARGET_GROUP_LABELS,
    "year_groups": TARGET_GROUP_LABELS,
}
# A choice field's labels are its own.
CHOICE_LABELS_BY_KEY = {
    "funding_basis": FUNDING_BASIS_LABELS,
    "cadence_month_by": CADENCE_MONTH_BASIS_LABELS,
    "cadence_year_by": CADENCE_YEAR_BASIS_LABELS,
    "hours_after_period": HOURS_AFTER_PERIOD_LABELS,
}


@dataclass(frozen=True)
class PolicyField:
    """One setting as the template shows it: its spec, current value(s) and choice labels."""

    spec: FieldSpec
    value: Any

    @property
    def labels(self) -> dict[str, str]:
        return dict(CHOICE_LABELS_BY_KEY.get(self.spec.key) or CHOICE_LABELS.get(self.spec.kind, {}))

    @property
    def educations(self) -> tuple[str, ...]:
        return PRIOR_EDUCATIONS


def form_fields(mapping: dict[str, Any]) -> list[PolicyField]:
    """The fields of the form, pre-filled from a Policy.to_mapping() (or re-submitted values)."""
    return [PolicyField(spec, mapping.get(spec.key)) for spec in POLICY_FIELDS]


def _year_lines(text: str, key: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for number, line in enumerate(text.replace("：", ":").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if ":" not in line:
            raise DomainError(f"第 {number} 行应写成“年份: 群体”，如 2025: core, 2025", field=key)
        year, value = (part.strip() for part in line.split(":", 1))
        result[year] = [item.strip() for item in value.replace("，", ",").split(",") if item.strip()]
    return result


def mapping_from_form(form) -> dict[str, Any]:
    """Read the submitted form (a MultiDict) into Policy.from_mapping input; raises DomainError on shape errors."""
    data: dict[str, Any] = {}
    for spec in POLICY_FIELDS:
        key, kind = spec.key, spec.kind
        if kind == "bool":
            data[key] = form.get(key) == "on"
        elif kind in ("categories", "course_kinds"):
            data[key] = form.getlist(key)
        elif kind in ("education_years", "education_groups"):
            data[key] = {edu: form.get(f"{key}.{edu}", "").strip() for edu in PRIOR_EDUCATIONS}
        elif kind == "year_groups":
            data[key] = _year_lines(form.get(key, ""), key)
        else:
            data[key] = form.get(key, "").strip()
    return data


def year_text(value: dict) -> str:
    """A year → groups mapping as the textarea shows it: one "2025: core, 2025" per line."""
    if not isinstance(value, dict):
        return ""
    return "\n".join(f"{year}: {', '.join(v)}" for year, v in value.items())
