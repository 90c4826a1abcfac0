"""Demo registry of 示例县: a roster of several hundred people in the 12 villages, visits in every status,
about 200 learners enrolled through the real enrolment service in a handful of classes of cohorts
2023–2025, and a few 休学, 复学, 退学 and 转专业 events. Deterministic (a seeded random generator)."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from lms.auth.scope import EVERYTHING
from lms.extensions import db
from lms.geo.models import TeachingPoint
from lms.learners.codes import PRIOR_EDUCATIONS
from lms.learners.idnumbers import generate_id_number, id_number_hash
from lms.learners.lookup import id_hash_key
from lms.learners.models import Learner, RosterEntry
from lms.learners.pinyin import name_initials
from lms.learners.services import enrol_learner
from lms.learners.status import record_status_event
from lms.learners.visits import record_visit
from lms.policies.services import policy_for
from lms.rules import check_age
from lms.teaching.models import Specialty, TeachingClass
from lms.teaching.services import assign_teacher_to_classes

SURNAMES = "王罗杨韦黄陆岑班吴李张陈刘梁覃蒙龙潘石周卢"
GIVEN = "德才秀英国强春花明芳红梅金凤玉兰志华建军小丽海燕文光永福桂珍世平翠云正龙家兴丽娟学勇美仙"
# (teaching point, specialty, cohort, class name)
CLASSES = [
    ("上寨村新时代农民讲习所", "种植(含园林、林下种植)", 2023, "上寨种植2023级1班"),
    ("上寨村新时代农民讲习所", "刺绣", 2025, "上寨刺绣2025级1班"),
    ("清水镇中心学校", "养殖(含畜牧兽医、水产养殖)", 2024, "清水养殖2024级1班"),
    ("石桥乡中心学校", "养殖(含畜牧兽医、水产养殖)", 2023, "石桥养殖2023级1班"),
    ("石桥乡中心学校", "电子商务", 2025, "石桥电商2025级1班"),
    ("高坡村乡村夜校", "种植(含园林、林下种植)", 2024, "高坡种植2024级1班"),
    ("望江社区新时代农民讲习所", "餐饮", 2024, "望江餐饮2024级1班"),
    ("望江社区新时代农民讲习所", "家政", 2025, "望江家政2025级1班"),
    ("沙坝村委会活动室", "蜡染", 2023, "沙坝蜡染2023级1班"),
]
ENROLMENT_DAYS = {2023: date(2023, 3, 15), 2024: date(2024, 3, 10), 2025: date(2025, 3, 8)}
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


def _classes(points: dict[str, TeachingPoint]) -> list[TeachingClass]:
    specialties = {s.name: s for s in db.session.scalars(select(Specialty))}
    classes = []
    for index, (point_name, specialty, cohort, name) in enumerate(CLASSES, start=1):
        teaching_class = TeachingClass(code=f"{cohort}-D{index:02d}", name=name, specialty=specialties[specialty],
                                       teaching_point=points[point_name], cohort=cohort)
        db.session.add(teaching_class)
        classes.append(teaching_class)
    db.session.flush()
    return classes


def _visit(rng, entry, outcome: str, actor, today: date) -> None:
    reasons = {"ineligible": "长期卧病在床,无法参加学习", "duplicate": "与邻村名册重复登记"}
    record_visit(actor=actor, entry=entry, today=today, visited_on=min(today, date(2023, 1, 5) + timedelta(rng.randint(0, 60))),
                 visitor=actor.display_name.split()[-1], outcome=outcome, reason=reasons.get(outcome, ""),
                 residence="外出务工,浙江宁波" if outcome == "away" else "在村居住",
                 work_situation="省外务工" if outcome == "away" else rng.choice(("在家务农", "县内务工")),
                 health="卧病" if outcome == "ineligible" else "良好", can_study=outcome != "ineligible",
                 willingness={"declined": "unwilling", "visited": "willing"}.get(outcome, "undecided"),
                 contact_phone=entry.phone)


def load(divisions: dict, users: dict, *, today: date) -> None:
    """Create the demo roster, visits, classes, learners and status events (flushes only)."""
    rng = random.Random(2025)
    villages = [name for name, division in divisions.items() if division.level == "village"]
    entries = _roster(rng, divisions, villages)
    points = {p.name: p for p in db.session.scalars(select(TeachingPoint))}
    classes = _classes(points)
    township_of = {v.id: v.parent.name for v in (divisions[name] for name in villages)}
    actor_for = {"清水镇": users["township"], "石桥乡": users["township2"], "望江街道": users["township2"]}
    classes_by_township: dict[str, list[TeachingClass]] = {}
    for teaching_class in classes:
        classes_by_township.setdefault(teaching_class.teaching_point.village.parent.name, []).append(teaching_class)

    enrolled: list[Learner] = []
    for position, entry in enumerate(entries):
        township = township_of[entry.village_id]
        actor = users["enroller"] if divisions["上寨村"].id == entry.village_id and position % 2 else actor_for[township]
        candidates = classes_by_township[township]
        teaching_class = candidates[position % len(candidates)]
        enrolled_on = min(today, ENROLMENT_DAYS[teaching_class.cohort])
        age_ok = check_age(entry.birth_on, enrolled_on, policy_for(enrolled_on.year)).ok
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
    _status_events(enrolled, users, today)
    assign_teacher_to_classes(users["teacher"], [classes[0].code])


def _status_events(learners: list[Learner], users: dict, today: date) -> None:
    """A few 休学 (one back with 复学), 退学 and a 转专业, by the learners' township staff."""
    by_status = [learner for learner in learners if learner.cohort in (2023, 2024)]
    electronics = db.session.scalar(select(Specialty).where(Specialty.name == "电子商务"))
    plan = [("休学", "外出务工", None), ("休学", "家中有老人需照顾", None), ("休学", "生病住院", None),
            ("退学", "举家迁往外省", None), ("退学", "本人申请退学", None), ("退学", "长期外出务工", None),
            ("转专业", "想开网店销售农产品", electronics)]
    for index, (kind, reason, specialty) in enumerate(plan):
        learner = by_status[index * 7 + 3]
        actor = users["township"] if learner.village.parent.name == "清水镇" else users["township2"]
        occurred_on = min(today, learner.enrolled_on + timedelta(days=200 + index * 10))
        record_status_event(actor=actor, learner=learner, kind=kind, occurred_on=occurred_on, reason=reason,
                            approved_by="教务 黄志明", to_specialty=specialty, today=today)
        if index == 0:
            record_status_event(actor=actor, learner=learner, kind="复学",
                                occurred_on=min(today, occurred_on + timedelta(days=120)),
                                reason="务工结束返乡", approved_by="教务 黄志明", today=today)
