"""Status events store a code (suspend, resume, withdraw, change_specialty), like every other status; users
see only the Chinese words (休学, 复学, 退学, 转专业) — on the learner page, in messages and in the audit log."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.learners.models import StatusEvent
from lms.learners.services.status import STATUS_CHANGES
from lms.rules import STATUS_EVENT_KIND_LABELS, STATUS_EVENT_KINDS
from tests.factories import make_class, make_learner, specialty_named

CODES = re.compile(r"\b(suspend|resume|withdraw|change_specialty)\b")


def visible_text(html: str) -> str:
    """The page's text as a user reads it: no tags, attributes or scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_every_kind_has_its_words_and_its_status_change():
    assert tuple(STATUS_EVENT_KIND_LABELS) == STATUS_EVENT_KINDS
    assert set(STATUS_CHANGES) == set(STATUS_EVENT_KINDS)


def test_the_form_records_codes_and_the_page_shows_words(area, client, login_as):
    learner = make_learner(area.village_a, teaching_class=make_class(area.point_a), name="王德才",
                           enrolled_on=date(2025, 3, 1))
    login_as("township", divisions=[area.township_a])
    form = {"occurred_on": "2025-05-01", "reason": "外出务工", "approved_by": "教务 黄志明", "to_specialty_id": 0}
    options = client.get(f"/learners/{learner.id}").get_data(as_text=True)
    for code, label in STATUS_EVENT_KIND_LABELS.items():
        assert f'<option value="{code}">{label}</option>' in options
    client.post_form(f"/learners/{learner.id}/events", {**form, "kind": "suspend"})
    assert "已办理休学：王德才，当前状态 休学。" in visible_text(client.get(f"/learners/{learner.id}").get_data(as_text=True))
    client.post_form(f"/learners/{learner.id}/events", {**form, "kind": "resume", "occurred_on": "2025-08-01"})
    client.post_form(f"/learners/{learner.id}/events", {**form, "kind": "change_specialty", "occurred_on": "2025-09-01",
                                                         "to_specialty_id": specialty_named("刺绣").id})
    client.post_form(f"/learners/{learner.id}/events", {**form, "kind": "withdraw", "occurred_on": "2025-10-01"})

    kinds = db.session.scalars(select(StatusEvent.kind).where(StatusEvent.learner_id == learner.id)
                               .order_by(StatusEvent.occurred_on)).all()
    assert kinds == ["suspend", "resume", "change_specialty", "withdraw"]
    page = visible_text(client.get(f"/learners/{learner.id}").get_data(as_text=True))
    history = re.sub(r"\s+", " ", page.split("学籍异动", 1)[1].split("操作记录", 1)[0])
    assert "2025年5月1日 休学" in history and "2025年8月1日 复学" in history and "2025年10月1日 退学" in history
    assert f"2025年9月1日 转专业 ：{specialty_named().name} → 刺绣" in history
    assert "王德才 休学（2025年5月1日）：外出务工" in page           # the audit trail on the page
    assert CODES.search(page) is None
    summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "learner.status_event")).all()
    assert len(summaries) == 4 and not any(CODES.search(summary) for summary in summaries)


def test_a_refusal_names_the_kind_in_words(area, client, login_as):
    learner = make_learner(area.village_a, name="王德才", enrolled_on=date(2025, 3, 1))
    login_as("township", divisions=[area.township_a])
    page = client.post_form(f"/learners/{learner.id}/events", {
        "kind": "resume", "occurred_on": "2025-05-01", "reason": "返乡", "to_specialty_id": 0}).get_data(as_text=True)
    assert "学员当前状态为在读，不能办理复学" in page
    assert CODES.search(visible_text(page)) is None
