"""The pro-rata expectation behind 'behind schedule' on the class page (plain values)."""
from datetime import date

from lms.teaching.progress import expected_minutes


def test_nothing_is_expected_before_the_period_starts():
    assert expected_minutes(21600, date(2025, 3, 1), date(2028, 2, 29), date(2025, 2, 1)) == 0


def test_the_whole_requirement_is_expected_on_the_last_day_and_after():
    assert expected_minutes(21600, date(2025, 3, 1), date(2028, 2, 29), date(2028, 2, 29)) == 21600
    assert expected_minutes(21600, date(2025, 3, 1), date(2028, 2, 29), date(2030, 1, 1)) == 21600


def test_halfway_through_half_is_expected():
    start, end = date(2025, 1, 1), date(2025, 12, 31)          # 365 days
    assert expected_minutes(36500, start, end, date(2025, 7, 2)) == 18300   # 183 days elapsed
