"""学籍异动 beyond 休学/复学/退学/转专业: 转出 (with its 转学档案), 转入 (hours and results carried in), 注销, 死亡 —
and revoking a wrongly recorded event, after which the status follows the events that remain."""
from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.assessment.facts import learner_facts
from lms.assessment.models import AssessmentResult, AssignmentCompletion
from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.learners.models import CarriedHours, StatusEvent
from lms.learners.services.status import record_status_event
from lms.learners.studying import studying_on
from lms.policies.services import policy_for
from lms.rules import graduation_decision
from lms.teaching.hours import learner_hour_totals
from lms.teaching.services.selfstudy import check_study_day
from tests.factories import make_class, make_learner

TODAY = date(2026, 12, 7)


@pytest.fixture
def learner(area):
    return make_learner(area.village_a, teaching_class=make_class(area.point_a), name="王德才",
                        enrolled_on=date(2025, 3, 1))


def event(client, learner, **data):
    form = {"kind": "transfer_out", "occurred_on": "2026-05-02", "reason": "随家人迁居", "approved_by": "教务 黄志明",
            "to_specialty_id": 0, "other_school": "邻县职业技术学校", "document_number": "ZX-2026-018", **data}
    return client.post_form(f"/learners/{learner.id}/events", form)


def revoke(client, learner, event_row, reason="录错了学员"):
    return client.post_form(f"/learners/{learner.id}/events/{event_row.id}/revoke", {"reason": reason})


def history_text(client, learner) -> str:
    html = client.get(f"/learners/{learner.id}").get_data(as_text=True)
    part = html.split('id="status-events"', 1)[1].split('id="audit-trail"', 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


def test_transfer_out_records_destination_and_document_and_ends_study(area, client, login_as, learner):
    login_as("township", divisions=[area.township_a])
    assert event(client, learner).status_code == 302
    db.session.refresh(learner)
    assert (learner.status, learner.status_label, learner.status_changed_on) == ("transferred", "已转出", date(2026, 5, 2))
    text = history_text(client, learner)
    assert "2026年5月2日 转出 ：转入邻县职业技术学校" in text and "转学证明 ZX-2026-018" in text
    summary = db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "learner.status_event"))
    assert "邻县职业技术学校，转学证明 ZX-2026-018" in summary
    # the sheets and the hours: the event day still counts (as for 退学), the day after does not
    assert studying_on([learner], date(2026, 5, 2)) == [learner] and studying_on([learner], date(2026, 5, 3)) == []
    assert check_study_day(learner, date(2026, 5, 2), TODAY) is None
    assert check_study_day(learner, date(2026, 5, 3), TODAY) == "王德才 在 2026年5月3日 已转出，不能记录学时"


@pytest.mark.parametrize("data, message", [
    ({"other_school": ""}, "转出须填写转入学校或地区"),
    ({"document_number": ""}, "转出须填写转学证明编号"),
    ({"kind": "transfer_in", "other_school": ""}, "转入须填写原学校或地区"),
    ({"kind": "cancel", "carried_self": "10"}, "只有转入可以带入学时和成绩"),
    ({"kind": "transfer_in", "carried_results": "不存在的课 80"}, "第 1 行：课程“不存在的课”不在学员专业的教学计划中"),
    ({"kind": "transfer_in", "carried_results": "读写算 180"}, "第 1 行：成绩“180”须是 0–100 的数字"),
])
def test_bad_transfers_are_refused_and_nothing_is_written(area, client, login_as, learner, data, message):
    login_as("registrar")
    assert message in event(client, learner, **data).get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.status == "studying" and db.session.scalar(select(StatusEvent)) is None
    assert db.session.scalar(select(CarriedHours)) is None


@pytest.mark.parametrize("kind, status, label, phrase", [
    ("cancel", "cancelled", "已注销", "已注销"), ("death", "deceased", "已故", "已故")])
def test_cancel_and_death_end_study_with_their_own_status(area, client, login_as, learner, kind, status, label, phrase):
    login_as("registrar")
    assert event(client, learner, kind=kind, other_school="", document_number="", reason="户籍注销").status_code == 302
    db.session.refresh(learner)
    assert (learner.status, learner.status_label) == (status, label)
    assert check_study_day(learner, date(2026, 5, 3), TODAY) == f"王德才 在 2026年5月3日 {phrase}，不能记录学时"
    assert "确认办理" not in client.get(f"/learners/{learner.id}").get_data(as_text=True)


