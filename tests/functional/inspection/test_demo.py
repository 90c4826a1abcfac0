"""The demo county shows the 督查 page at work: sessions with and without evidence, a replaced scan, one visit."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.auth.scope import EVERYTHING
from lms.extensions import db
from lms.inspection import demo
from lms.inspection.models import InspectionVisit
from lms.inspection.queries import Criteria, sessions_without_evidence
from lms.reports.areas import county_area
from lms.teaching import demo as teaching_demo
from lms.teaching.models import SessionEvidence
from tests.factories import make_user
from tests.functional.teaching.conftest import build_class

TODAY = date(2025, 11, 20)


def test_the_demo_backs_most_recent_sessions_and_records_one_visit(app):
    make_user("teacher", username="teacher")
    make_user("registrar", username="registrar")
    make_user("bureau", username="bureau")
    for _ in range(3):
        build_class(8, enrolled_on=date(2024, 9, 1))
    teaching_demo.load(today=TODAY)
    counts = demo.load(today=TODAY)
    files = list(db.session.scalars(select(SessionEvidence)))
    assert counts["evidence"] == len(files) > 0 and {f.kind for f in files} == {"photo", "sign_in"}
    assert sum(f.superseded_at is not None for f in files) == 1
    visit = db.session.scalar(select(InspectionVisit))
    assert visit.outcome == "problem" and TODAY - timedelta(days=90) <= visit.visited_on < TODAY
    criteria = Criteria(start=TODAY - timedelta(days=89), end=TODAY, area=county_area("县"))
    assert sessions_without_evidence(EVERYTHING, criteria, TODAY), "some sessions are left for the 督查 page to list"
