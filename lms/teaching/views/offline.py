"""Attendance without signal (issue 15): 我的课 (the page a teacher's phone keeps), the offline bundle, the
sync endpoint the phone sends its saved sheets to, and the service worker served from the site's root."""
from __future__ import annotations

import hashlib
import uuid
from datetime import date

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from lms.core.clock import today
from lms.extensions import db
from lms.rules import ATTENDANCE_STATUS_LABELS, SESSION_MODE_LABELS, day_minutes_problem
from lms.teaching.models import ClassSession, Course, TeachingClass
from lms.teaching.offline import offline_bundle
from lms.teaching.services.offline import NewSession, stored_answer, sync_sheet
from lms.web.access import current_scope, get_or_404, public, requires
from lms.web.numbers import in_range
from lms.web.saving import saving

bp = Blueprint("offline", __name__)


@bp.get("/offline")
@requires("attendance.take")
def my_sessions():
    # The app shell: the page renders the sessions and sheets from the phone's copy (static/js/offline-sheet.js).
    return render_template("teaching/offline.html")


@bp.get("/offline/bundle.json")
@requires("attendance.take")
def bundle():
    data = offline_bundle(current_user, current_scope(), today())
    data.update(user_id=current_user.id, csrf_token=generate_csrf(),
                keep_days=current_app.config["OFFLINE_KEEP_DAYS"])
    response = jsonify(data)
    response.headers["Cache-Control"] = "private, no-store"     # the phone keeps it in IndexedDB, no HTTP cache
    return response


class _BadSheet(ValueError):
    pass


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not in_range(value):
        raise _BadSheet(f"{what}不正确")
    return value


def _client_id(value, what: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise _BadSheet(f"{what}不是手机生成的编号") from None


def _typed_marks(raw) -> dict[int, tuple[str, int | None]]:
    if not isinstance(raw, dict) or not raw:
        raise _BadSheet("考勤表是空的")
    marks = {}
    for key, mark in raw.items():
        learner_id = _int(int(key) if str(key).isdigit() else -1, f"学员编号“{key}”")
        if not isinstance(mark, dict) or mark.get("status") not in ATTENDANCE_STATUS_LABELS:
            raise _BadSheet(f"学员编号 {learner_id} 的考勤状态不正确")
        minutes = mark.get("minutes")
        marks[learner_id] = (mark["status"], None if minutes is None else _int(minutes, f"学员编号 {learner_id} 的学时"))
    return marks


def _new_session(raw) -> NewSession:
    if not isinstance(raw, dict):
        raise _BadSheet("新课次的内容不正确")
    teaching_class = get_or_404(TeachingClass, _int(raw.get("class_id"), "班级"))    # another class → 404
    course = db.session.get(Course, _int(raw.get("course_id"), "课程"))
    if course is None:
        raise _BadSheet("课程不存在")
    try:
        held_on = date.fromisoformat(str(raw.get("held_on")))
    except ValueError:
        raise _BadSheet("上课日期不正确") from None
    minutes = _int(raw.get("minutes"), "课次学时")
    if raw.get("mode") not in SESSION_MODE_LABELS or day_minutes_problem(minutes):
        raise _BadSheet(day_minutes_problem(minutes) or "授课方式不正确")
    return NewSession(_client_id(raw.get("client_id"), "新课次编号"), teaching_class, course, held_on, raw["mode"],
                      minutes)


@bp.post("/offline/sync")
@requires("attendance.take")
def sync():
    """One sheet the phone kept: {client_id, session_id | new_session, base_version, marks} → the answer."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="请求内容不是考勤表"), 400
    try:
        client_id = _client_id(payload.get("client_id"), "考勤表编号")
        answer = stored_answer(client_id, current_user)
        if answer is not None:                       # sent again: the same answer, nothing written
            return jsonify(answer)
        session, new_session = None, None
        if payload.get("session_id") is not None:
            session = get_or_404(ClassSession, _int(payload.get("session_id"), "课次"))      # another class → 404
        else:
            new_session = _new_session(payload.get("new_session"))
        base_version = _int(payload.get("base_version", 0), "考勤表版本")
        typed = _typed_marks(payload.get("marks"))
    except _BadSheet as bad:
        return jsonify(error=str(bad)), 400
    with saving(show=False) as done:
        answer = sync_sheet(actor=current_user, client_id=client_id, session=session, new_session=new_session,
                            base_version=base_version, typed=typed, today=today(), scope=current_scope())
    if not done:        # a concurrent retry with the same id got there first: its answer is the answer
        answer = stored_answer(client_id, current_user)
        if answer is None:
            return jsonify(error=done.error.message), 409
    return jsonify(answer)


def _shell_urls() -> list[str]:
    """What the service worker keeps for opening 我的课 with no signal: the page's own files (versioned URLs)."""
    # The scanner library (jsQR) is not here: 我的课 fetches it once online (kept at runtime), so the first
    # visit of another page does not pay for it.
    static = ["css/app.css", "css/teaching.css", "js/app.js", "js/attendance.js", "js/offline-store.js",
              "js/offline-sheet.js", "img/favicon.svg", "img/icon-192.png", "img/icon-512.png"]
    return ([url_for("static", filename=name) for name in static]
            + [url_for("bootstrap.static", filename=name) for name in
               ("css/bootstrap.min.css", "umd/popper.min.js", "js/bootstrap.min.js")]
            + [url_for("offline.manifest")])


@bp.get("/sw.js")
@public
def service_worker():
    # Served from the root so that its scope is the whole site; never cached by HTTP, so updates reach phones.
    urls = _shell_urls()
    version = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:12]
    body = render_template("offline/sw.js", shell_urls=urls, version=version,
                           offline_page=url_for("offline.my_sessions"))
    return Response(body, headers={"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache",
                                   "Service-Worker-Allowed": "/"})


@bp.get("/manifest.webmanifest")
@public
def manifest():
    response = current_app.send_static_file("manifest.webmanifest")
    response.headers["Content-Type"] = "application/manifest+json"
    return response

