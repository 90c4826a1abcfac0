"""The permission matrix for content: no page, export or PDF names a learner outside the user's scope.

test_permissions.py proves that a scoped user gets 404 for another township's learner. That is not
enough: a class meeting at 甲镇's teaching point may hold a learner of 乙镇 (丙跨镇 in tests/world.py),
and a class of 甲一村's point a learner of 甲二村 (丁邻村). Every GET endpoint each scoped role may
open is requested with the world's in-scope samples — plain, and with every filter of the list pages
set — and the learners outside the user's scope (`Learner.in_scope`) must not appear in the body: not
their name, student number or ID number. PDFs are read with pypdf, .xlsx files with openpyxl.

A teacher's scope is their classes' learners, wherever they live (lms/auth/scope.py): the teacher of
class A sees 丙跨镇 and 丁邻村; the township staff of 甲镇 see 丁邻村 but not 丙跨镇; the enroller of 甲一村
sees neither.
"""
from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import not_, select

from lms.auth.scope import scope_for
from lms.extensions import db
from lms.learners.models import Learner
from tests.support.documents import document_text

IGNORED = {"static", "bootstrap.static", "auth.login"}
SCOPED_ROLES = ("township", "enroller", "teacher")
# Who each scoped role of tests/world.py must see on the class page of class A, and who it must not.
SEES = {"township": ("甲学员", "丁邻村"), "enroller": ("甲学员",), "teacher": ("甲学员", "丙跨镇", "丁邻村")}
HIDDEN = {"township": ("丙跨镇", "乙学员"), "enroller": ("丙跨镇", "丁邻村", "乙学员"), "teacher": ("乙学员",)}


def _filters(world) -> dict:
    """Every filter the list pages take, set to the world's in-scope objects."""
    return {"class": world.class_a.id, "class_id": world.class_a.id, "village": world.village_a.id,
            "village_id": world.village_a.id, "township": world.township_a.id,
            "township_id": world.township_a.id, "cohort": 2025, "specialty": world.class_a.specialty_id,
            "specialty_id": world.class_a.specialty_id, "status": "", "as_of": "2026-12-07"}


def _targets(app, world, role) -> list[str]:
    """URLs of every GET endpoint `role` may open, plain and filtered."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in IGNORED:
                continue
            view = app.view_functions[rule.endpoint]
            args = {arg: world.in_scope[arg] for arg in rule.arguments}
            roles_for = getattr(view, "roles_for", None)
            allowed = roles_for(**args) if roles_for else getattr(view, "allowed_roles", ())
            if role in allowed:
                filters = {k: v for k, v in _filters(world).items() if k not in args}
                urls += [url_for(rule.endpoint, **args), url_for(rule.endpoint, **args, **filters)]
    return urls


def _out_of_scope(user) -> dict[str, tuple[str, ...]]:
    """name → (name, student number, ID number) of every learner outside the user's scope."""
    learners = db.session.scalars(select(Learner).where(not_(Learner.in_scope(scope_for(user)))))
    return {l.name: (l.name, l.student_number, l.id_number) for l in learners}


def _leaks(text: str, hidden: dict) -> list[str]:
    return [f"{name} ({value})" for name, values in hidden.items() for value in values if value in text]


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_no_page_export_or_pdf_names_a_learner_outside_the_users_scope(app, client, world, role):
    user = world.users[role]
    hidden = _out_of_scope(user)
    assert set(HIDDEN[role]) <= set(hidden), "the world holds learners this role must not see"
    client.login(user.username)
    leaks, read = [], 0
    for url in _targets(app, world, role):
        response = client.get(url, follow_redirects=True)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        text = document_text(response)
        if text is None or response.status_code != 200:
            continue
        read += 1
        leaks += [f"{url}: {leak}" for leak in _leaks(text, hidden)]
    if role == "township":      # the student-status export is a form (POST)
        response = client.post_form("/learners/export", {"cohort": "2025"})
        assert response.mimetype.endswith("sheet")
        leaks += [f"/learners/export: {leak}" for leak in _leaks(document_text(response), hidden)]
    assert read > 20, "the role's pages were read"
    assert leaks == [], "\n".join(leaks)


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_the_class_page_lists_exactly_the_learners_in_the_users_scope(client, world, role):
    client.login(world.users[role].username)
    page = client.get(f"/classes/{world.class_a.id}").get_data(as_text=True)
    assert [name for name in SEES[role] if name not in page] == []
    assert [name for name in HIDDEN[role] if name in page] == []


def test_the_enroller_of_shangzhai_sees_only_their_villages_learners_on_the_demo_class_pages(app, client):
    """The attack as found on the demo: the enroller of 上寨村 and 下寨村 opened /classes/1 and /classes/2."""
    from lms.auth.models import User
    from lms.teaching.models import TeachingClass

    assert app.test_cli_runner().invoke(args=["lms", "demo"]).exit_code == 0
    enroller = db.session.scalar(select(User).where(User.username == "enroller"))
    scope = scope_for(enroller)
    client.login("enroller", "demo2025")
    for teaching_class in db.session.scalars(select(TeachingClass).where(TeachingClass.in_scope(scope))):
        page = client.get(f"/classes/{teaching_class.id}").get_data(as_text=True)
        members = db.session.scalars(select(Learner).where(Learner.class_id == teaching_class.id)).all()
        shown = {l.student_number for l in members if l.student_number in page}
        allowed = {l.student_number for l in members if l.village_id in scope.village_ids}
        assert shown == allowed, teaching_class.name


def test_township_staff_mark_their_own_learners_and_leave_the_others_lines_alone(client, world):
    from lms.teaching.models import Attendance

    session, outsider = world.session_a, world.learner_b_in_a
    client.login(world.users["township"].username)
    sheet = client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)
    assert "丁邻村" in sheet and "丙跨镇" not in sheet
    marks = {f"status-{world.learner_a.id}": "absent", f"status-{world.learner_a2.id}": "late",
             "version": str(session.version)}
    refused = client.post_form(f"/sessions/{session.id}/attendance", {**marks, f"status-{outsider.id}": "absent"})
    assert refused.status_code == 200 and "不属于本班" in refused.get_data(as_text=True)
    assert client.post_form(f"/sessions/{session.id}/attendance", marks).status_code == 302
    saved = {row.learner_id: row.status for row in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}
    assert saved == {world.learner_a.id: "absent", world.learner_a2.id: "late", outsider.id: "present"}
