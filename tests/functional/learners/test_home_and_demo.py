"""Home-page panels of township staff and enrollers; the demo registry each demo user finds."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from lms.extensions import db
from lms.learners.models import Learner, RosterEntry, StatusEvent
from tests.factories import make_learner, make_roster_entry


def count_in(page: str, key: str) -> int:
    return int(re.search(rf'data-count="{key}">(\d+)<', page).group(1))


def test_a_township_user_sees_counts_of_their_area_and_shortcuts(area, client, login_as):
    make_roster_entry(area.village_a)
    make_roster_entry(area.village_a2, status="visited")
    make_roster_entry(area.village_b)
    make_learner(area.village_a)
    login_as("township", divisions=[area.township_a])
    page = client.get("/").get_data(as_text=True)
    assert count_in(page, "roster-pending") == 1 and count_in(page, "roster-visited") == 1
    assert count_in(page, "learners-studying") == 1
    assert "现场报名" in page and "待走访名单" in page


def test_an_enroller_sees_only_their_villages(area, client, login_as):
    make_roster_entry(area.village_a)
    make_roster_entry(area.village_a2)
    login_as("enroller", divisions=[area.village_a])
    assert count_in(client.get("/").get_data(as_text=True), "roster-pending") == 1


def test_other_roles_get_no_registry_panel(client, login_as):
    login_as("teacher")
    assert "我的辖区" not in client.get("/").get_data(as_text=True)


def test_the_demo_has_a_registry_the_demo_users_find(app, client):
    assert app.test_cli_runner().invoke(args=["lms", "demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(RosterEntry)) >= 400
    statuses = set(db.session.scalars(select(RosterEntry.status).distinct()))
    assert statuses == {"pending", "visited", "enrolled", "ineligible", "declined", "away", "duplicate"}
    assert 180 <= db.session.scalar(select(func.count()).select_from(Learner)) <= 220
    assert len(set(db.session.scalars(select(Learner.cohort).distinct()))) == 3     # three intakes
    assert len(set(db.session.scalars(select(Learner.prior_education).distinct()))) == 5
    assert {"suspend", "resume", "withdraw", "change_specialty", "transfer_out", "transfer_in"} <= set(
        db.session.scalars(select(StatusEvent.kind).distinct()))
    from lms.learners.models import CarriedHours, CarriedResult

    assert db.session.scalar(select(func.count()).select_from(CarriedHours)) == 2
    assert db.session.scalar(select(func.count()).select_from(CarriedResult)) == 1
    moved = db.session.scalar(select(Learner).join(StatusEvent).where(StatusEvent.kind == "transfer_out"))
    assert moved.status == "transferred"
    client.login("township", "demo2025")
    home = client.get("/").get_data(as_text=True)
    assert count_in(home, "roster-pending") > 0 and count_in(home, "learners-studying") > 0
    assert "上寨村" in client.get("/learners/").get_data(as_text=True)
    client.logout()
    client.login("enroller", "demo2025")
    roster = client.get("/roster/").get_data(as_text=True)
    assert "上寨村" in roster and "石桥村" not in roster
    client.logout()
    client.login("teacher", "demo2025")
    assert re.search(r"上寨种植\d{4}级1班", client.get("/learners/").get_data(as_text=True))
