"""Attendance taken on a phone without signal (issue 15): the offline bundle, and the sync endpoint that
receives each kept sheet once — conflicts answered with both versions, refusals with the reason, nothing
written twice or overwritten silently; scoped, CSRF-protected and audited."""
from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.core.clock import today
from lms.extensions import db
from lms.teaching.models import Attendance, ClassSession, OfflineSync
from tests.factories import make_session, make_user, mark_attendance
from tests.factories.teaching import plan_course
from tests.functional.teaching.conftest import build_class
from tests.functional.teaching.test_not_studying import end_status


def sheet(session, learners, *, base_version=None, client_id=None, **marks) -> dict:
    """What the phone sends: every learner present unless `marks` names them (name=(status, minutes))."""
    return {"client_id": client_id or str(uuid.uuid4()), "session_id": session.id,
            "base_version": session.version if base_version is None else base_version,
            "marks": {str(learner.id): dict(zip(("status", "minutes"), marks.get(learner.name, ("present", None)), strict=True))
                      for learner in learners}}


def stored(session) -> dict:
    return dict(db.session.execute(select(Attendance.learner_id, Attendance.status)
                                   .where(Attendance.session_id == session.id)).all())


def test_the_bundle_holds_the_teachers_sessions_and_learners_but_no_id_numbers_or_phones(client, setup):
    near = make_session(setup.teaching_class, held_on=today() - timedelta(days=2))
    ahead = make_session(setup.teaching_class, held_on=today() + timedelta(days=14))
    make_session(setup.teaching_class, held_on=today() - timedelta(days=8))         # too old
    make_session(setup.teaching_class, held_on=today() + timedelta(days=15))        # too far ahead
    other = build_class(2, township_name="另一镇")
    make_session(other.teaching_class, held_on=today())                             # not the teacher's class
    mark_attendance(near, setup.learners[0], status="late", minutes=300)
    client.login(setup.teacher.username)
    response = client.get("/offline/bundle.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    data = response.get_json()
    assert [s["id"] for s in data["sessions"]] == [near.id, ahead.id]
    assert data["sessions"][0]["marks"] == {str(setup.learners[0].id): {"status": "late", "minutes": 300}}
    assert [c["id"] for c in data["classes"]] == [setup.teaching_class.id]
    assert sorted(data["learners"]) == sorted(str(learner.id) for learner in setup.learners)
    assert set(data["learners"][str(setup.learners[0].id)]) == {"id", "name", "student_number", "photo"}
    text = response.get_data(as_text=True)
    for learner in setup.learners:
        assert learner.id_number not in text
    assert data["keep_days"] == 14 and data["csrf_token"]


def test_a_sheet_kept_offline_is_saved_by_the_sheets_own_saver_and_audited(client, setup):
    session = make_session(setup.teaching_class, held_on=today() - timedelta(days=1), hours=8)
    a, b, *_ = setup.learners
    client.login(setup.teacher.username)
    payload = sheet(session, setup.learners, 学员01=("late", 300), 学员02=("absent", None))
    answer = client.post_json("/offline/sync", payload).get_json()
    assert answer["outcome"] == "saved" and answer["label"] == "已上传" and answer["version"] == 1
    assert stored(session)[a.id] == "late" and stored(session)[b.id] == "absent"
    minutes = dict(db.session.execute(select(Attendance.learner_id, Attendance.minutes)
                                      .where(Attendance.session_id == session.id)).all())
    assert minutes[a.id] == 300 and minutes[b.id] == 0 and minutes[setup.learners[2].id] == 480
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.user_id == setup.teacher.id)))
    assert {"attendance.save", "attendance.sync"} <= actions


def test_the_same_sheet_sent_twice_is_stored_once_and_answered_the_same(client, setup):
    session = make_session(setup.teaching_class, held_on=today())
    client.login(setup.teacher.username)
    payload = sheet(session, setup.learners, 学员01=("absent", None))
    first = client.post_json("/offline/sync", payload).get_json()
    second = client.post_json("/offline/sync", payload).get_json()
    assert first == second and first["outcome"] == "saved"
    assert db.session.get(ClassSession, session.id).version == 1
    assert db.session.scalar(select(func.count()).select_from(Attendance)
                             .where(Attendance.session_id == session.id)) == len(setup.learners)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "attendance.save")) == 1


