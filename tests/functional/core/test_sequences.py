"""Named counters hand out 1, 2, 3 … without gaps, also after a rolled-back transaction."""
from __future__ import annotations

from lms.core.sequences import current_value, next_value
from lms.extensions import db


def test_a_new_counter_starts_at_one_and_counts_up():
    assert [next_value("test:a") for _ in range(3)] == [1, 2, 3]
    assert next_value("test:b") == 1 and current_value("test:a") == 3


def test_a_rolled_back_increment_is_given_out_again():
    next_value("test:c")
    savepoint = db.session.begin_nested()
    assert next_value("test:c") == 2
    savepoint.rollback()
    assert next_value("test:c") == 2
