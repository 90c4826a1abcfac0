"""lms.teaching.services.selfstudy called directly: entries logged, approved, rejected, approved in bulk —
results, hours, audit events and refusals in Chinese naming the field."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.core.clock import today
from lms.core.errors import DomainError
from lms.extensions import db
from lms.teaching.hours import learner_hour_totals
from lms.teaching.models import SelfStudyEntry
from lms.teaching.services.selfstudy import approve_pending, decide_self_study, log_self_study
from tests.factories import make_platform_record, make_self_study, tiny_png

DAY = date(2025, 4, 1)


def _events(action: str, entity_id=None) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == str(entity_id))
    return list(db.session.scalars(stmt))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _log(setup, learner=None, **options) -> SelfStudyEntry:
    values = {"studied_on": DAY, "minutes": 120, "content": "  自学读写算第二单元  ", **options}
    return log_self_study(actor=setup.teacher, learner=learner or setup.learners[0], today=today(), **values)


# --- log_self_study ----------------------------------------------------------------------------------

def test_a_logged_entry_waits_for_approval_counts_nothing_yet_and_is_audited(setup):
    learner = setup.learners[0]
    entry = _log(setup)
    assert (entry.status, entry.source, entry.content, entry.minutes) == ("pending", "teacher", "自学读写算第二单元", 120)
    assert entry.created_by_id == setup.teacher.id and entry.evidence_path is None
    assert learner_hour_totals(learner.id).self_study == 0
    [event] = _events("self_study.create", entry.id)
    assert event.summary == f"登记自学 {learner.name} 2025-04-01 2 学时"
    assert event.after == {"learner_id": learner.id, "studied_on": "2025-04-01", "minutes": 120}


def test_evidence_is_stored_under_its_real_type(setup, app):
    entry = _log(setup, evidence=("证明.pdf", tiny_png()))
    assert entry.evidence_path.startswith("evidence/") and entry.evidence_path.endswith(".png")
    assert (Path(app.config["DATA_DIR"]) / entry.evidence_path).read_bytes() == tiny_png()


@pytest.mark.parametrize(("options", "field", "message"), [
    ({"studied_on": "tomorrow"}, "studied_on", "日期不能晚于今天"),
    ({"studied_on": date(2025, 2, 28)}, "studied_on", "学员01 在 2025年2月28日 尚未入学（2025年3月1日入学），不能记录学时"),
    ({"minutes": 0}, "hours", "学时应大于 0 且不超过 24"),
    ({"minutes": 24 * 60 + 1}, "hours", "学时应大于 0 且不超过 24"),
    ({"content": " \n "}, "content", "内容不能为空"),
], ids=["future", "before-enrolment", "no-minutes", "over-a-day", "no-content"])
def test_a_bad_entry_is_refused_before_anything_is_written(setup, options, field, message):
    if options.get("studied_on") == "tomorrow":
        options["studied_on"] = today() + timedelta(days=1)
    entries, events = _count(SelfStudyEntry), _count(AuditEvent)
    with pytest.raises(DomainError) as caught:
        _log(setup, **options)
    assert (caught.value.message, caught.value.field) == (message, field)
    assert (_count(SelfStudyEntry), _count(AuditEvent)) == (entries, events)


def test_today_and_the_days_whole_self_study_cap_are_accepted(setup):
    assert _log(setup, studied_on=today(), minutes=240).minutes == 240      # the policy's default cap: 4 学时


def test_pending_entries_and_platform_hours_hold_the_day_up_to_its_cap(setup):
    learner = setup.learners[0]
    make_platform_record(learner, minutes=480, studied_on=DAY)
    _log(setup, minutes=200)                       # pending: holds the day too
    _log(setup, minutes=40)                        # 200 + 40 = 240 self-study, 720 in all: the caps themselves pass
    with pytest.raises(DomainError) as caught:
        _log(setup, minutes=1)
    assert caught.value.field == "hours"
    assert caught.value.message.startswith(f"{learner.name} 2025年4月1日 的自学将达 ")
    assert caught.value.message.endswith("超过每日自学上限 4 学时")
    assert _log(setup, minutes=1, studied_on=DAY + timedelta(days=1)).minutes == 1


def test_a_rejected_entry_frees_its_day(setup):
    entry = _log(setup, minutes=240)
    decide_self_study(actor=setup.teacher, entry=entry, approve=False, note="没有学习证明")
    assert _log(setup, minutes=60).status == "pending"


# --- decide_self_study -------------------------------------------------------------------------------

def test_an_approved_entry_counts_as_self_study_and_is_audited(setup):
    entry = _log(setup)
    decide_self_study(actor=setup.teacher, entry=entry, approve=True, note="  ")
    assert (entry.status, entry.decided_by_id, entry.decision_note) == ("approved", setup.teacher.id, "")
    assert entry.decided_at is not None
    assert learner_hour_totals(setup.learners[0].id).self_study == 120
    [event] = _events("self_study.approve", entry.id)
    assert event.summary == "通过自学记录"
    assert event.before == {"status": "pending"} and event.after == {"status": "approved", "note": ""}


def test_a_rejection_needs_a_reason_keeps_two_hundred_characters_and_counts_nothing(setup):
    entry = _log(setup)
    with pytest.raises(DomainError) as caught:
        decide_self_study(actor=setup.teacher, entry=entry, approve=False, note="   ")
    assert (caught.value.message, caught.value.field) == ("不通过时请填写原因", "note")
    assert entry.status == "pending" and _events("self_study.reject", entry.id) == []
    decide_self_study(actor=setup.teacher, entry=entry, approve=False, note=" " + "缺" * 250)
    assert entry.status == "rejected" and entry.decision_note == "缺" * 200
    assert learner_hour_totals(setup.learners[0].id).self_study == 0
    [event] = _events("self_study.reject", entry.id)
    assert event.summary == "不通过自学记录" and event.after == {"status": "rejected", "note": "缺" * 200}


def test_a_decided_entry_cannot_be_decided_again(setup):
    entry = _log(setup)
    decide_self_study(actor=setup.teacher, entry=entry, approve=True)
    with pytest.raises(DomainError) as caught:
        decide_self_study(actor=setup.teacher, entry=entry, approve=False, note="改主意")
    # (The message reads “该记录已已通过，…” today — the label already says 已; the doubled 已 is reported.)
    assert "已通过" in caught.value.message and caught.value.message.endswith("不能重复审核")
    assert entry.status == "approved" and _events("self_study.reject", entry.id) == []


def test_an_entry_dated_before_enrolment_is_never_approved(setup):
    entry = make_self_study(setup.learners[0], minutes=60, studied_on=date(2025, 2, 1), status="pending")
    with pytest.raises(DomainError) as caught:
        decide_self_study(actor=setup.teacher, entry=entry, approve=True)
    assert caught.value.message == "学员01 在 2025年2月1日 尚未入学（2025年3月1日入学），不能记录学时"
    assert entry.status == "pending" and learner_hour_totals(setup.learners[0].id).self_study == 0


# --- approve_pending ---------------------------------------------------------------------------------

def test_approving_all_approves_only_pending_entries_in_one_audit_event(setup):
    first, second = setup.learners[:2]
    pending = [make_self_study(first, minutes=60, studied_on=DAY, status="pending"),
               make_self_study(second, minutes=90, studied_on=DAY, status="pending")]
    rejected = make_self_study(first, minutes=30, studied_on=DAY + timedelta(days=1), status="rejected")
    early = make_self_study(second, minutes=45, studied_on=date(2025, 2, 1), status="pending")
    approved, why_not = approve_pending(actor=setup.teacher, entries=[*pending, rejected, early])
    assert approved == 2 and why_not == ["学员02 在 2025年2月1日 尚未入学（2025年3月1日入学），不能记录学时"]
    assert [entry.status for entry in (*pending, rejected, early)] == ["approved", "approved", "rejected", "pending"]
    assert {entry.decided_by_id for entry in pending} == {setup.teacher.id}
    assert (learner_hour_totals(first.id).self_study, learner_hour_totals(second.id).self_study) == (60, 90)
    [event] = _events("self_study.approve_all")
    assert event.summary == "批量通过 2 条自学记录" and event.after == {"entry_ids": [e.id for e in pending]}


def test_approving_all_with_nothing_pending_records_nothing(setup):
    done = make_self_study(setup.learners[0], minutes=60, studied_on=DAY, status="approved")
    assert approve_pending(actor=setup.teacher, entries=[done]) == (0, [])
    assert _events("self_study.approve_all") == []
