"""Writing sessions (课次) and their attendance sheets, with optimistic locking on the sheet.

A sheet is saved in one request: every learner's status and credited minutes. The session's
`version` is bumped with a conditional UPDATE, so two teachers saving the same sheet from the same
starting point cannot both win: the second gets an AttendanceConflict listing what changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from lms import summaries
from lms.audit.services import record
from lms.auth.scope import Scope
from lms.core.clock import now_utc
from lms.core.errors import ConflictError, DomainError
from lms.extensions import db
from lms.learners.models import Learner
from lms.learners.studying import refusal, study_histories
from lms.policies.services import policies_for
from lms.rules import (
    ATTENDANCE_STATUS_LABELS,
    SESSION_MODE_CATEGORIES,
    daily_cap_problem,
    day_minutes_problem,
    mark_problem,
    session_category,
)
from lms.teaching.hours import daily_minutes
from lms.teaching.models import Attendance, ClassSession, Course, TeachingClass
from lms.teaching.queries import class_staff


@dataclass(frozen=True)
class Mark:
    """One learner's line on a sheet: status and credited minutes."""

    status: str
    minutes: int


class AttendanceConflict(ConflictError):
    """Someone saved the sheet after this user opened it. `changed` lists (learner, saved row, your mark)."""

    def __init__(self, message: str, *, current_version: int, changed: list):
        super().__init__(message)
        self.current_version = current_version
        self.changed = changed


def save_session(*, actor, teaching_class: TeachingClass, session: ClassSession | None, course: Course,
                 held_on: date, mode: str, minutes: int, place: str, teacher=None) -> ClassSession:
    """Create or edit a session of a class; the course must belong to the class's plan; audited.

    The hours of a session that already has attendance cannot drop below what a learner was credited.
    The teacher must be one of the class's teachers or its head teacher (a session keeps a teacher who
    has left the class since).
    """
    if course.specialty_id != teaching_class.specialty_id:
        raise DomainError("课程不属于本班专业的教学计划", field="course_id")
    kept = session is not None and teacher is not None and teacher.id == session.teacher_id
    if teacher is not None and not kept and teacher not in class_staff(teaching_class):
        raise DomainError("授课教师须是本班的任课教师或班主任。", field="teacher_id")
    if mode not in SESSION_MODE_CATEGORIES:
        raise DomainError("授课方式不正确", field="mode")
    problem = day_minutes_problem(minutes)
    if problem:
        raise DomainError(problem, field="hours")
    if session is not None:
        most = db.session.scalar(select(Attendance.minutes).where(Attendance.session_id == session.id)
                                 .order_by(Attendance.minutes.desc()).limit(1)) or 0
        if minutes < most:
            raise DomainError("已有学员记了更多学时，请先在考勤表中调整", field="hours")
    is_new = session is None
    if is_new:
        session = ClassSession(class_id=teaching_class.id, created_by_id=getattr(actor, "id", None))
        db.session.add(session)
    before = None if is_new else {"course_id": session.course_id, "held_on": session.held_on.isoformat(),
                                  "mode": session.mode, "minutes": session.minutes, "place": session.place,
                                  "teacher_id": session.teacher_id}
    session.course_id, session.held_on, session.mode, session.minutes = course.id, held_on, mode, minutes
    session.place = place
    session.teacher_id = teacher.id if teacher else None
    db.session.flush()
    after = {"course_id": course.id, "held_on": held_on.isoformat(), "mode": mode, "minutes": minutes, "place": place,
             "teacher_id": session.teacher_id}
    record(actor, "session.create" if is_new else "session.update", "session", session.id,
           summary=f"{teaching_class.code} {held_on.isoformat()} {course.name}", before=before, after=after)
    summaries.sessions_changed([teaching_class.id])
    if not is_new:
        summaries.hours_changed(_attendees(session))
    return session


def cancel_session(*, actor, session: ClassSession, reason: str) -> None:
    """Cancel a session (never deleted): its attendance stops counting; audited."""
    if session.cancelled_at is not None:
        raise DomainError("该课次已取消")
    if not reason.strip():
        raise DomainError("请填写取消原因", field="reason")
    session.cancelled_at = now_utc()
    session.version += 1
    db.session.flush()
    record(actor, "session.cancel", "session", session.id, summary=f"取消课次：{reason.strip()}",
           after={"reason": reason.strip()})
    summaries.sessions_changed([session.class_id])
    summaries.hours_changed(_attendees(session))


def _attendees(session: ClassSession) -> list[int]:
    return list(db.session.scalars(select(Attendance.learner_id).where(Attendance.session_id == session.id)))


@dataclass(frozen=True)
class SheetRoll:
    """Who a session's sheet is for: `learners`, studying on the session's day (by student number), and
    `others`: everyone else of the class or already marked, with why they cannot be marked that day."""

    learners: list[Learner]
    others: dict[int, tuple[Learner, str]]


def sheet_roll(session: ClassSession, scope: Scope) -> SheetRoll:
    """The class's learners plus anyone already marked on the sheet (e.g. moved to another class since),
    those in `scope` only, split by whether they are studying on the session's day
    (lms.learners.studying). Township staff thus mark their own area's learners; the class's teachers
    mark everyone. Two queries."""
    marked = select(Attendance.learner_id).where(Attendance.session_id == session.id)
    stmt = select(Learner).where(or_(Learner.class_id == session.class_id, Learner.id.in_(marked)),
                                 Learner.in_scope(scope)).order_by(Learner.student_number)
    everyone = list(db.session.scalars(stmt))
    histories = study_histories(everyone)
    learners, others = [], {}
    for learner in everyone:
        why = refusal(learner, histories[learner.id], session.held_on)
        if why is None:
            learners.append(learner)
        else:
            others[learner.id] = (learner, why)
    return SheetRoll(learners, others)


