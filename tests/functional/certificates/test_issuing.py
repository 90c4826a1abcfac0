"""Issuing follows the engine's decisions: who gets which document, numbers, snapshots, revocation, 补发."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.assessment.models import AssessmentResult
from lms.audit.models import AuditEvent
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.certificates.services import batches
from lms.core.errors import DomainError
from lms.extensions import db
from lms.teaching.models import Course
from tests.factories.assessment import give_hours, make_result
from tests.factories.certificates import (
    issued_diplomas,
    issued_study_records,
    make_completer,
    make_graduate,
    withdraw,
)
from tests.support.refusals import refused

ISSUE_DAY = date(2025, 7, 1)


def failed_results(learner) -> list[AssessmentResult]:
    return list(db.session.scalars(select(AssessmentResult).where(AssessmentResult.learner_id == learner.id,
                                                                  AssessmentResult.score < 60)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_withdrawn_learner_gets_a_study_record(registrar, learners):
    learner = withdraw(learners()[0], date(2024, 5, 10))
    batch = issued_study_records(registrar, [learner], issued_on=ISSUE_DAY)
    certificate = batch.members[0].certificate
    assert certificate.kind == "study_record" and certificate.number == "520000250001"
    assert certificate.snapshot["study_to"] == "2024-05-10"
    assert certificate.snapshot["courses"] == [] or all("status_label" in c for c in certificate.snapshot["courses"])


def test_a_studying_learner_is_refused_every_document_and_nothing_is_written(registrar, learners):
    learner = learners(name="王在读", enrolled_on=date(2024, 3, 1))[0]   # study period runs to 2027
    before = count(Certificate)
    for kind in ("completion", "study_record"):
        error = refused(lambda kind=kind: batches.issue_directly(actor=registrar, kind=kind, learner_ids=[learner.id],
                                                       issued_on=ISSUE_DAY))
        assert "王在读" in error.message and "不符合" in error.message
    assert count(Certificate) == before


def test_diplomas_follow_the_batch_workflow_and_are_numbered_in_student_number_order(registrar, learners):
    graduates = learners(3)
    batch, certificates = issued_diplomas(registrar, graduates, issued_on=ISSUE_DAY)
    assert batch.status == "issued" and batch.verification_ref == "州教验〔2026〕1号"
    assert [c.number for c in certificates] == ["520000250001", "520000250002", "520000250003"]
    assert [c.learner.student_number for c in certificates] == sorted(g.student_number for g in graduates)
    assert {g.status for g in graduates} == {"graduated"}
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"batch.create", "batch.submitted", "batch.verified", "batch.issued", "certificate.issue"} <= actions


def test_a_batch_cannot_be_issued_before_the_prefecture_verified_it(registrar, learners):
    learner = make_graduate(learners()[0])
    batch = batches.create_diploma_batch(actor=registrar, name="未验印批次", as_of=ISSUE_DAY,
                                         learner_ids=[learner.id])
    batches.submit_batch(actor=registrar, batch=batch, submitted_on=ISSUE_DAY, print_without_photo=True)
    with pytest.raises(DomainError, match="验印后才能编号发证"):
        batches.issue_batch(actor=registrar, batch=batch, issued_on=ISSUE_DAY)


def test_an_early_graduate_needs_an_application_for_a_diploma(registrar, learners):
    learner = make_graduate(learners(enrolled_on=date(2024, 3, 1))[0])     # period runs to 2027
    error = refused(lambda: batches.create_diploma_batch(actor=registrar, name="提前毕业", as_of=ISSUE_DAY,
                                                         learner_ids=[learner.id]))
    assert "没有提前毕业申请" in error.message
    batch = batches.create_diploma_batch(actor=registrar, name="提前毕业", as_of=ISSUE_DAY,
                                         learner_ids=[learner.id], early_applied={learner.id})
    assert batch.members[0].early_graduation_applied and batch.members[0].outcome == "early_graduate"


def test_a_member_who_no_longer_qualifies_on_the_issue_day_stops_the_issue(registrar, learners):
    learner = make_graduate(learners(name="李后来退学")[0])
    batch = batches.create_diploma_batch(actor=registrar, name="复核", as_of=ISSUE_DAY, learner_ids=[learner.id])
    batches.submit_batch(actor=registrar, batch=batch, submitted_on=ISSUE_DAY, print_without_photo=True)
    batches.record_verification(actor=registrar, batch=batch, verified_on=ISSUE_DAY, reference="X1")
    withdraw(learner, ISSUE_DAY - timedelta(days=10))      # left between the batch and the issue
    with pytest.raises(DomainError, match="李后来退学"):
        batches.issue_batch(actor=registrar, batch=batch, issued_on=ISSUE_DAY)


def test_completion_states_the_hours_and_a_later_diploma_exchanges_it(registrar, learners):
    learner = make_completer(learners()[0])
    batch = batches.issue_directly(actor=registrar, kind="completion", learner_ids=[learner.id], issued_on=ISSUE_DAY)
    completion = batch.members[0].certificate
    assert completion.snapshot["hours"] == {"F": 0, "L": 0, "P": 40 * 60, "S": 30 * 60}
    assert learner.status == "completed"
    failed = db.session.get(Course, max(r.course_id for r in failed_results(learner)))
    make_result(learner, failed, 72, date(2025, 9, 1))                       # passed at a re-sit, in the window
    give_hours(learner, platform_minutes=290 * 60, on=learner.period_end_on - timedelta(days=10))
    exchange_day = date(2026, 3, 1)
    batch = batches.create_diploma_batch(actor=registrar, name="换发", as_of=exchange_day, learner_ids=[learner.id])
    batches.submit_batch(actor=registrar, batch=batch, submitted_on=exchange_day,
                          print_without_photo=True)
    batches.record_verification(actor=registrar, batch=batch, verified_on=exchange_day, reference="州教验〔2026〕2号")
    (diploma,) = batches.issue_batch(actor=registrar, batch=batch, issued_on=exchange_day)
    assert completion.status == "revoked" and diploma.number in completion.revoke_reason
    assert learner.status == "graduated"


def test_nobody_gets_the_same_document_twice(registrar, learners):
    learner = withdraw(learners(name="张重复")[0], date(2024, 5, 10))
    issued_study_records(registrar, [learner], issued_on=ISSUE_DAY)
    with pytest.raises(DomainError, match="张重复 已持有有效的写实性学习证明"):
        issued_study_records(registrar, [learner], issued_on=ISSUE_DAY)


def test_revoked_numbers_stay_taken_and_a_reissue_names_the_one_it_replaces(registrar, learners):
    first, second = [withdraw(learner, date(2024, 5, 10)) for learner in learners(2)]
    old = issued_study_records(registrar, [first], issued_on=ISSUE_DAY).members[0].certificate
    services.revoke_certificate(actor=registrar, certificate=old, reason="信息有误", revoked_on=ISSUE_DAY)
    new = services.reissue_certificate(actor=registrar, certificate=old, reason="信息更正", issued_on=ISSUE_DAY)
    assert (old.number, new.number) == ("520000250001", "520000250002")
    assert new.replaces_id == old.id and new.snapshot["replaces_number"] == old.number
    later = issued_study_records(registrar, [second], issued_on=ISSUE_DAY).members[0].certificate
    assert later.number == "520000250003"
    with pytest.raises(DomainError, match="已经补发过"):
        services.reissue_certificate(actor=registrar, certificate=old, reason="再补", issued_on=ISSUE_DAY)


def test_reissuing_a_valid_certificate_revokes_it(registrar, learners):
    learner = withdraw(learners()[0], date(2024, 5, 10))
    old = issued_study_records(registrar, [learner], issued_on=ISSUE_DAY).members[0].certificate
    new = services.reissue_certificate(actor=registrar, certificate=old, reason="遗失", issued_on=date(2025, 8, 1))
    assert old.status == "revoked" and old.revoked_on == date(2025, 8, 1) and new.number in old.revoke_reason
    assert {e.action for e in db.session.scalars(select(AuditEvent))} >= {"certificate.revoke", "certificate.reissue"}


def test_a_later_change_to_the_learner_never_alters_an_issued_document(registrar, learners):
    learner = withdraw(learners(name="旧名字")[0], date(2024, 5, 10))
    certificate = issued_study_records(registrar, [learner], issued_on=ISSUE_DAY).members[0].certificate
    learner.name = "新名字"
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).snapshot["name"] == "旧名字"
    new = services.reissue_certificate(actor=registrar, certificate=certificate, reason="姓名更正", issued_on=ISSUE_DAY)
    assert new.snapshot["name"] == "新名字"


def test_a_revocation_needs_a_reason_and_happens_once(registrar, learners):
    learner = withdraw(learners()[0], date(2024, 5, 10))
    certificate = issued_study_records(registrar, [learner], issued_on=ISSUE_DAY).members[0].certificate
    with pytest.raises(DomainError, match="请填写撤销原因"):
        services.revoke_certificate(actor=registrar, certificate=certificate, reason=" ", revoked_on=ISSUE_DAY)
    services.revoke_certificate(actor=registrar, certificate=certificate, reason="冒名顶替", revoked_on=ISSUE_DAY)
    with pytest.raises(DomainError, match="已于"):
        services.revoke_certificate(actor=registrar, certificate=certificate, reason="again", revoked_on=ISSUE_DAY)


def test_the_school_number_pattern_is_used(registrar, learners):
    from lms.settings.services import save_settings

    save_settings(actor=registrar, values={"certificate.number_pattern": "{school}-{type}{yyyy}{seq:5}"})
    learner = withdraw(learners()[0], date(2024, 5, 10))
    certificate = issued_study_records(registrar, [learner], issued_on=ISSUE_DAY).members[0].certificate
    assert certificate.number == "520000-3202500001"
