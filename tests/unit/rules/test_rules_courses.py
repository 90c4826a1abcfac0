"""R7 assignments gate, R8 results and retakes, and the standing of a course."""

import datetime as dt
from decimal import Decimal

import pytest

from lms.rules import CourseFacts, Policy, assignment_gate, best_result, check_score, course_status, to_decimal

POLICY = Policy()
D = dt.date


def course(**changes):
    values = {"course_id": 1, "name": "读写算", "kind": "cultural", "hours": 4800, "credits": Decimal("4")}
    values.update(changes)
    return CourseFacts(**values)


# --- R7 ---------------------------------------------------------------------------------------

def test_all_assignments_done_opens_the_gate():
    result = assignment_gate(["作业1", "实操1"], {"实操1", "作业1"})
    assert result.ok and result.blocking
    assert result.reason == "规定作业（实操）2 项已全部完成"


def test_missing_assignments_are_named_in_plan_order():
    result = assignment_gate(["作业1", "作业2", "实操1"], ["作业1"])
    assert not result.ok
    assert result.reason == "还需完成：作业2、实操1"
    assert result.numbers == {"required": 3, "completed": 1, "missing": ("作业2", "实操1")}


def test_no_required_assignments_opens_the_gate():
    assert assignment_gate([], []).ok


def test_titles_are_compared_without_surrounding_spaces():
    assert assignment_gate(["作业1 "], [" 作业1"]).ok


# --- R8 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "ok"), [
    (0, True), (100, True), (60, True), (Decimal("59.5"), True),
    (-1, False), (101, False), (Decimal("100.5"), False), (True, False), ("60", False), (60.0, False),
    (None, False), (Decimal("NaN"), False),
])
def test_scores_must_be_numbers_from_0_to_100(score, ok):
    assert check_score(score).ok is ok


def test_an_invalid_score_is_explained():
    assert check_score(101).reason == "成绩必须在 0–100 之间（收到 101）"


@pytest.mark.parametrize(("score", "passed"), [(59, False), (Decimal("59.9"), False), (60, True), (61, True)])
def test_the_pass_mark_is_60(score, passed):
    assert best_result([(score, D(2024, 1, 1))], POLICY).passed is passed


def test_no_attempts_gives_no_result():
    assert best_result([], POLICY) is None


def test_failed_then_passed_is_a_retake():
    result = best_result([(45, D(2024, 1, 5)), (65, D(2024, 3, 5))], POLICY)
    assert (result.score, result.passed, result.retake, result.attempt_no, result.attempts) == (65, True, True, 2, 2)


def test_attempts_are_ordered_by_date_not_by_input_order():
    result = best_result([(65, D(2024, 3, 5)), (45, D(2024, 1, 5))], POLICY)
    assert result.retake and result.attempt_no == 2


def test_the_best_passing_score_counts():
    result = best_result([(70, D(2024, 1, 5)), (90, D(2024, 3, 5)), (40, D(2024, 6, 5))], POLICY)
    assert (result.score, result.sat_on, result.retake) == (90, D(2024, 3, 5), False)


def test_a_tie_counts_the_earliest_attempt():
    result = best_result([(30, D(2024, 1, 1)), (70, D(2024, 2, 1)), (70, D(2024, 3, 1))], POLICY)
    assert result.sat_on == D(2024, 2, 1)


def test_with_no_pass_the_best_attempt_counts_but_is_not_passed():
    result = best_result([(40, D(2024, 1, 5)), (52, D(2024, 3, 5)), (30, D(2024, 6, 5))], POLICY)
    assert (result.score, result.passed, result.retake) == (52, False, False)


def test_attempts_after_the_cutoff_are_ignored():
    attempts = [(40, D(2024, 1, 5)), (80, D(2024, 3, 5))]
    assert best_result(attempts, POLICY, until=D(2024, 3, 4)).score == 40
    assert best_result(attempts, POLICY, until=D(2024, 3, 5)).score == 80
    assert best_result(attempts, POLICY, until=D(2023, 1, 1)) is None


def test_pass_mark_is_a_setting():
    assert not best_result([(65, D(2024, 1, 1))], Policy(pass_mark=70)).passed


# --- course standing --------------------------------------------------------------------------

def test_passed_course_earns_its_credits():
    standing = course_status(course(attempts=((78, D(2024, 5, 1)),)), POLICY)
    assert (standing.status, standing.counts, standing.credits_earned) == ("passed", True, Decimal("4"))
    assert standing.reason == "课程《读写算》已通过（78 分）"
    assert standing.rule.code == "R8" and standing.rule.ok


