"""R4 standings: the dashboard stores each class's cadence judgement and reads it back only while it
holds; every write that could change a judgement removes it in the same transaction."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from lms.auth.scope import EVERYTHING
from lms.extensions import db
from lms.policies.services import policies_for, save_policy
from lms.reports.areas import county_area
from lms.reports.models import CadenceStanding
from lms.reports.queries import area_figures
from lms.reports.standings import ClassToJudge, judge_classes
from lms.rules import Policy
from lms.teaching.models import ClassSession, TeachingClass
from lms.teaching.services.sessions import cancel_session, save_session
from tests.functional.reports.conftest import AS_OF


def breaking(as_of=AS_OF) -> list[str]:
    return [b.name for b in area_figures(EVERYTHING, county_area("报表县"), as_of).breaches]


def standings() -> dict[int, list[tuple]]:
    """{class id: [(valid from, valid until, ok), …]} in date order."""
    stored: dict[int, list[tuple]] = {}
    for row in db.session.scalars(select(CadenceStanding).order_by(CadenceStanding.valid_from)):
        stored.setdefault(row.class_id, []).append((row.valid_from, row.valid_until, row.ok))
    return stored


def judged_afresh(as_of) -> list[str]:
    """The engine's judgement of every class, without any stored standing."""
    classes = db.session.scalars(select(TeachingClass).order_by(TeachingClass.code)).all()
    judged = judge_classes([ClassToJudge(c.id, c.cohort, c.created_at.date()) for c in classes],
                           [c.id for c in classes], as_of, policies_for({c.cohort for c in classes}))
    return [c.name for c in classes if not judged[c.id][0].ok]


def test_the_dashboard_stores_what_it_judged_with_the_days_it_holds_for(county):
    class_a, class_b = county.classes
    assert breaking() == [class_b.name]
    # No session is due after 2025-06-30: each judgement holds to the month's end, and July's is made too.
    july = (date(2025, 7, 1), date(2025, 8, 1))
    assert standings() == {class_a.id: [(AS_OF, date(2025, 7, 1), True), (*july, True)],
                           class_b.id: [(AS_OF, date(2025, 7, 1), False), (*july, False)]}


def test_a_standing_is_read_instead_of_judging_again(county, count_queries):
    breaking()
    with count_queries() as stored:
        assert breaking() == [county.classes[1].name]
    db.session.execute(delete(CadenceStanding))
    with count_queries() as judging:
        assert breaking() == [county.classes[1].name]
    assert not any("FROM sessions" in statement for statement in stored)
    assert any("FROM sessions" in statement for statement in judging)


def test_a_standing_ends_at_the_next_session(county):
    class_a = county.classes[0]
    area_figures(EVERYTHING, county_area("报表县"), date(2025, 6, 2))
    # A meets on the 3rd of every month: no judgement beyond it.
    assert standings()[class_a.id] == [(date(2025, 6, 2), date(2025, 6, 3), True)]


def test_the_first_view_of_a_month_reads_the_judgement_made_the_month_before(county, count_queries):
    class_b = county.classes[1]
    # B's last full day was 2025-01-04: on 28 February the month is still running, on 1 March it is missed.
    assert breaking(date(2025, 2, 28)) == []
    assert standings()[class_b.id] == [(date(2025, 2, 28), date(2025, 3, 1), True),
                                       (date(2025, 3, 1), date(2025, 4, 1), False)]
    with count_queries() as statements:
        assert breaking(date(2025, 3, 1)) == [class_b.name]
    assert not any("FROM sessions" in statement for statement in statements)


def test_looking_at_a_past_day_keeps_the_newer_standing(county):
    breaking()
    assert breaking(date(2025, 2, 28)) == []
    assert {rows[0][0] for rows in standings().values()} == {AS_OF}


def test_cancelling_a_session_forgets_the_class_standing_in_the_same_transaction(county):
    class_a = county.classes[0]
    assert breaking() == [county.classes[1].name]
    march = db.session.scalar(select(ClassSession).where(ClassSession.class_id == class_a.id,
                                                         ClassSession.held_on == date(2025, 3, 3)))
    cancel_session(actor=None, session=march, reason="暴雨停课")
    assert class_a.id not in standings()
    assert breaking() == [class_a.name, county.classes[1].name]