def test_a_sheet_changed_on_the_server_meanwhile_gets_both_versions_and_nothing_is_written(client, setup):
    session = make_session(setup.teaching_class, held_on=today())
    a, b, *_ = setup.learners
    colleague = make_user("teacher", classes=[setup.teaching_class])
    client.login(colleague.username)
    assert client.post_json("/offline/sync", sheet(session, setup.learners, 学员01=("leave", None))
                            ).get_json()["outcome"] == "saved"
    client.logout()
    client.login(setup.teacher.username)
    mine = sheet(session, setup.learners, base_version=0, 学员01=("present", None), 学员02=("absent", None))
    answer = client.post_json("/offline/sync", mine).get_json()
    assert answer["outcome"] == "conflict" and answer["label"] == "需处理" and answer["version"] == 1
    rows = {row["learner_id"]: row for row in answer["rows"]}
    assert rows[a.id]["server"]["label"] == "请假" and rows[a.id]["mine"]["label"] == "出勤"
    assert rows[a.id]["by"] == colleague.display_name and not rows[a.id]["same"]
    assert rows[b.id]["server"]["status"] == "present" and rows[b.id]["mine"]["status"] == "absent"
    assert rows[setup.learners[2].id]["same"]
    assert stored(session)[a.id] == "leave" and stored(session)[b.id] == "present"     # nothing overwritten
    # The teacher chooses per learner (keeps the colleague's 请假, their own 缺勤) and sends the result.
    chosen = sheet(session, setup.learners, base_version=answer["version"], 学员01=("leave", None),
                   学员02=("absent", None))
    assert client.post_json("/offline/sync", chosen).get_json()["outcome"] == "saved"
    assert stored(session)[a.id] == "leave" and stored(session)[b.id] == "absent"


def test_a_learner_graduated_meanwhile_makes_the_sheet_need_handling_with_the_reason(client, setup):
    session = make_session(setup.teaching_class, held_on=today())
    graduate = setup.learners[0]
    client.login(setup.teacher.username)
    payload = sheet(session, setup.learners)
    end_status(graduate, "graduated", today() - timedelta(days=1))
    answer = client.post_json("/offline/sync", payload).get_json()
    assert answer["outcome"] == "refused" and answer["label"] == "需处理"
    assert answer["problems"][0]["learner_id"] == graduate.id
    assert "已毕业" in answer["problems"][0]["reason"] and graduate.name in answer["message"]
    assert stored(session) == {}
    assert client.post_json("/offline/sync", payload).get_json() == answer          # the stored answer again
    receipt = db.session.scalar(select(OfflineSync).where(OfflineSync.client_id == payload["client_id"]))
    assert receipt.outcome == "refused"


def test_a_session_started_on_the_phone_is_made_once_with_its_sheet(client, setup):
    course = plan_course(setup.teaching_class.specialty)
    client.login(setup.teacher.username)
    session_id = str(uuid.uuid4())
    new = {"client_id": session_id, "class_id": setup.teaching_class.id, "course_id": course.id,
           "held_on": today().isoformat(), "minutes": 240, "mode": "face"}
    marks = {str(learner.id): {"status": "present", "minutes": None} for learner in setup.learners}
    first = client.post_json("/offline/sync", {"client_id": str(uuid.uuid4()), "new_session": new,
                                               "base_version": 0, "marks": marks}).get_json()
    assert first["outcome"] == "saved"
    made = db.session.get(ClassSession, first["session_id"])
    assert made.client_id == session_id and made.minutes == 240 and made.teacher_id == setup.teacher.id
    # A later sheet for the same phone-made session (sent before the phone learned its id) finds it.
    marks[str(setup.learners[0].id)] = {"status": "absent", "minutes": None}
    again = client.post_json("/offline/sync", {"client_id": str(uuid.uuid4()), "new_session": new,
                                               "base_version": 1, "marks": marks}).get_json()
    assert again["outcome"] == "saved" and again["session_id"] == made.id
    assert db.session.scalar(select(func.count()).select_from(ClassSession)
                             .where(ClassSession.class_id == setup.teaching_class.id)) == 1
    assert stored(made)[setup.learners[0].id] == "absent"


def test_a_teacher_cannot_sync_another_class(client, setup):
    other = build_class(2, township_name="另一镇")
    theirs = make_session(other.teaching_class, held_on=today())
    client.login(setup.teacher.username)
    assert client.post_json("/offline/sync", sheet(theirs, other.learners)).status_code == 404
    new = {"client_id": str(uuid.uuid4()), "class_id": other.teaching_class.id,
           "course_id": plan_course(other.teaching_class.specialty).id, "held_on": today().isoformat(),
           "minutes": 240, "mode": "face"}
    assert client.post_json("/offline/sync", {"client_id": str(uuid.uuid4()), "new_session": new,
                                              "base_version": 0, "marks": {"1": {"status": "present"}}}
                            ).status_code == 404
    assert stored(theirs) == {}


