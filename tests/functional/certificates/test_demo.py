"""The demo issues every kind the engine allows on the county's data, revokes one and re-issues one."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.certificates import demo
from lms.certificates.models import Certificate
from lms.certificates.services import assets
from lms.extensions import db
from tests.factories import make_user
from tests.factories.certificates import make_completer, make_graduate, withdraw


def test_the_demo_issues_all_three_kinds_revokes_one_and_reissues_one(learners):
    make_user("registrar", username="registrar")
    graduates = [make_graduate(learner) for learner in learners(3)]
    completers = [make_completer(learner) for learner in learners(2)]
    withdrawn = [withdraw(learner, date(2024, 5, 10)) for learner in learners(2)]
    learners(2, enrolled_on=date(2025, 3, 1))                 # still studying: nothing for them
    result = demo.load(today=date(2025, 7, 1))
    assert result.issued == {"diploma": 3, "completion": 2, "study_record": 2}
    certificates = db.session.scalars(select(Certificate)).all()
    revoked = [c for c in certificates if c.status == "revoked"]
    assert {c.number for c in revoked} == {result.revoked, result.reissued}
    replacement = next(c for c in certificates if c.replaces_id is not None)
    assert replacement.replaces.number == result.reissued and replacement.status == "valid"
    holders = {c.learner_id for c in certificates}
    assert holders == {l.id for l in graduates + completers + withdrawn}
    assert assets.current_seal() is not None


def test_with_only_a_withdrawal_the_demo_gives_one_study_record(learners):
    make_user("registrar", username="registrar")
    withdrawn = withdraw(learners()[0], date(2024, 5, 10))
    learners(1, enrolled_on=date(2025, 3, 1))
    result = demo.load(today=date(2025, 7, 1))
    assert result.issued == {"study_record": 1} and result.reissued
    assert db.session.scalar(select(Certificate.learner_id).where(Certificate.status == "valid")) == withdrawn.id
