"""R11 graduation, R12 completion and re-sit, R13 withdrawal."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from lms.rules import (
    CourseFacts,
    ExemptionClaim,
    HourTotals,
    LearnerFacts,
    Policy,
    check_exemption,
    graduation_decision,
)

POLICY = Policy()
D = dt.date
ENROLLED = D(2023, 3, 1)
LAST_DAY = D(2026, 2, 28)        # 3-year 学制 for 未上过学
DAY_AFTER = D(2026, 3, 1)
RESIT_END = D(2028, 2, 29)
DURING = D(2025, 6, 1)


PASSED_ON = D(2024, 6, 1)


def passed(course_id, name, kind="cultural", score=75, on=PASSED_ON, **extra):
    return CourseFacts(course_id, name, kind, hours=4800, credits=Decimal("4"),
                       attempts=((score, on),), **extra)


PLAN = (
    passed(1, "读写算"),
    passed(2, "普通话", score=80),
    passed(3, "种植技术", kind="skill", score=70),
    passed(4, "顶岗实习", kind="internship", score=80),
)
EXACTLY_360 = HourTotals(face=3000, live=0, platform=9600, self_study=12000)


def learner(**changes):
    values = {"birth_on": D(1985, 5, 1), "enrolled_on": ENROLLED, "prior_education": "未上过学",
              "hours": EXACTLY_360, "courses": PLAN, "moral_ok": True}
    values.update(changes)
    return LearnerFacts(**values)


def with_course(facts, index, course):
    courses = list(facts.courses)
    courses[index] = course
    return dataclasses.replace(facts, courses=tuple(courses))


# --- eligibility ---------------------------------------------------------------------------

def test_exactly_360_hours_with_everything_passed_may_graduate_early():
    decision = graduation_decision(learner(), DURING, POLICY)
    assert decision.outcome == "early_graduate" and decision.label == "可提前毕业"
    assert decision.eligible
    assert decision.hours_360 == 21600
    assert decision.credits == Decimal("16")
    assert decision.reasons == ("已提前达到毕业条件，可申请提前毕业（修业期至2026年2月28日）",)


def test_359_hours_is_not_enough_to_graduate():
    facts = learner(hours=HourTotals(platform=9600, self_study=11940))
    decision = graduation_decision(facts, DURING, POLICY)
    assert decision.outcome == "continue"
    assert decision.reasons == ("自学+线上 359/360 学时，还差 1 学时", "修业期至2026年2月28日")


def test_a_failed_then_passed_retake_counts():
    course = CourseFacts(1, "读写算", "cultural", credits=4, attempts=((45, D(2024, 1, 1)), (62, D(2024, 4, 1))))
    decision = graduation_decision(with_course(learner(), 0, course), DURING, POLICY)
    assert decision.outcome == "early_graduate"
    assert decision.courses[0].status == "passed_on_retake"


def test_an_exempt_study_course_with_no_result_counts():
    course = CourseFacts(3, "种植技术", "skill", credits=4, exemption="exempt_study")
    decision = graduation_decision(with_course(learner(), 2, course), DURING, POLICY)
    assert decision.outcome == "early_graduate"
    assert decision.courses[2].status == "exempt_study"
    assert decision.credits == Decimal("16")


def test_a_failed_course_keeps_the_learner_studying_with_the_score_in_the_reason():
    course = CourseFacts(1, "读写算", "cultural", credits=4, attempts=((52, D(2024, 1, 1)),))
    decision = graduation_decision(with_course(learner(), 0, course), DURING, POLICY)
    assert decision.outcome == "continue"
    assert decision.reasons[0] == "课程《读写算》未通过（最好成绩 52 分，及格 60 分）"


@pytest.mark.parametrize(("moral_ok", "reason"), [(False, "思想品德评价不合格"), (None, "思想品德评价未完成")])
def test_moral_evaluation_must_be_passed(moral_ok, reason):
    decision = graduation_decision(learner(moral_ok=moral_ok), DURING, POLICY)
    assert decision.outcome == "continue" and not decision.eligible
    assert decision.reasons[0] == reason
    assert decision.missing[0].code == "R10"


def test_all_missing_items_are_listed_in_order():
    facts = learner(moral_ok=None, hours=HourTotals(self_study=19080),
                    courses=(CourseFacts(1, "读写算", "cultural", required_assignments=("作业1", "作业2"),
                                         completed_assignments=frozenset({"作业1"})),))
    decision = graduation_decision(facts, DURING, POLICY)
    assert decision.reasons == (
        "思想品德评价未完成",
        "课程《读写算》还需完成：作业2，方可参加考核",
        "自学+线上 318/360 学时，还差 42 学时",
        "修业期至2026年2月28日",
    )


@pytest.mark.parametrize(("years", "outcome"), [(Decimal("1.9"), "complete"), (Decimal("2.0"), "graduate")])
def test_internship_waiver_at_1_9_and_2_0_years(years, outcome):
    claim = ExemptionClaim(basis="work_experience", requested="waived", course_id=4, course_name="顶岗实习",
                           course_kind="internship", course_credits=4, work_years=years)
    granted = check_exemption(claim, POLICY)
    internship = CourseFacts(4, "顶岗实习", "internship", credits=4, exemption=granted.kind)
    decision = graduation_decision(with_course(learner(), 3, internship), DAY_AFTER, POLICY)
    assert decision.outcome == outcome
    if outcome == "complete":
        assert "课程《顶岗实习》尚未考核" in decision.reasons


def test_minimum_credits_when_set():
    policy = Policy(min_credits=Decimal("20"))
    decision = graduation_decision(learner(), DURING, policy)
    assert decision.outcome == "continue"
    assert decision.reasons[0] == "已获 16 学分，还差 4 学分（最低 20 学分）"
    assert graduation_decision(learner(), DURING, Policy(min_credits=16)).outcome == "early_graduate"


def test_a_plan_without_courses_never_graduates():
    decision = graduation_decision(learner(courses=()), DAY_AFTER, POLICY)
    assert decision.outcome == "complete"
    assert "教学计划没有课程，无法审核毕业" in decision.reasons


def test_early_graduation_can_be_switched_off():
    decision = graduation_decision(learner(), DURING, Policy(early_graduation_allowed=False))
    assert decision.outcome == "continue"
    assert decision.reasons == ("已达到毕业条件，修业期满（2026年2月28日）后毕业",)


# --- the study period ------------------------------------------------------------------------

def test_eligible_on_the_last_day_of_the_period_graduates():
    decision = graduation_decision(learner(), LAST_DAY, POLICY)
    assert decision.outcome == "graduate"
    assert decision.reasons == ("修业期内达到毕业条件，准予毕业",)


def test_not_eligible_on_the_last_day_still_studies():
    decision = graduation_decision(learner(moral_ok=None), LAST_DAY, POLICY)
    assert decision.outcome == "continue"
    assert decision.reasons[-1] == "今天是修业期最后一天（2026年2月28日）"


def test_eligible_the_day_after_the_period_graduates():
    assert graduation_decision(learner(), DAY_AFTER, POLICY).outcome == "graduate"


def test_not_eligible_the_day_after_the_period_completes():
    decision = graduation_decision(learner(moral_ok=False), DAY_AFTER, POLICY)
    assert decision.outcome == "complete" and decision.label == "结业"
    assert decision.reasons == (
        "修业期已于2026年2月28日届满，未达到毕业条件，发给结业证书",
        "思想品德评价不合格",
        "补考期限至2028年2月29日，期内达到毕业条件可换发毕业证书",
    )


@pytest.mark.parametrize(("education", "enrolled", "last_day"), [
    ("高中及以上", D(2024, 2, 29), D(2025, 2, 28)),   # 1-year 学制
    ("小学", D(2023, 3, 1), D(2026, 2, 28)),          # 3-year 学制
])
def test_programme_length_sets_the_last_day(education, enrolled, last_day):
    facts = learner(prior_education=education, enrolled_on=enrolled, moral_ok=None)
    before = graduation_decision(facts, last_day, POLICY)
    after = graduation_decision(facts, last_day + dt.timedelta(days=1), POLICY)
    assert before.period_end_on == last_day
    assert (before.outcome, after.outcome) == ("continue", "complete")


def test_one_year_learner_may_graduate_early_before_the_year_ends():
    facts = learner(prior_education="高中及以上", enrolled_on=D(2024, 2, 29))
    assert graduation_decision(facts, D(2024, 12, 1), POLICY).outcome == "early_graduate"
    assert graduation_decision(facts, D(2025, 2, 28), POLICY).outcome == "graduate"


def test_an_extended_period_end_is_respected():
    facts = learner(moral_ok=None, period_end_on=D(2026, 8, 31))
    assert graduation_decision(facts, DAY_AFTER, POLICY).outcome == "continue"


# --- R12 re-sit --------------------------------------------------------------------------------

def _failed_then_resat_on(resat_on):
    course = CourseFacts(1, "读写算", "cultural", credits=4,
                         attempts=((40, D(2025, 12, 1)), (70, resat_on)))
    return with_course(learner(), 0, course)


def test_a_completed_learner_who_resits_within_the_window_graduates():
    facts = _failed_then_resat_on(D(2027, 5, 1))
    assert graduation_decision(facts, D(2027, 4, 30), POLICY).outcome == "complete"
    decision = graduation_decision(facts, D(2027, 6, 1), POLICY)
    assert decision.outcome == "graduate"
    assert decision.reasons == ("达到毕业条件，准予毕业（修业期已于2026年2月28日届满，已发结业证书的换发毕业证书）",)
    assert decision.courses[0].status == "passed_on_retake"


def test_a_resit_on_the_last_day_of_the_window_still_counts():
    decision = graduation_decision(_failed_then_resat_on(RESIT_END), D(2030, 1, 1), POLICY)
    assert decision.outcome == "graduate"


def test_a_resit_after_the_window_does_not_count():
    decision = graduation_decision(_failed_then_resat_on(D(2028, 3, 1)), D(2028, 6, 1), POLICY)
    assert decision.outcome == "complete"
    assert decision.cutoff_on == RESIT_END
    assert decision.reasons[-1] == "补考期限已于2028年2月29日届满"
    assert decision.courses[0].best.score == 40


def test_an_attempt_dated_after_as_of_is_ignored():
    decision = graduation_decision(_failed_then_resat_on(D(2025, 12, 20)), D(2025, 12, 10), POLICY)
    assert decision.outcome == "continue"
    assert decision.cutoff_on == D(2025, 12, 10)


# --- R13 withdrawal ----------------------------------------------------------------------------

def test_a_withdrawn_learner_gets_a_study_record_even_when_eligible():
    facts = learner(status="withdrawn", withdrawn_on=D(2025, 5, 6))
    decision = graduation_decision(facts, DURING, POLICY)
    assert decision.outcome == "withdrawn" and decision.label == "退学"
    assert decision.reasons == ("已于2025年5月6日退学，应发给写实性学习证明",)
    assert decision.hours_360 == 21600   # the study record still lists the figures


def test_withdrawal_on_the_as_of_day_counts():
    facts = learner(status="withdrawn", withdrawn_on=DURING)
    assert graduation_decision(facts, DURING, POLICY).outcome == "withdrawn"


def test_a_withdrawal_dated_after_as_of_is_not_yet_effective():
    facts = learner(status="withdrawn", withdrawn_on=D(2025, 7, 1))
    assert graduation_decision(facts, DURING, POLICY).outcome == "early_graduate"


def test_withdrawn_status_without_a_date_is_withdrawn():
    decision = graduation_decision(learner(status="withdrawn"), DURING, POLICY)
    assert decision.outcome == "withdrawn"
    assert decision.reasons == ("已退学，应发给写实性学习证明",)


def test_withdrawal_wins_after_the_period_too():
    facts = learner(moral_ok=None, status="withdrawn", withdrawn_on=D(2024, 1, 1))
    assert graduation_decision(facts, D(2027, 1, 1), POLICY).outcome == "withdrawn"


# --- the shape of the decision -----------------------------------------------------------------

def test_decision_lists_every_rule_considered():
    decision = graduation_decision(learner(), DURING, POLICY)
    assert [rule.code for rule in decision.rules] == ["R10", "R8", "R8", "R8", "R8", "R6"]
    assert decision.missing == ()
    assert decision.resit_until == RESIT_END


def test_learner_facts_are_validated():
    with pytest.raises(ValueError):
        learner(prior_education="大学")
    with pytest.raises(ValueError):
        learner(status="expelled")
    with pytest.raises(ValueError):
        learner(moral_ok="合格")
    with pytest.raises(ValueError):
        learner(period_end_on=D(2020, 1, 1))
    with pytest.raises(ValueError):
        learner(courses=(PLAN[0], PLAN[0]))
