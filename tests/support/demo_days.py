"""Load the demo county as on a given day into a fresh in-memory database, tell its story, walk its pages.

Run in worker processes by tests/functional/test_demo_any_day.py (one app per process, one fresh database
per day), so it never touches the suite's own database and its clock setting stays in the worker.
"""
from __future__ import annotations

import re
import tempfile
from collections import Counter
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import func, select

_APP = None
LINK = re.compile(r'(?:href|action)="(/[^"#]*)"')
# Links not to follow: leaving, the static files, and the public pages behind QR codes (the rate limit).
SKIP = ("/logout", "/static/", "/v/", "/verify/")
PER_ENDPOINT = 2          # URLs visited per endpoint and user (a list of 200 learners needs two, not 200)


def _app():
    global _APP
    if _APP is None:
        from lms import create_app

        _APP = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://",
                                                "DATA_DIR": tempfile.mkdtemp(prefix="lms-demo-day-"),
                                                "RATELIMIT_ENABLED": False})
        from tests.support.client import CsrfClient

        _APP.test_client_class = CsrfClient
    return _APP


def story_on(day: date, walk: str | None = None) -> dict:
    """Load the demo as on `day` and return what it shows: learner statuses, audit outcomes, classes
    keeping and breaking R4, certificates by status, batches — and, with `walk` ("pages", or "documents"
    to fetch the PDFs too), how many pages every demo user reached and those that failed
    ({"failures": [(user, url, status or error)]}). Never raises for a failing load: {"error": "…"} says why."""
    from lms.core import clock
    from lms.extensions import db

    app = _app()
    with app.app_context(), clock.frozen_at(day):
        db.session.remove()
        db.drop_all()
        db.create_all()
        from tests.support.database import seed_baseline

        seed_baseline()
        db.session.commit()
        try:
            from lms.demo import load_demo

            load_demo(today=day)
            db.session.commit()
        except Exception as error:          # the test reports the day and the reason
            db.session.rollback()
            return {"day": day, "error": f"{type(error).__name__}: {error}"}
        story = _story(day)
        db.session.remove()
    if walk:
        with clock.frozen_at(day):
            story["pages"], story["failures"] = _walk(app, documents=walk == "documents")
    return story


def _story(day: date) -> dict:
    from lms.assessment.audit import audit_decisions
    from lms.auth.scope import EVERYTHING
    from lms.certificates.models import Certificate, GraduationBatch
    from lms.extensions import db
    from lms.learners.models import Learner
    from lms.reports.areas import county_area
    from lms.reports.queries import area_figures
    from lms.settings.services import get_setting

    statuses = Counter(dict(db.session.execute(select(Learner.status, func.count()).group_by(Learner.status)).all()))
    outcomes = audit_decisions(EVERYTHING, day).counts
    overview = area_figures(EVERYTHING, county_area(get_setting("county.name")), day)
    certificates = Counter(dict(db.session.execute(
        select(Certificate.status, func.count()).group_by(Certificate.status)).all()))
    batches = Counter(dict(db.session.execute(
        select(GraduationBatch.kind + ":" + GraduationBatch.status, func.count())
        .group_by(GraduationBatch.kind, GraduationBatch.status)).all()))
    return {"day": day, "statuses": dict(statuses), "hours_on_days_off": _hours_on_days_off(),
            "days_over_caps": days_over_caps(), "outcomes": dict(outcomes),
            "breaking_r4": len(overview.breaches), "classes": db.session.scalar(
                select(func.count(func.distinct(Learner.class_id))).where(Learner.status == "studying")),
            "certificates": dict(certificates), "reissued": db.session.scalar(
                select(func.count()).select_from(Certificate).where(Certificate.replaces_id.is_not(None))),
            "batches": dict(batches), "targets": [(t.goal, t.count) for t in overview.targets]}


def _hours_on_days_off() -> list[tuple[str, date]]:
    """(learner, day) of every hour record dated on a day its learner was not studying."""
    from lms.extensions import db
    from lms.learners.models import Learner
    from lms.learners.studying import study_histories
    from lms.teaching.models import Attendance, ClassSession, PlatformRecord, SelfStudyEntry

    learners = {learner.id: learner for learner in db.session.scalars(select(Learner))}
    histories = study_histories(learners.values())
    dated = [*db.session.execute(select(Attendance.learner_id, ClassSession.held_on)
                                 .join(ClassSession, ClassSession.id == Attendance.session_id)),
             *db.session.execute(select(PlatformRecord.learner_id, PlatformRecord.studied_on)),
             *db.session.execute(select(SelfStudyEntry.learner_id, SelfStudyEntry.studied_on))]
    return sorted({(learners[learner_id].name, day) for learner_id, day in dated
                   if not histories[learner_id].studying_on(day)})


def days_over_caps() -> list[tuple[str, date, dict]]:
    """(learner, day, {category: minutes}) of every learner's day holding more than the daily caps of the
    learner's policy allow (lms.rules.daily_cap: one category's own, or all together) — pending self-study
    included, as the caps count it."""
    from lms.extensions import db
    from lms.learners.models import Learner
    from lms.policies.services import policies_for
    from lms.rules import daily_cap
    from lms.teaching.hours import daily_minutes

    learners = {learner.id: learner for learner in db.session.scalars(select(Learner))}
    policies = policies_for({learner.cohort for learner in learners.values()})
    over = []
    for (learner_id, day), held in daily_minutes(learners, None).items():
        policy = policies[learners[learner_id].cohort]
        caps = {category: daily_cap(policy, category) for category in held}
        if sum(held.values()) > policy.daily_cap_total_minutes or any(
                cap is not None and held[category] > cap for category, cap in caps.items()):
            over.append((learners[learner_id].name, day, held))
    return sorted(over)


def _walk(app, *, documents: bool) -> tuple[int, list]:
    """Every demo user follows every link from the home page (PER_ENDPOINT URLs per endpoint; PDFs only
    with `documents`)."""
    from lms.auth.demo import DEMO_USERS
    from lms.demo import DEMO_PASSWORD

    adapter = app.url_map.bind("localhost")
    visited, failures = 0, []
    for username, *_ in DEMO_USERS:
        client = app.test_client()
        client.login(username, DEMO_PASSWORD)
        queue, seen, per_endpoint = ["/"], {"/"}, Counter()
        while queue:
            url = queue.pop(0)
            try:
                response = client.get(url)
            except Exception as error:      # TESTING propagates a view's exception: that is a 500
                failures.append((username, url, f"{type(error).__name__}: {error}"))
                continue
            visited += 1
            if response.status_code >= 500:
                failures.append((username, url, response.status_code))
            if response.mimetype != "text/html" or response.status_code != 200:
                continue
            for link in LINK.findall(response.get_data(as_text=True)):
                link = link.replace("&amp;", "&")
                path = urlsplit(link).path
                if link in seen or path.startswith(SKIP) or (path.endswith(".pdf") and not documents):
                    continue
                seen.add(link)
                try:
                    endpoint, _ = adapter.match(path, method="GET")
                except Exception:       # a form's POST-only action, or not a page of this app
                    continue
                if per_endpoint[endpoint] < PER_ENDPOINT:
                    per_endpoint[endpoint] += 1
                    queue.append(link)
    return visited, failures