def test_the_audit_decides_no_certificate_naming_the_event(area, client, login_as, learner):
    login_as("registrar")
    event(client, learner)
    facts = learner_facts([learner.id], TODAY)[learner.id]
    decision = graduation_decision(facts, TODAY, policy_for(2025))
    assert decision.outcome == "left"
    assert decision.reasons == ("已于2026年5月2日转出，学习记录随转学档案转出，不发证书",)
    from lms.certificates.eligibility import allows

    assert not any(allows(kind, decision) for kind in ("diploma", "completion", "study_record"))
    before = graduation_decision(learner_facts([learner.id], date(2026, 5, 1))[learner.id], date(2026, 5, 1),
                                 policy_for(2025))
    assert before.outcome != "left"


def test_transfer_in_carries_hours_and_results_that_count_and_show_their_source(area, client, login_as, learner):
    login_as("registrar")
    response = event(client, learner, kind="transfer_in", occurred_on="2025-03-01", other_school="邻县职业技术学校",
                     document_number="ZR-2025-003", carried_face="40", carried_platform="100.5",
                     carried_results="读写算 86\n普通话：72.5")
    assert response.status_code == 302
    db.session.refresh(learner)
    assert learner.status == "studying"
    totals = learner_hour_totals(learner.id)
    assert (totals.face, totals.platform, totals.live, totals.self_study) == (2400, 6030, 0, 0)
    assert learner_hour_totals(learner.id, as_of=date(2025, 2, 28)).face == 0      # dated on the transfer day
    rows = db.session.scalars(select(CarriedHours).order_by(CarriedHours.category)).all()
    assert [(r.category, r.minutes, r.carried_on) for r in rows] == [("F", 2400, date(2025, 3, 1)),
                                                                     ("P", 6030, date(2025, 3, 1))]
    results = db.session.scalars(select(AssessmentResult).order_by(AssessmentResult.score)).all()
    assert [(r.course.name, r.score, r.sat_on) for r in results] == [
        ("普通话", Decimal("72.5"), date(2025, 3, 1)), ("读写算", Decimal("86.0"), date(2025, 3, 1))]
    facts = learner_facts([learner.id], TODAY)[learner.id]
    standing = {c.name: c for c in graduation_decision(facts, TODAY, policy_for(2025)).courses}
    assert standing["读写算"].status == "passed" and standing["普通话"].status == "passed"
    text = history_text(client, learner)
    assert "2025年3月1日 转入 ：来自邻县职业技术学校" in text and "转学证明 ZR-2025-003" in text
    assert "带入学时：集中面授 40 学时，平台线上学习 100.5 学时" in text
    assert "带入成绩：读写算 86.0，普通话 72.5" in text


def test_revoking_a_transfer_in_voids_what_it_carried(area, client, login_as, learner):
    login_as("registrar")
    event(client, learner, kind="transfer_in", occurred_on="2025-03-01", carried_self="20", carried_results="读写算 86")
    transfer = db.session.scalar(select(StatusEvent))
    assert revoke(client, learner, transfer, "转学证明不属于该学员").status_code == 302
    assert learner_hour_totals(learner.id).self_study == 0
    assert db.session.scalar(select(AssessmentResult)).voided_at is not None
    assert all(row.voided_at is not None for row in db.session.scalars(select(AssignmentCompletion)))
    facts = learner_facts([learner.id], TODAY)[learner.id]
    standing = {c.name: c for c in graduation_decision(facts, TODAY, policy_for(2025)).courses}
    assert standing["读写算"].status != "passed"
    assert db.session.scalar(select(CarriedHours)).voided_at is not None      # kept, never deleted


def test_revoking_the_wrong_event_restores_the_status_and_study(area, client, login_as, learner):
    user = login_as("township", divisions=[area.township_a])
    event(client, learner)
    wrong = db.session.scalar(select(StatusEvent))
    assert revoke(client, learner, wrong).status_code == 302
    db.session.refresh(learner)
    db.session.refresh(wrong)
    assert (learner.status, learner.status_changed_on) == ("studying", None)
    assert (wrong.revoked_on, wrong.revoked_by_id, wrong.revoke_reason) == (TODAY, user.id, "录错了学员")
    assert studying_on([learner], date(2026, 5, 3)) == [learner]
    assert check_study_day(learner, date(2026, 5, 3), TODAY) is None
    html = client.get(f"/learners/{learner.id}").get_data(as_text=True)
    assert f'data-event="{wrong.id}" data-revoked' in html and "text-decoration-line-through" in html
    assert "已撤销（2026年12月7日" in history_text(client, learner) and "：录错了学员" in history_text(client, learner)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learner.status_event_revoke"))
    assert audit.summary == "王德才 撤销转出（2026年5月2日）：录错了学员" and audit.user_id == user.id
    # a new event may now be recorded, dated before the revoked one
    assert event(client, learner, kind="suspend", occurred_on="2026-04-01", other_school="", document_number="",
                 reason="外出务工").status_code == 302