def sheet_learners(session: ClassSession, scope: Scope) -> list[Learner]:
    """Who belongs on the sheet and the sign-in sheets: the learners in `scope` studying on the session's day."""
    return sheet_roll(session, scope).learners


def current_marks(session: ClassSession) -> dict[int, Attendance]:
    """{learner_id: Attendance} already saved for the session."""
    return {row.learner_id: row for row in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}


def save_attendance(*, actor, session: ClassSession, expected_version: int, marks: dict[int, Mark],
                    today: date, scope: Scope, roll: SheetRoll | None = None) -> ClassSession:
    """Save a whole sheet in one go. `marks` must cover exactly the sheet's learners in `scope` (the
    user's): nobody else's line is written.

    Raises DomainError (field "learner-<id>") for a bad line — each mark judged by lms.rules.mark_problem
    and the daily caps of the learner's cohort (lms.rules.daily_cap_problem: face-to-face and live-online
    hours count toward the day's total), as the attendance import judges its rows — and AttendanceConflict
    when the sheet was saved by someone else since `expected_version`. Refreshes the learners' hour
    summaries; audited. `roll`: the sheet_roll(session, scope) the caller read in this transaction already.
    """
    if session.cancelled_at is not None:
        raise DomainError("该课次已取消，不能点名")
    if session.held_on > today:
        raise DomainError("课次日期在今天之后，还不能点名")
    roll = roll or sheet_roll(session, scope)
    learners = {learner.id: learner for learner in roll.learners}
    for learner_id in sorted(set(marks) - set(learners)):
        if learner_id in roll.others:       # not studying that day: no mark, whatever the page sent
            raise DomainError(roll.others[learner_id][1], field=f"learner-{learner_id}")
        raise DomainError("考勤表中有不属于本班的学员，请刷新后重试")
    missing = [learners[i].name for i in learners if i not in marks]
    if missing:
        raise DomainError(f"以下学员没有考勤：{'、'.join(missing)}")
    for learner_id, mark in marks.items():
        problem = mark_problem(mark.status, mark.minutes, session.minutes)
        if problem:
            raise DomainError(f"{learners[learner_id].name}：{problem}", field=f"learner-{learner_id}")
    existing = current_marks(session)
    day = daily_minutes(marks, [session.held_on])        # this sheet's saved marks included
    policies = policies_for({learners[learner_id].cohort for learner_id in marks})
    category = session_category(session.mode)
    for learner_id, mark in marks.items():
        saved = existing[learner_id].minutes if learner_id in existing else 0
        problem = daily_cap_problem(policies[learners[learner_id].cohort], category,
                                    day.get((learner_id, session.held_on), {}), mark.minutes - saved,
                                    session.held_on, who=learners[learner_id].name)
        if problem:
            raise DomainError(problem, field=f"learner-{learner_id}")
    # The version says nobody saved the sheet since it was opened; the session's mode, day and cancellation
    # are checked with it, as the summaries are changed by this session's category and month (on
    # PostgreSQL the row stays locked until the commit, so none of them can change meanwhile).
    bumped = db.session.execute(update(ClassSession).where(
        ClassSession.id == session.id, ClassSession.version == expected_version, ClassSession.mode == session.mode,
        ClassSession.held_on == session.held_on, ClassSession.cancelled_at.is_(None)).values(
        version=ClassSession.version + 1).execution_options(synchronize_session=False))
    if bumped.rowcount != 1:
        db.session.refresh(session)
        changed = [(learners.get(i), row, marks.get(i)) for i, row in existing.items()
                   if i in learners and (row.status, row.minutes) != (marks[i].status, marks[i].minutes)]
        raise AttendanceConflict("在您打开考勤表之后，其他人已保存过本表。请核对下列变化后再保存。",
                                 current_version=session.version, changed=changed)
    set_committed_value(session, "version", expected_version + 1)
    actor_id = getattr(actor, "id", None)
    before, after, new_rows, changed_rows, written = {}, {}, [], [], []
    for learner_id, mark in marks.items():
        row = existing.get(learner_id)
        if row is None:
            new_rows.append({"session_id": session.id, "learner_id": learner_id, "status": mark.status,
                             "minutes": mark.minutes, "recorded_by_id": actor_id})
        elif (row.status, row.minutes) != (mark.status, mark.minutes):
            before[learner_id] = [row.status, row.minutes]
            changed_rows.append({"id": row.id, "status": mark.status, "minutes": mark.minutes,
                                 "recorded_by_id": actor_id})
            written.append((row, mark))
        else:
            continue
        after[learner_id] = [mark.status, mark.minutes]
    changes = {learner_id: (existing[learner_id].minutes if learner_id in existing else 0, mark.minutes)
               for learner_id, mark in marks.items()}
    with summaries.attendance_marked(session, changes, learners, policies=policies):
        # One statement for the new rows and one for the changed ones, whatever the class's size.
        now = now_utc()
        if new_rows:
            db.session.execute(insert(Attendance), [{**row, "updated_at": now} for row in new_rows])
        if changed_rows:
            db.session.execute(update(Attendance), [{**row, "updated_at": now} for row in changed_rows])
            for row, mark in written:       # the rows this session holds say what was written
                for name, value in (("status", mark.status), ("minutes", mark.minutes),
                                    ("recorded_by_id", actor_id), ("updated_at", now)):
                    set_committed_value(row, name, value)
    counts = {label: sum(1 for m in marks.values() if m.status == code) for code, label in ATTENDANCE_STATUS_LABELS.items()}
    record(actor, "attendance.save", "session", session.id,
           summary=f"点名 {session.held_on.isoformat()}：" + "，".join(f"{k} {v}" for k, v in counts.items()),
           before=before or None, after=after)
    return session
