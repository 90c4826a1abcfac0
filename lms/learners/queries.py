"""Reading the registry: roster and learner lists (filters, search, counts per status), choices for
filters and forms, and home-page counts. Every function takes a Scope; lists cost a fixed number of
queries whatever the number of rows."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.imports.cells import fold_width
from lms.learners.models import (
    ROSTER_STATUS_LABELS,
    Learner,
    LearnerCard,
    OutreachVisit,
    RosterEntry,
    StatusEvent,
)
from lms.rules import LEARNER_STATUS_LABELS
from lms.teaching.models import Specialty, TeachingClass

PER_PAGE = 30
_ID_TAIL = re.compile(r"[0-9]+X?|X", re.ASCII)
_INITIALS = re.compile(r"[a-z]+", re.ASCII)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_clause(model, text: str):
    """SQL clause for the search box, or None for an empty search.

    Digits (optionally ending in X) match the end of the ID number ("1234" → …1234); Latin letters
    match the start of the pinyin initials ("wdc" → 王德才); anything else matches part of the name.
    """
    query = fold_width(text or "").replace(" ", "")
    if not query:
        return None
    if _ID_TAIL.fullmatch(query.upper()):
        return model.id_number.like(f"%{_like_escape(query.upper())}", escape="\\")
    if _INITIALS.fullmatch(query.lower()):
        return model.name_initials.like(f"{_like_escape(query.lower())}%", escape="\\")
    return model.name.like(f"%{_like_escape(query)}%", escape="\\")


def _counts(stmt_filters, model, labels) -> dict[str, int]:
    rows = db.session.execute(select(model.status, func.count()).where(*stmt_filters).group_by(model.status)).all()
    found = dict(rows)
    return {status: found.get(status, 0) for status in labels}


def _village_with_township():
    return db.joinedload(RosterEntry.village).joinedload(Division.parent)


@dataclass
class ListResult:
    """A page of rows, the counts per status under the same filters (all statuses), and their total."""

    page: object
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def roster_list(scope: Scope, *, township_id: int | None = None, village_id: int | None = None,
                status: str = "", q: str = "", page: int = 1, per_page: int = PER_PAGE) -> ListResult:
    """A page of roster entries in scope (village and township loaded) and counts per status. 3 queries."""
    filters = [RosterEntry.in_scope(scope)]
    if township_id:
        filters.append(RosterEntry.village_id.in_(select(Division.id).where(Division.parent_id == township_id)))
    if village_id:
        filters.append(RosterEntry.village_id == village_id)
    if (clause := search_clause(RosterEntry, q)) is not None:
        filters.append(clause)
    counts = _counts(filters, RosterEntry, ROSTER_STATUS_LABELS)
    if status in ROSTER_STATUS_LABELS:
        filters.append(RosterEntry.status == status)
    stmt = (select(RosterEntry).where(*filters).options(_village_with_township())
            .order_by(RosterEntry.village_id, RosterEntry.id))
    return ListResult(db.paginate(stmt, page=page, per_page=per_page, error_out=False), counts)


def learner_list(scope: Scope, *, village_id: int | None = None, class_id: int | None = None,
                 specialty_id: int | None = None, cohort: int | None = None, status: str = "", q: str = "",
                 page: int = 1, per_page: int = PER_PAGE) -> ListResult:
    """A page of learners in scope (village, township, specialty and class loaded) and counts per status.
    3 queries."""
    filters = [Learner.in_scope(scope)]
    if village_id:
        filters.append(Learner.village_id == village_id)
    if class_id:
        filters.append(Learner.class_id == class_id)
    if specialty_id:
        filters.append(Learner.specialty_id == specialty_id)
    if cohort:
        filters.append(Learner.cohort == cohort)
    if (clause := search_clause(Learner, q)) is not None:
        filters.append(clause)
    counts = _counts(filters, Learner, LEARNER_STATUS_LABELS)
    if status in LEARNER_STATUS_LABELS:
        filters.append(Learner.status == status)
    stmt = (select(Learner).where(*filters)
            .options(db.joinedload(Learner.village).joinedload(Division.parent),
                     db.joinedload(Learner.specialty), db.joinedload(Learner.teaching_class))
            .order_by(Learner.cohort.desc(), Learner.student_number))
    return ListResult(db.paginate(stmt, page=page, per_page=per_page, error_out=False), counts)


# --- choices for filters and forms --------------------------------------------------------------

def classes_in_scope(scope: Scope) -> list[tuple[int, str]]:
    """(id, "2025级 name") of active classes the scope covers, newest cohort first."""
    rows = db.session.execute(select(TeachingClass.id, TeachingClass.cohort, TeachingClass.name)
                              .where(TeachingClass.in_scope(scope), TeachingClass.active)
                              .order_by(TeachingClass.cohort.desc(), TeachingClass.name)).all()
    return [(cid, f"{name}（{cohort}级）") for cid, cohort, name in rows]


def active_specialties() -> list[tuple[int, str]]:
    """(id, name) of specialties learners may enrol in, in the plan's order."""
    return [tuple(row) for row in db.session.execute(
        select(Specialty.id, Specialty.name).where(Specialty.active).order_by(Specialty.position, Specialty.id))]


def cohorts_in_scope(scope: Scope) -> list[int]:
    """The enrolment years of learners in scope, newest first."""
    return list(db.session.scalars(select(Learner.cohort).where(Learner.in_scope(scope)).distinct()
                                   .order_by(Learner.cohort.desc())))


