"""`flask lms hours`: every learner's hours by category and rule states, as the policy engine judges them."""
from __future__ import annotations

import json

import click
from sqlalchemy import select

from lms.assessment.facts import facts_and_policies
from lms.audit.services import record
from lms.core.clock import today
from lms.core.gc import paused_gc
from lms.extensions import db
from lms.learners.models import Learner
from lms.rules import LearnerFacts, Policy, enrolment_and_hours_rules, hours_number

CATEGORY_KEYS = {"face": "F", "live": "L", "platform": "P", "self": "S"}


def learner_hours_report(learners, facts: dict[int, LearnerFacts], policies: dict[int, Policy]):
    """Yield one JSON-ready dict per learner (rows with id, id_number, student_number): hours by category
    (in 学时), hours_360 and each rule's state, judged on the learner's facts and policy as given by
    lms.assessment.facts.facts_and_policies — the graduation audit's own facts."""
    for learner in learners:
        fact, policy = facts[learner.id], policies[learner.id]
        rules = enrolment_and_hours_rules(fact, policy)        # the graduation decision is not printed
        per = fact.hours.by_category()
        yield {
            "id_number": learner.id_number,
            "student_number": learner.student_number,
            "hours": {key: hours_number(per[code]) for key, code in CATEGORY_KEYS.items()},
            "hours_360": hours_number(fact.hours.total(policy.hours_categories)),
            "rules": {rule.code: {"ok": rule.ok, "severity": rule.severity, "reason": rule.reason}
                      for rule in rules},
        }


@click.command("hours")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="截止日期（YYYY-MM-DD），默认今天。")
@click.option("--json", "as_json", is_flag=True, help="每名学员输出一行 JSON。")
def hours_command(as_of, as_json: bool):
    """Every learner's hours by category (F, L, P, S), the hours R6 counts, and the rule states."""
    day = as_of.date() if as_of else today()
    with paused_gc():
        facts, policies = facts_and_policies(None, day, courses=False)
    learners = db.session.execute(select(Learner.id, Learner.id_number, Learner.student_number)
                                  .order_by(Learner.id).execution_options(yield_per=2000))
    count = 0
    for item in learner_hours_report(learners, facts, policies):
        count += 1
        if as_json:
            click.echo(json.dumps(item, ensure_ascii=False))
        else:
            h = item["hours"]
            click.echo(f"{item['student_number']}  面授 {h['face']}  线上 {h['live']}  平台 {h['platform']}  "
                       f"自学 {h['self']}  | {item['rules']['R6']['reason']}；{item['rules']['R5']['reason']}")
    # The output carries whole ID numbers: an export, so it is audited.
    record(None, "export.hours", "learner", None, summary=f"导出学时与规则状态（截至 {day.isoformat()}）：{count} 名学员",
           after={"as_of": day.isoformat(), "learners": count})
    db.session.commit()
