"""Imports of assignments (作业完成), results (考核成绩, R7 applies) and moral evaluations (思想品德评价)."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from lms.assessment.facts import chunks, required_titles
from lms.assessment.models import AssessmentResult, MoralEvaluation
from lms.assessment.rights import rights_of
from lms.assessment.services import (
    active_results,
    check_result_day,
    completions_by_learner,
    exempted_courses,
    gate_on,
    load_completions,
    mark_completed,
    parse_score,
)
from lms.core.errors import DomainError
from lms.extensions import db
from lms.imports.cells import CellError, clean_text, closest_name, parse_choice, parse_date
from lms.imports.headers import Column, common_column
from lms.imports.pipeline import Importer, PlanT, SourceRow
from lms.learners.idnumbers import IdNumberError, normalise_id_number
from lms.learners.lookup import hash_id
from lms.learners.models import Learner
from lms.rules.studying import off_register_reason
from lms.teaching.models import Course

NOT_FOUND = "系统中没有这个身份证号的学员（或不在您的管辖范围内）"


class LearnerRowsImporter(Importer[PlanT]):
    """Base of imports keyed by ID number (and course): set-based look-ups of learners in scope and of
    the courses of their plans; rows of unknown learners or courses are refused with a suggestion."""

    capability = "assessment.record"

    def learners_of(self, rows: list[SourceRow]) -> dict[int, Learner]:
        """{row number: learner} for rows whose ID number names a learner in the importer's scope."""
        numbers: dict[int, str] = {}
        for row in rows:
            try:
                numbers[row.number] = normalise_id_number(row.get("id_number"), today=self.today).number
            except IdNumberError as error:
                self.refuse(row, "id_number", error.message)
        found: dict[str, Learner] = {}
        for part in chunks([hash_id(number) for number in set(numbers.values())]):
            for learner in db.session.scalars(select(Learner).where(Learner.id_hash.in_(part),
                                                                    Learner.in_scope(self.scope))):
                found[learner.id_number] = learner
        by_row = {}
        for row in rows:
            if row.number not in numbers:
                continue
            learner = found.get(numbers[row.number])
            if learner is None:
                self.refuse(row, "id_number", NOT_FOUND)
            else:
                by_row[row.number] = learner
        return by_row

    def load_plans(self, learners) -> None:
        """Remember the courses of every specialty these learners study (one query)."""
        specialties = {learner.specialty_id for learner in learners}
        self.plans: dict[int, dict[str, Course]] = defaultdict(dict)
        if specialties:
            for course in db.session.scalars(select(Course).where(Course.specialty_id.in_(specialties),
                                                                  Course.active.is_(True))):
                self.plans[course.specialty_id][course.name] = course

    def course_of(self, row: SourceRow, learner: Learner) -> Course | None:
        """The course named in the row, from the learner's plan; refuses the row otherwise."""
        name = clean_text(row.get("course"))
        if not name:
            self.refuse(row, "course", "课程不能为空")
            return None
        plan = self.plans.get(learner.specialty_id, {})
        course = plan.get(name)
        if course is None:
            guess = closest_name(name, plan)
            hint = f"，是不是“{guess}”？" if guess else ""
            self.refuse(row, "course", f"课程“{name}”不在该学员专业的教学计划中{hint}")
        return course

    def course_rows(self, rows: list[SourceRow]) -> Iterator[tuple[SourceRow, Learner, Course]]:
        """(row, learner, course) for each row naming a learner in scope, a course of their plan and one
        the importing user may record for; the other rows are refused. Learners and plans are looked up
        once for all rows."""
        learners = self.learners_of(rows)
        self.load_plans(learners.values())
        rights = rights_of(self.actor)
        for row in rows:
            learner = learners.get(row.number)
            course = self.course_of(row, learner) if learner else None
            if course is None:
                continue
            refusal = rights.refusal(learner.class_id, course)
            if refusal:
                self.refuse(row, "course", refusal)
                continue
            yield row, learner, course

    def date_of(self, row: SourceRow, key: str, learner: Learner) -> date | None:
        """A date cell between the learner's enrolment and today; refuses the row otherwise."""
        try:
            return parse_date(row.get(key), not_before=learner.enrolled_on, not_after=self.today)
        except CellError as error:
            self.refuse(row, key, error.message)
            return None


