"""Sheets sent from a teacher's phone that kept them offline (issue 15): received once, never overwriting.

Each sheet carries the id the phone gave it and the sheet version it was based on. The same id again gets the
answer stored the first time and writes nothing (the unique `offline_syncs.client_id` settles concurrent
retries). A sheet based on an older version than the server's is a conflict: both versions per learner are
answered and nothing is written. A mark the rules refuse (a learner graduated meanwhile, a daily cap) makes the
sheet 需处理 with the reason, and nothing of it is written. Otherwise it is saved by the one saver,
lms.teaching.services.sessions.save_attendance (a session started on the phone by save_session).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.audit.services import record
from lms.auth.scope import Scope
from lms.core.errors import DomainError
from lms.extensions import db
from lms.rules import ATTENDANCE_STATUS_LABELS, earns_hours, mark_minutes
from lms.teaching.models import ClassSession, Course, OfflineSync, TeachingClass
from lms.teaching.queries import class_staff
from lms.teaching.services.sessions import (
    AttendanceConflict,
    Mark,
    current_marks,
    save_attendance,
    save_session,
    sheet_roll,
)

SAVED, CONFLICT, REFUSED = "saved", "conflict", "refused"
SYNC_OUTCOME_LABELS = {SAVED: "已上传", CONFLICT: "需处理", REFUSED: "需处理"}


class AlreadyReceived(DomainError):
    """Another request holding the same phone-made id got there first (a concurrent retry)."""


@dataclass(frozen=True)
class NewSession:
    """A session the teacher started on the phone: its phone-made id and what the session form asks."""

    client_id: str
    teaching_class: TeachingClass
    course: Course
    held_on: date
    mode: str
    minutes: int


def stored_answer(client_id: str, user) -> dict | None:
    """The answer already given to the sheet with this phone-made id, if this user sent it; else None."""
    receipt = db.session.scalar(select(OfflineSync).where(OfflineSync.client_id == client_id))
    if receipt is None or receipt.user_id != user.id or receipt.outcome == "pending":
        return None
    return json.loads(receipt.answer)


def phone_session(client_id: str, scope: Scope) -> ClassSession | None:
    """The session a phone started with this id, if it reached the server already and is in `scope`."""
    return db.session.scalar(select(ClassSession).where(ClassSession.client_id == client_id,
                                                        ClassSession.in_scope(scope)))


def _mark(row) -> dict | None:
    if row is None:
        return None
    status, minutes = (row.status, row.minutes)
    return {"status": status, "label": ATTENDANCE_STATUS_LABELS[status], "minutes": minutes}


def _conflict_rows(session: ClassSession, marks: dict[int, Mark], scope: Scope) -> list[dict]:
    """Both versions per learner: what is saved now (and by whom) beside what the phone sent."""
    roll = sheet_roll(session, scope)
    saved = current_marks(session)
    names = {m.id: m for m in roll.learners} | {i: pair[0] for i, pair in roll.others.items()}
    rows = []
    for learner_id in sorted(set(marks) | {m.id for m in roll.learners} | set(saved),
                             key=lambda i: (names[i].student_number if i in names else "", i)):
        learner = names.get(learner_id)
        server, mine = saved.get(learner_id), marks.get(learner_id)
        rows.append({"learner_id": learner_id, "name": learner.name if learner else f"#{learner_id}",
                     "student_number": learner.student_number if learner else "",
                     "server": _mark(server), "by": server.recorded_by.display_name
                     if server is not None and server.recorded_by else "",
                     "mine": _mark(mine), "same": server is not None and mine is not None
                     and (server.status, server.minutes) == (mine.status, mine.minutes),
                     "refusal": roll.others[learner_id][1] if learner_id in roll.others else ""})
    return rows


class _Refused(DomainError):
    """Marks the rules refuse, with one problem per learner."""

    def __init__(self, problems: list[dict]):
        super().__init__("；".join(p["reason"] for p in problems))
        self.problems = problems


def _marks(typed: dict[int, tuple[str, int | None]], session_minutes: int) -> dict[int, Mark]:
    # As the web sheet reads them: the session's minutes unless fewer are typed; 请假/缺勤 credit none.
    return {i: Mark(status, mark_minutes(status, minutes, session_minutes) if earns_hours(status) else 0)
            for i, (status, minutes) in typed.items()}


def _attempt(*, actor, session: ClassSession | None, new_session: NewSession | None, base_version: int,
             typed: dict[int, tuple[str, int | None]], today: date, scope: Scope) -> dict:
    """Try the sheet inside a savepoint; an answer of any outcome (a conflict or a refusal writes nothing)."""
    marks: dict[int, Mark] = {}
    created = session is None           # made here: a refusal undoes it, so the answer names no session
    try:
        with db.session.begin_nested():
            if session is None:
                staff = class_staff(new_session.teaching_class)
                session = save_session(actor=actor, teaching_class=new_session.teaching_class, session=None,
                                       course=new_session.course, held_on=new_session.held_on,
                                       mode=new_session.mode, minutes=new_session.minutes,
                                       place=new_session.teaching_class.teaching_point.name,
                                       teacher=actor if actor in staff else None)
                session.client_id = new_session.client_id
                db.session.flush()
                base_version = session.version
            marks = _marks(typed, session.minutes)
            if session.version != base_version:
                saved = {i: Mark(row.status, row.minutes) for i, row in current_marks(session).items()}
                if all(saved.get(i) == mark for i, mark in marks.items()):
                    # The server holds these very marks already (the sheet went up by the web page, or
                    # another teacher entered the same): nothing to write, nothing to choose.
                    return {"outcome": SAVED, "session_id": session.id, "version": session.version,
                            "message": f"服务器上 {session.held_on.month}月{session.held_on.day}日 {session.course.name} "
                                       f"的考勤已与这份相同，未重复保存。"}
                raise AttendanceConflict("在您离线点名之后，其他人已保存过本表（或导入了考勤）。请逐人选择保留哪一份。",
                                         current_version=session.version, changed=[])
            roll = sheet_roll(session, scope)
            refused = [{"learner_id": i, "name": roll.others[i][0].name, "reason": roll.others[i][1]}
                       for i in sorted(marks) if i in roll.others]
            if refused:
                raise _Refused(refused)
            save_attendance(actor=actor, session=session, expected_version=base_version, marks=marks, today=today,
                            scope=scope)
            return {"outcome": SAVED, "session_id": session.id, "version": session.version,
                    "message": f"已上传 {session.held_on.month}月{session.held_on.day}日 {session.course.name} "
                               f"的考勤（{len(marks)} 人）。"}
    except AttendanceConflict as conflict:
        db.session.refresh(session)
        return {"outcome": CONFLICT, "session_id": session.id, "version": session.version,
                "message": conflict.message, "rows": _conflict_rows(session, marks, scope)}
    except DomainError as error:
        problems = getattr(error, "problems", [])
        if not problems and error.field and error.field.startswith("learner-"):
            problems = [{"learner_id": int(error.field.split("-")[1]), "name": "", "reason": error.message}]
        kept = session is not None and not created
        return {"outcome": REFUSED, "message": error.message, "problems": problems,
                "session_id": session.id if kept else None, "version": session.version if kept else None}


def sync_sheet(*, actor, client_id: str, session: ClassSession | None, new_session: NewSession | None,
               base_version: int, typed: dict[int, tuple[str, int | None]], today: date, scope: Scope) -> dict:
    """Receive one sheet from a phone (see the module doc) and answer it: outcome saved / conflict / refused,
    with the session's id and version, a message, and per-learner rows (conflict) or problems (refused).

    `typed` holds each learner's status and the minutes typed (None: the session's), read as the web sheet
    reads them. `session` is the sheet's session, or None with `new_session` for one started on the phone
    (a second sheet for a phone-made session already received finds it by its id). Raises AlreadyReceived when a concurrent
    request with the same `client_id` claimed it first (its stored answer is then the answer). Audited.
    """
    receipt = OfflineSync(client_id=client_id, user_id=actor.id, outcome="pending", answer="")
    try:
        with db.session.begin_nested():
            db.session.add(receipt)
            db.session.flush()
    except IntegrityError:
        raise AlreadyReceived("这份考勤已收到，正在处理。") from None
    if session is None and new_session is not None:
        session = phone_session(new_session.client_id, scope)
    answer = _attempt(actor=actor, session=session, new_session=new_session, base_version=base_version,
                      typed=typed, today=today, scope=scope)
    answer = {"client_id": client_id, "label": SYNC_OUTCOME_LABELS[answer["outcome"]], **answer}
    receipt.outcome, receipt.session_id = answer["outcome"], answer.get("session_id")
    receipt.answer = json.dumps(answer, ensure_ascii=False)
    db.session.flush()
    record(actor, "attendance.sync", "offline_sync", receipt.id,
           summary=f"手机离线点名上传（{client_id}）：{answer['label']}，{answer['message']}",
           after={"session_id": answer.get("session_id"), "outcome": answer["outcome"],
                  "marks": {str(i): [status, minutes] for i, (status, minutes) in typed.items()}})
    return answer


