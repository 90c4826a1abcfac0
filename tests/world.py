"""A small county with two townships, used by the permission matrix and scope tests.

Every scoped user (township, enroller, teacher) belongs to township A. `world.in_scope` maps URL
parameter names to ids of objects those users may reach; `world.out_of_scope` to ids of the same
kinds of objects in township B, which they must get 404 for. Each domain adds its objects here.

Two learners of class A cross the lines scope draws (tests/functional/test_list_scope.py): 丙跨镇 lives
in 乙镇 (the township and the enroller of 甲镇 must not see them; the teacher of class A does), 丁邻村
lives in 甲二村 (the enroller of 甲一村 must not see them; the township and the teacher do). Each has
hours, results, a moral evaluation, a recognition application and a diploma, so every page and export
that could name them has a row to leak.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lms.extensions import db
from tests.factories import (
    make_class,
    make_county,
    make_learner,
    make_roster_entry,
    make_self_study,
    make_session,
    make_teaching_point,
    make_township,
    make_user,
    make_village,
    plan_course,
)


class Samples(dict):
    """URL parameter name → sample id. A name means one kind of object across all blueprints, so
    binding it again to a different id is a mistake (two domains calling different objects `entry_id`
    once made the roster pages be tested with a self-study entry's id)."""

    def update(self, **samples):
        for name, value in samples.items():
            if name in self and self[name] != value:
                raise ValueError(f"URL parameter {name!r} already means another object ({self[name]} ≠ {value})")
            self[name] = value


@dataclass
class World:
    users: dict = field(default_factory=dict)
    in_scope: Samples = field(default_factory=Samples)
    out_of_scope: Samples = field(default_factory=Samples)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    """Build the two-township world (flushes; rolled back with the test)."""
    w = World()
    county = make_county("世界县")
    township_a, township_b = make_township(county, "甲镇"), make_township(county, "乙镇")
    village_a, village_a2 = make_village(township_a, "甲一村"), make_village(township_a, "甲二村")
    village_b = make_village(township_b, "乙一村")
    point_a, point_b = make_teaching_point(village_a), make_teaching_point(village_b)
    class_a, class_b = make_class(point_a, code="W-A-01"), make_class(point_b, code="W-B-01")
    learner_a = make_learner(village_a, teaching_class=class_a, name="甲学员", enrolled_on=date(2025, 3, 1))
    learner_b = make_learner(village_b, teaching_class=class_b, name="乙学员", enrolled_on=date(2025, 3, 1))
    entry_a, entry_b = make_roster_entry(village_a, name="甲名册"), make_roster_entry(village_b, name="乙名册")
    w.objects.update(entry_a=entry_a, entry_b=entry_b)
    w.objects.update(county=county, township_a=township_a, township_b=township_b, village_a=village_a,
                     village_a2=village_a2, village_b=village_b, point_a=point_a, point_b=point_b,
                     class_a=class_a, class_b=class_b, learner_a=learner_a, learner_b=learner_b)
    w.users = {
        "admin": make_user("admin"),
        "bureau": make_user("bureau"),
        "township": make_user("township", divisions=[township_a]),
        "enroller": make_user("enroller", divisions=[village_a]),
        "teacher": make_user("teacher", classes=[class_a]),
        "registrar": make_user("registrar"),
    }
    w.in_scope.update(point_id=point_a.id, user_id=w.users["township"].id, kind="divisions",
                      learner_id=learner_a.id, class_id=class_a.id, entry_id=entry_a.id)
    w.out_of_scope.update(point_id=point_b.id, learner_id=learner_b.id, class_id=class_b.id, entry_id=entry_b.id)
    _add_teaching(w)
    _add_assessment(w)
    _add_certificates(w)
    _add_crossing_learners(w)
    _add_session_evidence(w)
    _add_learner_cards(w)
    _add_api_key(w)
    _add_status_events(w)
    w.in_scope.update(township_id=township_a.id, village_id=village_a.id)
    w.out_of_scope.update(township_id=township_b.id, village_id=village_b.id)
    db.session.flush()
    return w


def _add_teaching(w: World) -> None:
    """Sessions and self-study entries in both townships; a course and a cohort (county-wide objects)."""
    from pathlib import Path

    from flask import current_app

    evidence = Path(current_app.config["DATA_DIR"]) / "evidence"
    evidence.mkdir(parents=True, exist_ok=True)
    (evidence / "world.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    sessions, entries = {}, {}
    for side, teaching_class, learner in (("a", w.class_a, w.learner_a), ("b", w.class_b, w.learner_b)):
        sessions[side] = make_session(teaching_class, held_on=date(2025, 3, 8))
        entries[side] = make_self_study(learner, minutes=120, studied_on=date(2025, 3, 9), status="pending",
                                        evidence_path="evidence/world.png")
    course = plan_course(w.class_a.specialty)
    w.objects.update(session_a=sessions["a"], session_b=sessions["b"],
                     self_study_a=entries["a"], self_study_b=entries["b"],
                     course=course)
    w.in_scope.update(session_id=sessions["a"].id, self_study_id=entries["a"].id, course_id=course.id,
                      specialty_id=course.specialty_id, cohort=2025)
    w.out_of_scope.update(session_id=sessions["b"].id, self_study_id=entries["b"].id)


def _add_assessment(w: World) -> None:
    """Assessment and recognition: the teacher heads class A; a cultural course; a result and an
    application for each township's learner; a row of the certificate table."""
    from decimal import Decimal

    from lms.assessment.models import AssessmentResult
    from lms.recognition.evidence import store_scan
    from lms.recognition.models import CertificateKind, RecognitionApplication, RecognitionItem
    from tests.factories import make_course, tiny_png

    w.class_a.head_teacher_id = w.users["teacher"].id
    course = make_course(w.class_a.specialty, name="世界读写算", kind="cultural")
    results, applications = {}, {}
    for side, learner in (("a", w.learner_a), ("b", w.learner_b)):
        results[side] = AssessmentResult(learner_id=learner.id, course_id=course.id, score=Decimal("70"),
                                         sat_on=date(2025, 6, 1))
        applications[side] = RecognitionApplication(
            learner_id=learner.id, evidence_type="竞赛获奖", basis="competition", certificate_name="县技能大赛三等奖",
            items=[RecognitionItem(course_id=course.id, kind=None, credits=Decimal("1"))])
        db.session.add_all([results[side], applications[side]])
    for application in applications.values():
        application.scan_path = store_scan(tiny_png(), "image/png", today=date(2025, 6, 1))
        application.scan_mime = "image/png"
    kind = CertificateKind(name="世界证书", evidence_type="竞赛获奖", credits=Decimal("1"))
    db.session.add(kind)
    db.session.flush()
    w.objects.update(course=course, result_a=results["a"], application_a=applications["a"])
    w.in_scope["course_id"] = course.id     # deliberately another course of class A's plan: one with results
    w.in_scope.update(result_id=results["a"].id, application_id=applications["a"].id, kind_id=kind.id)
    w.out_of_scope.update(result_id=results["b"].id, application_id=applications["b"].id)


def _add_certificates(w: World) -> None:
    """A diploma for each township's learner, a print job, and the public token of learner A's diploma."""
    from lms.certificates.models import RenderJob
    from tests.factories.certificates import make_certificate

    certificate_a, certificate_b = make_certificate(w.learner_a), make_certificate(w.learner_b)
    job = RenderJob(label="世界批次", batch=certificate_a.batch, certificate_ids=[certificate_a.id],
                    base_url="http://localhost", total=1)
    db.session.add(job)
    db.session.flush()
    w.objects.update(certificate_a=certificate_a, certificate_b=certificate_b, job=job)
    w.in_scope.update(certificate_id=certificate_a.id, batch_id=certificate_a.batch_id, job_id=job.id,
                      token=certificate_a.token, document="completion")
    w.out_of_scope.update(certificate_id=certificate_b.id)


def _add_crossing_learners(w: World) -> None:
    """丙跨镇 (of 乙镇) and 丁邻村 (of 甲二村) in class A, with a row in every table a page may list."""
    from decimal import Decimal

    from lms.assessment.models import AssessmentResult
    from lms.recognition.models import RecognitionApplication, RecognitionItem
    from tests.factories import make_moral, mark_attendance
    from tests.factories.certificates import make_certificate

    crossing = {"learner_b_in_a": make_learner(w.village_b, teaching_class=w.class_a, name="丙跨镇",
                                               enrolled_on=date(2025, 3, 1)),
                "learner_a2": make_learner(w.village_a2, teaching_class=w.class_a, name="丁邻村",
                                           enrolled_on=date(2025, 3, 1))}
    for learner in crossing.values():
        mark_attendance(w.session_a, learner)
        make_self_study(learner, minutes=90, studied_on=date(2025, 3, 10), status="pending")
        db.session.add(AssessmentResult(learner_id=learner.id, course_id=w.course.id, score=Decimal("65"),
                                        sat_on=date(2025, 6, 1)))
        make_moral(learner, True, date(2025, 6, 1))
        db.session.add(RecognitionApplication(
            learner_id=learner.id, evidence_type="竞赛获奖", basis="competition", certificate_name="县技能大赛优秀奖",
            items=[RecognitionItem(course_id=w.course.id, kind=None, credits=Decimal("1"))]))
        make_certificate(learner)
    db.session.flush()
    w.objects.update(crossing)


def _add_session_evidence(w: World) -> None:
    """A class photo of each township's session (the 督查 lists and the evidence pages)."""
    from lms.recognition.evidence import store_scan
    from lms.teaching.models import SessionEvidence
    from tests.factories import tiny_png

    photos = {side: SessionEvidence(session_id=session.id, kind="photo", mime="image/png", size_bytes=len(tiny_png()),
                                    path=store_scan(tiny_png(), "image/png", today=session.held_on))
              for side, session in (("a", w.session_a), ("b", w.session_b))}
    db.session.add_all(photos.values())
    db.session.flush()
    w.in_scope.update(evidence_id=photos["a"].id)
    w.out_of_scope.update(evidence_id=photos["b"].id)


def _add_learner_cards(w: World) -> None:
    """A 学员证 of learner A whose token opens 我的学习 (public: no scope, the token is the key)."""
    from lms.learners.services.cards import issue_card

    card, token = issue_card(actor=None, learner=w.learner_a)
    w.objects.update(card_a=card)
    w.in_scope.update(card_token=token)


def _add_api_key(w: World) -> None:
    """An API key of 甲镇 (the admin's key pages) and learner A's student number (the API's learner URL)."""
    from tests.factories.api import make_api_key

    key, secret = make_api_key(w.township_a)
    w.objects.update(api_key=key, api_secret=secret)
    w.in_scope.update(api_key_id=key.id, student_number=w.learner_a.student_number)


def _add_status_events(w: World) -> None:
    """A 转入 of each township's learner (status kept: studying), for the revoke route's `event_id`."""
    from lms.learners.models import StatusEvent

    events = {side: StatusEvent(learner_id=learner.id, kind="transfer_in", occurred_on=date(2025, 3, 1),
                                reason="随父母迁入", other_school="邻县职业学校", document_number=f"ZR-{side}")
              for side, learner in (("a", w.learner_a), ("b", w.learner_b))}
    db.session.add_all(events.values())
    db.session.flush()
    w.in_scope.update(event_id=events["a"].id)
    w.out_of_scope.update(event_id=events["b"].id)
