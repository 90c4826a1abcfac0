"""`roster`: the statistics bureau's list of 15–59-year-olds who never went to school."""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update

from lms.core.bulk import bulk_insert
from lms.core.clock import now_utc
from lms.extensions import db
from lms.imports.cells import SEX_CHOICES, CellError, clean_text, parse_choice
from lms.imports.headers import common_column
from lms.imports.lookup import analyse_after_bulk_write
from lms.imports.pipeline import Importer, SourceRow
from lms.learners.codes import parse_education
from lms.learners.idnumbers import IdNumber
from lms.learners.importers.common import (
    DivisionResolver,
    IdColumn,
    memoised,
    optional_phone,
    required_name,
    rows_by_hash,
)
from lms.learners.models import SEX_LABELS, Learner, RosterEntry
from lms.learners.pinyin import name_initials
from lms.learners.queries import village_labels
from lms.policies.services import policy_for
from lms.rules import check_age
from lms.rules.age import birth_window


@dataclass(frozen=True, slots=True)
class NewRosterEntry:
    """A person the roster does not hold yet (as checked, before the look-up: the same row then becomes a
    RosterEntryUpdate, an unchanged row or a refusal when the ID is already on the roster)."""

    row: SourceRow
    name: str
    number: IdNumber
    hash: str
    village_id: int
    education: str
    phone: str
    learner_id: int | None = None      # a walk-in enrolled before the roster came: linked to the new entry

    def to_row(self, now: datetime, initials=name_initials) -> dict:
        """The roster_entries row, for bulk_insert (built by hand: dataclasses.asdict is slow); `initials` may be
        a memoised name_initials."""
        number = self.number
        return {"created_at": now, "updated_at": now, "name": self.name, "name_initials": initials(self.name),
                "id_number": number.number, "id_hash": self.hash, "sex": number.sex, "birth_on": number.birth_on,
                "village_id": self.village_id, "education": self.education, "phone": self.phone,
                "status": "enrolled" if self.learner_id else "pending"}


@dataclass(frozen=True, slots=True)
class RosterEntryUpdate:
    """An entry already on the roster, in the same village: the new values (None = unchanged)."""

    row: SourceRow
    entry_id: int
    name: str | None = None
    education: str | None = None
    phone: str | None = None

    def values(self) -> dict:
        """The columns to set (name_initials follows the name)."""
        values = {}
        if self.name is not None:
            values["name"] = self.name
            values["name_initials"] = name_initials(self.name)
        if self.education is not None:
            values["education"] = self.education
        if self.phone is not None:
            values["phone"] = self.phone
        return values


PlannedRosterRow = NewRosterEntry | RosterEntryUpdate


