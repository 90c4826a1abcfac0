"""The arithmetic of 12-digit division codes: a code's level and its parent's code (plain values)."""
from __future__ import annotations

import pytest

from lms.geo.services import division_level, parent_code


@pytest.mark.parametrize(("code", "level", "parent"), [
    ("522301000000", "county", None),
    ("522301100000", "township", "522301000000"),
    ("522301001000", "township", "522301000000"),
    ("522301101001", "village", "522301101000"),
    ("522301101200", "village", "522301101000"),
    ("522301100010", "village", "522301100000"),
])
def test_the_level_and_parent_of_a_code(code, level, parent):
    assert division_level(code) == level
    assert parent_code(code) == parent
