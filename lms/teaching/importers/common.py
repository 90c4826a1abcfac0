"""Shared checks of the hour imports: finding learners by ID number or student number (set-based, in
scope), the dates hours may carry, and the daily caps (lms.rules.crediting) across the file and the database."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.imports.cells import CellError, clean_text, is_blank
from lms.learners.idnumbers import IdNumberError, normalise_id_number
from lms.learners.lookup import hash_id
from lms.learners.models import Learner
from lms.learners.studying import study_histories
from lms.policies.services import policies_for
from lms.rules import StudyHistory, daily_cap_problem
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
    """The daily caps (lms.rules.daily_cap_problem, the policy of each learner's cohort) for the hours of a
    file, row after row on top of what the database already holds — the same rule and words as the
    attendance sheet and the self-study form."""

    def __init__(self):
        self.pending: list[tuple[object, Learner, date, str, int, str, int]] = []

    def add(self, row, learner: Learner, day: date, category: str, minutes: int, key: str, *,
            replaces: int = 0) -> None:
        """Remember a row's minutes of `category` for the check (rows are refused by `check`, in file order).
        `replaces`: the minutes of that category the row overwrites in the database (the same session's
        attendance), not counted twice."""
        self.pending.append((row, learner, day, category, minutes, key, replaces))

    def check(self, importer) -> set[int]:
        """Refuse the rows that push a learner's day over a cap (the message names the learner, the day and
        the cap, in the column `key`); return the refused row numbers. Two queries per 500 learners."""
        if not self.pending:
            return set()
        learners = {p[1].id: p[1] for p in self.pending}
        held = daily_minutes(learners, {p[2] for p in self.pending})
        policies = policies_for({learner.cohort for learner in learners.values()})
        refused = set()
        for row, learner, day, category, minutes, key, replaces in self.pending:
            day_minutes = held.setdefault((learner.id, day), {})
            problem = daily_cap_problem(policies[learner.cohort], category, day_minutes, minutes - replaces, day,
                                        who=learner.name)
            if problem:
                importer.refuse(row, key, problem)
                refused.add(row.number)
                continue
            day_minutes[category] = day_minutes.get(category, 0) + minutes - replaces
        return refused


def cell(importer, row, key: str, parse, *args, **kwargs):
    """Parse one cell with `parse`; on CellError refuse the row (naming the column) and return None."""
    try:
        return parse(row.get(key), *args, **kwargs)
    except CellError as error:
        importer.refuse(row, key, error.message)
        return None
