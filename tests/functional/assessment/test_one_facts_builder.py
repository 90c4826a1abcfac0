"""One builder turns rows into the engine's LearnerFacts (lms.assessment.facts): `flask lms hours` judges the
graduation audit's own facts, so the two commands agree on learners whose history moved their study period
and their status — suspended, resumed and withdrawn — hours past the re-sit window included."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from lms.assessment.facts import facts_and_policies
from lms.learners.services.status import record_status_event
from lms.rules import evaluate
from tests.factories import make_platform_record

AS_OF = date(2026, 12, 7)          # the suite's today


def _history(learner, *events):
    for kind, on in events:
        record_status_event(actor=None, learner=learner, kind=kind, occurred_on=on, reason="家中有事", today=AS_OF)


def _lines(app, command: str) -> dict[str, dict]:
    result = app.test_cli_runner().invoke(args=["lms", command, "--as-of", AS_OF.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    return {row["student_number"]: row for row in map(json.loads, result.output.strip().splitlines())}


def test_flask_lms_hours_and_the_audit_agree_on_learners_suspended_resumed_and_withdrawn(app, enrol):
    # Enrolled 2021-03-01 for 3 years: the period ends 2024-02-29, the re-sit window 2026-02-28; a
    # suspension of 181 days (休学 2022-01-01, 复学 2022-07-01) moves them to 2024-08-28 and 2026-08-28.
    withdrawn, suspended, resumed = (enrol(enrolled_on=date(2021, 3, 1)) for _ in range(3))
    for learner in (withdrawn, suspended, resumed):
        make_platform_record(learner, minutes=300 * 60, studied_on=date(2023, 5, 1))
    for learner in (withdrawn, resumed):      # studying, past the re-sit window: these hours never count
        _history(learner, ("suspend", date(2022, 1, 1)), ("resume", date(2022, 7, 1)))
        make_platform_record(learner, minutes=100 * 60, studied_on=date(2026, 10, 1))
    _history(suspended, ("suspend", date(2022, 1, 1)))
    _history(withdrawn, ("withdraw", date(2026, 11, 2)))

    facts, policies = facts_and_policies([withdrawn.id, suspended.id, resumed.id], AS_OF)
    hours_facts, hours_policies = facts_and_policies(None, AS_OF, courses=False)
    assert facts[withdrawn.id].withdrawn_on == date(2026, 11, 2)
    assert facts[resumed.id].period_end_on == date(2024, 8, 28)
    hours, audit = _lines(app, "hours"), _lines(app, "audit")
    for learner in (withdrawn, suspended, resumed):
        fact = facts[learner.id]
        assert hours_facts[learner.id] == replace(fact, courses=(), moral_ok=None)
        assert hours_policies[learner.id] == policies[learner.id]
        line = hours[learner.student_number]
        assert line["hours_360"] == audit[learner.student_number]["hours_360"] == 300
        evaluation = evaluate(fact, AS_OF, policies[learner.id])
        assert line["rules"] == {rule.code: {"ok": rule.ok, "severity": rule.severity, "reason": rule.reason}
                                 for rule in (evaluation.age, evaluation.target, evaluation.programme,
                                              evaluation.balance, evaluation.hours)}
    assert audit[withdrawn.student_number]["decision"] == "withdrawn"
    assert hours[resumed.student_number]["rules"]["R3"]["reason"].endswith("修业期 2021年3月1日至2024年8月28日"
                                                                         "（标准修业期至2024年2月29日）")


def test_learners_with_equal_facts_in_a_course_share_one_course_facts(enrol, plan, make_ready):
    # The builder hands the engine one CourseFacts per distinct (course, facts), so graduation_decisions judges
    # each once; a learner's own result, assignments or cut-off give them their own.
    from lms.rules import graduation_decision, graduation_decisions
    from tests.factories import make_result

    fresh, also_fresh, ready, failed = (enrol() for _ in range(4))
    make_ready(ready)
    make_result(failed, plan.literacy, 40)
    facts, policies = facts_and_policies(None, AS_OF)
    assert all(a is b for a, b in zip(facts[fresh.id].courses, facts[also_fresh.id].courses, strict=True))
    assert not any(a is b for a, b in zip(facts[fresh.id].courses, facts[ready.id].courses, strict=True))
    literacy, *rest = facts[failed.id].courses
    assert literacy is not facts[fresh.id].courses[0] and literacy.attempts[0][0] == 40
    assert all(a is b for a, b in zip(rest, facts[fresh.id].courses[1:], strict=True))
    decisions = graduation_decisions(facts, AS_OF, policies)
    assert decisions == {i: graduation_decision(fact, AS_OF, policies[i]) for i, fact in facts.items()}
    assert decisions[ready.id].outcome == "graduate" and decisions[failed.id].outcome == "complete"
