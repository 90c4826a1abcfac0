"""What the printed documents say about hours: the engine's one rounding, as on every page."""
from __future__ import annotations

from lms.certificates.rendering import hours_text


def test_a_completion_certificate_never_shows_the_360_hours_met_when_they_are_not():
    assert hours_text(21599) == "359.9"          # round(359.98, 1) would print 360
    assert hours_text(21600) == "360"


def test_hours_on_documents_read_as_on_the_pages():
    assert [hours_text(m) for m in (0, 480, 510, 16332)] == ["0", "8", "8.5", "272.2"]
    assert hours_text(None) == "—"
