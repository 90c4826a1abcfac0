"""Policy: every number and setting the rules use, with the county defaults, JSON round-trip and validation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from lms.rules.crediting import DAY_MINUTES
from lms.rules.formatting import format_hours
from lms.rules.vocab import (
    CADENCE_MONTH_BASES,
    CADENCE_YEAR_BASES,
    COURSE_KINDS,
    FUNDING_BASES,
    HOUR_CATEGORIES,
    HOURS_AFTER_PERIOD,
    PRIOR_EDUCATIONS,
    TARGET_GROUPS,
)


class PolicyError(ValueError):
    """A policy value is invalid; the message is Chinese and names the field (``.field`` is its key)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class FieldSpec:
    """How one policy setting is shown and checked, so a UI can render an edit form generically.

    ``kind`` is one of: int, hours (a duration stored in parts of a 学时, 1/60 — see lms.rules.units — and
    typed and shown in 学时; its bounds are in parts), decimal, optional_decimal, bool, choice, categories (a set of
    F/L/P/S), course_kinds (a set of cultural/skill/internship), education_years (prior
    education → years), education_groups (prior education → target group), year_groups
    (year → target groups counted).
    """

    key: str
    label: str
    kind: str
    help: str
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    choices: tuple[str, ...] = ()


POLICY_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("min_age", "最低年龄", "int", "入学当天的周岁下限（县方案 15，省公告 16）", 0, 120),
    FieldSpec("max_age", "最高年龄", "int", "入学当天的周岁上限", 0, 120),
    FieldSpec("programme_years", "学制（年）", "education_years",
              "按入学前学历确定学制：高中及以上 1 年，其余 3 年", 1, 10, PRIOR_EDUCATIONS),
    FieldSpec("target_groups", "目标群体", "education_groups",
              "core=核心目标（未上过学），2025=2025年目标（初中以下），none=不计入目标",
              choices=TARGET_GROUPS),
    # The goals themselves (due date, number of learners) are the county's, not a cohort's: they live in
    # the setting reports.targets (县目标任务), read by the dashboard and the quarterly report.
    FieldSpec("target_counted_groups", "计入目标的群体", "year_groups",
              "某年到期的目标统计哪些群体；未列出的年份按此前最近列出的一年（早于所有列出年份的按最早一年）。"
              "目标人数和到期日期在“系统设置 › 县目标任务”中设置", choices=TARGET_GROUPS),
    FieldSpec("hours_categories", "计入 360 学时的类别", "categories",
              "勾选的学时类别之和须达到下面的学时要求", choices=HOUR_CATEGORIES),
    FieldSpec("hours_required_minutes", "学时要求（学时）", "hours",
              "计入类别的学时合计下限（方案：360 学时）", 1, 1_000_000),
    FieldSpec("hour_length_minutes", "学时长度（分钟）", "int",
              "一个学时是多少分钟（中职教学通常 45 分钟）：学习平台导出的学习时长（分钟）按此折算成学时，"
              "如 90 分钟 = 2 学时；其余各处（课次、自学、课程、本页的要求和上限）都直接填写学时", 30, 60),
    FieldSpec("balance_self_categories", "自学一侧类别", "categories",
              "自学课时原则上不少于集中授课课时：自学一侧", choices=HOUR_CATEGORIES),
    FieldSpec("balance_concentrated_categories", "集中授课一侧类别", "categories",
              "自学课时原则上不少于集中授课课时：集中授课一侧", choices=HOUR_CATEGORIES),
    FieldSpec("daily_cap_self_study_minutes", "每日自学上限（学时）", "hours",
              "每名学员每天最多记入的自学学时（含待审核的）", 1, DAY_MINUTES),
    FieldSpec("daily_cap_platform_minutes", "每日平台学习上限（学时）", "hours",
              "每名学员每天最多记入的平台线上学习学时（按学时长度折算后）", 1, DAY_MINUTES),
    FieldSpec("daily_cap_total_minutes", "每日学时合计上限（学时）", "hours",
              "每名学员每天各类学时（含集中面授、集中线上）合计的上限："
              "一天集中授课 8 学时后还可记 4 学时", 1, DAY_MINUTES),
    FieldSpec("cadence_day_minutes", "每月集中授课学时", "hours",
              "每班每月集中授课的学时下限（按下一项的方式计算；方案：集中授课1天（8学时））",
              1, DAY_MINUTES),
    FieldSpec("cadence_month_by", "每月集中授课的计算方式", "choice",
              "须有一天达到：方案的“每次集中授课1天（8学时）”；当月各次累计达到：如乡村夜校每晚 2 学时",
              choices=CADENCE_MONTH_BASES),
    FieldSpec("cadence_training_minutes", "集中培训学时", "hours",
              "按年安排时每次集中培训的学时下限（如 120 学时）", 1, 1_000_000),
    FieldSpec("cadence_trainings_per_year", "每年集中培训次数", "int",
              "按年安排时每年至少的集中培训次数", 1, 52),
    FieldSpec("cadence_gap_days", "集中培训允许间隔（天）", "int",
              "同一次集中培训中两个上课日之间最多空几天", 0, 31),
    FieldSpec("cadence_year_by", "跨年集中培训计入年份", "choice",
              "一次连续的集中培训跨过元旦时整次计入哪一年；按上课天数时天数相同计入开始的年份",
              choices=CADENCE_YEAR_BASES),
    FieldSpec("pass_mark", "及格分", "int", "课程考核及格分（满分 100）", 0, 100),
    FieldSpec("resit_years", "结业后补考年限", "int", "修业期满后可补考的年数", 0, 10),
    FieldSpec("hours_after_period", "修业期满后的学时", "choice",
              "none=不计入（方案：在规定的学习年限内未修满规定学时的发给结业证书，只有补考成绩能改变结业）；"
              "resit_window=补考期内的学时都计入", choices=HOURS_AFTER_PERIOD),
    FieldSpec("early_graduation_allowed", "允许提前毕业", "bool",
              "提前达到毕业标准的学员可申请提前毕业"),
    FieldSpec("internship_waiver_min_years", "免除顶岗实习的工作年限", "decimal",
              "从事对口岗位工作的最少年数", Decimal(0), Decimal(50)),
    FieldSpec("certificate_exempt_kinds", "证书可免修免考的课程类别", "course_kinds",
              "职业资格/技能等级证书可申请免修免考的课程类别（方案：专业课程）",
              choices=COURSE_KINDS),
    FieldSpec("min_credits", "最低学分", "optional_decimal",
              "毕业所需最低学分；留空表示不要求", Decimal(0), Decimal(10_000)),
    FieldSpec("funding_per_learner_fen", "每人经费（分）", "int",
              "每名完成培训学员的经费，1,500 元 = 150000 分", 0, 100_000_000),
    FieldSpec("funding_basis", "经费计算口径", "choice",
              "graduated=毕业学员；graduated_or_completed=毕业和结业学员", choices=FUNDING_BASES),
)
_SPECS = {spec.key: spec for spec in POLICY_FIELDS}