def test_revoking_a_suspension_moves_the_period_end_back(area, client, login_as, learner):
    login_as("registrar")
    end = learner.period_end_on
    event(client, learner, kind="suspend", occurred_on="2025-09-01", other_school="", document_number="")
    event(client, learner, kind="resume", occurred_on="2025-09-11", other_school="", document_number="")
    db.session.refresh(learner)
    assert (learner.period_end_on - end).days == 10
    suspend, resume = db.session.scalars(select(StatusEvent).order_by(StatusEvent.id)).all()
    page = revoke(client, learner, suspend).get_data(as_text=True)
    assert "撤销这条休学后，学员当前状态为在读，不能办理复学（2025年9月11日）：请先撤销后面的异动" in page
    revoke(client, learner, resume)
    db.session.refresh(learner)
    assert learner.status == "suspended" and learner.period_end_on == end
    revoke(client, learner, suspend)
    db.session.refresh(learner)
    assert learner.status == "studying" and learner.period_end_on == end


def test_revoking_needs_a_reason_and_happens_once(area, client, login_as, learner):
    login_as("registrar")
    event(client, learner)
    row = db.session.scalar(select(StatusEvent))
    assert "请填写撤销原因" in revoke(client, learner, row, reason="").get_data(as_text=True)
    db.session.refresh(row)
    assert row.revoked_on is None
    revoke(client, learner, row)
    assert "这条转出已于2026年12月7日撤销" in revoke(client, learner, row).get_data(as_text=True)


def _transferred(*learners):
    for one in learners:
        record_status_event(actor=None, learner=one, kind="transfer_out", occurred_on=date(2026, 5, 2), reason="迁居",
                            other_school="邻县职业技术学校", document_number="ZX-2026-018", today=TODAY)
    return db.session.scalars(select(StatusEvent).order_by(StatusEvent.id)).all()


def test_revoking_is_scoped(area, client, login_as, learner):
    other = make_learner(area.village_b, name="乙学员")
    mine, theirs = _transferred(learner, other)
    login_as("township", divisions=[area.township_a])
    assert revoke(client, other, theirs).status_code == 404          # another township's learner
    assert revoke(client, learner, theirs).status_code == 404        # an event of another learner
    assert db.session.scalars(select(StatusEvent.revoked_on)).all() == [None, None]


def test_revoking_needs_the_status_capability(area, client, login_as, learner):
    mine, = _transferred(learner)
    login_as("enroller", divisions=[area.village_a])
    assert revoke(client, learner, mine).status_code == 403
    assert "撤销这条异动" not in client.get(f"/learners/{learner.id}").get_data(as_text=True)
    assert db.session.scalars(select(StatusEvent.revoked_on)).all() == [None]


