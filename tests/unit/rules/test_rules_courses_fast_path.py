"""The engine's fast paths give exactly the plain rule's answers (issue 17: the graduation audit).

course_status shares the R7 judgement between learners, picks the counting result in one pass without
re-checking scores CourseFacts already checked, and the facts builder makes CourseFacts with
CourseFacts.trusted (no checks). Here each is compared with the plain statement of the same rule — the
way R7/R8 were written before the fast paths — on varied random data, edges included: no attempts, ties,
same-day attempts, scores on the pass mark, retakes, attempts after the cut-off, Decimal and int scores,
exemptions, awarded credits, missing assignments.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest

from lms.rules import (
    CourseFacts,
    HourTotals,
    LearnerFacts,
    Policy,
    assignment_gate,
    best_result,
    course_status,
    graduation_decision,
    graduation_decisions,
)
from lms.rules.courses import COUNTING_STATUSES, BestResult
from lms.rules.formatting import format_credits, format_score
from lms.rules.vocab import EXEMPTION_KIND_LABELS

D = dt.date


def plain_gate(required, completed):
    """R7 as first written: every required title (stripped) among the completed ones."""
    required = tuple(title.strip() for title in required)
    completed = {title.strip() for title in completed}
    missing = tuple(title for title in required if title not in completed)
    numbers = {"required": len(required), "completed": len(required) - len(missing), "missing": missing}
    if missing:
        return ("R7", False, f"还需完成：{'、'.join(missing)}", numbers)
    if not required:
        return ("R7", True, "没有规定的作业（实操）", numbers)
    return ("R7", True, f"规定作业（实操）{len(required)} 项已全部完成", numbers)


def plain_best(attempts, pass_mark, until=None):
    """R8 as first written: sort by date (stable), the best passing score (earliest on a tie), else the best."""
    dated = [(score, on) for score, on in attempts if until is None or on <= until]
    if not dated:
        return None
    dated.sort(key=lambda attempt: attempt[1])
    indexed = list(enumerate(dated, start=1))
    passing = [item for item in indexed if item[1][0] >= pass_mark]
    number, (score, on) = max(passing or indexed, key=lambda item: (item[1][0], -item[0]))
    return BestResult(score, on, bool(passing), bool(passing) and not dated[0][0] >= pass_mark, number, len(dated))


def plain_status(course, policy, until):
    """course_status as first written, reduced to what a user sees: status, credits, reason, numbers."""
    name = f"课程《{course.name}》"
    gate = plain_gate(course.required_assignments, course.completed_assignments)
    best = plain_best(course.attempts, policy.pass_mark, until)

    def standing(status, code, reason):
        counts = status in COUNTING_STATUSES
        earned = (course.credits if counts else Decimal(0)) + course.awarded_credits
        if course.awarded_credits:
            reason += f"，另获奖励 {format_credits(course.awarded_credits)} 学分"
        numbers = {"course_id": course.course_id, "credits": course.credits,
                   "awarded_credits": course.awarded_credits, "pass_mark": policy.pass_mark,
                   "score": best.score if best else None, "attempts": best.attempts if best else 0,
                   "credits_earned": earned, "status": status}
        return (status, earned, best, gate, (code, counts, True, reason, numbers))

    if course.exemption is not None:
        text = (f"{name}已免除（对口岗位工作经历）" if course.exemption == "waived"
                else f"{name}{EXEMPTION_KIND_LABELS[course.exemption]}")
        return standing(course.exemption, "R9", f"{text}，计 {format_credits(course.credits)} 学分")
    if not gate[1]:
        text = f"{name}{gate[2]}，方可参加考核"
        if best is not None:
            text += "（作业完成前的成绩不计）"
        return standing("blocked_by_assignments", "R7", text)
    if best is None:
        return standing("not_assessed", "R8", f"{name}尚未考核")
    score = format_score(best.score)
    if not best.passed:
        return standing("failed", "R8", f"{name}未通过（最好成绩 {score} 分，及格 {policy.pass_mark} 分）")
    if best.retake:
        return standing("passed_on_retake", "R8", f"{name}补考通过（{score} 分）")
    return standing("passed", "R8", f"{name}已通过（{score} 分）")


def seen(standing):
    gate = standing.gate
    return (standing.status, standing.credits_earned, standing.best,
            (gate.code, gate.ok, gate.reason, dict(gate.numbers)),
            (standing.rule.code, standing.rule.ok, standing.rule.blocking, standing.rule.reason,
             dict(standing.rule.numbers)))


def random_score(rng, pass_mark):
    pick = rng.random()
    if pick < 0.3:                                   # on and around the pass mark (within 0–100)
        near = [pass_mark - 1, pass_mark, pass_mark + 1, Decimal(pass_mark), Decimal(pass_mark) - Decimal("0.5")]
        return rng.choice([score for score in near if 0 <= score <= 100])
    if pick < 0.4:
        return rng.choice([0, 100, Decimal("0"), Decimal("100.0")])
    return rng.choice([rng.randint(0, 100), Decimal(rng.randint(0, 1000)) / 10])


def random_course(rng, pass_mark):
    kind = rng.choice(["cultural", "skill", "internship"])
    required = tuple(rng.sample(["作业1", "作业2", "实操1", " 实操2 "], rng.randint(0, 3)))
    completed = frozenset(rng.sample(["作业1", "作业2", "实操1", "实操2", "作业9"], rng.randint(0, 5)))
    days = [D(2025, 3, 1) + dt.timedelta(days=rng.choice([0, 0, 30, 60, 400])) for _ in range(rng.randint(0, 4))]
    exemptions = [None] * 8 + ["exempt_study", "exempt_exam"] + (["waived"] if kind == "internship" else [])
    return CourseFacts(course_id=rng.randint(1, 5), name=rng.choice(["读写算", "专业技能"]), kind=kind,
                       hours=rng.choice([0, 4800]), credits=rng.choice([Decimal(0), Decimal(3), Decimal("1.5"), 2]),
                       required_assignments=required, completed_assignments=completed,
                       attempts=tuple((random_score(rng, pass_mark), day) for day in days),
                       exemption=rng.choice(exemptions),
                       awarded_credits=rng.choice([Decimal(0)] * 4 + [Decimal("0.5"), Decimal(2)]))


@pytest.mark.parametrize("seed", range(4))
def test_course_status_gives_the_plain_rules_answers(seed):
    rng = random.Random(seed)
    for _ in range(1500):
        policy = Policy(pass_mark=rng.choice([60, 60, 50, 100, 0]))
        course = random_course(rng, policy.pass_mark)
        until = rng.choice([None, D(2025, 3, 1), D(2025, 4, 1), D(2026, 1, 1), D(2024, 1, 1)])
        status, earned, best, gate, rule = plain_status(course, policy, until)
        fast = seen(course_status(course, policy, until=until))
        assert fast == (status, earned, best, (gate[0], gate[1], gate[2], gate[3]), rule)


@pytest.mark.parametrize("seed", range(3))
def test_best_result_and_gate_give_the_plain_rules_answers(seed):
    rng = random.Random(100 + seed)
    for _ in range(2000):
        pass_mark = rng.choice([60, 0, 100, 55])
        attempts = [(random_score(rng, pass_mark), D(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 3)))
                    for _ in range(rng.randint(0, 5))]
        until = rng.choice([None, D(2025, 1, 2)])
        assert best_result(attempts, Policy(pass_mark=pass_mark), until=until) == plain_best(attempts, pass_mark, until)
        required = rng.sample(["作业1", " 作业2", "实操1"], rng.randint(0, 3))
        completed = rng.sample(["作业1 ", "作业2", "实操1", "其他"], rng.randint(0, 4))
        gate = assignment_gate(required, completed)
        assert (gate.code, gate.ok, gate.reason, dict(gate.numbers)) == plain_gate(required, completed)


def test_edges_of_the_one_pass_best_result():
    policy = Policy(pass_mark=60)
    on = D(2025, 5, 1)
    # equal passing scores: the earliest counts; same-day attempts keep their order
    assert best_result([(70, on), (70, on)], policy).attempt_no == 1
    assert best_result([(70, D(2025, 6, 1)), (70, on)], policy).sat_on == on
    # a failing best score never beats a pass; exactly the pass mark passes; a first pass is no retake
    assert best_result([(59, on), (60, D(2025, 6, 1)), (95, D(2025, 4, 1))], policy).retake is False
    assert best_result([(90, on), (60, D(2025, 6, 1))], policy) == BestResult(90, on, True, False, 1, 2)
    assert best_result([(50, on), (60, D(2025, 6, 1))], policy) == BestResult(60, D(2025, 6, 1), True, True, 2, 2)
    assert best_result([(Decimal("59.9"), on), (Decimal("59.5"), D(2025, 6, 1))], policy) == BestResult(
        Decimal("59.9"), on, False, False, 1, 2)
    assert best_result([], policy) is None
    assert best_result([(70, on)], policy, until=D(2025, 4, 30)) is None
    with pytest.raises(ValueError):
        best_result([(101, on)], policy)


def test_trusted_course_facts_equal_checked_ones():
    rng = random.Random(5)
    for _ in range(500):
        checked = random_course(rng, 60)
        trusted = CourseFacts.trusted(checked.course_id, checked.name, checked.kind, checked.hours, checked.credits,
                                      checked.required_assignments, checked.completed_assignments, checked.attempts,
                                      checked.exemption, checked.awarded_credits)
        assert trusted == checked
        assert course_status(trusted, Policy()) == course_status(checked, Policy())


def random_learner(rng, pool, learner_id):
    """A learner whose plan takes courses from a small shared pool (so equal courses recur), varied dates."""
    by_id = {}
    for course in rng.sample(pool, rng.randint(0, 6)):
        by_id.setdefault(course.course_id, course)
    enrolled = rng.choice([D(2023, 3, 1), D(2024, 2, 29), D(2025, 9, 1)])
    end = rng.choice([None, None, D(2026, 2, 28), D(2027, 8, 31)])
    status = rng.choice(["studying"] * 6 + ["withdrawn", "transferred", "suspended"])
    return LearnerFacts(
        birth_on=D(1980, 1, 1), enrolled_on=enrolled, prior_education=rng.choice(["未上过学", "高中及以上"]),
        hours=HourTotals(face=rng.choice([0, 6000]), live=rng.choice([0, 600]),
                         platform=rng.choice([0, 9000, 12000]), self_study=rng.choice([0, 6000, 21600])),
        courses=tuple(by_id.values()), moral_ok=rng.choice([None, True, True, False]),
        period_end_on=end if end is None or end >= enrolled else None, status=status,
        withdrawn_on=rng.choice([None, D(2025, 1, 1)]) if status == "withdrawn" else None,
        left_on=rng.choice([None, D(2026, 1, 1)]) if status == "transferred" else None,
        suspended_on=D(2025, 3, 1) if status == "suspended" else None, learner_id=learner_id)


@pytest.mark.parametrize("seed", range(4))
def test_graduation_decisions_of_a_cohort_equal_one_at_a_time(seed):
    """graduation_decisions (dates per period, standings shared between equal courses) == graduation_decision."""
    rng = random.Random(200 + seed)
    policies = [Policy(), Policy(pass_mark=50, early_graduation_allowed=False), Policy(min_credits=Decimal(8)),
                Policy(resit_years=0), Policy()]   # two equal policies, distinct objects
    pool = [random_course(rng, 60) for _ in range(25)]
    for as_of in (D(2025, 6, 1), D(2026, 2, 28), D(2026, 3, 1), D(2028, 3, 1)):
        facts = {i: random_learner(rng, pool, i) for i in range(300)}
        chosen = {i: rng.choice(policies) for i in facts}
        fast = graduation_decisions(facts, as_of, chosen)
        assert list(fast) == list(facts)
        for i, fact in facts.items():
            assert fast[i] == graduation_decision(fact, as_of, chosen[i])


def test_graduation_decisions_share_the_standing_of_equal_courses_only():
    course = CourseFacts(1, "读写算", "cultural", credits=Decimal(4), attempts=((75, D(2024, 6, 1)),))
    same = CourseFacts(1, "读写算", "cultural", credits=Decimal(4), attempts=((75, D(2024, 6, 1)),))
    later = CourseFacts(1, "读写算", "cultural", credits=Decimal(4), attempts=((75, D(2024, 6, 2)),))
    learners = {i: LearnerFacts(D(1980, 1, 1), D(2023, 3, 1), "未上过学", courses=(course,)) for i in (1, 2)}
    learners[2] = LearnerFacts(D(1980, 1, 1), D(2023, 3, 1), "未上过学", courses=(same,))
    learners[3] = LearnerFacts(D(1980, 1, 1), D(2023, 3, 1), "未上过学", courses=(later,))
    policy = Policy()
    decisions = graduation_decisions(learners, D(2025, 6, 1), {i: policy for i in learners})
    assert decisions[2].courses[0] is decisions[1].courses[0]
    assert decisions[3].courses[0] is not decisions[1].courses[0]
    assert decisions[3].courses[0].best.sat_on == D(2024, 6, 2)
    # a stricter policy judges the same course anew
    strict = graduation_decisions(learners, D(2025, 6, 1), {1: policy, 2: Policy(pass_mark=80), 3: policy})
    assert strict[2].courses[0].status == "failed" and strict[1].courses[0].status == "passed"