_TITLE = re.compile(r"^(?:第)?(\d{1,2})(?:次|项)?(?:作业|实操)?$|^(?:作业|实操)(\d{1,2})$")


def assignment_title(text: str, required: tuple[str, ...]) -> str | None:
    """"作业2", "2", "第2次作业" or "实操2" → "作业2" when the course requires it; else None."""
    if text in required:
        return text
    match = _TITLE.match(text.replace(" ", ""))
    if match is None:
        return None
    title = f"作业{int(match.group(1) or match.group(2))}"
    return title if title in required else None


@dataclass(frozen=True, slots=True)
class PlannedCompletion:
    """An assignment to mark completed (mark_completed: a voided one is restored, else one is added)."""

    learner: Learner
    course: Course
    title: str
    on: date


class AssignmentImporter(LearnerRowsImporter[PlannedCompletion]):
    """作业完成: one row per completed assignment/practical (R7)."""

    kind = "assignments"
    label = "作业完成"
    description = ("每行一项已完成的规定作业（实操）：课程的规定作业为作业1…作业N。"
                   "教师只能导入自己有权录入的课程（见考核录入页的说明）。")
    columns = (
        common_column("id_number", required=True),
        common_column("course", required=True),
        Column("title", "作业", ("作业", "作业名称", "实操", "作业（实操）", "作业实操"), True),
        Column("completed_on", "完成日期", ("完成日期", "完成时间", "日期"), True),
    )
    example = {"id_number": "522327198506150024", "course": "种植技术", "title": "作业1", "completed_on": "2025-05-06"}

    def check(self, rows: list[SourceRow]) -> list[PlannedCompletion]:
        candidates = []
        for row, learner, course in self.course_rows(rows):
            if (refusal := off_register_reason(learner.status, "记录作业")) is not None:
                self.refuse(row, "id_number", refusal)
                continue
            required = required_titles(course.required_assignments)
            text = clean_text(row.get("title"))
            title = assignment_title(text, required)
            if title is None:
                allowed = "、".join(required) if required else "（该课程没有规定作业）"
                self.refuse(row, "title", f"《{course.name}》没有“{text}”，规定作业是：{allowed}")
                continue
            on = self.date_of(row, "completed_on", learner)
            if on is not None:
                candidates.append((row, PlannedCompletion(learner, course, title, on)))
        existing = load_completions({c.learner.id for _, c in candidates}, {c.course.id for _, c in candidates})
        self._existing, planned, seen = existing, [], set()
        for _row, item in candidates:
            key = (item.learner.id, item.course.id, item.title)
            current = existing.get(key)
            if key in seen or (current is not None and current.voided_at is None):
                self.unchanged += 1
                continue
            seen.add(key)
            planned.append(item)
        return planned

    def write(self, planned: list[PlannedCompletion]) -> int:
        for item in planned:
            mark_completed(self._existing.get((item.learner.id, item.course.id, item.title)), actor=self.actor,
                           learner_id=item.learner.id, course_id=item.course.id, title=item.title, on=item.on)
        db.session.flush()
        return len(planned)


@dataclass(frozen=True, slots=True)
class PlannedResult:
    """One attempt at a course's assessment to add (attempts are never replaced)."""

    learner: Learner
    course: Course
    score: Decimal
    sat_on: date


