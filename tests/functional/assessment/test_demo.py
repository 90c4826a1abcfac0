"""The assessment demo works on whatever learners, classes and courses exist, and shows every decision."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.assessment import demo
from lms.assessment.audit import audit_decisions
from lms.auth.scope import EVERYTHING
from lms.extensions import db
from lms.recognition.models import CertificateKind, RecognitionApplication
from lms.rules import OUTCOMES
from tests.factories import (
    make_class,
    make_county,
    make_course,
    make_learner,
    make_teaching_point,
    make_township,
    make_user,
    make_village,
    specialty_named,
)
from tests.support.demo_days import days_over_caps

TODAY = date(2026, 11, 23)


def build_county():
    """What the registry and teaching demos would leave: plans, classes of cohorts 2023–2025, learners."""
    make_user("registrar")
    teacher = make_user("teacher")
    village = make_village(make_township(make_county()))
    point = make_teaching_point(village)
    for name in ("餐饮", "家政"):
        specialty = specialty_named(name)
        make_course(specialty, name=f"{name}读写算", kind="cultural", credits="4")
        make_course(specialty, name=f"{name}普通话", kind="cultural", credits="2")
        make_course(specialty, name=f"{name}专业技能", kind="skill", credits="6", required_assignments=2)
        make_course(specialty, name=f"{name}实操", kind="skill", credits="4", required_assignments=1)
        make_course(specialty, name=f"{name}顶岗实习", kind="internship", credits="4")
        for cohort in (2023, 2024, 2025):
            group = make_class(point, specialty=specialty, cohort=cohort, head_teacher=teacher)
            for n in range(5):
                make_learner(village, teaching_class=group, enrolled_on=date(cohort, 3, 1),
                             prior_education="高中及以上" if n % 2 else "未上过学")


def test_the_demo_county_shows_every_decision():
    build_county()
    counts = demo.load(today=TODAY)
    assert counts
    report = audit_decisions(EVERYTHING, TODAY)
    # 离籍 (转出/注销/死亡) comes from the registry's demo (lms.learners.demo), not this one
    assert all(report.counts[outcome] > 0 for outcome in OUTCOMES if outcome != "left"), report.counts
    assert db.session.scalar(select(func.count()).select_from(CertificateKind)) >= 3
    statuses = set(db.session.scalars(select(RecognitionApplication.status)))
    assert statuses == {"approved", "pending"}
    waivers = db.session.scalars(select(RecognitionApplication)
                                 .where(RecognitionApplication.basis == "work_experience"))
    assert any(a.status == "approved" for a in waivers)
    resat = [row for row in report.rows if row.decision.outcome == "graduate"
             and any(s.status == "passed_on_retake" and s.best.sat_on > row.decision.period_end_on
                     for s in row.decision.courses)]
    assert resat, "a 结业 learner re-sat after the period, inside the window, and graduates"
    assert days_over_caps() == [], "the platform hours topping learners up to 360 keep within the daily caps"


def test_the_demo_does_nothing_harmful_without_learners():
    assert demo.load(today=TODAY) == {}
