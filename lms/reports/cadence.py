"""R4 on the dashboard: classes of the area's studying learners that break the cadence rule in the
last twelve months, judged by the engine (lms.rules.class_cadence) — three queries in all."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import aliased

from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.learners.models import Learner
from lms.policies.services import policies_for
from lms.reports.areas import Area
from lms.rules import Policy, SessionFacts, class_cadence
from lms.teaching.models import ClassSession, TeachingClass

WINDOW_MONTHS = 12


def window_start(as_of: dt.date) -> dt.date:
    """The first day of the earliest month judged: twelve months up to and including as_of's."""
    index = as_of.year * 12 + as_of.month - 1 - (WINDOW_MONTHS - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def cadence_breaches(scope: Scope, area: Area, as_of: dt.date, policies: dict[int, Policy]):
    """([Breach …] ordered by township and class, {child key: classes breaking R4}) for the area."""
    from lms.reports.queries import Breach, _key, learners_in, status_as_of

    key = _key(area).label("key")
    pairs = db.session.execute(
        learners_in(scope, area, as_of, key, Learner.class_id).where(
            status_as_of(as_of) == "studying", Learner.class_id.is_not(None)).distinct()).all()
    class_ids = sorted({class_id for _, class_id in pairs})
    if not class_ids:
        return [], {}
    start = window_start(as_of)
    township = aliased(Division)
    village = aliased(Division)
    classes = db.session.execute(
        select(TeachingClass.id, TeachingClass.name, TeachingClass.cohort, TeachingClass.created_at, township.name)
        .join(TeachingPoint, TeachingClass.teaching_point_id == TeachingPoint.id)
        .join(village, TeachingPoint.village_id == village.id).join(township, village.parent_id == township.id)
        .where(TeachingClass.id.in_(_ids_of(scope, area, as_of)))
        .order_by(township.code, TeachingClass.code)).all()
    daily = defaultdict(list)
    for class_id, held_on, mode, minutes in db.session.execute(
            select(ClassSession.class_id, ClassSession.held_on, ClassSession.mode, func.sum(ClassSession.minutes))
            .where(ClassSession.class_id.in_(_ids_of(scope, area, as_of)), ClassSession.cancelled_at.is_(None),
                   ClassSession.held_on >= dt.date(start.year, 1, 1), ClassSession.held_on <= as_of)
            .group_by(ClassSession.class_id, ClassSession.held_on, ClassSession.mode)):
        daily[class_id].append(SessionFacts(held_on, int(minutes), mode))
    missing = {row.cohort for row in classes} - set(policies)
    policies = {**policies, **(policies_for(missing) if missing else {})}
    breaches, breaking = [], set()
    for class_id, name, cohort, created_at, township_name in classes:
        facts = daily.get(class_id, [])
        first = min((fact.held_on for fact in facts), default=min(as_of, created_at.date()))
        report = class_cadence(facts, max(start, first.replace(day=1)), as_of, policies[cohort])
        if not report.result.ok:
            breaking.add(class_id)
            breaches.append(Breach(class_id, name, township_name, len(report.failing_months), report.result.reason))
    per_key: dict = defaultdict(int)
    for row_key, class_id in pairs:
        if class_id in breaking:
            per_key[row_key] += 1
    return breaches, dict(per_key)


def _ids_of(scope: Scope, area: Area, as_of: dt.date):
    """A sub-select of the classes of the area's learners studying on `as_of`."""
    from lms.reports.queries import learners_in, status_as_of

    return learners_in(scope, area, as_of, Learner.class_id).where(
        status_as_of(as_of) == "studying", Learner.class_id.is_not(None)).distinct()
