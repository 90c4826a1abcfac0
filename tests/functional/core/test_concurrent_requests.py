"""Under concurrent use no request fails because another one wrote: downloads that audit themselves
(sign-in .xlsx, certificate PDF) run while teachers save attendance, each in its own thread and
connection, against the suite's real database (a file, or PostgreSQL)."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.reports.tallies import tally_drift
from lms.teaching.hours import learner_hour_totals, summary_totals
from lms.teaching.models import Attendance, ClassSession
from tests.factories import make_learner, make_session, make_user
from tests.factories.certificates import make_certificate
from tests.functional.teaching.conftest import build_class

DOWNLOADERS, SAVERS, ROUNDS = 4, 2, 6


def _run_together(workers) -> list[BaseException]:
    """Start every worker at once (a barrier), wait for all, and return what they raised."""
    start = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(work):
        try:
            start.wait()
            work()
        except BaseException as error:  # reported by the test, with the thread's own exception
            errors.append(error)

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.commits
def test_downloads_never_fail_while_other_teachers_save_attendance(app):
    with app.app_context():
        setup = build_class(4)
        sessions = [make_session(setup.teaching_class, held_on=date(2025, 3, 8 + day)) for day in range(SAVERS + 1)]
        registrar = make_user("registrar")
        certificate = make_certificate(make_learner(setup.village, enrolled_on=date(2022, 3, 1)))
        db.session.commit()
        teacher, learner_ids = setup.teacher.username, [learner.id for learner in setup.learners]
        session_ids, certificate_id, registrar_name = [s.id for s in sessions], certificate.id, registrar.username
    downloads: list[tuple[str, int, str]] = []
    saves: list[int] = []

    def downloader(index: int):
        client = app.test_client()
        if index % 2:
            client.login(registrar_name)
            url = f"/certificates/{certificate_id}/pdf"
        else:
            client.login(teacher)
            url = f"/sessions/{session_ids[-1]}/sign-in.xlsx"
        for _ in range(ROUNDS):
            response = client.get(url)
            downloads.append((url, response.status_code, response.mimetype))

    def saver(index: int):
        client = app.test_client()
        client.login(teacher)
        session_id = session_ids[index]
        for version in range(ROUNDS):
            # Each save changes the sheet: the saver's learner is late one round, present the next.
            late = learner_ids[index] if version % 2 == 0 else None
            form = {"version": str(version)}
            for learner_id in learner_ids:
                form[f"status-{learner_id}"] = "late" if learner_id == late else "present"
                form[f"hours-{learner_id}"] = "6" if learner_id == late else ""
            saves.append(client.post_form(f"/sessions/{session_id}/attendance", form).status_code)

    errors = _run_together([lambda i=i: downloader(i) for i in range(DOWNLOADERS)]
                           + [lambda i=i: saver(i) for i in range(SAVERS)])
    assert errors == []
    failed = [(url, status) for url, status, _ in downloads if status != 200]
    assert failed == [], f"{len(failed)} of {len(downloads)} downloads failed"
    assert {mimetype for _, _, mimetype in downloads} == {
        "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert saves == [302] * (SAVERS * ROUNDS)
    with app.app_context():
        # Nothing lost: every session has the version of its last save and that save's marks ...
        for index, session_id in enumerate(session_ids[:SAVERS]):
            assert db.session.get(ClassSession, session_id).version == ROUNDS
            marks = dict(db.session.execute(select(Attendance.learner_id, Attendance.status)
                                            .where(Attendance.session_id == session_id)).all())
            last_late = learner_ids[index] if (ROUNDS - 1) % 2 == 0 else None
            assert marks == {i: "late" if i == last_late else "present" for i in learner_ids}
        # ... the summaries the saves keep agree with a fresh count ...
        assert tally_drift() == set()
        assert summary_totals(learners=learner_ids) == {i: learner_hour_totals(i) for i in learner_ids}
        # ... and every download left its audit trace.
        audited = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.in_(["certificate.pdf", "export.sign_in_sheet"])))
        assert audited == DOWNLOADERS * ROUNDS


# Which statements write.
_WRITES = ("INSERT", "UPDATE", "DELETE")


def test_no_page_view_writes_inside_its_read_transaction(app, client, world):
    """Every GET endpoint, as a role that may use it: whatever a page view writes (audit events of
    downloads, verification logs) goes through lms.core.db.write_after_read, never its deferred read —
    except the R4 standings, a cache written best effort inside the read through lms.core.db.cache_in_read
    (a stale snapshot must skip it, not store a judgement of old data). Nothing else."""
    from flask import has_request_context, request
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from lms.core.db import begin_statement, writing_cache
    from tests.functional.test_permissions import ENDPOINTS, _allowed, _rule, _url

    offenders: dict[str, str] = {}
    current: list[str] = []

    def watch(_conn, _cursor, statement, *_args):
        text = statement.lstrip().upper()
        if (has_request_context() and request.method == "GET" and begin_statement() == "BEGIN"
                and text.startswith(_WRITES) and not writing_cache()):
            offenders.setdefault(current[-1], statement.split("(")[0].strip())

    event.listen(Engine, "before_cursor_execute", watch)
    try:
        for endpoint in ENDPOINTS:
            if "GET" not in _rule(app, endpoint).methods:
                continue
            view = app.view_functions[endpoint]
            url, args = _url(app, endpoint, world.in_scope)
            headers = {}
            if getattr(view, "api_purpose", None):      # the API: a key, not a session (its audit row is a write)
                headers = {"Authorization": f"Bearer {world.api_secret}"}
            elif not getattr(view, "public", False):
                client.login(world.users[sorted(_allowed(view, args))[0]].username)
            current.append(endpoint)
            assert client.get(url, headers=headers).status_code < 500, endpoint
            client.logout()
    finally:
        event.remove(Engine, "before_cursor_execute", watch)
    assert offenders == {}