def test_the_transfer_record_is_a_pdf_with_masked_identity_hours_and_results(area, client, login_as, learner, tmp_path):
    login_as("registrar")
    event(client, learner, kind="transfer_in", occurred_on="2025-03-01", carried_face="40",
          carried_results="读写算 86")
    event(client, learner)
    response = client.get(f"/learners/{learner.id}/transfer-record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    path = tmp_path / "record.pdf"
    path.write_bytes(response.data)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    assert "转学档案" in text and "王德才" in text and learner.id_number not in text
    assert f"{learner.id_number[:6]}********{learner.id_number[-4:]}" in text
    assert "ZX-2026-018" in text and "邻县职业技术学校" in text and "2025年3月1日" in text
    assert "单位：学时）集中面授集中线上平台线上学习自学合计40000" in text and "读写算通过86" in text
    assert "CJK" in subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learner.transfer_record"))
    assert audit.entity_id == str(learner.id) and "ZX-2026-018" in audit.summary


def test_the_transfer_record_is_scoped_and_only_for_a_transfer_out(area, client, login_as, learner):
    other = make_learner(area.village_b, name="乙学员")
    _transferred(other)
    login_as("township", divisions=[area.township_a])
    assert client.get(f"/learners/{learner.id}/transfer-record.pdf").status_code == 302     # no 转出: no record
    assert "下载转学档案" not in client.get(f"/learners/{learner.id}").get_data(as_text=True)
    assert client.get(f"/learners/{other.id}/transfer-record.pdf").status_code == 404


@pytest.mark.parametrize("kind", ["transfer_out", "cancel", "death"])
def test_the_attendance_sheet_drops_them_after_the_event_day_and_takes_them_back_when_revoked(area, learner, kind):
    from lms.auth.scope import EVERYTHING
    from lms.learners.services.status import revoke_status_event
    from lms.teaching.services.sessions import sheet_learners
    from tests.factories import make_session

    on_the_day = make_session(learner.teaching_class, held_on=date(2026, 5, 2))
    day_after = make_session(learner.teaching_class, held_on=date(2026, 5, 3))
    record_status_event(actor=None, learner=learner, kind=kind, occurred_on=date(2026, 5, 2), reason="x",
                        other_school="邻县职业技术学校", document_number="ZX-1", today=TODAY)
    assert sheet_learners(on_the_day, EVERYTHING) == [learner]
    assert sheet_learners(day_after, EVERYTHING) == []
    revoke_status_event(actor=None, event=db.session.scalar(select(StatusEvent)), reason="录错", today=TODAY)
    assert sheet_learners(day_after, EVERYTHING) == [learner]


def test_revoking_a_change_of_specialty_restores_the_specialty(area, learner):
    from lms.learners.services.status import revoke_status_event
    from tests.factories import specialty_named

    first = learner.specialty_id
    record_status_event(actor=None, learner=learner, kind="change_specialty", occurred_on=date(2026, 3, 1),
                        reason="兴趣", to_specialty=specialty_named("刺绣"), today=TODAY)
    record_status_event(actor=None, learner=learner, kind="change_specialty", occurred_on=date(2026, 4, 1),
                        reason="兴趣", to_specialty=specialty_named("餐饮"), today=TODAY)
    one, two = db.session.scalars(select(StatusEvent).order_by(StatusEvent.id)).all()
    revoke_status_event(actor=None, event=two, reason="录错专业", today=TODAY)
    assert learner.specialty_id == specialty_named("刺绣").id and learner.class_id is None
    revoke_status_event(actor=None, event=one, reason="未获批准", today=TODAY)
    assert learner.specialty_id == first and learner.status == "studying"


def test_no_event_is_revoked_once_a_certificate_set_the_status(area, learner):
    from lms.core.errors import DomainError
    from lms.learners.services.status import revoke_status_event

    record_status_event(actor=None, learner=learner, kind="suspend", occurred_on=date(2025, 9, 1), reason="务工",
                        today=TODAY)
    from lms import summaries

    learner.status, learner.status_changed_on = "graduated", date(2026, 8, 1)      # as a diploma would
    summaries.learners_changed([learner.id])
    with pytest.raises(DomainError, match="学员已毕业，不能撤销学籍异动"):
        revoke_status_event(actor=None, event=db.session.scalar(select(StatusEvent)), reason="录错", today=TODAY)


@pytest.mark.parametrize("kind, words", [("withdraw", "已退学"), ("transfer_out", "已转出"), ("cancel", "已注销"),
                                         ("death", "已故")])
def test_nothing_more_is_recorded_for_a_learner_off_the_register(area, learner, kind, words):
    """Results, exemption applications and moral evaluations stop for every way of leaving, not only 退学."""
    from lms.assessment.services import check_result_day
    from lms.core.errors import DomainError
    from lms.recognition.services import create_application

    assert check_result_day(learner, date(2026, 5, 1), TODAY) is None
    record_status_event(actor=None, learner=learner, kind=kind, occurred_on=date(2026, 5, 2), reason="离籍",
                        other_school="邻县职业技术学校" if kind == "transfer_out" else "",
                        document_number="ZX-1" if kind == "transfer_out" else "", today=TODAY)
    assert not learner.on_register
    assert check_result_day(learner, date(2026, 5, 1), TODAY) == f"学员{words}，不能再录入成绩"
    with pytest.raises(DomainError) as refused:
        create_application(actor=None, learner=learner, evidence_type="竞赛获奖", request=None, today=TODAY)
    assert refused.value.message == f"学员{words}，不能再申请免修免考"