def test_failed_then_passed_course_is_passed_on_retake():
    standing = course_status(course(attempts=((52, D(2024, 5, 1)), (61, D(2024, 7, 1)))), POLICY)
    assert standing.status == "passed_on_retake" and standing.counts
    assert standing.reason == "课程《读写算》补考通过（61 分）"
    assert standing.label == "补考通过"


def test_failed_course_names_the_best_score_and_the_pass_mark():
    standing = course_status(course(attempts=((52, D(2024, 5, 1)), (40, D(2024, 7, 1)))), POLICY)
    assert standing.status == "failed" and not standing.counts
    assert standing.credits_earned == 0
    assert standing.reason == "课程《读写算》未通过（最好成绩 52 分，及格 60 分）"
    assert not standing.rule.ok and standing.rule.blocking


def test_course_without_attempts_is_not_assessed():
    standing = course_status(course(), POLICY)
    assert standing.status == "not_assessed"
    assert standing.reason == "课程《读写算》尚未考核"


def test_unfinished_assignments_block_the_course():
    standing = course_status(course(required_assignments=("作业1", "作业2", "实操1"),
                                    completed_assignments=frozenset({"作业1"})), POLICY)
    assert standing.status == "blocked_by_assignments" and not standing.counts
    assert standing.reason == "课程《读写算》还需完成：作业2、实操1，方可参加考核"
    assert standing.rule.code == "R7"


def test_a_score_sat_before_the_assignments_were_done_does_not_count():
    standing = course_status(course(required_assignments=("作业1",), attempts=((90, D(2024, 5, 1)),)), POLICY)
    assert standing.status == "blocked_by_assignments"
    assert standing.reason.endswith("（作业完成前的成绩不计）")


def test_completed_assignments_then_a_pass_counts():
    standing = course_status(course(required_assignments=("作业1",), completed_assignments=frozenset({"作业1"}),
                                    attempts=((60, D(2024, 5, 1)),)), POLICY)
    assert standing.status == "passed"
    assert standing.gate.ok


@pytest.mark.parametrize(("exemption", "text"), [("exempt_study", "免修"), ("exempt_exam", "免考")])
def test_an_exempted_course_with_no_result_counts_with_its_credits(exemption, text):
    facts = course(kind="skill", name="种植技术", exemption=exemption, required_assignments=("作业1",))
    standing = course_status(facts, POLICY)
    assert standing.status == exemption and standing.counts
    assert standing.best is None
    assert standing.credits_earned == Decimal("4")
    assert standing.reason == f"课程《种植技术》{text}，计 4 学分"
    assert standing.rule.code == "R9"


def test_a_waived_internship_counts():
    standing = course_status(course(kind="internship", name="顶岗实习", exemption="waived",
                                    credits=Decimal("6")), POLICY)
    assert standing.status == "waived" and standing.counts
    assert standing.reason == "课程《顶岗实习》已免除（对口岗位工作经历），计 6 学分"


def test_an_internship_can_be_passed_like_any_course():
    standing = course_status(course(kind="internship", name="顶岗实习", attempts=((75, D(2025, 1, 1)),)), POLICY)
    assert standing.status == "passed"


def test_awarded_credits_are_earned_whatever_the_standing():
    standing = course_status(course(awarded_credits=Decimal("1.5")), POLICY)
    assert standing.status == "not_assessed"
    assert standing.credits_earned == Decimal("1.5")
    assert standing.reason == "课程《读写算》尚未考核，另获奖励 1.5 学分"


def test_only_an_internship_can_be_waived():
    with pytest.raises(ValueError, match="only an internship"):
        course(exemption="waived")


@pytest.mark.parametrize("changes", [
    {"kind": "hobby"}, {"exemption": "excused"}, {"credits": Decimal("-1")}, {"credits": "abc"},
    {"attempts": ((101, D(2024, 1, 1)),)}, {"attempts": ((60, "2024-01-01"),)}, {"hours": -5},
])
def test_invalid_course_facts_are_refused(changes):
    with pytest.raises(ValueError):
        course(**changes)


def test_course_credits_accept_ints_and_strings_as_decimals():
    assert course(credits=3).credits == Decimal("3")
    assert course(credits="2.5").credits == Decimal("2.5")


def test_best_result_refuses_an_invalid_score_given_directly():
    with pytest.raises(ValueError, match="0–100"):
        best_result([(120, D(2024, 1, 1))], POLICY)


@pytest.mark.parametrize("bad", [None, True, Decimal("Infinity"), "Infinity", [1]])
def test_to_decimal_refuses_non_numbers(bad):
    with pytest.raises(ValueError):
        to_decimal(bad, "credits")