def test_the_sync_needs_the_csrf_token(client, setup):
    session = make_session(setup.teaching_class, held_on=today())
    client.login(setup.teacher.username)
    response = client.post("/offline/sync", json=sheet(session, setup.learners))
    assert response.status_code == 400 and stored(session) == {}


def test_someone_elses_sheet_id_is_not_answered_with_their_answer(client, setup):
    session = make_session(setup.teaching_class, held_on=today())
    colleague = make_user("teacher", classes=[setup.teaching_class])
    payload = sheet(session, setup.learners)
    client.login(colleague.username)
    client.post_json("/offline/sync", payload)
    client.logout()
    client.login(setup.teacher.username)
    response = client.post_json("/offline/sync", payload)
    assert response.status_code == 409 and "已收到" in response.get_json()["error"]


@pytest.mark.parametrize("payload, message", [
    ({"client_id": "not-a-uuid"}, "考勤表编号不是手机生成的编号"),
    ({"client_id": str(uuid.uuid4()), "session_id": 2**70}, "课次不正确"),
    ({"client_id": str(uuid.uuid4()), "session_id": "SESSION", "marks": {}}, "课次不正确"),
])
def test_malformed_sheets_are_refused_in_chinese(client, setup, payload, message):
    client.login(setup.teacher.username)
    response = client.post_json("/offline/sync", payload)
    assert response.status_code == 400 and response.get_json()["error"] == message


def test_a_bad_status_names_the_learner(client, setup):
    session = make_session(setup.teaching_class, held_on=today())
    client.login(setup.teacher.username)
    payload = sheet(session, setup.learners)
    payload["marks"][str(setup.learners[0].id)]["status"] = "here"
    response = client.post_json("/offline/sync", payload)
    assert response.status_code == 400
    assert response.get_json()["error"] == f"学员编号 {setup.learners[0].id} 的考勤状态不正确"


def test_the_service_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache" and "javascript" in response.content_type
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.content_type == "application/manifest+json"




@pytest.mark.commits
def test_concurrent_retries_of_one_sheet_store_it_once(app):
    """A phone retrying on a flaky link: the same sheet arrives several times at once, each in its own
    request, thread and connection — one write, one answer."""
    from tests.functional.core.test_concurrent_requests import _run_together

    with app.app_context():
        setup = build_class(4)
        session = make_session(setup.teaching_class, held_on=today())
        db.session.commit()
        payload = sheet(session, setup.learners, 学员01=("absent", None))
        teacher, session_id = setup.teacher.username, session.id
    answers: list[tuple[int, str]] = []

    def send():
        client = app.test_client()
        client.login(teacher)
        response = client.post_json("/offline/sync", payload)
        answers.append((response.status_code, json.dumps(response.get_json(), sort_keys=True)))

    assert _run_together([send] * 4) == []
    assert {status for status, _ in answers} == {200}
    assert len({answer for _, answer in answers}) == 1
    with app.app_context():
        assert db.session.get(ClassSession, session_id).version == 1
        assert db.session.scalar(select(func.count()).select_from(OfflineSync)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "attendance.save")) == 1


def test_a_kept_sheet_the_server_already_holds_is_answered_saved_without_a_write(client, setup):
    session = make_session(setup.teaching_class, held_on=today())
    client.login(setup.teacher.username)
    marks = {learner.name: ("present", None) for learner in setup.learners}
    kept = sheet(session, setup.learners, base_version=0, **marks)
    assert client.post_json("/offline/sync", sheet(session, setup.learners)).get_json()["outcome"] == "saved"
    answer = client.post_json("/offline/sync", kept).get_json()
    assert answer["outcome"] == "saved" and "未重复保存" in answer["message"]
    assert db.session.get(ClassSession, session.id).version == 1


def test_the_attendance_sheet_loads_the_scanner_library_only_when_the_camera_opens(client, setup):
    session = make_session(setup.teaching_class, held_on=today())
    client.login(setup.teacher.username)
    page = client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)
    assert "jsQR.js" not in "".join(re.findall(r"<script[^>]*>", page))
    assert re.search(r'data-jsqr="/static/vendor/jsqr/jsQR\.js\?v=[0-9a-f]{10}"', page)
