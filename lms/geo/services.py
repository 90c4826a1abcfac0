"""Writing divisions and teaching points; the code arithmetic of 12-digit division codes."""
from __future__ import annotations

from sqlalchemy import select

from lms.audit.services import changes, record, snapshot
from lms.core.errors import DomainError
from lms.extensions import db
from lms.geo.models import TEACHING_POINT_KINDS, Division, TeachingPoint
from lms.imports.cells import fold_width


def division_level(code: str) -> str:
    """The level of a 12-digit code: county (last 6 digits zero), township (last 3 zero), else village."""
    if code[6:] == "000000":
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def parent_code(code: str) -> str | None:
    """The parent's code: a township's county, a village's township; None for a county."""
    level = division_level(code)
    if level == "township":
        return code[:6] + "000000"
    if level == "village":
        return code[:9] + "000"
    return None


def create_division(*, actor, code: str, name: str) -> Division:
    """Add one division under its (existing) parent; audited. A code typed with full-width digits is stored
    with ASCII ones (as the import reads it); digits of other scripts are refused."""
    code = fold_width(code.strip())
    if len(code) != 12 or not (code.isascii() and code.isdigit()):
        raise DomainError("区划代码应为 12 位数字", field="code")
    if db.session.scalar(select(Division.id).where(Division.code == code)):
        raise DomainError(f"区划代码 {code} 已存在", field="code")
    parent = None
    if (pcode := parent_code(code)) is not None:
        parent = db.session.scalar(select(Division).where(Division.code == pcode))
        if parent is None:
            raise DomainError(f"上级区划 {pcode} 不存在", field="code")
    if db.session.scalar(select(Division.id).where(Division.parent_id == (parent.id if parent else None),
                                                   Division.name == name)):
        raise DomainError(f"同一上级下已有名为“{name}”的区划", field="name")
    division = Division(code=code, name=name, level=division_level(code), parent=parent)
    db.session.add(division)
    db.session.flush()
    record(actor, "division.create", "division", division.id, summary=f"新增区划 {code} {name}",
           after=snapshot(division))
    return division


def save_teaching_point(*, actor, point: TeachingPoint | None, name: str, kind: str, address: str,
                        village: Division) -> TeachingPoint:
    """Create or edit a teaching point in a village; names are unique within the village; audited."""
    if village.level != "village":
        raise DomainError("教学点必须设在村（社区）", field="village_id")
    if kind not in TEACHING_POINT_KINDS:
        raise DomainError("教学点类型不正确", field="kind")
    clash = db.session.scalar(select(TeachingPoint.id).where(TeachingPoint.village_id == village.id,
                                                             TeachingPoint.name == name))
    if clash and (point is None or clash != point.id):
        raise DomainError(f"{village.name}已有名为“{name}”的教学点", field="name")
    before = snapshot(point) if point else None
    if point is None:
        point = TeachingPoint()
        db.session.add(point)
    point.name, point.kind, point.address, point.village_id = name, kind, address, village.id
    db.session.flush()
    if before is None:
        record(actor, "teaching_point.create", "teaching_point", point.id, summary=f"新增教学点 {name}",
               after=snapshot(point))
    else:
        old, new = changes(before, snapshot(point))
        record(actor, "teaching_point.update", "teaching_point", point.id, summary=f"修改教学点 {name}",
               before=old, after=new)
    return point
