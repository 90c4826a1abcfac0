"""Certificate numbers under concurrent issuing: no duplicate, no gap (PostgreSQL, several connections)."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from lms.certificates.models import Certificate
from lms.certificates.services.batches import issue_directly
from lms.extensions import db
from tests.factories import make_county, make_learner, make_township, make_village
from tests.factories.certificates import withdraw

THREADS, ROUNDS, PER_ROUND = 4, 3, 2


@pytest.mark.commits
@pytest.mark.postgres_only
def test_concurrent_issuers_get_consecutive_numbers_without_duplicates_or_gaps(app, database_url):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("row locks across connections are tested on PostgreSQL")
    with app.app_context():
        village = make_village(make_township(make_county()))
        people = [withdraw(make_learner(village, enrolled_on=date(2022, 3, 1)), date(2024, 5, 10)).id
                  for _ in range(THREADS * ROUNDS * PER_ROUND)]
        db.session.commit()
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def issuer(index: int) -> None:
        mine = people[index * ROUNDS * PER_ROUND:(index + 1) * ROUNDS * PER_ROUND]
        try:
            start.wait()
            for round_ in range(ROUNDS):
                with app.app_context():    # its own session and connection, one transaction per round
                    issue_directly(actor=None, kind="study_record", issued_on=date(2025, 7, 1),
                                   learner_ids=mine[round_ * PER_ROUND:(round_ + 1) * PER_ROUND],
                                   name=f"并发 {index}-{round_}")
                    db.session.commit()
        except BaseException as error:  # reported below, with the thread's own exception
            errors.append(error)

    threads = [threading.Thread(target=issuer, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        numbers = sorted(db.session.scalars(select(Certificate.number)))
    total = THREADS * ROUNDS * PER_ROUND
    assert numbers == [f"52000025{i:04d}" for i in range(1, total + 1)]