def _frozen(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Policy:
    """Every number and setting used by the rules, with the county (册亨县) defaults.

    Construct with keyword overrides (``Policy(min_age=16)``) or from stored JSON with
    :meth:`from_mapping`; every value is checked and normalised, and an invalid one raises
    :class:`PolicyError`. Mappings are read-only and sets are frozensets, so a Policy is
    immutable and hashable.
    """

    min_age: int = 15
    max_age: int = 59
    programme_years: Mapping[str, int] = field(default_factory=lambda: _frozen(
        {"未上过学": 3, "小学": 3, "初中肄业": 3, "初中": 3, "高中及以上": 1}))
    target_groups: Mapping[str, str] = field(default_factory=lambda: _frozen(
        {"未上过学": "core", "小学": "2025", "初中肄业": "2025", "初中": "none", "高中及以上": "none"}))
    target_counted_groups: Mapping[int, tuple[str, ...]] = field(default_factory=lambda: _frozen(
        {2023: ("core",), 2025: ("core", "2025")}))
    hours_categories: frozenset[str] = frozenset({"S", "P", "L"})
    hours_required_minutes: int = 21600
    hour_length_minutes: int = 45
    balance_self_categories: frozenset[str] = frozenset({"S", "P"})
    balance_concentrated_categories: frozenset[str] = frozenset({"F", "L"})
    daily_cap_self_study_minutes: int = 240
    daily_cap_platform_minutes: int = 480
    daily_cap_total_minutes: int = 720
    cadence_day_minutes: int = 480
    cadence_month_by: str = "day"
    cadence_training_minutes: int = 7200
    cadence_trainings_per_year: int = 2
    cadence_gap_days: int = 2
    cadence_year_by: str = "start"
    pass_mark: int = 60
    resit_years: int = 2
    hours_after_period: str = "none"
    early_graduation_allowed: bool = True
    internship_waiver_min_years: Decimal = Decimal("2")
    certificate_exempt_kinds: frozenset[str] = frozenset({"skill"})
    min_credits: Decimal | None = None
    funding_per_learner_fen: int = 150000
    funding_basis: str = "graduated"

    def __post_init__(self) -> None:
        for spec in POLICY_FIELDS:
            object.__setattr__(self, spec.key, _coerce(spec, getattr(self, spec.key)))
        if self.max_age < self.min_age:
            raise PolicyError("最高年龄不能小于最低年龄", "max_age")
        if self.balance_self_categories & self.balance_concentrated_categories:
            raise PolicyError("同一学时类别不能同时在自学一侧和集中授课一侧",
                              "balance_concentrated_categories")
        for key, what in (("daily_cap_self_study_minutes", "每日自学上限"),
                          ("daily_cap_platform_minutes", "每日平台学习上限")):
            if getattr(self, key) > self.daily_cap_total_minutes:
                raise PolicyError(f"{what}不能超过每日学时合计上限", key)

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_mapping(), sort_keys=True, ensure_ascii=False))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Policy:
        """Build a Policy from stored JSON-like data; missing keys take defaults, unknown keys are refused."""
        if not isinstance(data, Mapping):
            raise PolicyError("政策设置必须是键值对象")
        unknown = sorted(str(key) for key in data if key not in _SPECS)
        if unknown:
            raise PolicyError(f"未知的设置项：{'、'.join(unknown)}", unknown[0])
        return cls(**dict(data))

    def to_mapping(self) -> dict[str, Any]:
        """This policy as JSON-ready data (Decimals as strings, sets as sorted lists, year keys as strings)."""
        return {spec.key: _dump(spec, getattr(self, spec.key)) for spec in POLICY_FIELDS}