class RosterImporter(Importer[PlannedRosterRow]):
    """名册: one row per person; re-importing updates name, education and phone in the same village."""

    kind = "roster"
    label = "名册"
    capability = "roster.import"
    description = ("统计部门提供的 15–59 周岁未上学劳动者名册。同一身份证号再次导入时，只更新姓名、文化程度和"
                   "联系电话；已在其他村登记的人会被拒绝。")
    columns = (
        common_column("name", required=True),
        common_column("id_number", required=True),
        common_column("sex"),
        common_column("township", "乡镇", required=True),
        common_column("village", "村", required=True),
        common_column("education"),
        common_column("phone"),
    )
    person_column = "name"
    example = {"name": "王德才", "id_number": "522327198506150021", "sex": "女", "township": "清水镇",
               "village": "上寨村", "education": "未上过学", "phone": "13812345678"}

    def check(self, rows: list[SourceRow]) -> list[PlannedRosterRow]:
        resolver = DivisionResolver(self.scope)
        ids = IdColumn(self, self.today)
        policy = policy_for(self.today.year)
        # Blank cells are allowed in both columns ("" = not given).
        self._sex = memoised(lambda cell: parse_choice(cell, SEX_CHOICES, "性别", shown=tuple(SEX_LABELS.values()))
                             if clean_text(cell) else "")
        self._education = memoised(lambda cell: parse_education(cell) if clean_text(cell) else "")
        self._age = functools.lru_cache(maxsize=65536)(lambda born: check_age(born, self.today, policy))
        # R1 as two dates, once per file: most rows pass with two comparisons; the rule words the others.
        self._born_window = birth_window(self.today, policy)
        candidates = []
        for row in rows:
            item = self._check_row(row, resolver, ids)
            if item is not None:
                candidates.append(item)
        return self._against_existing(candidates)

    def _check_row(self, row: SourceRow, resolver: DivisionResolver, ids: IdColumn) -> NewRosterEntry | None:
        name = required_name(self, row)
        if name is None:
            return None
        number = ids.parse(row)
        if number is None:
            return None
        try:
            sex = self._sex(row.get("sex"))
        except CellError as error:
            self.refuse(row, "sex", error.message)
            return None
        if sex and sex != number.sex:
            self.refuse(row, "sex", f"性别“{SEX_LABELS[sex]}”与身份证号（{SEX_LABELS[number.sex]}）不符")
            return None
        place = resolver.resolve(self, row)
        if place is None:
            return None
        try:
            education = self._education(row.get("education"))
        except CellError as error:
            self.refuse(row, "education", error.message)
            return None
        phone = optional_phone(self, row)
        if phone is None:
            return None
        earliest, latest = self._born_window
        if not earliest <= number.birth_on <= latest:
            age = self._age(number.birth_on)
            self.warn(row, "id_number", f"按今天计算{age.reason.removeprefix('入学时 ')}，报名时会被拒绝")
        return NewRosterEntry(row, name, number, ids.hash(number.number), place[0], education, phone)

    def _against_existing(self, candidates: list[NewRosterEntry]) -> list[PlannedRosterRow]:
        hashes = [c.hash for c in candidates]
        entries = rows_by_hash((RosterEntry.id, RosterEntry.village_id, RosterEntry.name, RosterEntry.education,
                                RosterEntry.phone), RosterEntry.id_hash, hashes)
        learners = rows_by_hash((Learner.id, Learner.roster_entry_id), Learner.id_hash, hashes)
        in_scope = village_labels({e.village_id for e in entries.values()}, self.scope)
        planned: list[PlannedRosterRow] = []
        for item in candidates:
            entry = entries.get(item.hash)
            if entry is None:
                learner = learners.get(item.hash)
                if learner is not None and learner.roster_entry_id is None:
                    item = replace(item, learner_id=learner.id)
                planned.append(item)
                continue
            if entry.village_id != item.village_id:
                message = (f"该身份证号已在名册中（{in_scope[entry.village_id]}），不能重复登记"
                           if entry.village_id in in_scope
                           else "该身份证号已在其他乡镇（街道）的名册中，不能重复登记；如有疑问请联系县教育局")
                self.refuse(item.row, "id_number", message)
                continue
            name = item.name if entry.name != item.name else None
            education = item.education if item.education and item.education != entry.education else None
            phone = item.phone if item.phone and item.phone != entry.phone else None
            if name is None and education is None and phone is None:
                self.unchanged += 1
                continue
            planned.append(RosterEntryUpdate(item.row, entry.id, name, education, phone))
        return planned

    def write(self, planned: list[PlannedRosterRow]) -> int:
        new = [item for item in planned if isinstance(item, NewRosterEntry)]
        if new:
            now = now_utc()
            # Core insert (executemany), not ORM objects: 100,000 rows in one statement; the timestamps
            # are given once instead of calling their defaults per row.
            initials = functools.lru_cache(maxsize=None)(name_initials)    # names repeat across a county
            bulk_insert(RosterEntry.__table__, [item.to_row(now, initials) for item in new])
            # The next import (often the same file again, at once) is planned for the table as it now is.
            analyse_after_bulk_write(RosterEntry.__table__, len(new))
            self._link_enrolled_learners([item for item in new if item.learner_id])
        for item in planned:
            if isinstance(item, RosterEntryUpdate):
                db.session.execute(update(RosterEntry).where(RosterEntry.id == item.entry_id).values(**item.values()))
        db.session.flush()
        return len(planned)

    @staticmethod
    def _link_enrolled_learners(items: list[NewRosterEntry]) -> None:
        """People enrolled as walk-ins before the roster arrived: point their learner at the new entry."""
        if not items:
            return
        entry_ids = dict(db.session.execute(
            select(RosterEntry.id_hash, RosterEntry.id).where(RosterEntry.id_hash.in_([i.hash for i in items]))).all())
        for item in items:
            db.session.execute(update(Learner).where(Learner.id == item.learner_id)
                               .values(roster_entry_id=entry_ids[item.hash]))
