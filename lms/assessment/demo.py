"""Demo assessment data on whatever learners, classes and courses the registry and teaching demos made.

Runs after them (registry → teaching → assessment → certificates). It fills the school's certificate
table, then gives each learner a deterministic profile so that the demo county's audit shows every
decision: learners whose study period has ended graduate (one by a re-sit after the period, inside
the re-sit window) or complete; learners still studying may graduate early, continue with gaps, or
withdraw. Profiles that must reach 360 hours are topped up with platform records when the teaching
demo gave them fewer.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from lms import summaries
from lms.assessment.facts import hour_totals, required_titles
from lms.assessment.models import AssessmentResult, AssignmentCompletion, MoralEvaluation
from lms.audit.services import record
from lms.auth.models import User
from lms.core.bulk import bulk_insert
from lms.core.clock import now_utc
from lms.extensions import db
from lms.learners.models import Learner
from lms.learners.services.status import record_status_event
from lms.learners.studying import study_histories
from lms.policies.services import policies_for, policy_for
from lms.recognition.models import CertificateKind, CertificateKindCourse, RecognitionApplication, RecognitionItem
from lms.rules import clock_minutes_within, daily_room, parts_from_clock_minutes, resit_until
from lms.rules.crediting import PLATFORM_CATEGORY
from lms.teaching.hours import daily_minutes
from lms.teaching.models import (
    Attendance,
    ClassSession,
    Course,
    PlatformRecord,
    SelfStudyEntry,
    Specialty,
    TeachingClass,
)

PLATFORM = "贵州省社区教育学习平台（一乐之）"
# Real vocational titles for some specialties (prefix of the specialty name → certificate name).
TITLES = {"种植": "农作物植保员", "设施农业": "设施农业种植工", "养殖": "家畜饲养员", "服装": "服装制版师",
          "家用电器": "家用电器产品维修工", "餐饮": "中式烹调师", "计算机": "计算机操作员", "电子商务": "电子商务师",
          "家政": "家政服务员", "刺绣": "刺绣工", "蜡染": "蜡染工"}
ONE_DAY = dt.timedelta(days=1)


def load(*, today: dt.date) -> dict[str, int]:
    """Add the certificate table and assessment data for every existing learner; returns profile counts."""
    registrar = db.session.scalar(select(User).where(User.role == "registrar").order_by(User.id))
    plans: dict[int, list[Course]] = defaultdict(list)
    active = select(Course).where(Course.active.is_(True)).order_by(Course.position, Course.id)
    for course in db.session.scalars(active):
        plans[course.specialty_id].append(course)
    kinds = _certificate_table(plans)
    learners = list(db.session.scalars(select(Learner).order_by(Learner.enrolled_on, Learner.id)))
    class_heads = dict(db.session.execute(select(TeachingClass.id, TeachingClass.head_teacher_id)).all())
    heads = {learner.id: class_heads.get(learner.class_id) for learner in learners}
    counts: dict[str, int] = defaultdict(int)
    topped_up: list[Learner] = []
    rows = _Rows()
    ended = [learner for learner in learners if learner.period_end_on < today and plans.get(learner.specialty_id)]
    running = [learner for learner in learners if learner.period_end_on >= today and plans.get(learner.specialty_id)]
    for index, learner in enumerate(ended):
        profile = ("complete_failed", "graduate", "graduate_by_resit", "complete_hours")[index % 4]
        if _apply(profile, learner, plans[learner.specialty_id], kinds, registrar, heads, today, index, rows):
            topped_up.append(learner)
        counts[profile] += 1
    for index, learner in enumerate(running):
        profile = ("early_graduate", "continue", "withdrawn", "continue_pending", "continue")[index % 5]
        if profile == "withdrawn" and (counts["withdrawn"] >= 3 or learner.status != "studying"):
            profile = "continue"
        if _apply(profile, learner, plans[learner.specialty_id], kinds, registrar, heads, today, index, rows):
            topped_up.append(learner)
        counts[profile] += 1
    rows.write()
    _top_up_hours(topped_up, today)
    record(None, "demo.assessment", "demo", None, summary=f"演示考核数据：{dict(counts)}")
    return dict(counts)


def _certificate_table(plans: dict[int, list[Course]]) -> dict[int, CertificateKind]:
    """One skill certificate per specialty with skill courses (mapped to them), an award and an innovation."""
    by_specialty: dict[int, CertificateKind] = {}
    for specialty in db.session.scalars(select(Specialty).order_by(Specialty.position)):
        skills = [course for course in plans.get(specialty.id, ()) if course.kind == "skill"]
        if not skills:
            continue
        title = next((name for prefix, name in TITLES.items() if specialty.name.startswith(prefix)),
                     specialty.name.split("(")[0])
        kind = CertificateKind(name=f"{title}（五级/初级工）", evidence_type="职业技能等级证书",
                               note="人社部门认定的职业技能等级证书",
                               mapped=[CertificateKindCourse(course_id=course.id) for course in skills[:2]])
        db.session.add(kind)
        by_specialty[specialty.id] = kind
    db.session.add_all([
        CertificateKind(name="县级农民技能大赛三等奖及以上", evidence_type="竞赛获奖", credits=Decimal("2"),
                        note="计入相关专业技能课"),
        CertificateKind(name="技术革新成果（经县级部门认定）", evidence_type="技术革新", credits=Decimal("3")),
    ])
    db.session.flush()
    return by_specialty


def _day(learner: Learner, step: int, today: dt.date) -> dt.date:
    """A plausible day for the n-th record: a month apart from three months after enrolment, inside the
    period and before today."""
    day = learner.enrolled_on + dt.timedelta(days=90 + 30 * step)
    return min(day, learner.period_end_on - dt.timedelta(days=10 - min(step, 9)), today - ONE_DAY)


def _apply(profile, learner, courses, kinds, registrar, heads, today, index, rows: _Rows) -> bool:
    """Write the profile's results, evaluations and applications; True when its hours must reach 360."""
    recorder = registrar.id if registrar else None
    head = heads.get(learner.id) or recorder
    exempt_course = None
    if profile in ("graduate", "early_graduate") and index % 3 == 1 and learner.specialty_id in kinds:
        kind = kinds[learner.specialty_id]
        exempt_course = next(c for c in courses if c.id in kind.course_ids)
        _application(learner, kind.evidence_type, "certificate", [exempt_course], "exempt_study", registrar,
                     _day(learner, 2, today), certificate=kind)
    internship = next((c for c in courses if c.kind == "internship"), None)
    waived = None
    if profile in ("graduate", "early_graduate") and index % 4 == 2 and internship is not None:
        waived = internship
        _application(learner, "工作经历", "work_experience", [internship], "waived", registrar,
                     _day(learner, 1, today), work=("县城某餐饮公司 厨工 2018年3月—2021年5月", Decimal("3.2")))
    for step, course in enumerate(courses):
        if course in (exempt_course, waived):
            continue
        sat_on = _day(learner, step + 1, today)
        for number, title in enumerate(required_titles(course.required_assignments)):
            rows.completions.append({"learner_id": learner.id, "course_id": course.id, "title": title,
                                     "completed_on": sat_on - dt.timedelta(days=20 - number),
                                     "recorded_by_id": head, "created_at": rows.now, "updated_at": rows.now})
        score = 62 + (learner.id * 7 + step * 11) % 35
        failing = (profile == "complete_failed" and step == 0) or (profile.startswith("continue") and step == 1)
        if profile == "graduate_by_resit" and step == 0:
            rows.result(learner, course, 48, sat_on, recorder)
            resit_on = min(today - ONE_DAY, resit_until(learner.period_end_on, policy_for(learner.cohort)),
                           learner.period_end_on + dt.timedelta(days=100))
            rows.result(learner, course, 71, resit_on, recorder)
        elif failing:
            rows.result(learner, course, 41 + step, sat_on, recorder)
        elif (profile.startswith("continue") and step >= 3) or (profile == "withdrawn" and step >= 2):
            continue    # not assessed yet
        else:
            if step == 2 and index % 2 == 0:
                rows.result(learner, course, 52, sat_on - dt.timedelta(days=14), recorder)   # a retake
            rows.result(learner, course, score, sat_on, recorder)
    if profile != "continue_pending":
        rows.evaluations.append({"learner_id": learner.id, "passed": True, "evaluator_id": head,
                                 "evaluated_on": _day(learner, len(courses), today), "comment": "遵纪守法，积极参加学习",
                                 "created_at": rows.now})
    if profile == "continue_pending" and learner.specialty_id in kinds:
        kind = kinds[learner.specialty_id]
        mapped = [c for c in courses if c.id in kind.course_ids][:1]
        _application(learner, kind.evidence_type, "certificate", mapped, "exempt_exam", None, None, certificate=kind)
    if profile == "withdrawn":
        db.session.flush()
        # The teaching demo has logged their hours up to now: they leave after their last study day, so no
        # hours are dated after the withdrawal.
        left_on = min(today, max(_day(learner, 3, today), last_study_day(learner.id) or learner.enrolled_on))
        record_status_event(actor=registrar, learner=learner, kind="withdraw", occurred_on=left_on,
                            reason="外出务工，本人申请退学", approved_by="教务处", today=today)
    return profile in ("graduate", "early_graduate", "graduate_by_resit", "complete_failed")


