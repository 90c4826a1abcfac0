"""CohortRules (`flask lms hours`: R1–R3, R5, R6 for many learners of one policy) gives exactly what
enrolment_and_hours_rules gives learner by learner, on varied learners and policies, edges included."""

import datetime as dt
import random

from lms.rules import (
    PRIOR_EDUCATIONS,
    CohortRules,
    HourTotals,
    LearnerFacts,
    Policy,
    enrolment_and_hours_rules,
    hours_judge,
)

D = dt.date
POLICIES = [
    Policy(),
    Policy(min_age=16, max_age=50, hours_required_minutes=20000, hours_categories=frozenset({"F", "L", "P", "S"}),
           balance_self_categories=frozenset({"S"}), balance_concentrated_categories=frozenset({"F"}),
           programme_years={"未上过学": 2, "小学": 3, "初中肄业": 3, "初中": 2, "高中及以上": 1},
           target_counted_groups={2023: ("core",), 2027: ("core", "2025", "none")}),
    Policy(hours_categories=frozenset({"S"}), hours_required_minutes=1, hours_after_period="resit_window"),
]
EDGE_PARTS = [0, 1, 59, 60, 61, 479, 480, 21599, 21600, 21601, 3600 * 60 + 1]


def _learners(count):
    rng = random.Random(17)
    for _ in range(count):
        enrolled = D(2023, 3, 1) + dt.timedelta(days=rng.choice([0, 0, 0, 366, 731, 1096]))
        birth = rng.choice([enrolled.replace(year=enrolled.year - 15), enrolled.replace(year=enrolled.year - 60),
                            D(2008, 2, 29), D(1964, 3, 1), enrolled + dt.timedelta(days=1),
                            D(1960, 1, 1) + dt.timedelta(days=rng.randrange(20000))])
        period_end = rng.choice([None, None, enrolled + dt.timedelta(days=rng.randrange(400, 1500))])
        parts = [rng.choice(EDGE_PARTS + [rng.randrange(30000)]) for _ in range(4)]
        yield birth, enrolled, rng.choice(PRIOR_EDUCATIONS), period_end, parts


def test_cohort_rules_give_what_enrolment_and_hours_rules_give():
    for policy in POLICIES:
        cohort = CohortRules(policy)
        for birth, enrolled, prior, period_end, (face, live, platform, self_study) in _learners(600):
            facts = LearnerFacts(birth_on=birth, enrolled_on=enrolled, prior_education=prior, period_end_on=period_end,
                                 hours=HourTotals(face=face, live=live, platform=platform, self_study=self_study))
            plain = enrolment_and_hours_rules(facts, policy)
            fast = cohort.rules(birth, enrolled, prior, period_end, face, live, platform, self_study)
            assert fast == plain
            assert [dict(rule.numbers) for rule in fast] == [dict(rule.numbers) for rule in plain]


def test_each_policy_has_its_own_hours_judge():
    first, same_settings = POLICIES[0], Policy()
    assert hours_judge(first) is hours_judge(first) and hours_judge(same_settings) is not hours_judge(first)
    assert hours_judge(POLICIES[2]).hours(0, 0, 0, 1).ok and not hours_judge(first).hours(0, 0, 0, 1).ok
