"""One rounding of hours: the learning account, the hours page, the exports and the engine's reasons show
the same figure — cut down to one decimal, so nobody sees the 360-hour rule met before it is."""
from __future__ import annotations

import io
import json
from datetime import date

from openpyxl import load_workbook

from lms.teaching.hours import learner_hour_totals
from tests.factories import give_hours, make_session, mark_attendance
from tests.functional.teaching.conftest import build_class

# 272 学时 17 minutes = 272.283…: rounding would say 272.3, the engine says 272.2.
MINUTES = 272 * 60 + 17


def _r6_cell(client, learner) -> str:
    sheet = load_workbook(io.BytesIO(client.get("/graduation/audit.xlsx").data)).active
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == learner.student_number)
    return row[headers.index("自学+线上学时")]


def test_the_account_the_hours_page_and_the_exports_show_the_same_figure(app, client, login_as):
    setup = build_class(1)
    learner = setup.learners[0]
    give_hours(learner, platform_minutes=MINUTES, on=date(2025, 5, 1))
    login_as("registrar")
    account = client.get(f"/learners/{learner.id}/account").get_data(as_text=True)
    hours_page = client.get(f"/learners/{learner.id}/hours").get_data(as_text=True)
    assert "272.2 / 360 学时" in account and "平台线上 272.2" in account
    assert "272.2 学时" in hours_page and "自学+线上 272.2/360 学时，还差 87.8 学时" in hours_page
    for page in (account, hours_page):
        assert "272.3" not in page
    assert _r6_cell(client, learner) == "272.2"
    cli = app.test_cli_runner().invoke(args=["lms", "hours", "--json"])
    line = next(json.loads(text) for text in cli.output.strip().splitlines() if learner.student_number in text)
    assert line["hours_360"] == 272.2 and line["hours"]["platform"] == 272.2


def test_a_minute_short_of_360_never_reads_360(app, client, login_as):
    learner = build_class(1).learners[0]
    give_hours(learner, platform_minutes=21599, on=date(2025, 5, 1))
    login_as("registrar")
    for url in (f"/learners/{learner.id}/account", f"/learners/{learner.id}/hours"):
        page = client.get(url).get_data(as_text=True)
        assert "359.9" in page and "360 / 360" not in page and "360/360" not in page, url


def test_the_attendance_sheet_keeps_odd_minutes_when_saved_unchanged(client):
    setup = build_class(1)
    session = make_session(setup.teaching_class, held_on=date(2025, 3, 8), hours=8)
    mark_attendance(session, setup.learners[0], status="late", minutes=25)
    client.login(setup.teacher.username)
    page = client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)
    assert f'name="hours-{setup.learners[0].id}" value="0.42"' in page
    data = {"version": str(session.version), f"status-{setup.learners[0].id}": "late",
            f"hours-{setup.learners[0].id}": "0.42"}          # saved as shown
    assert client.post_form(f"/sessions/{session.id}/attendance", data).status_code == 302
    assert learner_hour_totals(setup.learners[0].id).face == 25
