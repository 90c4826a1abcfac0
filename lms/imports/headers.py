"""Matching a file's header row to the columns an importer expects, by common synonyms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from lms.core.errors import DomainError
from lms.imports.cells import clean_text

__all__ = [
    "COMMON_SYNONYMS",
    "Column",
    "HeaderMap",
    "HeadersError",
    "column_letter",
    "common_column",
    "header_key",
    "map_headers",
]


class HeadersError(DomainError):
    """The header row does not fit the import; `.message` names the missing or doubled columns."""


#: Header synonyms shared by importers, keyed by field. Labels first; matching ignores
#: spaces, case, brackets of either width, "*" required-markers and colons (see header_key).
COMMON_SYNONYMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "approver": ("审批人", "批准人"),
        "id_number": (
            "身份证号", "身份证号码", "公民身份号码", "身份证", "身份号码", "证件号码",
            "居民身份证号", "居民身份证号码", "身份证件号码", "ID", "id_number",
        ),
        "name": ("姓名", "名字", "学员姓名", "学生姓名", "人员姓名", "name"),
        "sex": ("性别", "sex", "gender"),
        "ethnicity": ("民族", "ethnicity"),
        "birth_on": ("出生日期", "出生年月日", "出生年月", "生日"),
        "township": ("乡镇", "乡镇（街道）", "乡镇街道", "乡镇/街道", "乡（镇）", "街道", "乡镇名称", "township"),
        "village": ("村", "行政村", "村（社区）", "村社区", "村/社区", "村（居）", "社区", "村名", "village"),
        "phone": ("联系电话", "手机号", "手机号码", "电话", "手机", "电话号码", "联系方式", "phone", "mobile"),
        "education": ("文化程度", "学历", "受教育程度", "原文化程度", "education"),
        "division_code": ("区划代码", "统计用区划代码", "行政区划代码", "代码", "code"),
        "division_name": ("名称", "区划名称", "name"),
        "course": ("课程", "课程名称", "course"),
        "study_on": ("日期", "学习日期", "上课日期", "date"),
        "hours": ("学时", "学习时长", "hours"),    # 学时, never clock hours (小时): see parse_hours_as_parts
        "minutes": ("分钟", "时长（分钟）", "学习时长（分钟）", "minutes"),
        "record_id": ("记录编号", "记录号", "流水号", "记录ID", "record_id"),
    }
)

# Stripped before comparing: whitespace, brackets of both widths, required-field stars, colons.
_HEADER_NOISE = re.compile(r"[\s()\[\]{}<>（）【】〔〕《》「」*＊:：]+")
# A bracketed remark, dropped when the whole header matches nothing: 姓名(必填) → 姓名.
_REMARK = re.compile(r"[(\[{<（【〔《「][^()\[\]{}<>（）【】〔〕《》「」]*[)\]}>）】〕》」]")


def header_key(text: str) -> str:
    """The comparison form of a header: NFKC, case-folded, without spaces, brackets, * or colons.

    "乡（镇）" and "乡(镇)" and "乡 镇" all become "乡镇"; "ID" and "id" match.
    """
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", clean_text(text))).casefold()


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index: 0 → "A", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Column:
    """A column an importer understands: `key` in code, `label` in messages, and synonyms."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


def common_column(
    key: str, label: str | None = None, *, required: bool = False, field_name: str | None = None
) -> Column:
    """A Column from COMMON_SYNONYMS[field_name or key]; the label defaults to the first synonym."""
    synonyms = COMMON_SYNONYMS[field_name or key]
    return Column(key=key, label=label or synonyms[0], synonyms=synonyms, required=required)


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Where each known column sits in the file.

    `index` maps column key → 0-based position; `headers` maps key → the header text as
    written in the file (for messages); `ignored` lists header texts that matched nothing.
    """

    index: Mapping[str, int]
    headers: Mapping[str, str]
    ignored: tuple[str, ...] = ()

    def get(self, row: object, key: str, default: object = None) -> object:
        """The raw cell of column `key` in a Row (or a plain tuple of cells); `default` if the
        column is absent from the file or the row is shorter."""
        position = self.index.get(key)
        if position is None:
            return default
        cells = getattr(row, "cells", row)
        if position >= len(cells):
            return default
        return cells[position]

    def has(self, key: str) -> bool:
        """True if the file has a column for `key`."""
        return key in self.index


def map_headers(headers: Sequence[str], columns: Sequence[Column]) -> HeaderMap:
    """Match header texts to `columns` by label or synonym (see header_key).

    A header that matches nothing is tried again without bracketed remarks (姓名(必填) →
    姓名). Empty headers are skipped; unknown ones are listed in `ignored`. Raises HeadersError
    when a required column is missing ("缺少必需的列:身份证号、姓名") or when two headers
    match the same column.
    """
    lookup: dict[str, Column] = {}
    for column in columns:
        for synonym in (column.label, *column.synonyms):
            normal = header_key(synonym)
            if not normal:
                continue
            other = lookup.get(normal)
            if other is not None and other.key != column.key:
                raise ValueError(f"synonym {synonym!r} is used by {other.key!r} and {column.key!r}")
            lookup[normal] = column
    index: dict[str, int] = {}
    texts: dict[str, str] = {}
    ignored: list[str] = []
    for position, raw in enumerate(headers):
        text = clean_text(raw)
        if not text:
            continue
        column = lookup.get(header_key(text))
        if column is None:
            column = lookup.get(header_key(_REMARK.sub("", text)))
        if column is None:
            ignored.append(text)
            continue
        if column.key in index:
            first = index[column.key]
            raise HeadersError(
                f"{column_letter(first)} 列“{texts[column.key]}”和 {column_letter(position)} 列"
                f"“{text}”都是{column.label}，请删除其中一列"
            )
        index[column.key] = position
        texts[column.key] = text
    missing = [column.label for column in columns if column.required and column.key not in index]
    if missing:
        raise HeadersError(f"缺少必需的列：{'、'.join(missing)}")
    return HeaderMap(
        index=MappingProxyType(index), headers=MappingProxyType(texts), ignored=tuple(ignored)
    )
