"""Demo registry of 示例县: a roster of several hundred people in the 12 villages, visits in every status,
about 200 learners enrolled through the real enrolment service in a handful of classes of three
intakes dated back from the day it loads, and a few 休学, 复学, 退学 and 转专业 events. Deterministic (a seeded random generator)."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from lms.auth.scope import EVERYTHING
from lms.extensions import db
from lms.geo.models import TeachingPoint
from lms.learners.idnumbers import generate_id_number, id_number_hash
from lms.learners.lookup import id_hash_key
from lms.learners.models import Learner, RosterEntry
from lms.learners.pinyin import name_initials
from lms.learners.services import enrol_learner
from lms.learners.services.status import record_status_event
from lms.learners.services.visits import record_visit
from lms.policies.services import policy_for
from lms.rules import PRIOR_EDUCATIONS, check_age
from lms.teaching.models import Specialty, TeachingClass
from lms.teaching.services import assign_teacher_to_classes

SURNAMES = "王罗杨韦黄陆岑班吴李张陈刘梁覃蒙龙潘石周卢"
GIVEN = "德才秀英国强春花明芳红梅金凤玉兰志华建军小丽海燕文光永福桂珍世平翠云正龙家兴丽娟学勇美仙"
# (teaching point, specialty, intake, class name with the cohort year filled in)
CLASSES = [
    ("上寨村新时代农民讲习所", "刺绣", "third", "上寨刺绣{cohort}级1班"),
    ("上寨村新时代农民讲习所", "种植（含园林、林下种植）", "first", "上寨种植{cohort}级1班"),
    ("清水镇中心学校", "养殖（含畜牧兽医、水产养殖）", "second", "清水养殖{cohort}级1班"),
    ("石桥乡中心学校", "养殖（含畜牧兽医、水产养殖）", "first", "石桥养殖{cohort}级1班"),
    ("石桥乡中心学校", "电子商务", "third", "石桥电商{cohort}级1班"),
    ("高坡村乡村夜校", "种植（含园林、林下种植）", "second", "高坡种植{cohort}级1班"),
    ("望江社区新时代农民讲习所", "餐饮", "second", "望江餐饮{cohort}级1班"),
    ("望江社区新时代农民讲习所", "家政", "third", "望江家政{cohort}级1班"),
    ("沙坝村委会活动室", "蜡染", "first", "沙坝蜡染{cohort}级1班"),
]
# When each intake enrolled, counted back from the day the demo loads, so the county tells the same story
# on any day: the first intake's three years ended about nine months ago (毕业, 结业, a re-sit), the second
# is in its second year (early graduates, 休学, 退学), the third in its first (and its 高中及以上 learners'
# one-year period is still running).
INTAKE_YEARS_AGO = {"first": 3, "second": 1, "third": 0}
INTAKE_DAYS_BEFORE = 280


def intake_day(intake: str, today: date) -> date:
    """The enrolment day of a demo intake: 280 days and whole calendar years before the day the demo loads
    (whole years, so the three intakes are always three different cohort years)."""
    day = today - timedelta(days=INTAKE_DAYS_BEFORE)
    year = day.year - INTAKE_YEARS_AGO[intake]
    return day.replace(year=year, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=year)


PER_VILLAGE = 40
# Roster statuses of people not enrolled, with weights.
OTHER_OUTCOMES = [("pending", 10), ("visited", 6), ("ineligible", 2), ("declined", 3), ("away", 2), ("duplicate", 1)]
EDUCATION_WEIGHTS = [("未上过学", 55), ("小学", 20), ("初中肄业", 12), ("初中", 8), ("高中及以上", 5)]


def _pick(rng: random.Random, weighted):
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def _roster(rng: random.Random, divisions: dict, villages: list[str]) -> list[RosterEntry]:
    """PER_VILLAGE people per village, inserted in one statement (as the roster import would)."""
    key, used, rows = id_hash_key(), set(), []
    for village_name in villages:
        village = divisions[village_name]
        for _ in range(PER_VILLAGE):
            while True:
                sex = rng.choice("12")
                birth_on = date(rng.randint(1966, 2007), rng.randint(1, 12), rng.randint(1, 28))
                number = generate_id_number(address_code="522327", birth_on=birth_on,
                                            sequence=rng.randint(1, 499), sex=sex)
                if number not in used:
                    used.add(number)
                    break
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2, 2, 2))))
            rows.append({"name": name, "name_initials": name_initials(name), "id_number": number,
                         "id_hash": id_number_hash(number, key), "sex": sex, "birth_on": birth_on,
                         "village_id": village.id, "education": _pick(rng, EDUCATION_WEIGHTS),
                         "phone": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}" if rng.random() < 0.8 else ""})
    db.session.execute(insert(RosterEntry), rows)
    return list(db.session.scalars(select(RosterEntry).order_by(RosterEntry.id)))


def _classes(points: dict[str, TeachingPoint], today: date) -> list[TeachingClass]:
    specialties = {s.name: s for s in db.session.scalars(select(Specialty))}
    classes = []
    for index, (point_name, specialty, intake, name) in enumerate(CLASSES, start=1):
        cohort = intake_day(intake, today).year
        teaching_class = TeachingClass(code=f"{cohort}-D{index:02d}", name=name.format(cohort=cohort),
                                       specialty=specialties[specialty], teaching_point=points[point_name],
                                       cohort=cohort)
        db.session.add(teaching_class)
        classes.append(teaching_class)
    db.session.flush()
    return classes


def _visit(rng, entry, outcome: str, actor, today: date) -> None:
    reasons = {"ineligible": "长期卧病在床，无法参加学习", "duplicate": "与邻村名册重复登记"}
    record_visit(actor=actor, entry=entry, today=today, visited_on=intake_day("first", today) - timedelta(rng.randint(10, 70)),
                 visitor=actor.display_name.split()[-1], outcome=outcome, reason=reasons.get(outcome, ""),
                 residence="外出务工，浙江宁波" if outcome == "away" else "在村居住",
                 work_situation="省外务工" if outcome == "away" else rng.choice(("在家务农", "县内务工")),
                 health="" if outcome == "away" else "卧病" if outcome == "ineligible" else "良好",
                 can_study={"ineligible": False, "away": None}.get(outcome, True),
                 willingness={"declined": "unwilling", "visited": "willing", "away": "unknown"}.get(outcome, "undecided"),
                 contact_phone=entry.phone)


def load(divisions: dict, users: dict, *, today: date) -> None:
    """Create the demo roster, visits, classes, learners and status events (flushes only)."""
    rng = random.Random(2025)
    villages = [name for name, division in divisions.items() if division.level == "village"]
    entries = _roster(rng, divisions, villages)
    points = {p.name: p for p in db.session.scalars(select(TeachingPoint))}
    classes = _classes(points, today)
    intake_of = {c.id: intake for c, (_p, _s, intake, _n) in zip(classes, CLASSES, strict=True)}
    township_of = {v.id: v.parent.name for v in (divisions[name] for name in villages)}
    actor_for = {"清水镇": users["township"], "石桥乡": users["township2"], "望江街道": users["township2"]}
    classes_by_township: dict[str, list[TeachingClass]] = {}
    for teaching_class in classes:
        classes_by_township.setdefault(teaching_class.teaching_point.village.parent.name, []).append(teaching_class)

    enrolled: list[Learner] = []
    policies = {}
    for position, entry in enumerate(entries):
        township = township_of[entry.village_id]
        actor = users["enroller"] if divisions["上寨村"].id == entry.village_id and position % 2 else actor_for[township]
        candidates = classes_by_township[township]
        teaching_class = candidates[position % len(candidates)]
        enrolled_on = intake_day(intake_of[teaching_class.id], today)
        if enrolled_on.year not in policies:
            policies[enrolled_on.year] = policy_for(enrolled_on.year)
        age_ok = check_age(entry.birth_on, enrolled_on, policies[enrolled_on.year]).ok
        if age_ok and position % 12 < 5 and len(enrolled) < 200:
            _visit(rng, entry, "visited", actor, today)
            education = entry.education or "未上过学"
            if len(enrolled) < 5:          # every prior-education level appears among the first few
                education = PRIOR_EDUCATIONS[len(enrolled)]
            enrolled.append(enrol_learner(
                actor=actor, scope=EVERYTHING, id_number=entry.id_number, name=entry.name,
                village=entry.village, teaching_point=teaching_class.teaching_point,
                specialty=teaching_class.specialty, teaching_class=teaching_class, enrolled_on=enrolled_on,
                prior_education=education, ethnicity=rng.choice(("09", "09", "09", "01", "06")),
                phone=entry.phone, privacy_agreed=True, today=today, roster_entry=entry))
        else:
            outcome = _pick(rng, OTHER_OUTCOMES) if age_ok else "ineligible"
            if outcome != "pending":
                _visit(rng, entry, outcome, actor, today)
    _status_events([l for l in enrolled if intake_of[l.class_id] == "second"], users, today)
    assign_teacher_to_classes(users["teacher"], [classes[0].code])


def _status_events(learners: list[Learner], users: dict, today: date) -> None:
    """A few 休学 (one back with 复学), 退学 and a 转专业 in the second intake (in its second year), by the
    learners' township staff."""
    by_status = learners
    electronics = db.session.scalar(select(Specialty).where(Specialty.name == "电子商务"))
    plan = [("suspend", "外出务工", None), ("suspend", "家中有老人需照顾", None), ("suspend", "生病住院", None),
            ("withdraw", "举家迁往外省", None), ("withdraw", "本人申请退学", None), ("withdraw", "长期外出务工", None),
            ("change_specialty", "想开网店销售农产品", electronics)]
    for index, (kind, reason, specialty) in enumerate(plan):
        learner = by_status[index * 7 + 3]
        actor = users["township"] if learner.village.parent.name == "清水镇" else users["township2"]
        occurred_on = min(today, learner.enrolled_on + timedelta(days=200 + index * 10))
        record_status_event(actor=actor, learner=learner, kind=kind, occurred_on=occurred_on, reason=reason,
                            approved_by="教务 黄志明", to_specialty=specialty, today=today)
        if index == 0:
            record_status_event(actor=actor, learner=learner, kind="resume",
                                occurred_on=min(today, occurred_on + timedelta(days=120)),
                                reason="务工结束返乡", approved_by="教务 黄志明", today=today)
    _transfers(learners[-2:], users, today)


