"""Import of teaching plans (`plans`): one course of a specialty per row, updating courses already there."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from lms.extensions import db
from lms.imports.cells import clean_text, closest_name, parse_choice, parse_decimal, parse_int
from lms.imports.headers import Column
from lms.imports.pipeline import Importer, SourceRow
from lms.teaching.importers.common import cell
from lms.teaching.models import Course, Specialty
from lms.teaching.services import save_course

KIND_CHOICES = {"文化课": "cultural", "文化": "cultural", "专业技能课": "skill", "技能课": "skill", "专业课": "skill",
                "专业技能": "skill", "顶岗实习": "internship", "实习": "internship"}


@dataclass(frozen=True, slots=True)
class PlannedCourse:
    """A course of a specialty's plan to save (save_course): a new one when `course` is None, else that one edited."""

    specialty: Specialty
    course: Course | None
    name: str
    kind: str
    minutes: int
    credits: Decimal
    required_assignments: int


class PlanImporter(Importer[PlannedCourse]):
    """教学计划: one course of a specialty per row; existing courses (same specialty and name) are updated."""

    kind = "plans"
    label = "教学计划"
    capability = "plans.import"
    description = "每行一门课程：专业、课程、类别（文化课/专业技能课/顶岗实习）、学时、学分、必做作业数。已有同名课程则更新。"
    columns = (
        Column("specialty", "专业", ("专业", "专业名称", "specialty"), True),
        Column("course", "课程", ("课程", "课程名称", "course"), True),
        Column("kind", "类别", ("类别", "课程类别", "课程类型", "kind"), True),
        Column("hours", "学时", ("学时", "课时", "hours"), True),
        Column("credits", "学分", ("学分", "credits"), True),
        Column("assignments", "必做作业数", ("必做作业数", "作业数", "必做作业", "作业（实操）数", "assignments"), True),
    )
    example = {"specialty": "刺绣", "course": "刺绣基础针法", "kind": "专业技能课", "hours": "54", "credits": "3",
               "assignments": "3"}
    text_columns = ()

    def check(self, rows: list[SourceRow]) -> list[PlannedCourse]:
        specialties = {s.name: s for s in db.session.scalars(select(Specialty))}
        courses = {(c.specialty_id, c.name): c for c in db.session.scalars(select(Course))}
        seen: dict[tuple[int, str], int] = {}
        planned = []
        for row in rows:
            name = clean_text(row.get("specialty"))
            specialty = specialties.get(name)
            if specialty is None:
                guess = closest_name(name, specialties)
                self.refuse(row, "specialty", f"专业“{name or '（空）'}”不存在" + (f"，是否是“{guess}”？" if guess else ""))
                continue
            course_name = clean_text(row.get("course"))
            if not course_name or len(course_name) > 60:
                self.refuse(row, "course", "课程名称不能为空" if not course_name else "课程名称超过 60 个字")
                continue
            kind = cell(self, row, "kind", parse_choice, KIND_CHOICES, "类别", shown=("文化课", "专业技能课", "顶岗实习"))
            hours = cell(self, row, "hours", parse_decimal, min=Decimal("0.5"), max=2000)
            credits = cell(self, row, "credits", parse_decimal, min=0, max=100)
            work = cell(self, row, "assignments", parse_int, min=0, max=50)
            if None in (kind, hours, credits, work):
                continue
            key = (specialty.id, course_name)
            if key in seen:
                self.refuse(row, "course", f"与第 {seen[key]} 行是同一专业的同一课程")
                continue
            seen[key] = row.number
            minutes = int(hours * 60)
            current = courses.get(key)
            if current is not None and (current.kind, current.minutes, current.credits, current.required_assignments) \
                    == (kind, minutes, credits, work):
                self.unchanged += 1
                continue
            planned.append(PlannedCourse(specialty, current, course_name, kind, minutes, credits, work))
        return planned

    def write(self, planned: list[PlannedCourse]) -> int:
        for item in planned:
            save_course(actor=self.actor, specialty=item.specialty, course=item.course, name=item.name,
                        kind=item.kind, minutes=item.minutes, credits=item.credits,
                        required_assignments=item.required_assignments)
        return len(planned)