class ResultImporter(LearnerRowsImporter[PlannedResult]):
    """考核成绩: one row per attempt; several rows of one course are attempts (补考). R7 applies."""

    kind = "results"
    label = "考核成绩"
    description = ("每行一次考核：成绩 0–100（最多一位小数），同一课程多行即补考，历次成绩都保留。"
                   "规定作业（实操）未在考核日期前全部完成的，该行不能导入。")
    columns = (
        common_column("id_number", required=True),
        common_column("course", required=True),
        Column("score", "成绩", ("成绩", "分数", "考核成绩", "得分", "score"), True),
        Column("sat_on", "考核日期", ("考核日期", "考试日期", "考核时间", "日期"), True),
    )
    example = {"id_number": "522327198506150024", "course": "读写算", "score": "78", "sat_on": "2025-06-20"}

    def check(self, rows: list[SourceRow]) -> list[PlannedResult]:
        candidates = []
        for row, learner, course in self.course_rows(rows):
            try:
                score = parse_score(row.get("score"))
            except DomainError as error:
                self.refuse(row, "score", error.message)
                continue
            on = self.date_of(row, "sat_on", learner)
            if on is None:
                continue
            problem = check_result_day(learner, on, self.today)
            if problem:
                self.refuse(row, "sat_on", problem)
                continue
            candidates.append((row, learner, course, score, on))
        learner_ids = {c[1].id for c in candidates}
        course_ids = {c[2].id for c in candidates}
        done = completions_by_learner(load_completions(learner_ids, course_ids))
        exempt = exempted_courses(learner_ids, course_ids)
        existing = active_results(learner_ids, course_ids)
        planned = []
        for row, learner, course, score, on in candidates:
            if (learner.id, course.id) in exempt:
                self.refuse(row, "course", f"《{course.name}》已批准免修/免考/免除，无需成绩")
                continue
            gate = gate_on(required_titles(course.required_assignments), done.get((learner.id, course.id), ()), on)
            if not gate.ok:
                self.refuse(row, "score", f"{gate.reason}（考核日期前），才能录入《{course.name}》的成绩")
                continue
            key = (learner.id, course.id, score, on)
            if key in existing:
                self.unchanged += 1
                continue
            existing.add(key)
            planned.append(PlannedResult(learner, course, score, on))
        return planned

    def write(self, planned: list[PlannedResult]) -> int:
        actor_id = getattr(self.actor, "id", None)
        db.session.add_all([AssessmentResult(learner_id=item.learner.id, course_id=item.course.id, score=item.score,
                                             sat_on=item.sat_on, recorded_by_id=actor_id) for item in planned])
        db.session.flush()
        return len(planned)


MORAL_CHOICES = {"合格": True, "不合格": False, "通过": True, "不通过": False, "pass": True, "fail": False}


@dataclass(frozen=True, slots=True)
class PlannedMoralEvaluation:
    """A moral evaluation to add (the newest one counts)."""

    learner: Learner
    passed: bool
    evaluated_on: date


class MoralImporter(LearnerRowsImporter[PlannedMoralEvaluation]):
    """思想品德评价: 合格/不合格 by the class head (or the registrar); the newest evaluation counts."""

    kind = "moral"
    label = "思想品德评价"
    description = "每行一次思想品德评价（合格/不合格）。教师只能导入自己担任班主任的班级；以最新评价为准。"
    columns = (
        common_column("id_number", required=True),
        Column("result", "结论", ("结论", "评价结论", "评价结果", "思想品德评价", "思想品德"), True),
        Column("evaluated_on", "评价日期", ("评价日期", "日期"), True),
    )
    example = {"id_number": "522327198506150024", "result": "合格", "evaluated_on": "2025-12-20"}

    def check(self, rows: list[SourceRow]) -> list[PlannedMoralEvaluation]:
        learners = self.learners_of(rows)
        rights = rights_of(self.actor)
        candidates = []
        for row in rows:
            learner = learners.get(row.number)
            if learner is None:
                continue
            refusal = rights.moral_refusal(learner.class_id)
            if refusal:
                self.refuse(row, "id_number", refusal)
                continue
            try:
                passed = parse_choice(row.get("result"), {k: str(v) for k, v in MORAL_CHOICES.items()}, "结论",
                                      shown=("合格", "不合格")) == "True"
            except CellError as error:
                self.refuse(row, "result", error.message)
                continue
            on = self.date_of(row, "evaluated_on", learner)
            if on is not None:
                candidates.append((learner, passed, on))
        existing = set(db.session.execute(
            select(MoralEvaluation.learner_id, MoralEvaluation.passed, MoralEvaluation.evaluated_on)
            .where(MoralEvaluation.learner_id.in_([c[0].id for c in candidates]))).all())
        planned = []
        for learner, passed, on in candidates:
            if (learner.id, passed, on) in existing:
                self.unchanged += 1
                continue
            existing.add((learner.id, passed, on))
            planned.append(PlannedMoralEvaluation(learner, passed, on))
        return planned

    def write(self, planned: list[PlannedMoralEvaluation]) -> int:
        actor_id = getattr(self.actor, "id", None)
        db.session.add_all([MoralEvaluation(learner_id=item.learner.id, passed=item.passed,
                                            evaluated_on=item.evaluated_on, evaluator_id=actor_id)
                            for item in planned])
        db.session.flush()
        return len(planned)