@dataclass
class _Rows:
    """Results, assignments and evaluations of every learner, written in one statement each at the end."""

    now: dt.datetime = field(default_factory=now_utc)
    completions: list[dict] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)
    evaluations: list[dict] = field(default_factory=list)

    def result(self, learner, course, score, sat_on, recorder) -> None:
        self.results.append({"learner_id": learner.id, "course_id": course.id, "score": Decimal(score),
                             "sat_on": sat_on, "recorded_by_id": recorder, "created_at": self.now})

    def write(self) -> None:
        # A 转入 (lms.learners.demo) already recorded its carried course's assignments: one row per title.
        carried = set(db.session.execute(select(AssignmentCompletion.learner_id, AssignmentCompletion.course_id,
                                                AssignmentCompletion.title)).all())
        self.completions = [row for row in self.completions
                            if (row["learner_id"], row["course_id"], row["title"]) not in carried]
        bulk_insert(AssignmentCompletion.__table__, self.completions)
        bulk_insert(AssessmentResult.__table__, self.results)
        bulk_insert(MoralEvaluation.__table__, self.evaluations)


def last_study_day(learner_id: int) -> dt.date | None:
    """The latest day the learner has hours on (attendance, platform or self-study), or None."""
    days = [db.session.scalar(select(func.max(ClassSession.held_on)).join(
                Attendance, Attendance.session_id == ClassSession.id).where(Attendance.learner_id == learner_id)),
            db.session.scalar(select(func.max(PlatformRecord.studied_on)).where(PlatformRecord.learner_id == learner_id)),
            db.session.scalar(select(func.max(SelfStudyEntry.studied_on)).where(SelfStudyEntry.learner_id == learner_id))]
    return max((day for day in days if day is not None), default=None)


