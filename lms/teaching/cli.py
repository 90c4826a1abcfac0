"""`flask lms hours`: every learner's hours by category and rule states, as the policy engine judges them."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import click
from sqlalchemy import select

from lms.assessment.facts import HoursFacts, hours_facts
from lms.audit.services import record
from lms.core.clock import today
from lms.core.gc import paused_gc
from lms.extensions import db
from lms.learners.models import Learner
from lms.rules import CohortRules, Policy, hours_number

CATEGORY_KEYS = {"face": "F", "live": "L", "platform": "P", "self": "S"}


def learner_hours_report(learners: Iterable, facts: dict[int, HoursFacts], policies: dict[int, Policy]
                         ) -> Iterator[dict]:
    """Yield one JSON-ready dict per learner (rows with id, id_number, student_number): hours by category
    (in 学时), hours_360 (the hours R6 counts, from R6 itself) and each rule's state — R1, R2, R3, R5, R6 as
    lms.rules.enrolment_and_hours_rules judges them (lms.rules.CohortRules: the policy's work done once per
    cohort) on the facts of lms.assessment.facts.hours_facts (`policies` by cohort)."""
    judges = {cohort: CohortRules(policy) for cohort, policy in policies.items()}
    for learner in learners:
        fact = facts[learner.id]
        face, live, platform, self_study = fact.face, fact.live, fact.platform, fact.self_study
        rules = judges[fact.cohort].rules(fact.birth_on, fact.enrolled_on, fact.prior_education, fact.period_end_on,
                                          face, live, platform, self_study)
        yield {
            "id_number": learner.id_number,
            "student_number": learner.student_number,
            "hours": {"face": hours_number(face), "live": hours_number(live), "platform": hours_number(platform),
                      "self": hours_number(self_study)},
            "hours_360": hours_number(rules[-1].numbers["counted_minutes"]),
            "rules": {rule.code: {"ok": rule.ok, "severity": rule.severity, "reason": rule.reason}
                      for rule in rules},
        }


def hours_report(day) -> Iterator[dict]:
    """learner_hours_report for every learner, in id order, as of `day`: the facts in a fixed number of
    queries, then the learners' numbers streamed."""
    # Tens of thousands of small acyclic rows and results: the cyclic collector would only rescan them.
    with paused_gc():
        facts, policies = hours_facts(day)
        learners = db.session.execute(select(Learner.id, Learner.id_number, Learner.student_number)
                                      .order_by(Learner.id).execution_options(yield_per=2000))
        yield from learner_hours_report(learners, facts, policies)


@click.command("hours")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="截止日期（YYYY-MM-DD），默认今天。")
@click.option("--json", "as_json", is_flag=True, help="每名学员输出一行 JSON。")
def hours_command(as_of, as_json: bool):
    """Every learner's hours by category (F, L, P, S), the hours R6 counts, and the rule states."""
    day = as_of.date() if as_of else today()
    count = 0
    lines: list[str] = []
    for item in hours_report(day):
        count += 1
        if as_json:
            lines.append(json.dumps(item, ensure_ascii=False))
        else:
            h = item["hours"]
            lines.append(f"{item['student_number']}  面授 {h['face']}  线上 {h['live']}  平台 {h['platform']}  "
                         f"自学 {h['self']}  | {item['rules']['R6']['reason']}；{item['rules']['R5']['reason']}")
        if len(lines) == 1000:          # a thousand lines a write: click.echo per line cost a tenth of the run
            click.echo("\n".join(lines))
            lines.clear()
    if lines:
        click.echo("\n".join(lines))
    # The output carries whole ID numbers: an export, so it is audited.
    record(None, "export.hours", "learner", None, summary=f"导出学时与规则状态（截至 {day.isoformat()}）：{count} 名学员",
           after={"as_of": day.isoformat(), "learners": count})
    db.session.commit()
