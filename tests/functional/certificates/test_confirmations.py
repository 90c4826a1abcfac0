"""Irreversible steps ask first: 编号并发证 shows how many certificates and which numbers, revocation shows
the number and name; nothing is written until the registrar confirms (no JavaScript needed)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.certificates.models import Certificate
from lms.certificates.services import batches
from lms.extensions import db
from tests.factories.certificates import issued_diplomas, issued_study_records, make_graduate, withdraw

DAY = date(2025, 7, 1)


def verified_batch(registrar, people, name="2025年毕业批次"):
    for person in people:
        make_graduate(person)
    batch = batches.create_diploma_batch(actor=registrar, name=name, as_of=DAY, learner_ids=[p.id for p in people])
    batches.submit_batch(actor=registrar, batch=batch, submitted_on=DAY, print_without_photo=True)
    batches.record_verification(actor=registrar, batch=batch, verified_on=DAY, reference="州教验〔2025〕8号")
    return batch


def certificates() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


def test_issuing_a_batch_first_shows_how_many_and_which_numbers(client, login_as, registrar, learners):
    people = sorted(learners(3), key=lambda l: l.student_number)
    batch = verified_batch(registrar, people)
    login_as(registrar)
    response = client.post_form(f"/certificates/batches/{batch.id}/issue", {"issued_on": "2025-07-25"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and batch.status == "verified" and certificates() == 0
    assert "将发放 3 份毕业证书，编号 520000250001 至 520000250003" in page
    assert people[0].name in page and "520000250001" in page          # who gets which number
    assert 'name="confirmed" value="1"' in page and 'value="2025-07-25"' in page
    client.post_form(f"/certificates/batches/{batch.id}/issue",
                     {"issued_on": "2025-07-25", "confirmed": "1", "expected_first": "520000250001"})
    assert batch.status == "issued" and certificates() == 3
    assert [m.certificate.number for m in sorted(batch.members, key=lambda m: m.learner.student_number)] == [
        "520000250001", "520000250002", "520000250003"]


def test_the_numbers_shown_follow_the_sequence_and_the_issue_year(client, login_as, registrar, learners):
    withdrawn = withdraw(learners(1)[0], date(2024, 5, 10))
    issued_study_records(registrar, [withdrawn], issued_on=DAY)          # takes 520000250001
    batch = verified_batch(registrar, learners(2))
    login_as(registrar)
    page = client.post_form(f"/certificates/batches/{batch.id}/issue", {"issued_on": "2025-07-25"}).get_data(
        as_text=True)
    assert "将发放 2 份毕业证书，编号 520000250002 至 520000250003" in page
    page = client.post_form(f"/certificates/batches/{batch.id}/issue", {"issued_on": "2026-01-05"}).get_data(
        as_text=True)
    assert "将发放 2 份毕业证书，编号 520000260001 至 520000260002" in page


def test_numbers_taken_meanwhile_are_shown_again_before_issuing(client, login_as, registrar, learners):
    batch = verified_batch(registrar, learners(1))
    login_as(registrar)
    client.post_form(f"/certificates/batches/{batch.id}/issue", {"issued_on": "2025-07-25"})
    issued_study_records(registrar, [withdraw(learners(1)[0], date(2024, 5, 10))], issued_on=DAY)   # someone else
    page = client.post_form(f"/certificates/batches/{batch.id}/issue", {
        "issued_on": "2025-07-25", "confirmed": "1", "expected_first": "520000250001"}).get_data(as_text=True)
    assert "编号已变化" in page and "编号 520000250002" in page and batch.status == "verified"


def test_a_confirmation_is_not_offered_for_what_cannot_be_done(client, login_as, registrar, learners):
    batch = verified_batch(registrar, learners(1))
    login_as(registrar)
    page = client.post_form(f"/certificates/batches/{batch.id}/issue", {"issued_on": "2025-06-01"},
                            follow_redirects=True).get_data(as_text=True)
    assert "发证日期不能早于验印日期" in page and "将发放" not in page


def test_revoking_first_shows_the_number_and_the_name(client, login_as, registrar, learners):
    (learner,) = learners(1, name="王德才")
    _batch, (certificate,) = issued_diplomas(registrar, [learner], issued_on=DAY)
    login_as(registrar)
    response = client.post_form(f"/certificates/{certificate.id}/revoke",
                                {"reason": "信息有误", "revoked_on": "2025-08-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and certificate.status == "valid"
    assert f"将撤销毕业证书 {certificate.number}（王德才）" in page and "信息有误" in page
    assert "不能恢复" in page
    client.post_form(f"/certificates/{certificate.id}/revoke",
                     {"reason": "信息有误", "revoked_on": "2025-08-01", "confirmed": "1"})
    assert certificate.status == "revoked" and certificate.revoke_reason == "信息有误"


def test_a_revocation_that_cannot_be_done_is_refused_before_asking(client, login_as, registrar, learners):
    _batch, (certificate,) = issued_diplomas(registrar, learners(1), issued_on=DAY)
    login_as(registrar)
    page = client.post_form(f"/certificates/{certificate.id}/revoke", {"reason": "有误", "revoked_on": "2025-06-01"},
                            follow_redirects=True).get_data(as_text=True)
    assert "撤销日期不能早于发证日期" in page and "将撤销" not in page
