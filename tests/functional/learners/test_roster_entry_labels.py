"""A roster entry's page names the sex in words (SEX_LABELS), as the learner page does."""
from __future__ import annotations

import pytest

from tests.factories import make_roster_entry


@pytest.mark.parametrize("sex, word", [("1", "男"), ("2", "女")])
def test_the_roster_entry_page_says_the_sex(area, client, login_as, sex, word):
    entry = make_roster_entry(area.village_a, sex=sex)
    login_as("enroller", divisions=[area.village_a])
    assert f"<dt>性别</dt><dd>{word}</dd>" in client.get(f"/roster/{entry.id}").get_data(as_text=True)
