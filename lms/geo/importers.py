"""Importing divisions from a list of 12-digit statistical codes and names."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.extensions import db
from lms.geo.models import Division
from lms.geo.services import division_level, parent_code
from lms.imports.cells import clean_text
from lms.imports.headers import Column
from lms.imports.pipeline import Importer, SourceRow

LEVEL_ORDER = {"county": 0, "township": 1, "village": 2}


def _code_text(value) -> str | None:
    """A code cell as 12 digits; a numeric cell is fine (12 digits fit a float exactly)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    return text if len(text) == 12 and text.isdigit() else None


@dataclass(frozen=True, slots=True)
class NewDivision:
    """A division the file adds; its parent (by code) is in the database or earlier in the plan."""

    code: str
    name: str
    level: str
    parent: str | None


@dataclass(frozen=True, slots=True)
class DivisionRename:
    """A division already in the database that the file gives a new name."""

    code: str
    name: str


class DivisionImporter(Importer[NewDivision | DivisionRename]):
    """区划: 区划代码 + 名称; level and parent follow from the code."""

    kind = "divisions"
    label = "行政区划"
    capability = "divisions.manage"
    description = "县、乡镇（街道）、村（社区）的 12 位统计用区划代码和名称；层级和上级由代码推出。"
    columns = (
        Column("code", "区划代码", ("区划代码", "统计用区划代码", "代码", "code"), True),
        Column("name", "名称", ("名称", "区划名称", "name"), True),
    )
    example = {"code": "522327100000", "name": "者楼街道"}
    text_columns = ("code",)

    def check(self, rows: list[SourceRow]) -> list[NewDivision | DivisionRename]:
        existing = {d.code: d for d in db.session.scalars(select(Division))}
        siblings = {(d.parent_id, d.name): d.code for d in existing.values()}
        seen: dict[str, int] = {}
        candidates: list[tuple[SourceRow, str, str]] = []
        for row in rows:
            raw_code = row.get("code")
            code = _code_text(raw_code)
            name = clean_text(row.get("name"))
            if code is None:
                shown = clean_text(raw_code) or "（空）"
                self.refuse(row, "code", f"区划代码“{shown}”不是 12 位数字")
                continue
            if not name:
                self.refuse(row, "name", "名称为空")
                continue
            if len(name) > 60:
                self.refuse(row, "name", "名称超过 60 个字")
                continue
            if code in seen:
                self.refuse(row, "code", f"区划代码 {code} 与第 {seen[code]} 行重复")
                continue
            seen[code] = row.number
            candidates.append((row, code, name))

        in_file = {code for _, code, _ in candidates}
        planned: list[NewDivision | DivisionRename] = []
        names_in_file: dict[tuple[str | None, str], int] = {}
        for row, code, name in sorted(candidates, key=lambda c: (LEVEL_ORDER[division_level(c[1])], c[0].number)):
            level = division_level(code)
            parent = parent_code(code)
            if parent is not None and parent not in existing and parent not in in_file:
                self.refuse(row, "code", f"上级区划 {parent} 不存在：请先导入上级，或把上级放在同一文件中")
                in_file.discard(code)
                continue
            key = (parent, name)
            if key in names_in_file:
                self.refuse(row, "name", f"同一上级下的名称“{name}”与第 {names_in_file[key]} 行重复")
                in_file.discard(code)
                continue
            names_in_file[key] = row.number
            parent_id = existing[parent].id if parent in existing else None
            clash = siblings.get((parent_id, name)) if parent_id or parent is None else None
            if clash and clash != code:
                self.refuse(row, "name", f"同一上级下已有名为“{name}”的区划（{clash}）")
                in_file.discard(code)
                continue
            current = existing.get(code)
            if current is None:
                planned.append(NewDivision(code, name, level, parent))
            elif current.name != name:
                planned.append(DivisionRename(code, name))
            else:
                self.unchanged += 1
        return planned

    def write(self, planned: list[NewDivision | DivisionRename]) -> int:
        by_code = {d.code: d for d in db.session.scalars(select(Division))}
        for item in planned:   # already ordered county → township → village
            if isinstance(item, DivisionRename):
                by_code[item.code].name = item.name
                continue
            division = Division(code=item.code, name=item.name, level=item.level,
                                parent=by_code.get(item.parent) if item.parent else None)
            db.session.add(division)
            by_code[item.code] = division
        db.session.flush()
        return len(planned)