def test_moving_a_session_forgets_the_class_standing(county):
    class_b = county.classes[1]
    assert breaking() == [class_b.name]
    january = db.session.scalar(select(ClassSession).where(ClassSession.class_id == class_b.id))
    save_session(actor=None, teaching_class=class_b, session=january, course=january.course,
                 held_on=date(2025, 6, 4), mode="face", minutes=480, place="")
    assert class_b.id not in standings()
    assert breaking() == judged_afresh(AS_OF)


def test_a_new_session_forgets_the_class_standing(county):
    class_b = county.classes[1]
    breaking()
    first = db.session.scalar(select(ClassSession).where(ClassSession.class_id == class_b.id))
    save_session(actor=None, teaching_class=class_b, session=None, course=first.course,
                 held_on=date(2025, 6, 10), mode="face", minutes=480, place="")
    assert class_b.id not in standings() and county.classes[0].id in standings()


def test_a_new_policy_forgets_the_standings_of_its_cohort(county):
    assert breaking() == [county.classes[1].name]
    save_policy(actor=None, cohort=2023, values={**Policy().to_mapping(), "cadence_day_minutes": 600})
    assert standings() == {}
    assert breaking() == [c.name for c in county.classes]        # no 10-hour day anywhere


def test_day_by_day_the_stored_standings_equal_a_fresh_judgement(county):
    day = date(2024, 12, 25)
    while day <= date(2025, 7, 5):
        assert breaking(day) == judged_afresh(day), day
        day += timedelta(days=1)


def test_evening_classes_break_r4_on_the_dashboard_until_the_policy_counts_by_month(county):
    """B holds four 2-学时 evening classes a month from February (乡村夜校): no full day, 8 学时 a month."""
    from lms.teaching.queries import class_cadence_report, class_sessions
    from tests.factories import make_session

    class_b = county.classes[1]
    for month in range(2, 7):
        for day in (2, 9, 16, 23):
            make_session(class_b, held_on=date(2025, month, day), hours=2)
    assert breaking() == [class_b.name]
    assert "2025年2月、3月、4月、5月无满 8 学时的集中授课" in area_figures(
        EVERYTHING, county_area("报表县"), AS_OF).breaches[0].reason
    save_policy(actor=None, cohort=2023, values={"cadence_month_by": "month"})
    assert standings() == {}
    assert breaking() == [] == judged_afresh(AS_OF)
    assert class_cadence_report(class_b, class_sessions(class_b), AS_OF).result.ok     # the class page agrees


def test_a_training_from_december_is_seen_whole_when_the_window_starts_in_january(county):
    """As of 2025-12-15 the window starts in January 2025. A's winter training from 2024-12-20 to 2025-01-20
    (256 学时; its January part alone 160) began in 2024: by its start it is not one of 2025's trainings, by
    most days (20 of 32 in January) it is. The dashboard reads December before the window to know."""
    from lms.teaching.queries import class_cadence_report, class_sessions
    from tests.factories import make_session

    class_a = county.classes[0]
    day = date(2024, 12, 20)
    while day <= date(2025, 1, 20):
        make_session(class_a, held_on=day)
        day += timedelta(days=1)
    for offset in range(15):                        # and 120 学时 in October 2025
        make_session(class_a, held_on=date(2025, 10, 1) + timedelta(days=offset))
    as_of = date(2025, 12, 15)
    page = class_cadence_report(class_a, class_sessions(class_a), as_of)
    assert [(y.year, y.qualifying) for y in page.years][-2:] == [(2024, 1), (2025, 1)]
    assert class_a.name in breaking(as_of) and not page.result.ok
    save_policy(actor=None, cohort=2023, values={"cadence_year_by": "most_days"})
    page = class_cadence_report(class_a, class_sessions(class_a), as_of)
    assert [(y.year, y.qualifying) for y in page.years][-2:] == [(2024, 0), (2025, 2)]
    assert class_a.name not in breaking(as_of) and page.result.ok