def policy_field(key: str) -> FieldSpec:
    """The descriptor of one policy setting, by key."""
    return _SPECS[key]


# --- coercion: one function per kind, accepting both Python values and their JSON form ---------

def _fail(spec: FieldSpec, what: str) -> PolicyError:
    return PolicyError(f"{spec.label}{what}", spec.key)


def _range_text(spec: FieldSpec) -> str:
    if spec.kind == "hours":
        return f"必须在 {format_hours(spec.minimum, round_up=True)}–{format_hours(spec.maximum)} 学时之间"
    return f"必须在 {spec.minimum}–{spec.maximum} 之间"


def _int(spec: FieldSpec, value: Any, *, minimum: Any = None, maximum: Any = None) -> int:
    # A duration is typed in 学时 (the form turns it into whole parts), so a bad one is "not a number".
    what = "必须是数字" if spec.kind == "hours" else "必须是整数"
    if isinstance(value, bool):
        raise _fail(spec, what)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise _fail(spec, what) from None
    if not isinstance(value, int):
        raise _fail(spec, what)
    low = spec.minimum if minimum is None else minimum
    high = spec.maximum if maximum is None else maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise _fail(spec, _range_text(spec))
    return value


def _decimal(spec: FieldSpec, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | float | Decimal):
        raise _fail(spec, "必须是数字")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _fail(spec, "必须是数字") from None
    if not number.is_finite():
        raise _fail(spec, "必须是数字")
    if (spec.minimum is not None and number < spec.minimum) or (
        spec.maximum is not None and number > spec.maximum
    ):
        raise _fail(spec, _range_text(spec))
    return number


