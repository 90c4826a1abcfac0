"""`flask lms hours`: every learner's hours by category and rule states, as the policy engine judges them."""
from __future__ import annotations

import json
from datetime import date

import click
from sqlalchemy import select

from lms.audit.services import record
from lms.extensions import db
from lms.learners.models import Learner
from lms.policies.services import policies_for
from lms.rules import HourTotals, LearnerFacts, evaluate, hours_number
from lms.teaching.hours import hour_totals

CATEGORY_KEYS = {"face": "F", "live": "L", "platform": "P", "self": "S"}


def learner_hours_report(learners, totals: dict[int, HourTotals], policies, as_of: date):
    """Yield one JSON-ready dict per learner: hours by category (in 学时), hours_360 and each rule's state."""
    for learner in learners:
        hours = totals.get(learner.id, HourTotals())
        policy = policies[learner.cohort]
        facts = LearnerFacts(birth_on=learner.birth_on, enrolled_on=learner.enrolled_on,
                             prior_education=learner.prior_education, hours=hours,
                             period_end_on=learner.period_end_on, status=learner.status,
                             withdrawn_on=learner.status_changed_on if learner.status == "withdrawn" else None,
                             learner_id=learner.id)
        evaluation = evaluate(facts, as_of, policy)
        per = hours.by_category()
        yield {
            "id_number": learner.id_number,
            "student_number": learner.student_number,
            "hours": {key: hours_number(per[code]) for key, code in CATEGORY_KEYS.items()},
            "hours_360": hours_number(hours.total(policy.hours_categories)),
            "rules": {rule.code: {"ok": rule.ok, "severity": rule.severity, "reason": rule.reason}
                      for rule in (evaluation.age, evaluation.target, evaluation.programme, evaluation.balance,
                                   evaluation.hours)},
        }


@click.command("hours")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="截止日期（YYYY-MM-DD），默认今天。")
@click.option("--json", "as_json", is_flag=True, help="每名学员输出一行 JSON。")
def hours_command(as_of, as_json: bool):
    """Every learner's hours by category (F, L, P, S), the hours R6 counts, and the rule states."""
    from lms.core.clock import today

    day = as_of.date() if as_of else today()
    totals = hour_totals(as_of=day)
    cohorts = set(db.session.scalars(select(Learner.cohort).distinct()))
    policies = policies_for(cohorts)
    learners = db.session.scalars(select(Learner).order_by(Learner.id).execution_options(yield_per=2000))
    count = 0
    for item in learner_hours_report(learners, totals, policies, day):
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
