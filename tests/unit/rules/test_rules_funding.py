"""R14 funding: 1,500 yuan per learner who completes training."""

import pytest

from lms.rules import Policy, counts_for_funding, funding_due, funding_rule

GRADUATED = Policy()
BOTH = Policy(funding_basis="graduated_or_completed")


@pytest.mark.parametrize(("outcome", "by_default", "with_completed"), [
    ("graduate", True, True), ("graduated", True, True),
    ("complete", False, True), ("completed", False, True),
    ("early_graduate", False, False), ("continue", False, False), ("studying", False, False),
    ("suspended", False, False), ("withdrawn", False, False),
])
def test_who_counts_for_funding(outcome, by_default, with_completed):
    assert counts_for_funding(outcome, GRADUATED) is by_default
    assert counts_for_funding(outcome, BOTH) is with_completed


def test_unknown_outcome_is_an_error():
    with pytest.raises(ValueError):
        counts_for_funding("expelled", GRADUATED)


def test_funding_is_1500_yuan_per_graduate_in_fen():
    assert funding_due({"graduate": 120, "complete": 10, "withdrawn": 5}, GRADUATED) == 18_000_000


def test_completed_learners_count_when_the_basis_says_so():
    assert funding_due({"graduate": 120, "complete": 10}, BOTH) == 19_500_000


def test_funding_from_a_list_of_outcomes_or_statuses():
    assert funding_due(["graduate", "graduated", "complete", "continue"], GRADUATED) == 300_000


def test_no_learners_no_money():
    assert funding_due({}, GRADUATED) == 0


def test_the_amount_per_learner_is_a_setting():
    assert funding_due({"graduate": 3}, Policy(funding_per_learner_fen=200_000)) == 600_000


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        funding_due({"graduate": -1}, GRADUATED)


def test_funding_rule_shows_the_arithmetic():
    assert funding_rule({"graduate": 120}, GRADUATED).reason == "毕业 120 人 × 1,500 元 = 180,000 元"
    result = funding_rule({"graduated": 120, "completed": 10}, BOTH)
    assert result.reason == "毕业 120 人、结业 10 人，共 130 人 × 1,500 元 = 195,000 元"
    assert result.numbers["fen"] == 19_500_000 and result.numbers["learners"] == 130