def _subset(spec: FieldSpec, value: Any) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise _fail(spec, f"必须是以下取值的列表：{'、'.join(spec.choices)}")
    items = frozenset(value)
    bad = sorted(str(item) for item in items if item not in spec.choices)
    if bad:
        raise _fail(spec, f"含有未知取值：{'、'.join(bad)}")
    if not items:
        raise _fail(spec, "不能为空")
    return items


def _education_map(spec: FieldSpec, value: Any, convert: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(spec, "必须按入学前学历逐项设置")
    unknown = sorted(str(key) for key in value if key not in PRIOR_EDUCATIONS)
    if unknown:
        raise _fail(spec, f"含有未知学历：{'、'.join(unknown)}")
    missing = [edu for edu in PRIOR_EDUCATIONS if edu not in value]
    if missing:
        raise _fail(spec, f"缺少学历：{'、'.join(missing)}")
    return _frozen({edu: convert(value[edu]) for edu in PRIOR_EDUCATIONS})


def _year(spec: FieldSpec, key: Any) -> int:
    try:
        year = int(key) if not isinstance(key, bool) else None
    except (TypeError, ValueError):
        year = None
    if year is None or not 2000 <= year <= 2100:
        raise _fail(spec, f"中的年份 {key} 无效（应在 2000–2100 之间）")
    return year


def _groups(spec: FieldSpec, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise _fail(spec, "每年必须是群体列表")
    bad = sorted(str(item) for item in value if item not in TARGET_GROUPS)
    if bad:
        raise _fail(spec, f"含有未知群体：{'、'.join(bad)}")
    return tuple(group for group in TARGET_GROUPS if group in value)


def _group(spec: FieldSpec, value: Any) -> str:
    if value not in TARGET_GROUPS:
        raise _fail(spec, f"的取值 {value} 无效（应为 {'、'.join(TARGET_GROUPS)}）")
    return value


def _coerce(spec: FieldSpec, value: Any) -> Any:
    kind = spec.kind
    if kind in ("int", "hours"):
        return _int(spec, value)
    if kind == "decimal":
        return _decimal(spec, value)
    if kind == "optional_decimal":
        return None if value is None or value == "" else _decimal(spec, value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise _fail(spec, "必须是 true 或 false")
        return value
    if kind == "choice":
        if value not in spec.choices:
            raise _fail(spec, f"必须是以下之一：{'、'.join(spec.choices)}")
        return value
    if kind in ("categories", "course_kinds"):
        return _subset(spec, value)
    if kind == "education_years":
        return _education_map(spec, value, lambda v: _int(spec, v))
    if kind == "education_groups":
        return _education_map(spec, value, lambda v: _group(spec, v))
    if kind == "year_groups":
        if not isinstance(value, Mapping):
            raise _fail(spec, "必须按年份逐项设置")
        return _frozen({_year(spec, k): _groups(spec, v) for k, v in sorted(value.items(), key=str)})
    raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover - a programming error


def _dump(spec: FieldSpec, value: Any) -> Any:
    kind = spec.kind
    if kind in ("decimal", "optional_decimal"):
        return None if value is None else str(value)
    if kind in ("categories", "course_kinds"):
        return [item for item in spec.choices if item in value]
    if kind in ("education_years", "education_groups"):
        return dict(value)
    if kind == "year_groups":
        return {str(year): list(groups) for year, groups in value.items()}
    return value
