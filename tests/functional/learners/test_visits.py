"""Outreach visits change a roster entry's status (SPEC §3), with reasons where needed; audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.learners.models import OutreachVisit
from tests.factories import make_roster_entry


def visit(client, entry, **data):
    form = {"visited_on": "2025-04-02", "visitor": "罗春花", "outcome": "visited", "reason": "", "contact_phone": "",
            "residence": "在村居住", "work_situation": "在家务农", "health": "良好", "can_study": "yes",
            "willingness": "willing", "notes": "", **data}
    return client.post_form(f"/roster/{entry.id}/visits", form)


@pytest.mark.parametrize("outcome, status_label", [
    ("visited", "已走访"), ("declined", "不愿参加"), ("away", "外出"),
])
def test_a_visit_moves_the_entry_to_its_outcome(area, client, login_as, outcome, status_label):
    entry = make_roster_entry(area.village_a)
    login_as("enroller", divisions=[area.village_a])
    response = visit(client, entry, outcome=outcome)
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.status == outcome
    page = client.get(f"/roster/{entry.id}").get_data(as_text=True)
    assert f"名册状态：{status_label}" in page and "在家务农" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roster.visit"))
    assert event.before["status"] == "pending" and event.after["status"] == outcome


@pytest.mark.parametrize("outcome", ["ineligible", "duplicate"])
def test_ineligible_and_duplicate_need_a_reason(area, client, login_as, outcome):
    entry = make_roster_entry(area.village_a)
    login_as("township", divisions=[area.township_a])
    assert "时请填写原因" in visit(client, entry, outcome=outcome).get_data(as_text=True)
    assert visit(client, entry, outcome=outcome, reason="长期卧病").status_code == 302
    db.session.refresh(entry)
    assert entry.status == outcome and entry.status_reason == "长期卧病"


def test_a_visit_to_someone_enrolled_keeps_them_enrolled(area, client, login_as):
    entry = make_roster_entry(area.village_a, status="enrolled")
    login_as("township", divisions=[area.township_a])
    visit(client, entry, outcome="declined")
    db.session.refresh(entry)
    assert entry.status == "enrolled"
    assert db.session.scalar(select(OutreachVisit.resulting_status)) == "enrolled"


@pytest.mark.parametrize("data, message", [
    ({"visited_on": "2099-01-01"}, "走访日期不能晚于今天"),
    ({"visited_on": ""}, "请填写走访日期"),
    ({"visitor": ""}, "请填写走访人"),
    ({"contact_phone": "123"}, "手机号应为 1 开头的 11 位数字"),
])
def test_bad_visits_are_refused(area, client, login_as, data, message):
    entry = make_roster_entry(area.village_a)
    login_as("township", divisions=[area.township_a])
    assert message in visit(client, entry, **data).get_data(as_text=True)
    assert db.session.scalar(select(OutreachVisit)) is None


def test_nobody_visits_outside_their_area(area, client, login_as):
    entry = make_roster_entry(area.village_b)
    login_as("township", divisions=[area.township_a])
    assert visit(client, entry).status_code == 404


def test_showing_a_roster_id_is_audited(area, client, login_as):
    entry = make_roster_entry(area.village_a)
    login_as("township", divisions=[area.township_a])
    assert entry.id_number in client.post_form(f"/roster/{entry.id}/reveal").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "roster.view_id"))


def test_a_visit_to_someone_away_saves_no_answer_the_enroller_did_not_give(area, client, login_as):
    entry = make_roster_entry(area.village_a)
    login_as("enroller", divisions=[area.village_a])
    form = client.get(f"/roster/{entry.id}").get_data(as_text=True)
    assert '<option selected value="">未了解</option>' in form and '<option selected value="unknown">未了解</option>' in form
    response = client.post_form(f"/roster/{entry.id}/visits", {
        "visited_on": "2025-04-02", "visitor": "罗春花", "outcome": "away", "residence": "外出务工，浙江宁波"})
    assert response.status_code == 302
    saved = db.session.scalar(select(OutreachVisit))
    assert (saved.can_study, saved.willingness) == (None, "unknown")
    page = client.get(f"/roster/{entry.id}").get_data(as_text=True)
    assert "能否学习：未了解；参加意愿：未了解" in page
    assert "能参加学习；" not in page and "考虑中" not in page.split("走访记录")[1].split("记录走访")[0]


@pytest.mark.parametrize("can_study, saved, shown", [("yes", True, "能参加学习"), ("no", False, "身体原因不能学习")])
def test_what_the_enroller_chose_is_saved(area, client, login_as, can_study, saved, shown):
    entry = make_roster_entry(area.village_a)
    login_as("enroller", divisions=[area.village_a])
    visit(client, entry, can_study=can_study, willingness="undecided")
    visit_row = db.session.scalar(select(OutreachVisit))
    assert (visit_row.can_study, visit_row.willingness) == (saved, "undecided")
    assert f"{shown}；参加意愿：考虑中" in client.get(f"/roster/{entry.id}").get_data(as_text=True)
