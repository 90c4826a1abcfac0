"""evaluate(): every rule for one learner in one object; RuleResult and moral evaluation basics."""

import datetime as dt
from decimal import Decimal

import pytest

from lms.rules import (
    CourseFacts,
    HourTotals,
    LearnerFacts,
    Policy,
    RuleResult,
    enrolment_and_hours_rules,
    evaluate,
    graduation_decision,
    moral_evaluation,
    moral_state,
)

D = dt.date
POLICY = Policy()


def facts(**changes):
    values = {
        "birth_on": D(1980, 5, 1), "enrolled_on": D(2023, 3, 1), "prior_education": "小学",
        "hours": HourTotals(face=24000, live=0, platform=3000, self_study=16080),
        "courses": (
            CourseFacts(1, "读写算", "cultural", credits=4, attempts=((52, D(2024, 1, 1)),)),
            CourseFacts(2, "种植技术", "skill", credits=Decimal("3.5"), exemption="exempt_exam"),
        ),
        "moral_ok": None,
    }
    values.update(changes)
    return LearnerFacts(**values)


def test_evaluate_gives_every_rule_in_order():
    evaluation = evaluate(facts(), D(2025, 6, 1), POLICY)
    assert [rule.code for rule in evaluation.rules] == ["R1", "R2", "R3", "R5", "R6", "R8", "R9", "R10"]
    assert evaluation.target_group == "2025"
    assert evaluation.decision.outcome == "continue"


def test_evaluate_separates_warnings_from_blockers():
    evaluation = evaluate(facts(), D(2025, 6, 1), POLICY)
    assert [rule.code for rule in evaluation.warnings] == ["R5"]
    assert [rule.code for rule in evaluation.blockers] == ["R6", "R8", "R10"]


def test_evaluate_agrees_with_graduation_decision():
    learner = facts()
    assert evaluate(learner, D(2027, 1, 1), POLICY).decision == graduation_decision(learner, D(2027, 1, 1), POLICY)


@pytest.mark.parametrize("self_study", [0, 16080, 21600])
def test_the_hours_commands_rules_are_evaluates_without_the_courses(self_study):
    learner = facts(hours=HourTotals(face=24000, platform=3000, self_study=self_study))
    evaluation = evaluate(learner, D(2025, 6, 1), POLICY)
    rules = enrolment_and_hours_rules(learner, POLICY)
    assert [rule.code for rule in rules] == ["R1", "R2", "R3", "R5", "R6"]
    assert rules == (evaluation.age, evaluation.target, evaluation.programme, evaluation.balance, evaluation.hours)


def test_evaluate_lines_are_ready_for_the_cli():
    lines = evaluate(facts(), D(2025, 6, 1), POLICY).lines()
    assert lines[0] == "R1 通过 入学时 42 周岁，符合 15–59 周岁"
    assert "R6 未达 自学+线上 318/360 学时，还差 42 学时" in lines
    assert "R5 提醒 自学+平台线上 318 学时，少于集中授课 400 学时，还差 82 学时（原则上自学不少于集中授课）" in lines
    assert lines[-1].startswith("结论 在读：思想品德评价未完成；")


def test_an_age_outside_the_range_shows_but_does_not_change_the_decision():
    evaluation = evaluate(facts(birth_on=D(1960, 1, 1)), D(2025, 6, 1), POLICY)
    assert not evaluation.age.ok
    assert evaluation.decision.outcome == "continue"


@pytest.mark.parametrize(("moral_ok", "state", "ok", "reason"), [
    (None, "missing", False, "思想品德评价未完成"),
    (True, "pass", True, "思想品德评价合格"),
    (False, "fail", False, "思想品德评价不合格"),
])
def test_moral_evaluation_states(moral_ok, state, ok, reason):
    assert moral_state(moral_ok) == state
    result = moral_evaluation(moral_ok)
    assert (result.code, result.ok, result.blocking, result.reason) == ("R10", ok, True, reason)


def test_rule_result_numbers_are_read_only_and_severity_is_derived():
    result = RuleResult("R6", False, True, "x", {"a": 1})
    with pytest.raises(TypeError):
        result.numbers["a"] = 2  # type: ignore[index]
    assert result.severity == "blocker"
    assert RuleResult("R5", False, False, "x").severity == "warning"
    assert RuleResult("R5", True, False, "x").severity == "ok"
    assert hash(result) == hash(RuleResult("R6", False, True, "x", {"a": 1}))
