"""The engine's graduation edges, through learner_facts and the audit (rows in, decisions out)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lms.assessment.audit import AuditFilters, audit_decisions, decide
from lms.assessment.facts import hour_totals, learner_facts
from lms.auth.scope import EVERYTHING
from lms.core.errors import DomainError
from lms.learners.services.status import record_status_event
from lms.recognition.services import Request, create_application, decide_application
from tests.factories import give_hours, make_completion, make_moral, make_result, make_user, tiny_png

DURING = date(2025, 6, 1)          # inside a 3-year period that started 2023-03-01
LAST_DAY = date(2026, 2, 28)
DAY_AFTER = date(2026, 3, 1)


def outcome(learner, as_of):
    return decide([learner.id], as_of)[learner.id]


def test_exactly_360_hours_with_everything_passed_may_graduate_early(enrol, make_ready):
    learner = make_ready(enrol())
    decision = outcome(learner, DURING)
    assert decision.outcome == "early_graduate"
    assert decision.hours_360 == 21600
    assert decision.credits == Decimal("9")


def test_one_minute_short_of_360_keeps_the_learner_studying(enrol, make_ready):
    learner = make_ready(enrol(), platform_minutes=9599)
    decision = outcome(learner, DURING)
    assert decision.outcome == "continue"
    assert "自学+线上 359.9/360 学时，还差 0.1 学时" in decision.reasons


def test_face_to_face_hours_do_not_count_toward_360(enrol, plan, home_class):
    from lms import summaries
    from lms.core.clock import now_utc
    from lms.extensions import db
    from lms.teaching.models import Attendance, ClassSession

    learner = enrol()
    session = ClassSession(class_id=home_class.id, course_id=plan.literacy.id, held_on=date(2024, 5, 1),
                           mode="face", minutes=480)
    live = ClassSession(class_id=home_class.id, course_id=plan.literacy.id, held_on=date(2024, 5, 2),
                        mode="live", minutes=480)
    cancelled = ClassSession(class_id=home_class.id, course_id=plan.literacy.id, held_on=date(2024, 5, 3),
                             mode="live", minutes=480, cancelled_at=now_utc())
    db.session.add_all([session, live, cancelled])
    db.session.flush()
    db.session.add_all([Attendance(session_id=s.id, learner_id=learner.id, status="present", minutes=480)
                        for s in (session, live, cancelled)])
    summaries.sessions_changed([home_class.id])
    summaries.hours_changed([learner.id])
    totals = hour_totals([learner.id], DURING)[learner.id]
    assert (totals.face, totals.live) == (480, 480)
    assert outcome(learner, DURING).hours_360 == 480


def test_a_failed_then_passed_retake_counts(enrol, make_ready, plan):
    learner = make_ready(enrol(), skip=(plan.literacy,))
    make_result(learner, plan.literacy, 45, date(2024, 1, 10))
    assert outcome(learner, date(2024, 2, 1)).outcome == "continue"
    make_result(learner, plan.literacy, 62, date(2024, 4, 1))
    decision = outcome(learner, DURING)
    assert decision.outcome == "early_graduate"
    assert decision.courses[0].status == "passed_on_retake"


def test_a_voided_result_does_not_count(enrol, make_ready, plan):
    from lms.assessment.services import void_result

    learner = make_ready(enrol(), skip=(plan.literacy,))
    mistaken = make_result(learner, plan.literacy, 80, date(2024, 4, 1))
    assert outcome(learner, DURING).outcome == "early_graduate"
    void_result(actor=make_user("registrar"), result=mistaken, reason="录错了人")
    decision = outcome(learner, DURING)
    assert decision.outcome == "continue" and "课程《读写算》尚未考核" in decision.reasons


def test_an_exempt_study_course_with_no_result_counts(enrol, make_ready, plan):
    from lms.recognition.services import save_certificate_kind

    registrar = make_user("registrar")
    learner = make_ready(enrol(), skip=(plan.skill,))
    kind = save_certificate_kind(actor=registrar, kind=None, name="家政服务员（五级）", evidence_type="职业技能等级证书",
                                 credits=Decimal(0), course_ids=[plan.skill.id])
    application = create_application(actor=registrar, learner=learner, evidence_type="职业技能等级证书",
                                     request=Request("exempt_study", (plan.skill.id,)), certificate_kind=kind,
                                     scan=tiny_png(), today=DURING)
    assert outcome(learner, DURING).outcome == "continue", "a pending application does not count"
    decide_application(actor=registrar, application=application, approve=True, reason="", on=date(2025, 5, 1))
    decision = outcome(learner, DURING)
    assert decision.outcome == "early_graduate"
    assert decision.courses[1].status == "exempt_study" and decision.credits == Decimal("9")
    assert outcome(learner, date(2025, 4, 30)).outcome == "continue", "the exemption counts from its approval"


@pytest.mark.parametrize("passed, reason", [(False, "思想品德评价不合格"), (None, "思想品德评价未完成")])
def test_moral_evaluation_must_be_passed(enrol, make_ready, passed, reason):
    learner = make_ready(enrol(), moral=False)
    if passed is not None:
        make_moral(learner, passed, date(2024, 6, 1))
    decision = outcome(learner, DURING)
    assert decision.outcome == "continue" and reason in decision.reasons


def test_the_newest_moral_evaluation_counts(enrol, make_ready):
    learner = make_ready(enrol())
    make_moral(learner, False, date(2024, 9, 1))
    assert "思想品德评价不合格" in outcome(learner, DURING).reasons
    make_moral(learner, True, date(2024, 12, 1))
    assert outcome(learner, DURING).outcome == "early_graduate"
    assert "思想品德评价不合格" in outcome(learner, date(2024, 10, 1)).reasons


@pytest.mark.parametrize("years, admitted", [("1.9", False), ("2.0", True)])
def test_internship_waiver_at_1_9_and_2_0_years(enrol, make_ready, plan, years, admitted):
    registrar = make_user("registrar")
    learner = make_ready(enrol(), skip=(plan.internship,))

    def apply():
        return create_application(actor=registrar, learner=learner, evidence_type="工作经历",
                                  request=Request("waived", ()), work_post="某家政公司 保洁员",
                                  work_years=Decimal(years), scan=tiny_png(), today=DURING)

    if not admitted:
        with pytest.raises(DomainError, match="对口岗位工作 1.9 年，不足 2 年，不能免除顶岗实习"):
            apply()
        assert outcome(learner, DURING).outcome == "continue"
        return
    decide_application(actor=registrar, application=apply(), approve=True, reason="", on=date(2025, 1, 1))
    decision = outcome(learner, DURING)
    assert decision.outcome == "early_graduate" and decision.courses[2].status == "waived"


def test_a_withdrawn_learner_gets_a_study_record_from_the_withdrawal_day(enrol, make_ready):
    learner = make_ready(enrol())
    record_status_event(actor=make_user("registrar"), learner=learner, kind="withdraw", occurred_on=date(2025, 3, 10),
                        reason="外出务工", today=DURING)
    assert outcome(learner, date(2025, 3, 9)).outcome == "early_graduate"
    decision = outcome(learner, date(2025, 3, 10))
    assert decision.outcome == "withdrawn"
    assert decision.reasons == ("已于2025年3月10日退学，应发给写实性学习证明",)


@pytest.mark.parametrize("education, last_day", [("高中及以上", date(2024, 2, 29)), ("未上过学", LAST_DAY)])
def test_one_and_three_year_programmes(enrol, make_ready, education, last_day):
    learner = make_ready(enrol(prior_education=education), on=date(2023, 12, 1))
    assert learner.period_end_on == last_day
    assert outcome(learner, last_day).outcome == "graduate"
    unready = enrol(prior_education=education)
    assert outcome(unready, last_day).outcome == "continue"
    assert outcome(unready, last_day + (DAY_AFTER - LAST_DAY)).outcome == "complete"


def test_as_of_on_the_last_day_of_the_period(enrol, make_ready):
    ready, unready = make_ready(enrol()), enrol()
    assert outcome(ready, LAST_DAY).outcome == "graduate"
    decision = outcome(unready, LAST_DAY)
    assert decision.outcome == "continue" and "今天是修业期最后一天（2026年2月28日）" in decision.reasons
    assert outcome(unready, DAY_AFTER).outcome == "complete"


def test_a_completed_learner_who_resits_within_the_window_moves_to_graduate(enrol, make_ready, plan):
    learner = make_ready(enrol(), skip=(plan.literacy,))
    make_result(learner, plan.literacy, 40, date(2025, 12, 1))
    report = audit_decisions(EVERYTHING, date(2026, 6, 1))
    row = next(r for r in report.rows if r.learner_id == learner.id)
    assert row.decision.outcome == "complete"
    assert "补考期限至2028年2月29日，期内达到毕业条件可换发毕业证书" in row.decision.reasons
    make_result(learner, plan.literacy, 66, date(2027, 5, 20))
    report = audit_decisions(EVERYTHING, date(2027, 6, 1), AuditFilters(decision="graduate"))
    assert [r.learner_id for r in report.rows] == [learner.id]
    assert report.rows[0].decision.courses[0].status == "passed_on_retake"


def test_a_resit_after_the_window_never_graduates(enrol, make_ready, plan):
    learner = make_ready(enrol(), skip=(plan.literacy,))
    make_result(learner, plan.literacy, 90, date(2028, 3, 1))
    decision = outcome(learner, date(2028, 6, 1))
    assert decision.outcome == "complete"
    assert "补考期限已于2028年2月29日届满" in decision.reasons


def test_hours_and_assignments_after_the_resit_window_do_not_count(enrol, make_ready, plan):
    learner = make_ready(enrol(), skip=(plan.skill,))
    make_completion(learner, plan.skill, "作业1", date(2025, 1, 1))
    make_completion(learner, plan.skill, "作业2", date(2028, 3, 1))     # after the window
    make_result(learner, plan.skill, 80, date(2028, 3, 1))
    give_hours(learner, platform_minutes=600, on=date(2028, 3, 5))
    facts = learner_facts([learner.id], date(2028, 6, 1))[learner.id]
    assert facts.courses[1].completed_assignments == frozenset({"作业1"})
    assert facts.hours.total() == 21600
    assert outcome(learner, date(2028, 6, 1)).outcome == "complete"


def test_audit_counts_every_outcome_and_filters_by_decision(enrol, make_ready):
    early = make_ready(enrol(enrolled_on=date(2025, 3, 1)), on=date(2025, 6, 1))
    graduate = make_ready(enrol(prior_education="高中及以上", enrolled_on=date(2024, 3, 1)))
    completed = enrol(prior_education="高中及以上", enrolled_on=date(2024, 3, 1))
    studying = enrol(enrolled_on=date(2025, 3, 1))
    withdrawn = enrol(enrolled_on=date(2025, 3, 1))
    record_status_event(actor=None, learner=withdrawn, kind="withdraw", occurred_on=date(2025, 5, 1), reason="病故以外的个人原因",
                        today=date(2025, 7, 1))
    report = audit_decisions(EVERYTHING, date(2025, 7, 1))
    ours = {r.learner_id: r.decision.outcome for r in report.rows}
    assert ours[early.id] == "early_graduate" and ours[graduate.id] == "graduate"
    assert ours[completed.id] == "complete" and ours[studying.id] == "continue" and ours[withdrawn.id] == "withdrawn"
    assert all(report.counts[o] >= 1 for o in ("graduate", "early_graduate", "complete", "continue", "withdrawn"))
    only = audit_decisions(EVERYTHING, date(2025, 7, 1), AuditFilters(decision="complete"))
    assert {r.decision.outcome for r in only.rows} == {"complete"} and only.counts == report.counts