def enrolment_area(scope: Scope):
    """SQL clause on Division.id: the townships where the user may enrol people — their own townships,
    or for a village enroller the townships of their villages (a learner of 下寨村 may attend the
    township's central school)."""
    if scope.everything:
        return Division.id.isnot(None)
    township_ids = select(Division.parent_id).where(Division.id.in_(scope.village_ids))
    return or_(Division.id.in_(scope.township_ids), Division.id.in_(township_ids))


def enrolment_points(scope: Scope) -> list[TeachingPoint]:
    """Teaching points in the user's enrolment area, with village and township loaded (one query)."""
    villages = select(Division.id).where(Division.parent_id.in_(select(Division.id).where(enrolment_area(scope))))
    stmt = (select(TeachingPoint).where(TeachingPoint.village_id.in_(villages))
            .join(TeachingPoint.village).order_by(Division.code, TeachingPoint.name)
            .options(db.joinedload(TeachingPoint.village).joinedload(Division.parent)))
    return list(db.session.scalars(stmt))


def classes_at_points(point_ids: list[int]) -> list[TeachingClass]:
    """Active classes meeting at these teaching points (for the enrolment form's class choice)."""
    if not point_ids:
        return []
    return list(db.session.scalars(select(TeachingClass).where(TeachingClass.teaching_point_id.in_(point_ids),
                                                               TeachingClass.active)
                                   .order_by(TeachingClass.cohort.desc(), TeachingClass.name)))


# --- one record ---------------------------------------------------------------------------------

def status_events(learner_id: int) -> list[tuple[StatusEvent, str, str]]:
    """A learner's status events (revoked ones too: the page strikes them through), oldest first, with the
    names of the specialties a 转专业 left and joined ("" otherwise). Two queries."""
    events = list(db.session.scalars(select(StatusEvent).where(StatusEvent.learner_id == learner_id)
                                     .order_by(StatusEvent.occurred_on, StatusEvent.id)))
    ids = {e.from_specialty_id for e in events} | {e.to_specialty_id for e in events}
    names = dict(db.session.execute(select(Specialty.id, Specialty.name).where(Specialty.id.in_(ids - {None}))).all()) \
        if ids - {None} else {}
    return [(e, names.get(e.from_specialty_id, ""), names.get(e.to_specialty_id, "")) for e in events]


def carried_in(learner_id: int) -> dict[int, dict]:
    """What each of a learner's 转入 events carried in: {event id: {"hours": [(category label, minutes)],
    "results": [(course name, score, voided)]}} (two queries)."""
    from lms.assessment.models import AssessmentResult
    from lms.learners.models import CarriedHours, CarriedResult
    from lms.rules import HOUR_CATEGORY_LABELS
    from lms.teaching.models import Course

    carried: dict[int, dict] = {}
    for row in db.session.scalars(select(CarriedHours).where(CarriedHours.learner_id == learner_id)
                                  .order_by(CarriedHours.id)):
        entry = carried.setdefault(row.status_event_id, {"hours": [], "results": []})
        entry["hours"].append((HOUR_CATEGORY_LABELS[row.category], row.minutes))
    for event_id, name, score, voided in db.session.execute(
            select(CarriedResult.status_event_id, Course.name, AssessmentResult.score, AssessmentResult.voided_at)
            .join(AssessmentResult, CarriedResult.assessment_result_id == AssessmentResult.id)
            .join(Course, AssessmentResult.course_id == Course.id)
            .where(CarriedResult.learner_id == learner_id).order_by(CarriedResult.id)):
        carried.setdefault(event_id, {"hours": [], "results": []})["results"].append((name, score, voided is not None))
    return carried


def village_labels(village_ids, scope: Scope) -> dict[int, str]:
    """"乡镇村" labels of those of the villages that the scope may see (one query); a village outside
    the scope is left out, so messages never name another township's places."""
    if not village_ids:
        return {}
    township = db.aliased(Division)
    rows = db.session.execute(
        select(Division.id, township.name, Division.name).join(township, Division.parent_id == township.id)
        .where(Division.id.in_(list(village_ids)), Division.in_scope(scope))).all()
    return {vid: f"{tname}{vname}" for vid, tname, vname in rows}


def visits_of(entry_id: int) -> list[OutreachVisit]:
    """A roster entry's visits, newest first."""
    return list(db.session.scalars(select(OutreachVisit).where(OutreachVisit.roster_entry_id == entry_id)
                                   .order_by(OutreachVisit.visited_on.desc(), OutreachVisit.id.desc())))


def learner_for_roster_entry(entry_id: int) -> Learner | None:
    """The learner enrolled from this roster entry, if any."""
    return db.session.scalar(select(Learner).where(Learner.roster_entry_id == entry_id))


# --- home page ----------------------------------------------------------------------------------

def area_counts(scope: Scope) -> dict[str, dict[str, int]]:
    """Counts per status in the scope: {"roster": {...}, "learners": {...}} (two queries)."""
    return {"roster": _counts([RosterEntry.in_scope(scope)], RosterEntry, ROSTER_STATUS_LABELS),
            "learners": _counts([Learner.in_scope(scope)], Learner, LEARNER_STATUS_LABELS)}


def current_card(learner_id: int) -> LearnerCard | None:
    """The learner's working 学员证 with a 我的学习 QR code (not revoked), or None."""
    return db.session.scalar(select(LearnerCard).where(LearnerCard.learner_id == learner_id,
                                                       LearnerCard.revoked_at.is_(None)))