def _transfers(pair: list[Learner], users: dict, today: date) -> None:
    """A transfer: the first learner moves to a neighbouring county (转出, their 转学档案 downloadable), the
    second arrived from one on their enrolment day (转入) with 60 学时 of face-to-face and 40 of platform
    hours and the first course of their plan passed (82) — all from the transfer document."""
    from lms.teaching.models import Course

    if len(pair) < 2:
        return
    leaving, arriving = pair
    actor = users["registrar"]
    record_status_event(actor=actor, learner=leaving, kind="transfer_out",
                        occurred_on=min(today, leaving.enrolled_on + timedelta(days=240)), reason="随家人迁居外县",
                        approved_by="教务 黄志明", other_school="邻县职业技术学校（望谟县）",
                        document_number="ZX-2026-018", today=today)
    course = db.session.scalar(select(Course).where(Course.specialty_id == arriving.specialty_id,
                                                    Course.active.is_(True)).order_by(Course.position, Course.id))
    record_status_event(actor=actor, learner=arriving, kind="transfer_in", occurred_on=arriving.enrolled_on,
                        reason="随家人从外县迁入", approved_by="教务 黄志明", other_school="贞丰县职业技术学校",
                        document_number="ZR-2025-003", carried_hours={"F": 60 * 60, "P": 40 * 60},
                        carried_results=[(course, 82)] if course is not None else [], today=today)
