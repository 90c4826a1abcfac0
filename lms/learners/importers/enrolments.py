"""`enrolments`: learners already enrolled on paper or in another system (county IT migrating ledgers).

A teaching point or class named in the file that does not exist yet is created and listed in the
summary; an ID number already enrolled is refused unless the row describes that same enrolment
(then it is unchanged, so importing a file twice adds nothing).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import insert, select, update

from lms import summaries
from lms.audit.models import AuditEvent
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.core.sequences import next_value
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.imports.cells import CellError, clean_text, closest_name, parse_date
from lms.imports.headers import Column, common_column
from lms.imports.pipeline import Importer, SourceRow
from lms.learners.codes import parse_education, parse_ethnicity
from lms.learners.idnumbers import IdNumber
from lms.learners.importers.common import (
    DivisionResolver,
    IdColumn,
    name_key,
    optional_phone,
    required_name,
    rows_by_hash,
)
from lms.learners.models import Learner, RosterEntry
from lms.learners.pinyin import name_initials
from lms.learners.queries import village_labels
from lms.learners.services import EnrolmentTerms, already_enrolled_message, enrolment_terms
from lms.learners.services.student_numbers import allocate_student_numbers
from lms.teaching.models import Specialty, TeachingClass

_BRACKET = re.compile(r"[(（].*$")


# A teaching point or class named by the file is shared by all its rows, and write() gives a new one its
# id once for all of them: so these two are mutable (and compared by identity), unlike the planned rows.
@dataclass(slots=True, eq=False)
class PlannedPoint:
    """A teaching point a row names: an existing one (id set) or one write() creates in `village_id`."""

    id: int | None
    name: str
    village_id: int | None = None
    place: str = ""                  # township and village names, the new point's address


@dataclass(slots=True, eq=False)
class PlannedClass:
    """A class a row names: an existing one (id set) or one write() creates at `point` for `cohort`."""

    id: int | None
    name: str
    specialty_id: int
    cohort: int | None = None
    point: PlannedPoint | None = None


@dataclass(frozen=True, slots=True)
class NewEnrolment:
    """A learner the file enrols (the import never updates a learner: an enrolled ID is unchanged or refused)."""

    row: SourceRow
    number: IdNumber
    hash: str
    name: str
    village_id: int
    village_code: str
    specialty_id: int
    point: PlannedPoint
    teaching_class: PlannedClass | None
    enrolled_on: date
    education: str
    ethnicity: str
    phone: str
    student_number: str             # "" = generate one
    terms: EnrolmentTerms
    roster_entry_id: int | None = None


class EnrolmentImporter(Importer[NewEnrolment]):
    """报名: one row per learner with village, teaching point, specialty, class and enrolment date."""

    kind = "enrolments"
    label = "报名学员"
    capability = "learners.enrol"
    description = ("已报名学员的台账（例如从纸质台账或其他系统迁移）。不存在的教学点和班级会自动新建；已报名的身份证号"
                   "会被拒绝。年龄按入学日期检查，学制和修业期按入学前文化程度确定，未填学号的按学校的学号格式生成。")
    person_column = "name"
    columns = (
        common_column("id_number", required=True),
        common_column("name", required=True),
        common_column("township", "乡镇", required=True),
        common_column("village", "村", required=True),
        Column("point", "教学点", ("教学点", "教学点名称", "培训点", "上课地点"), True),
        Column("specialty", "专业", ("专业", "修读专业", "专业名称", "所学专业"), True),
        Column("class_name", "班级", ("班级", "班级名称", "班名")),
        Column("enrolled_on", "入学日期", ("入学日期", "报名日期", "入学时间"), True),
        Column("education", "入学前文化程度", ("入学前文化程度", "入学前学历", "文化程度", "学历"), True),
        common_column("ethnicity"),
        common_column("phone"),
        Column("student_number", "学号", ("学号", "校内学号")),
    )
    example = {"id_number": "522327198506150021", "name": "王德才", "township": "清水镇", "village": "上寨村",
               "point": "上寨村新时代农民讲习所", "specialty": "种植（含园林、林下种植）", "class_name": "上寨种植2025级1班",
               "enrolled_on": "2025-03-01", "education": "未上过学", "ethnicity": "布依族", "phone": "13812345678"}
    text_columns = ("id_number", "student_number", "phone")

    def check(self, rows: list[SourceRow]) -> list[NewEnrolment]:
        self._resolver = DivisionResolver(self.scope)
        self._ids = IdColumn(self, self.today)
        self._load_places()
        self._numbers_in_file: dict[str, int] = {}
        candidates = [item for row in rows if (item := self._check_row(row)) is not None]
        return self._against_existing(candidates)

    # --- reference data, loaded once --------------------------------------------------------------

    def _load_places(self) -> None:
        self._specialties: dict[str, tuple[int, str]] = {}
        short: dict[str, list[tuple[int, str]]] = {}
        for sid, name in db.session.execute(select(Specialty.id, Specialty.name).where(Specialty.active)):
            self._specialties[name_key(name)] = (sid, name)
            short.setdefault(name_key(_BRACKET.sub("", name)), []).append((sid, name))
        for key, matches in short.items():       # 养殖 → 养殖(含畜牧兽医、水产养殖) when unambiguous
            if len(matches) == 1:
                self._specialties.setdefault(key, matches[0])
        township = db.aliased(Division)
        self._points: dict[tuple[int, str], PlannedPoint] = {}
        for pid, name, township_id in db.session.execute(
                select(TeachingPoint.id, TeachingPoint.name, township.id)
                .join(Division, TeachingPoint.village_id == Division.id).join(township, Division.parent_id == township.id)):
            self._points[(township_id, name_key(name))] = PlannedPoint(pid, name)
        self._classes: dict[tuple[int, str], PlannedClass] = {}
        for cid, name, point_id, specialty_id in db.session.execute(
                select(TeachingClass.id, TeachingClass.name, TeachingClass.teaching_point_id, TeachingClass.specialty_id)):
            self._classes[(point_id, name_key(name))] = PlannedClass(cid, name, specialty_id)
        self._township_of_village = dict(db.session.execute(
            select(Division.id, Division.parent_id).where(Division.level == "village")).all())

    # --- one row ------------------------------------------------------------------------------------

    def _check_row(self, row: SourceRow) -> NewEnrolment | None:
        number = self._ids.parse(row)
        if number is None:
            return None
        name = required_name(self, row)
        if name is None:
            return None
        place = self._resolver.resolve(self, row)
        if place is None:
            return None
        village_id, village_name, village_code, township_name = place
        specialty = self._specialty(row)
        if specialty is None:
            return None
        try:
            enrolled_on = parse_date(row.get("enrolled_on"), not_after=self.today)
        except CellError as error:
            self.refuse(row, "enrolled_on", error.message)
            return None
        try:
            education = parse_education(row.get("education"), label="入学前文化程度")
        except CellError as error:
            self.refuse(row, "education", error.message)
            return None
        ethnicity = self._ethnicity(row)
        if ethnicity is None:
            return None
        phone = optional_phone(self, row)
        if phone is None:
            return None
        student_number = self._student_number(row)
        if student_number is None:
            return None
        try:
            terms = enrolment_terms(birth_on=number.birth_on, prior_education=education, enrolled_on=enrolled_on)
        except DomainError as error:
            self.refuse(row, "enrolled_on", error.message)
            return None
        township_id = self._township_of_village[village_id]
        point = self._point(row, township_id, village_id, f"{township_name}{village_name}")
        if point is None:
            return None
        teaching_class = self._class(row, point, specialty, terms.cohort)
        if teaching_class is False:
            return None
        return NewEnrolment(row, number, self._ids.hash(number.number), name, village_id, village_code, specialty[0],
                            point, teaching_class, enrolled_on, education, ethnicity, phone, student_number, terms)

    def _specialty(self, row: SourceRow) -> tuple[int, str] | None:
        text = name_key(row.get("specialty"))
        if not text:
            self.refuse(row, "specialty", "专业不能为空")
            return None
        found = self._specialties.get(text)
        if found is None:
            suggestion = closest_name(text, [name for _, name in self._specialties.values()])
            hint = f"，是否为“{suggestion}”？" if suggestion else ""
            self.refuse(row, "specialty", f"没有名为“{text}”的专业{hint}")
        return found

    def _ethnicity(self, row: SourceRow) -> str | None:
        if not clean_text(row.get("ethnicity")):
            self.warn(row, "ethnicity", "民族未填写，请在学员档案中补充（学籍注册需要）")
            return ""
        try:
            return parse_ethnicity(row.get("ethnicity"))
        except CellError as error:
            self.refuse(row, "ethnicity", error.message)
            return None

    def _student_number(self, row: SourceRow) -> str | None:
        """The row's own 学号 ("" = generate one), or None after refusing the row."""
        raw = row.get("student_number")
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = clean_text(raw).replace(" ", "")
        if not text:
            return ""
        if len(text) > 30:
            self.refuse(row, "student_number", "学号超过 30 个字符")
            return None
        first = self._numbers_in_file.setdefault(text, row.number)
        if first != row.number:
            self.refuse(row, "student_number", f"学号 {text} 与第 {first} 行重复")
            return None
        return text

    def _point(self, row: SourceRow, township_id: int, village_id: int, place: str) -> PlannedPoint | None:
        text = name_key(row.get("point"))
        if not text:
            self.refuse(row, "point", "教学点不能为空")
            return None
        if len(text) > 80:
            self.refuse(row, "point", "教学点名称超过 80 个字")
            return None
        point = self._points.get((township_id, text))
        if point is None:               # created by write(), in this row's village
            point = PlannedPoint(None, text, village_id, place)
            self._points[(township_id, text)] = point
            self.note_created("教学点", f"{text}（{place}）")
        return point

    def _class(self, row: SourceRow, point: PlannedPoint, specialty: tuple[int, str],
               cohort: int) -> PlannedClass | None | bool:
        """The row's class (existing or to be created), None when the row names none, False when refused."""
        text = name_key(row.get("class_name"))
        if not text:
            return None
        if len(text) > 60:
            self.refuse(row, "class_name", "班级名称超过 60 个字")
            return False
        # A point this file creates has no id yet: its object's identity keys its classes meanwhile.
        key = (point.id or id(point), text)
        found = self._classes.get(key)
        if found is None:
            found = PlannedClass(None, text, specialty[0], cohort, point)
            self._classes[key] = found
            self.note_created("班级", f"{text}（{point.name}）")
        elif found.specialty_id != specialty[0]:
            self.refuse(row, "class_name", f"班级“{text}”不是“{specialty[1]}”专业的班，请核对专业或班级")
            return False
        return found

    # --- against what the system already holds -------------------------------------------------------

    def _against_existing(self, candidates: list[NewEnrolment]) -> list[NewEnrolment]:
        hashes = [c.hash for c in candidates]
        learners = rows_by_hash((Learner.name, Learner.village_id, Learner.specialty_id, Learner.enrolled_on,
                                 Learner.student_number), Learner.id_hash, hashes)
        entries = rows_by_hash((RosterEntry.id, RosterEntry.status), RosterEntry.id_hash, hashes)
        given = [c.student_number for c in candidates if c.student_number]
        taken = set()
        for start in range(0, len(given), 5000):
            taken.update(db.session.scalars(select(Learner.student_number)
                                            .where(Learner.student_number.in_(given[start:start + 5000]))))
        visible = village_labels({row.village_id for row in learners.values()}, self.scope)
        planned = []
        for item in candidates:
            existing = learners.get(item.hash)
            if existing is not None:
                same = (existing.name, existing.village_id, existing.specialty_id, existing.enrolled_on) == (
                    item.name, item.village_id, item.specialty_id, item.enrolled_on)
                if same:
                    self.unchanged += 1
                else:
                    self.refuse(item.row, "id_number", already_enrolled_message(
                        visible.get(existing.village_id), existing.student_number))
                continue
            if item.student_number in taken:
                self.refuse(item.row, "student_number", f"学号 {item.student_number} 已被其他学员使用")
                continue
            entry = entries.get(item.hash)
            planned.append(item if entry is None else replace(item, roster_entry_id=entry.id))
        return planned

    # --- writing ---------------------------------------------------------------------------------------

    def write(self, planned: list[NewEnrolment]) -> int:
        self._create_points_and_classes(planned)
        generated = allocate_student_numbers(
            [(item.terms.cohort, item.village_code) for item in planned if not item.student_number])
        numbers = iter(generated)
        values = []
        for item in planned:
            number, terms = item.number, item.terms
            values.append({
                "roster_entry_id": item.roster_entry_id, "id_number": number.number, "id_hash": item.hash,
                "name": item.name, "name_initials": name_initials(item.name), "sex": number.sex,
                "ethnicity": item.ethnicity, "birth_on": number.birth_on, "prior_education": item.education,
                "target_group": terms.target_group, "phone": item.phone, "village_id": item.village_id,
                "teaching_point_id": item.point.id, "specialty_id": item.specialty_id,
                "class_id": item.teaching_class.id if item.teaching_class else None,
                "student_number": item.student_number or next(numbers), "cohort": terms.cohort,
                "enrolled_on": item.enrolled_on, "programme_years": terms.programme_years,
                "period_end_on": terms.period_end_on, "status": "studying",
                "enrolled_by_id": getattr(self.actor, "id", None)})
        created = db.session.execute(insert(Learner).returning(Learner.id, Learner.student_number), values).all()
        summaries.learners_changed(learner_id for learner_id, _ in created)
        entry_ids = [item.roster_entry_id for item in planned if item.roster_entry_id]
        for start in range(0, len(entry_ids), 5000):
            db.session.execute(update(RosterEntry).where(RosterEntry.id.in_(entry_ids[start:start + 5000]))
                               .values(status="enrolled", status_reason=""))
        self._audit_each(created, {v["student_number"]: v for v in values})
        db.session.flush()
        return len(planned)

    def _create_points_and_classes(self, planned: list[NewEnrolment]) -> None:
        for item in planned:
            point = item.point
            if point.id is None:
                created = TeachingPoint(name=point.name, kind="其他", village_id=point.village_id, address=point.place)
                db.session.add(created)
                db.session.flush()
                point.id = created.id
        for item in planned:
            teaching_class = item.teaching_class
            if teaching_class and teaching_class.id is None:
                created = TeachingClass(code=_new_class_code(teaching_class.cohort), name=teaching_class.name,
                                        specialty_id=teaching_class.specialty_id,
                                        teaching_point_id=teaching_class.point.id, cohort=teaching_class.cohort)
                db.session.add(created)
                db.session.flush()
                teaching_class.id = created.id

    def _audit_each(self, created, values_by_number: dict) -> None:
        """One learner.enrol event per learner, so every record's trail starts with its import."""
        actor = self.actor
        at = now_utc()
        db.session.execute(insert(AuditEvent), [
            {"at": at, "user_id": getattr(actor, "id", None),
             "actor_label": getattr(actor, "display_name", None) or "命令行", "action": "learner.enrol",
             "entity_type": "learner", "entity_id": str(learner_id),
             "summary": f"导入报名：{values_by_number[number]['name']}（{number}）", "remote_addr": ""}
            for learner_id, number in created])


def _new_class_code(cohort: int) -> str:
    """A class code not yet used: 2025-I001, 2025-I002 … (I for imported)."""
    while True:
        code = f"{cohort}-I{next_value(f'class_code:{cohort}'):03d}"
        if db.session.scalar(select(TeachingClass.id).where(TeachingClass.code == code)) is None:
            return code
