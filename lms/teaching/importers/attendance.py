"""Import of attendance from filled sign-in sheets (`attendance`): one learner's mark at one session per row."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, update

from lms import summaries
from lms.core.clock import now_utc
from lms.extensions import db
from lms.imports.cells import clean_text, closest_name, is_blank, parse_choice, parse_date, parse_hours_as_parts
from lms.imports.headers import Column, common_column
from lms.imports.pipeline import Importer, SourceRow
from lms.rules import (
    ATTENDANCE_STATUS_LABELS,
    DAY_MINUTES,
    PARTS_PER_HOUR,
    SESSION_MODE_LABELS,
    day_minutes_problem,
    format_hours,
    mark_minutes,
    mark_problem,
    session_category,
)
from lms.teaching.importers.common import NOT_FOUND, DailyLimit, LearnerFinder, cell
from lms.teaching.models import Attendance, ClassSession, Course, TeachingClass
from lms.teaching.services.selfstudy import check_study_day

# A cell may hold the label (面授, 出勤 …) or one of these synonyms.
MODE_CHOICES = {**{label: mode for mode, label in SESSION_MODE_LABELS.items()},
                "集中面授": "face", "现场": "face", "线下": "face",
                "直播": "live", "线上": "live", "集中线上": "live", "线上教学": "live"}
STATUS_CHOICES = {**{label: status for status, label in ATTENDANCE_STATUS_LABELS.items()},
                  "到": "present", "正常": "present", "√": "present", "早退": "late",
                  "假": "leave", "旷课": "absent", "缺": "absent", "×": "absent"}


#: A session as a file names it: class id, day, course id, mode.
SessionKey = tuple[int, date, int, str]


@dataclass(frozen=True, slots=True)
class PlannedMark:
    """One learner's mark at one session: `current` None adds an attendance row, else that row is changed;
    `session` None means write() creates the session (once for all rows of its key)."""

    row: int
    session_key: SessionKey
    session: ClassSession | None
    learner_id: int
    status: str
    minutes: int                      # credited
    current: Attendance | None
    session_minutes: int
    label: str                        # the session as the summary lists a created one


class AttendanceImporter(Importer[PlannedMark]):
    """考勤: rows of one class, date, course and mode form one session (created if missing).

    Each row is judged as the attendance sheet judges a mark (lms.rules.mark_minutes / mark_problem, the
    daily caps: lms.rules.daily_cap_problem) and the session as the session form does
    (lms.rules.day_minutes_problem)."""

    kind = "attendance"
    label = "考勤"
    capability = "hours.import"
    description = ("从纸质签到表录入考勤。同一班级、日期、课程、方式的各行是同一课次（没有则新建）。"
                   "出勤未填实际学时按课次学时计；请假、缺勤不计学时。学员可用身份证号或学号。")
    columns = (
        Column("class", "班级", ("班级", "班级代码", "班级名称", "class"), True),
        common_column("day", "日期", required=True, field_name="study_on"),
        Column("course", "课程", ("课程", "课程名称", "course"), True),
        Column("mode", "方式", ("方式", "授课方式", "上课方式", "mode"), True),
        Column("hours", "学时", ("学时", "课次学时", "hours"), True),
        common_column("id_number"),
        Column("student_number", "学号", ("学号", "学籍号", "student_number")),
        Column("status", "考勤", ("考勤", "出勤情况", "考勤情况", "status"), True),
        Column("actual", "实际学时", ("实际学时", "计入学时", "actual_hours")),
    )
    example = {"class": "2025-QS-01", "day": "2025-03-08", "course": "读写算", "mode": "面授", "hours": "8",
               "id_number": "522327198506150021", "status": "出勤", "actual": ""}

    def check(self, rows: list[SourceRow]) -> list[PlannedMark]:
        classes = list(db.session.scalars(select(TeachingClass).where(TeachingClass.in_scope(self.scope))))
        by_label = {c.code: c for c in classes} | {c.name: c for c in classes}
        courses = {(c.specialty_id, c.name): c for c in db.session.scalars(select(Course))}
        finder = LearnerFinder(self)
        parsed = []
        for row in rows:
            label = clean_text(row.get("class"))
            teaching_class = by_label.get(label)
            if teaching_class is None:
                guess = closest_name(label, by_label)
                self.refuse(row, "class", f"班级“{label or '（空）'}”不存在或不在您的管辖范围内"
                            + (f"，是否是“{guess}”？" if guess else ""))
                continue
            course_name = clean_text(row.get("course"))
            course = courses.get((teaching_class.specialty_id, course_name))
            if course is None:
                self.refuse(row, "course", f"课程“{course_name or '（空）'}”不在{teaching_class.specialty.name}的教学计划中")
                continue
            day = cell(self, row, "day", parse_date, not_after=self.today)
            mode = cell(self, row, "mode", parse_choice, MODE_CHOICES, "方式", shown=tuple(SESSION_MODE_LABELS.values()))
            minutes = cell(self, row, "hours", parse_hours_as_parts, max_hours=DAY_MINUTES // PARTS_PER_HOUR)
            status = cell(self, row, "status", parse_choice, STATUS_CHOICES, "考勤",
                          shown=tuple(ATTENDANCE_STATUS_LABELS.values()))
            actual = None if is_blank(row.get("actual")) else cell(self, row, "actual", parse_hours_as_parts,
                                                                   max_hours=DAY_MINUTES // PARTS_PER_HOUR)
            if None in (day, mode, minutes, status) or (actual is None and not is_blank(row.get("actual"))):
                continue
            problem = day_minutes_problem(minutes)      # a session's hours, as the session form checks them
            if problem:
                self.refuse(row, "hours", problem)
                continue
            if not finder.read(row, "id_number", "student_number"):
                continue
            parsed.append((row, teaching_class, course, day, mode, minutes, status, actual))
        finder.load(self.scope)
        return self._plan(parsed, finder)

    def _plan(self, parsed, finder) -> list[PlannedMark]:
        keys = {(t.id, day, course.id, mode) for _, t, course, day, mode, *_ in parsed}
        sessions = {}
        if keys:
            for session in db.session.scalars(select(ClassSession).where(
                    ClassSession.class_id.in_({k[0] for k in keys}), ClassSession.held_on.in_({k[1] for k in keys}),
                    ClassSession.cancelled_at.is_(None))):
                sessions.setdefault((session.class_id, session.held_on, session.course_id, session.mode), session)
        existing = defaultdict(dict)
        if sessions:
            for row in db.session.scalars(select(Attendance).where(
                    Attendance.session_id.in_([s.id for s in sessions.values()]))):
                existing[row.session_id][row.learner_id] = row
        session_hours: dict[tuple, tuple[int, int]] = {}
        seen: dict[tuple, int] = {}
        limit = DailyLimit()
        candidates = []
        for row, teaching_class, course, day, mode, minutes, status, actual in parsed:
            learner = finder.learner(row)
            if learner is None:
                self.refuse(row, "id_number", NOT_FOUND)
                continue
            if learner.class_id != teaching_class.id:
                self.refuse(row, "id_number", f"{learner.name}不是班级 {teaching_class.code} 的学员")
                continue
            problem = check_study_day(learner, day, self.today, finder.history(learner))
            if problem:
                self.refuse(row, "day", problem)
                continue
            key = (teaching_class.id, day, course.id, mode)
            session = sessions.get(key)
            if session is not None and session.minutes != minutes:
                self.refuse(row, "hours", f"系统中该课次为 {format_hours(session.minutes)} 学时，与表中的 {format_hours(minutes)} 不一致")
                continue
            if key in session_hours and session_hours[key][0] != minutes:
                self.refuse(row, "hours", f"同一课次的学时与第 {session_hours[key][1]} 行不一致")
                continue
            session_hours.setdefault(key, (minutes, row.number))
            if (key, learner.id) in seen:
                self.refuse(row, "id_number", f"同一课次（班级、日期、课程、方式）中该学员与第 {seen[(key, learner.id)]} 行重复")
                continue
            seen[(key, learner.id)] = row.number
            credited = mark_minutes(status, actual, minutes)
            problem = mark_problem(status, credited, minutes)     # the sheet's own check of a mark
            if problem:
                self.refuse(row, "actual", problem)
                continue
            current = existing[session.id].get(learner.id) if session else None
            if current is not None and (current.status, current.minutes) == (status, credited):
                self.unchanged += 1
                continue
            limit.add(row, learner, day, session_category(mode), credited, "actual" if actual is not None else "hours",
                      replaces=current.minutes if current is not None else 0)
            candidates.append(PlannedMark(row.number, key, session, learner.id, status, credited, current, minutes,
                                          f"{teaching_class.code} {day.isoformat()} {course.name}"))
        refused = limit.check(self)
        planned = [item for item in candidates if item.row not in refused]
        for item in planned:
            if item.session is None:
                self.note_created("课次", item.label)
        return planned

    def write(self, planned: list[PlannedMark]) -> int:
        created: dict[SessionKey, ClassSession] = {}
        for item in planned:
            if item.session is None and item.session_key not in created:
                class_id, day, course_id, mode = item.session_key
                session = ClassSession(class_id=class_id, held_on=day, course_id=course_id, mode=mode,
                                       minutes=item.session_minutes, created_by_id=getattr(self.actor, "id", None))
                db.session.add(session)
                created[item.session_key] = session
        db.session.flush()
        new_rows, touched_sessions = [], set()
        actor_id = getattr(self.actor, "id", None)
        for item in planned:
            session = item.session or created[item.session_key]
            touched_sessions.add(session.id)
            if item.current is not None:
                item.current.status, item.current.minutes = item.status, item.minutes
                item.current.recorded_by_id = actor_id
            else:
                new_rows.append({"session_id": session.id, "learner_id": item.learner_id, "status": item.status,
                                 "minutes": item.minutes, "recorded_by_id": actor_id, "updated_at": now_utc()})
        if new_rows:
            db.session.execute(insert(Attendance), new_rows)
        db.session.execute(update(ClassSession).where(ClassSession.id.in_(touched_sessions))
                           .values(version=ClassSession.version + 1).execution_options(synchronize_session=False))
        db.session.flush()
        summaries.sessions_changed({session.class_id for session in created.values()})
        summaries.hours_changed({item.learner_id for item in planned})
        return len(planned)
