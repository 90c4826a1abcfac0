"""Learners (enrolled directly, bypassing the enrolment service, for tests of other domains)."""
from __future__ import annotations

import itertools
from datetime import date

from lms import summaries
from lms.extensions import db
from lms.learners.idnumbers import generate_id_number
from lms.learners.lookup import hash_id
from lms.learners.models import Learner, OutreachVisit, RosterEntry
from lms.learners.pinyin import name_initials
from lms.rules import programme_years, study_period_end, target_group
from lms.rules.policy import Policy

_seq = itertools.count(1)


# Known address codes of 黔西南州 (册亨 first): tests that import ID numbers check them against the table.
ADDRESS_CODES = ("522327", "522301", "522302", "522322", "522323", "522324", "522325", "522326", "522328")
_issued: dict[tuple, int] = {}


def next_id_number(*, birth_on: date = date(1985, 6, 15), sex: str = "2", address_code: str = "522327") -> str:
    """A fresh valid ID number (unique within the test run).

    One address code, birth date and sex allow 499 sequence numbers; after that the next known
    address code of the prefecture is used, so the number stays valid however many a run makes."""
    codes = (address_code,) + tuple(code for code in ADDRESS_CODES if code != address_code)
    for code in codes:
        key = (code, birth_on, sex)
        used = _issued.get(key, 0)
        if used < 499:
            _issued[key] = used + 1
            return generate_id_number(address_code=code, birth_on=birth_on, sequence=used + 1, sex=sex)
    raise RuntimeError(f"no ID numbers left for birth date {birth_on}; pass another birth_on")


def make_learner(village, *, teaching_class=None, specialty=None, name: str | None = None,
                 prior_education: str = "未上过学", enrolled_on: date = date(2025, 3, 1),
                 birth_on: date = date(1985, 6, 15), sex: str = "2", status: str = "studying",
                 id_number: str | None = None) -> Learner:
    """An enrolled learner in `village` (and `teaching_class`), with R2/R3 applied by the rules."""
    n = next(_seq)
    number = id_number or next_id_number(birth_on=birth_on, sex=sex)
    policy = Policy()
    years = programme_years(prior_education, policy)
    specialty = specialty or (teaching_class.specialty if teaching_class else None)
    if specialty is None:
        from tests.factories.teaching import specialty_named

        specialty = specialty_named()
    name = name or f"学员{n}"
    learner = Learner(
        id_number=number, id_hash=hash_id(number), name=name, name_initials=name_initials(name), sex=sex,
        birth_on=birth_on,
        prior_education=prior_education, target_group=target_group(prior_education, policy),
        village_id=village.id, specialty_id=specialty.id,
        class_id=teaching_class.id if teaching_class else None,
        teaching_point_id=teaching_class.teaching_point_id if teaching_class else None,
        student_number=f"T{enrolled_on.year}{n:06d}", cohort=enrolled_on.year, enrolled_on=enrolled_on,
        programme_years=years, period_end_on=study_period_end(enrolled_on, years), status=status,
        privacy_consent_on=enrolled_on)
    db.session.add(learner)
    db.session.flush()
    summaries.learners_changed([learner.id])      # as every writer of learners does
    return learner


def make_roster_entry(village, *, name: str | None = None, status: str = "pending", birth_on: date = date(1980, 3, 9),
                      sex: str = "1", education: str = "未上过学", phone: str = "13912345678",
                      id_number: str | None = None) -> RosterEntry:
    """A person on the roster of `village`."""
    n = next(_seq)
    number = id_number or next_id_number(birth_on=birth_on, sex=sex)
    name = name or f"名册{n}"
    entry = RosterEntry(name=name, name_initials=name_initials(name), id_number=number, id_hash=hash_id(number),
                        sex=sex, birth_on=birth_on, village_id=village.id, education=education, phone=phone,
                        status=status)
    db.session.add(entry)
    db.session.flush()
    return entry


def make_visit(entry, *, visited_on: date = date(2025, 2, 1), outcome: str = "visited", health: str = "良好",
               visitor: str = "走访员") -> OutreachVisit:
    """A recorded outreach visit that left `entry` in status `outcome`."""
    visit = OutreachVisit(roster_entry=entry, visited_on=visited_on, visitor=visitor, health=health,
                          resulting_status=outcome)
    entry.status = outcome
    db.session.add(visit)
    db.session.flush()
    return visit
