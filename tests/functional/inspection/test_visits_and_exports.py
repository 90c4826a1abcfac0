"""Recording an inspection visit (audited, refused in Chinese when wrong), and each list's .xlsx export."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.inspection.exports import LISTS
from lms.inspection.models import InspectionVisit
from tests.factories import make_platform_record, make_session, make_user, mark_attendance
from tests.functional.inspection.conftest import PERIOD
from tests.functional.inspection.test_inspection_lists import section
from tests.support.documents import xlsx_cells

VISIT = {"visited_on": "2026-10-10", "inspector": "县督查室 王明", "outcome": "problem",
         "findings": "实到 9 人，签到表 12 人签名"}


def _visits() -> int:
    return db.session.scalar(select(func.count()).select_from(InspectionVisit))


def test_the_bureau_records_a_visit_which_is_audited_and_listed(client, county):
    session = make_session(county.class_a, held_on=date(2026, 10, 10))
    client.login(make_user("bureau").username)
    page = client.get("/inspection/", query_string=PERIOD).get_data(as_text=True)
    assert "登记督查结果" in page and f'value="{session.id}"' in section(page, "sample")
    response = client.post_form("/inspection/visits", {**VISIT, **PERIOD, "session_id": str(session.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("#list-visits")
    visit = db.session.scalar(select(InspectionVisit))
    assert (visit.session_id, visit.visited_on, visit.outcome) == (session.id, date(2026, 10, 10), "problem")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "inspection.visit"))
    assert event.entity_id == str(visit.id) and "发现问题" in event.summary and "县督查室 王明" in event.summary
    visits = section(client.get("/inspection/", query_string=PERIOD).get_data(as_text=True), "visits")
    assert "实到 9 人，签到表 12 人签名" in visits and "县督查室 王明" in visits


def test_opening_the_lists_is_audited_with_the_sample_offered(client, county):
    session = make_session(county.class_a, held_on=date(2026, 10, 10))
    bureau = make_user("bureau")
    client.login(bureau.username)
    client.get("/inspection/", query_string=PERIOD)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "inspection.view"))
    assert event.user_id == bureau.id and "查看督查清单" in event.summary
    assert event.after["sample"] == [session.id] and event.after["start"] == PERIOD["start"]


@pytest.mark.parametrize(("change", "message"), [
    ({"visited_on": "2026-12-08"}, "督查日期不能晚于今天"),
    ({"visited_on": "2026-10-09"}, "督查日期不能早于课次日期（2026-10-10）"),
    ({"inspector": ""}, "请填写督查人员"),
    ({"findings": ""}, "发现问题时请写明发现了什么"),
    ({"session_id": ""}, "请选择抽查的课次"),
])
def test_a_wrong_visit_is_refused_in_chinese_and_nothing_is_written(client, county, change, message):
    session = make_session(county.class_a, held_on=date(2026, 10, 10))
    client.login(make_user("registrar").username)
    response = client.post_form("/inspection/visits", {**VISIT, **PERIOD, "session_id": str(session.id), **change})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _visits() == 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "inspection.visit")) is None


def test_township_staff_read_the_lists_but_record_no_visit(client, county):
    session = make_session(county.class_a, held_on=date(2026, 10, 10))
    client.login(make_user("township", divisions=[county.township_a]).username)
    assert "登记督查结果" not in client.get("/inspection/", query_string=PERIOD).get_data(as_text=True)
    response = client.post_form("/inspection/visits", {**VISIT, **PERIOD, "session_id": str(session.id)})
    assert response.status_code == 403 and _visits() == 0


def test_a_visit_of_another_townships_session_answers_404(client, county):
    session = make_session(county.class_b, held_on=date(2026, 10, 10))
    client.login(make_user("bureau").username)
    # The bureau is county-wide: the same post for a session that does not exist answers 404.
    response = client.post_form("/inspection/visits", {**VISIT, **PERIOD, "session_id": str(session.id + 1000)})
    assert response.status_code == 404 and _visits() == 0


@pytest.mark.parametrize("key", [*LISTS, None])
def test_each_list_exports_to_xlsx_with_text_as_text_and_is_audited(client, county, key):
    learner = county.learners[0]
    session = make_session(county.class_a, held_on=date(2026, 11, 7))
    mark_attendance(session, learner)
    make_platform_record(learner, minutes=21600, studied_on=date(2026, 11, 7))
    client.login(make_user("bureau").username)
    response = client.get("/inspection/export.xlsx", query_string={**PERIOD, **({"list": key} if key else {})})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    cells = list(xlsx_cells(response.data))
    titles = {title for title, _cell in cells}
    assert len(titles) == (1 if key else len(LISTS))
    values = {cell.value: cell for _title, cell in cells}
    if key in ("fast", "overlaps", None):
        assert values[learner.student_number].data_type == "s"
    if key in ("missing", "sample", None):
        assert values["JIA-01"].data_type == "s"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "inspection.export"))
    assert event is not None and "2026-09-01 至 2026-12-31" in event.summary


def test_an_unknown_list_is_not_exported(client, county):
    client.login(make_user("bureau").username)
    assert client.get("/inspection/export.xlsx", query_string={"list": "secrets"}).status_code == 404
