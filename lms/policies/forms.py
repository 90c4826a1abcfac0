"""The policy edit form, generated from the engine's POLICY_FIELDS: flat form fields ⇄ Policy mapping.

Durations (kind "hours") are stored in parts of a 学时 (lms.rules.units) but typed and shown in 学时: the
conversion happens here, at the form's edge, so the stored policy and every rule keep their unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
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
    format_number,
    hours_from_parts,
    parts_from_hours,
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

    @property
    def shown(self) -> str:
        """The value of a one-box field as its input shows it: a duration in 学时 (21600 → "360", 25 → "0.42",
        exact enough that saving unchanged keeps the parts), other values as they are."""
        if self.value is None:
            return ""
        if self.spec.kind == "hours" and isinstance(self.value, int) and not isinstance(self.value, bool):
            return hours_text(self.value)
        return str(self.value)


def hours_text(parts: int) -> str:
    """Parts of a 学时 as the 学时 an input box shows (two decimals at most, trailing zeros cut): 21600 → "360"."""
    return format_number(hours_from_parts(parts).quantize(Decimal("0.01")))


def shown_value(spec: FieldSpec, value: Any) -> Any:
    """A stored setting as the history page shows it: a duration in 学时, anything else as stored."""
    if spec.kind == "hours" and isinstance(value, int) and not isinstance(value, bool):
        return f"{hours_text(value)} 学时"
    return value


def changed_settings(previous: dict[str, Any], current: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """The settings `current` changes from `previous`, as (label, old, new) the way the history page and the
    audit summary show them: durations in 学时, in the order the settings are stored."""
    specs = {spec.key: spec for spec in POLICY_FIELDS}
    return [(specs[key].label, shown_value(specs[key], previous.get(key)), shown_value(specs[key], value))
            for key, value in current.items() if key in specs and previous.get(key) != value]


def _parts(spec: FieldSpec, text: str) -> Any:
    """A typed 学时 figure as parts; text that is not a number goes on as it is, for the policy's own message."""
    try:
        hours = Decimal(text.replace("，", "").replace(",", ""))
    except InvalidOperation:
        return text
    if not hours.is_finite():
        return text
    return parts_from_hours(hours)


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
        elif kind == "hours":
            data[key] = _parts(spec, form.get(key, "").strip())
        else:
            data[key] = form.get(key, "").strip()
    return data


def year_text(value: dict) -> str:
    """A year → groups mapping as the textarea shows it: one "2025: core, 2025" per line."""
    if not isinstance(value, dict):
        return ""
    return "\n".join(f"{year}: {', '.join(v)}" for year, v in value.items())