def _application(learner, evidence_type, basis, courses, kind, registrar, decided_on, *, certificate=None,
                 work=None) -> None:
    """An application — approved on `decided_on` by the registrar, or pending when no day is given."""
    approved = decided_on is not None and registrar is not None
    db.session.add(RecognitionApplication(
        learner_id=learner.id, evidence_type=evidence_type, basis=basis,
        certificate_kind_id=certificate.id if certificate else None,
        certificate_name=certificate.name if certificate else "",
        certificate_number=f"S{learner.id:06d}" if certificate else "", issuer="黔西南州人力资源和社会保障局"
        if certificate else "", work_post=work[0] if work else "", work_years=work[1] if work else None,
        evidence_note="演示数据", status="approved" if approved else "pending",
        decided_by_id=registrar.id if approved else None, decided_on=decided_on if approved else None,
        decided_at=dt.datetime.combine(decided_on, dt.time(2), tzinfo=dt.UTC) if approved else None,
        items=[RecognitionItem(course_id=course.id, kind=kind, credits=course.credits) for course in courses]))


def _top_up_hours(learners: list[Learner], today: dt.date) -> None:
    """Platform records until S+P+L reaches 360 学时, dated inside each learner's study period.

    Counted as of a month ago, not today: the certificates demo dates its diploma batch weeks back,
    and hours the teaching demo logged since then must not be what carries a learner over 360. About 60
    学时 a month, on the month's day (`_day`) and the days before it, each day no fuller than the daily
    caps of the learner's policy allow (lms.rules.daily_room), as an import would accept them."""
    db.session.flush()
    ids = [learner.id for learner in learners]
    totals = hour_totals(ids, today - dt.timedelta(days=30))
    policies = policies_for({learner.cohort for learner in learners})
    held = daily_minutes(ids, None)
    histories = study_histories(learners)
    for learner in learners:
        policy = policies[learner.cohort]
        missing = policy.hours_required_minutes - totals[learner.id].total(policy.hours_categories)
        step = number = 0
        while missing > 0 and step < 120:       # 120 months: more than any study period
            month = min(missing, 3600)
            day = _day(learner, step, today)
            while month > 0 and day >= learner.enrolled_on:
                room = daily_room(policy, PLATFORM_CATEGORY, held.get((learner.id, day), {}))
                # The platform reports clock minutes: as many as fit, converted at the policy's 学时 length.
                clock = clock_minutes_within(min(month, room), policy.hour_length_minutes)
                if clock and histories[learner.id].studying_on(day):
                    minutes = parts_from_clock_minutes(clock, policy.hour_length_minutes)
                    db.session.add(PlatformRecord(learner_id=learner.id, platform=PLATFORM, course_name="线上课程",
                                                  minutes=minutes, clock_minutes=clock, studied_on=day,
                                                  record_ref=f"DEMO-{learner.id}-{number}"))
                    day_minutes = held.setdefault((learner.id, day), {})
                    day_minutes[PLATFORM_CATEGORY] = day_minutes.get(PLATFORM_CATEGORY, 0) + minutes
                    month, missing, number = month - minutes, missing - minutes, number + 1
                day -= ONE_DAY
            step += 1
    db.session.flush()
    summaries.hours_changed(ids)        # as every writer of hours does
