"""The settings that exist, grouped by section. Each domain lists its settings here explicitly."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingSpec:
    """A setting: key, Chinese label, default, help text, and a validator returning an error or None."""

    key: str
    label: str
    default: Any
    help: str = ""
    section: str = "学校信息"
    validate: Callable[[str], str | None] | None = None
    multiline: bool = False


def _required(value: str) -> str | None:
    return None if value.strip() else "不能为空"


def _digits(count: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if len(value) == count and value.isdigit() else f"应为 {count} 位数字"

    return check


def _student_number_pattern(value: str) -> str | None:
    from lms.learners.numbering import pattern_problem

    return pattern_problem(value)


def _number_pattern(value: str) -> str | None:
    from lms.certificates.numbers import pattern_problem

    return pattern_problem(value)


def _targets(value: str) -> str | None:
    from lms.reports.targets import targets_problem

    return targets_problem(value)


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("school.name", "学校名称", "示例县中等职业学校", "印在证书和导出表上", validate=_required),
    SettingSpec("school.code", "学校代码", "520000", "6 位学校代码，用于证书编号", validate=_digits(6)),
    SettingSpec("school.principal", "校长姓名", "张三", "印在毕业证书上", validate=_required),
    SettingSpec("county.name", "县名称", "示例县", "报表标题使用", validate=_required),
    SettingSpec("learners.student_number_pattern", "学号格式", "{school}{year}{seq:4}",
                "新报名学员的学号：{school} 学校代码，{year} 入学年份（4 位），{yy} 年份后两位，{county} 县区划代码，"
                "{township} 乡镇区划代码（9 位），{seq:N} N 位序号（每个前缀单独计数）",
                section="学籍", validate=_student_number_pattern),
    SettingSpec("learners.student_category", "学生类别", "农村技术培训班学生",
                "学籍注册导出表的“学生类别”列", section="学籍", validate=_required),
    SettingSpec("certificate.number_pattern", "证书编号规则", "{school}{yy}{seq:4}",
                "可用：{school} 学校代码，{yyyy}/{yy} 年份，{type} 证书类别（1 毕业、2 结业、3 写实性学习证明），"
                "{seq:N} N 位顺序号。默认为 6 位学校代码 + 2 位年份 + 4 位顺序号；已发证书的编号不会改变",
                section="证书", validate=_number_pattern),
    SettingSpec("reports.targets", "县目标任务", "2023-12-31 3000\n2025-12-31 6000",
                "全县目标只在这里设置，每行一个：到期日期 累计人数（如 2025-12-31 6000），任何年份都可以。"
                "计入哪些学员按学员所在年级政策的“计入目标的群体”：到期年份未列出的，按此前最近列出的一年",
                section="目标与报表", validate=_targets, multiline=True),
    SettingSpec("reports.filing_unit", "报表填报单位", "", "印在季度报表的“填报单位”处；留空则用学校名称",
                section="目标与报表"),
    SettingSpec("reports.responsible", "报表负责人", "", "印在季度报表的“负责人”处；留空则留出签名处",
                section="目标与报表"),
)


def spec(key: str) -> SettingSpec:
    """The registered spec of `key` (KeyError when unknown)."""
    for item in SETTINGS:
        if item.key == key:
            return item
    raise KeyError(key)
