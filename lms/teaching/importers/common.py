"""Shared checks of the hour imports: finding learners by ID number or student number (set-based, in
scope), the dates hours may carry, and the daily cap (lms.rules.crediting) across the file and the database."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.imports.cells import CellError, clean_text, is_blank
from lms.learners.idnumbers import IdNumberError, normalise_id_number
from lms.learners.lookup import hash_id
from lms.learners.models import Learner
from lms.learners.studying import study_histories
from lms.rules import StudyHistory, daily_cap_reason, exceeds_daily_cap
from lms.teaching.hours import CHUNK, daily_minutes

NOT_FOUND = "该身份证号没有已报名的学员（或不在您的管辖范围内）"


class LearnerFinder:
    """Resolve the ID-number (and optional student-number) cells of a file to learners in one pass.

    Call `read(row, key)` for every row first (it parses and remembers), then `load(scope)` once
    (two queries per 500 learners: the learners and their status histories), then `learner(row)` and
    `history(learner)` (for check_study_day: hours only on days the learner is studying).
    """

    def __init__(self, importer):
        self.importer = importer
        self.keys: dict[int, tuple[str, str]] = {}
        self.by_hash: dict[str, Learner] = {}
        self.by_number: dict[str, Learner] = {}
        self.histories: dict[int, StudyHistory] = {}

    def read(self, row, id_key: str = "id_number", number_key: str | None = None) -> bool:
        """Parse the row's learner cell(s); refuse the row and return False when unusable."""
        if not is_blank(row.get(id_key)):
            try:
                number = normalise_id_number(row.get(id_key), today=self.importer.today).number
            except IdNumberError as error:
                self.importer.refuse(row, id_key, error.message)
                return False
            self.keys[row.number] = ("hash", hash_id(number))
            return True
        if number_key and not is_blank(row.get(number_key)):
            self.keys[row.number] = ("number", clean_text(row.get(number_key)))
            return True
        self.importer.refuse(row, id_key, "身份证号不能为空" + ("（或填写学号）" if number_key else ""))
        return False

    def load(self, scope) -> None:
        """Fetch every learner the rows named, within the scope."""
        hashes = sorted({value for kind, value in self.keys.values() if kind == "hash"})
        numbers = sorted({value for kind, value in self.keys.values() if kind == "number"})
        for column, values, found in ((Learner.id_hash, hashes, self.by_hash),
                                      (Learner.student_number, numbers, self.by_number)):
            for start in range(0, len(values), CHUNK):
                for learner in db.session.scalars(select(Learner).where(
                        column.in_(values[start:start + CHUNK]), Learner.in_scope(scope))):
                    found[learner.id_hash if column is Learner.id_hash else learner.student_number] = learner
        self.histories = study_histories({learner.id: learner for learner in
                                          [*self.by_hash.values(), *self.by_number.values()]}.values())

    def learner(self, row) -> Learner | None:
        """The learner of a row read earlier, or None (not enrolled, or outside the scope)."""
        kind, value = self.keys[row.number]
        return (self.by_hash if kind == "hash" else self.by_number).get(value)

    def history(self, learner: Learner) -> StudyHistory:
        """The status history of a learner found by `load`."""
        return self.histories[learner.id]


class DailyLimit:
    """The daily cap (lms.rules.exceeds_daily_cap) for hours in a file, on top of what the database already
    holds — the same rule and words as the sheet and the self-study form."""

    def __init__(self):
        self.pending: list[tuple[object, int, date, int, str]] = []

    def add(self, row, learner_id: int, day: date, minutes: int, key: str) -> None:
        """Remember a row's minutes for the check (rows are refused by `check`, in file order)."""
        self.pending.append((row, learner_id, day, minutes, key))

    def check(self, importer, *, credited_elsewhere=None) -> set[int]:
        """Refuse rows that push a learner's day over the cap; return the refused row numbers.

        `credited_elsewhere(learner_id, day)` gives minutes already in the database that the file
        replaces (e.g. the same session's attendance) and must not be counted twice.
        """
        existing = daily_minutes({p[1] for p in self.pending}, {p[2] for p in self.pending})
        running: dict[tuple[int, date], int] = defaultdict(int)
        refused = set()
        for row, learner_id, day, minutes, key in self.pending:
            base = existing.get((learner_id, day), 0)
            if credited_elsewhere is not None:
                base -= credited_elsewhere(learner_id, day)
            if exceeds_daily_cap(base + running[(learner_id, day)], minutes):
                importer.refuse(row, key, daily_cap_reason(day))
                refused.add(row.number)
                continue
            running[(learner_id, day)] += minutes
        return refused


def cell(importer, row, key: str, parse, *args, **kwargs):
    """Parse one cell with `parse`; on CellError refuse the row (naming the column) and return None."""
    try:
        return parse(row.get(key), *args, **kwargs)
    except CellError as error:
        importer.refuse(row, key, error.message)
        return None
