"""What a teacher's phone keeps for taking attendance without signal (issue 15): the bundle.

The teacher's own classes (those they teach or head, within their scope), the sheets of their sessions from a
week back to two weeks ahead with each sheet's version, and the learners on them — name, student number and
whether a photo exists, never ID numbers or phones. Read only; the phone sends sheets back to
lms.teaching.services.offline.sync_sheet.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from lms.auth.scope import Scope
from lms.extensions import db
from lms.learners.models import Learner
from lms.learners.studying import studying_on
from lms.rules import ATTENDANCE_STATUS_LABELS, CREDITING_STATUSES, SESSION_MODE_LABELS
from lms.teaching.models import ClassSession, ClassTeacher, TeachingClass
from lms.teaching.queries import class_learners, plan_courses
from lms.teaching.services.sessions import current_marks, sheet_roll

DAYS_BACK, DAYS_AHEAD = 7, 14


def taught_classes(user, scope: Scope) -> list[TeachingClass]:
    """The active classes in `scope` the user teaches or heads, by code (one query)."""
    taught = select(ClassTeacher.class_id).where(ClassTeacher.user_id == user.id)
    return list(db.session.scalars(
        select(TeachingClass).where(or_(TeachingClass.id.in_(taught), TeachingClass.head_teacher_id == user.id),
                                    TeachingClass.in_scope(scope), TeachingClass.active.is_(True))
        .order_by(TeachingClass.code)))


def _learner(learner: Learner) -> dict:
    # Only what the sheet shows: never the ID number, phone or address (they stay on the server).
    return {"id": learner.id, "name": learner.name, "student_number": learner.student_number,
            "photo": bool(learner.photo_path)}


def offline_bundle(user, scope: Scope, today: date) -> dict:
    """The teacher's offline data as plain JSON-ready values (see the module doc). A few queries per class
    and per session: a teacher has a handful of classes and sessions in three weeks."""
    classes = taught_classes(user, scope)
    learners: dict[int, dict] = {}
    class_rows = []
    for teaching_class in classes:
        members = studying_on(class_learners(teaching_class, scope), today)
        learners.update((m.id, _learner(m)) for m in members)
        class_rows.append({
            "id": teaching_class.id, "name": teaching_class.name, "code": teaching_class.code,
            "place": teaching_class.teaching_point.name,
            "courses": [{"id": c.id, "name": c.name} for c in plan_courses(teaching_class.specialty_id)],
            "learners": [m.id for m in members]})
    sessions = list(db.session.scalars(
        select(ClassSession).where(ClassSession.class_id.in_([c.id for c in classes]),
                                   ClassSession.held_on.between(today - timedelta(days=DAYS_BACK),
                                                                today + timedelta(days=DAYS_AHEAD)),
                                   ClassSession.cancelled_at.is_(None))
        .options(joinedload(ClassSession.course)).order_by(ClassSession.held_on, ClassSession.id))) if classes else []
    session_rows = []
    for session in sessions:
        roll = sheet_roll(session, scope)
        learners.update((m.id, _learner(m)) for m in roll.learners)
        session_rows.append({
            "id": session.id, "client_id": session.client_id, "class_id": session.class_id,
            "course": session.course.name, "held_on": session.held_on.isoformat(), "minutes": session.minutes,
            "mode": session.mode, "version": session.version,
            "learners": [m.id for m in roll.learners],
            "marks": {str(i): {"status": row.status, "minutes": row.minutes}
                      for i, row in current_marks(session).items() if i not in roll.others}})
    return {"today": today.isoformat(), "classes": class_rows, "sessions": session_rows,
            "learners": {str(i): row for i, row in learners.items()},
            "labels": dict(ATTENDANCE_STATUS_LABELS), "statuses": list(ATTENDANCE_STATUS_LABELS),  # the sheet's order
            "crediting": sorted(CREDITING_STATUSES),
            "modes": dict(SESSION_MODE_LABELS)}
