"""Import of teaching plans (`plans`): one course of a specialty per row, updating courses already there."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from lms.extensions import db
from lms.imports.cells import clean_text, closest_name, parse_choice, parse_decimal, parse_int
from lms.imports.headers import Column
from lms.imports.pipeline import Importer, SourceRow
from lms.rules import COURSE_KIND_LABELS, parts_from_hours
from lms.teaching.importers.common import cell
from lms.teaching.models import Course, Specialty
from lms.teaching.services import save_course, set_course_active

# A cell may hold the label (文化课 …) or one of these synonyms.
KIND_CHOICES = {**{label: kind for kind, label in COURSE_KIND_LABELS.items()}, "文化": "cultural",
                "技能课": "skill", "专业课": "skill", "专业技能": "skill", "实习": "internship"}


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


@dataclass(frozen=True, slots=True)
class StopCourse:
    """An active course the file does not name, stopped (deactivated) because the user chose to replace the plan."""

    course: Course


class PlanImporter(Importer[PlannedCourse | StopCourse]):
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
    options = {"replace": "停用文件未列出的课程（以本文件为这些专业的完整教学计划）"}

    def check(self, rows: list[SourceRow]) -> list[PlannedCourse]:
        specialties = {s.name: s for s in db.session.scalars(select(Specialty))}
        courses = {(c.specialty_id, c.name): c for c in db.session.scalars(select(Course))}
        seen: dict[tuple[int, str], int] = {}
        named: dict[tuple[int, str], int] = {}      # every course the file names, refused rows too
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
            named.setdefault((specialty.id, course_name), row.number)
            kind = cell(self, row, "kind", parse_choice, KIND_CHOICES, "类别", shown=tuple(COURSE_KIND_LABELS.values()))
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
            minutes = parts_from_hours(hours)
            current = courses.get(key)
            if current is not None and (current.kind, current.minutes, current.credits, current.required_assignments) \
                    == (kind, minutes, credits, work):
                self.unchanged += 1
                continue
            planned.append(PlannedCourse(specialty, current, course_name, kind, minutes, credits, work))
        return planned + self._unnamed(specialties, courses, named)

    def _unnamed(self, specialties, courses, named) -> list[StopCourse]:
        """The active courses of each specialty in the file that the file does not name: listed on the
        preview, and stopped (deactivated, never deleted) only when the user ticks the replace option."""
        first: dict[int, int] = {}
        for (specialty_id, _name), number in named.items():
            first[specialty_id] = min(number, first.get(specialty_id, number))
        stops = []
        by_id = {s.id: s for s in specialties.values()}
        for specialty_id, row_number in sorted(first.items(), key=lambda item: item[1]):
            left = sorted((c for (s, name), c in courses.items() if s == specialty_id and c.active
                           and (s, name) not in named), key=lambda c: (c.position, c.id))
            if not left:
                continue
            names = "、".join(f"《{c.name}》" for c in left)
            verb = "导入时停用" if "replace" in self.chosen else "保留；如要以本文件为完整计划，请勾选“停用文件未列出的课程”"
            self.warn(row_number, "specialty", f"{by_id[specialty_id].name}现有课程{names}不在文件中：{verb}")
            if "replace" in self.chosen:
                stops.extend(StopCourse(course) for course in left)
        return stops

    def write(self, planned: list[PlannedCourse | StopCourse]) -> int:
        for item in planned:
            if isinstance(item, StopCourse):
                set_course_active(actor=self.actor, course=item.course, active=False)
                continue
            save_course(actor=self.actor, specialty=item.specialty, course=item.course, name=item.name,
                        kind=item.kind, minutes=item.minutes, credits=item.credits,
                        required_assignments=item.required_assignments)
        return len(planned)
