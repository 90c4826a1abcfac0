"""`flask lms hours` reads its facts lean (lms.assessment.facts.hours_facts: plain rows, no LearnerFacts per
learner) and judges them a cohort at a time (lms.rules.CohortRules): the same values and the same rule states
as the one builder of LearnerFacts and the plain rules give, on learners of two cohorts (one counting hours
within the re-sit window), suspended, resumed and withdrawn, with hours before, after and long after their
period, on several days."""
from __future__ import annotations

import json
from datetime import date

from lms.assessment.facts import facts_and_policies, hours_facts
from lms.learners.services.status import record_status_event
from lms.policies.services import save_policy
from lms.rules import Policy, enrolment_and_hours_rules, hours_number
from tests.factories import make_platform_record, make_self_study

DAYS = [date(2022, 6, 1), date(2024, 2, 29), date(2025, 3, 1), date(2026, 3, 1), date(2026, 12, 7)]
FIELDS = ("birth_on", "enrolled_on", "prior_education", "period_end_on")


def _world(enrol):
    save_policy(actor=None, cohort=2023, values={**Policy().to_mapping(), "hours_after_period": "resit_window"})
    learners = []
    for n, (enrolled_on, prior) in enumerate([(date(2021, 3, 1), "未上过学"), (date(2021, 3, 1), "高中及以上"),
                                               (date(2023, 3, 1), "小学"), (date(2023, 3, 1), "初中"),
                                               (date(2021, 3, 1), "初中肄业"), (date(2023, 3, 1), "未上过学")]):
        learner = enrol(enrolled_on=enrolled_on, prior_education=prior, birth_on=date(1966 + 7 * n, 2 + n, 28))
        for year in range(2021, 2027):
            make_platform_record(learner, minutes=600 * n + 61, studied_on=date(year, 3, 1 + n))
            make_self_study(learner, minutes=240, studied_on=date(year, 9, 2 + n))
        learners.append(learner)
    events = {1: [("suspend", date(2022, 1, 1)), ("resume", date(2022, 7, 1))], 3: [("suspend", date(2024, 1, 1))],
              4: [("withdraw", date(2025, 5, 1))], 5: [("suspend", date(2023, 9, 1)), ("resume", date(2024, 3, 1))]}
    for index, history in events.items():
        for kind, on in history:
            record_status_event(actor=None, learner=learners[index], kind=kind, occurred_on=on, reason="家中有事",
                                today=date(2026, 12, 7))
    return learners


def test_the_lean_facts_are_the_builders_facts(enrol):
    learners = _world(enrol)
    for day in DAYS:
        facts, policies = facts_and_policies(None, day, courses=False)
        lean, by_cohort = hours_facts(day)
        assert set(lean) == set(facts) >= {learner.id for learner in learners}
        for learner_id, fact in facts.items():
            row = lean[learner_id]
            assert by_cohort[row.cohort] == policies[learner_id]
            assert tuple(getattr(row, name) for name in FIELDS) == tuple(getattr(fact, name) for name in FIELDS)
            assert (row.face, row.live, row.platform, row.self_study) == (
                fact.hours.face, fact.hours.live, fact.hours.platform, fact.hours.self_study), (day, learner_id)


def test_flask_lms_hours_prints_the_plain_rules_on_the_builders_facts(app, enrol):
    learners = _world(enrol)
    for day in DAYS:
        facts, policies = facts_and_policies(None, day, courses=False)
        result = app.test_cli_runner().invoke(args=["lms", "hours", "--as-of", day.isoformat(), "--json"])
        assert result.exit_code == 0, result.output
        lines = {row["student_number"]: row for row in map(json.loads, result.output.strip().splitlines())}
        for learner in learners:
            rules = enrolment_and_hours_rules(facts[learner.id], policies[learner.id])
            line = lines[learner.student_number]
            assert line["rules"] == {rule.code: {"ok": rule.ok, "severity": rule.severity, "reason": rule.reason}
                                     for rule in rules}
            assert line["hours_360"] == hours_number(rules[-1].numbers["counted_minutes"])
