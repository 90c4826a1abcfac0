"""R4 on the dashboard: classes of the area's studying learners that break the cadence rule in the
last twelve months, judged by the engine (lms.rules.class_cadence).

Classes with a stored standing valid on the report day are read, not judged (lms.reports.standings);
the rest are judged (two more queries) and their standings stored. Two queries when every standing
is valid.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.policies.services import policies_for
from lms.reports.areas import Area
from lms.reports.models import CadenceStanding
from lms.reports.queries import statement_per_arguments
from lms.reports.sources import counted_for
from lms.reports.standings import ClassToJudge, judge_classes, remember
from lms.rules import Policy
from lms.teaching.models import TeachingClass


def cadence_breaches(scope: Scope, area: Area, as_of: dt.date, policies: dict[int, Policy]):
    """([Breach …] ordered by township and class, {child key: classes breaking R4}) for the area."""
    from lms.reports.queries import Breach

    pairs_statement, classes_statement = _statements(scope, area, as_of)
    pairs = db.session.execute(pairs_statement).all()
    if not pairs:
        return [], {}
    # Plain rows from the connection: 25,000 classes through the ORM's result machinery cost ~0.5 s.
    classes = db.session.connection().execute(classes_statement).all()
    counted = counted_for(as_of)
    fresh = {}
    if any(row.ok is None for row in classes):
        ids = _ids_of(scope, area, as_of).where(~counted.class_id.in_(
            select(CadenceStanding.class_id).where(CadenceStanding.valid_from <= as_of,
                                                   CadenceStanding.valid_until > as_of)))
        unjudged = [ClassToJudge(class_id, cohort, created_at.date()) for class_id, cohort, created_at in
                    db.session.execute(select(TeachingClass.id, TeachingClass.cohort, TeachingClass.created_at)
                                       .where(TeachingClass.id.in_(ids)))]
        missing = {item.cohort for item in unjudged} - set(policies)
        policies = {**policies, **(policies_for(missing) if missing else {})}
        fresh = judge_classes(unjudged, ids, as_of, policies)
        remember(fresh, as_of)
    breaches, breaking = [], set()
    for class_id, name, township_name, _, ok, failing_months, reason in classes:
        if ok is None:                          # judged just now: its judgement as of the report day
            judged = fresh[class_id][0]
            ok, failing_months, reason = judged.ok, judged.failing_months, judged.reason
        if not ok:
            breaking.add(class_id)
            breaches.append(Breach(class_id, name, township_name, failing_months, reason))
    per_key: dict = defaultdict(int)
    for row_key, class_id in pairs:
        if class_id in breaking:
            per_key[row_key] += 1
    return breaches, dict(per_key)


@statement_per_arguments
def _statements(scope: Scope, area: Area, as_of: dt.date):
    """(the area's (child key, class) pairs of studying learners, its classes with their valid standings)."""
    from lms.reports.queries import _key

    counted = counted_for(as_of)
    key = _key(area, counted).label("key")
    township = aliased(Division)
    village = aliased(Division)
    valid = and_(CadenceStanding.class_id == TeachingClass.id, CadenceStanding.valid_from <= as_of,
                 CadenceStanding.valid_until > as_of)
    classes = (select(TeachingClass.id, TeachingClass.name, township.name, TeachingClass.cohort,
                      CadenceStanding.ok, CadenceStanding.failing_months, CadenceStanding.reason)
               .join(TeachingPoint, TeachingClass.teaching_point_id == TeachingPoint.id)
               .join(village, TeachingPoint.village_id == village.id).join(township, village.parent_id == township.id)
               .outerjoin(CadenceStanding, valid)
               .where(TeachingClass.id.in_(_ids_of(scope, area, as_of)))
               .order_by(township.code, TeachingClass.code))
    return _studying(scope, area, as_of, key, counted.class_id), classes


def _studying(scope: Scope, area: Area, as_of: dt.date, *columns):
    """SELECT DISTINCT `columns` over the area's learners studying on `as_of` who are in a class."""
    from lms.reports.queries import learners_in, status_as_of

    counted = counted_for(as_of)
    return learners_in(scope, area, as_of, *columns, counted=counted).where(
        status_as_of(as_of, counted) == "studying", counted.class_id.is_not(None)).distinct()


def _ids_of(scope: Scope, area: Area, as_of: dt.date):
    """A sub-select of the classes of the area's learners studying on `as_of`."""
    return _studying(scope, area, as_of, counted_for(as_of).class_id)
