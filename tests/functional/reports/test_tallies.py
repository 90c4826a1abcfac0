"""Learner tallies: every write of what the dashboard counts re-counts its villages in the same
transaction, so today's figures read from the tallies always equal a count of the learners."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from lms import summaries
from lms.auth.scope import EVERYTHING
from lms.core.clock import today
from lms.extensions import db
from lms.learners.models import Learner
from lms.learners.services.status import record_status_event
from lms.policies.services import save_policy
from lms.reports.areas import county_area
from lms.reports.models import LearnerTally
from lms.reports.queries import area_figures
from lms.reports.tallies import rebuild_tallies, tally_drift
from lms.rules import Policy
from tests.factories import make_learner, make_platform_record
from tests.factories.certificates import after_period, issued_diplomas


def todays_figures():
    return area_figures(EVERYTHING, county_area("报表县"), today()).total


def stored_bands() -> Counter:
    rows = db.session.execute(select(LearnerTally.band, func.sum(LearnerTally.learners))
                              .where(LearnerTally.status == "studying").group_by(LearnerTally.band))
    return Counter({band: int(count) for band, count in rows})


def test_the_tallies_of_the_test_county_equal_its_learners(county):
    assert tally_drift() == set()
    learners = db.session.scalars(select(Learner)).all()
    figures = todays_figures()
    assert figures.statuses == Counter(learner.status for learner in learners)
    assert figures.enrolled == len(learners) == 6


def test_enrolling_a_learner_counts_them_today(county):
    before = todays_figures().statuses["studying"]
    make_learner(county.villages[0], teaching_class=county.classes[0], enrolled_on=date(2025, 10, 1))
    assert tally_drift() == set()
    assert todays_figures().statuses["studying"] == before + 1


def test_a_status_event_moves_the_learner_between_statuses(county):
    learner = county.learners["junior"]
    record_status_event(actor=None, learner=learner, kind="withdraw", occurred_on=date(2025, 9, 1), reason="外出务工")
    assert tally_drift() == set()
    assert todays_figures().statuses["withdrawn"] == 2


def test_new_hours_move_a_learner_into_the_band_that_meets_r6(county):
    learner = county.learners["primary_2023"]           # 359 h 59 min
    assert todays_figures().hours_met == 1
    make_platform_record(learner, minutes=1, studied_on=date(2025, 5, 2))
    summaries.hours_changed([learner.id])
    assert tally_drift() == set()
    assert todays_figures().hours_met == 2


def test_a_new_policy_rebands_its_cohort(county):
    save_policy(actor=None, cohort=2023, values={**Policy().to_mapping(), "hours_required_minutes": 21599})
    assert tally_drift() == set()
    assert todays_figures().hours_met == 2               # 359 h 59 min now meets the cohort's rule


def test_moving_a_learner_to_another_village_recounts_both(county):
    learner = county.learners["core_2024"]
    learner.village_id, learner.class_id = county.villages[0].id, county.classes[0].id
    summaries.learners_changed([learner.id], moved_from=[county.villages[1].id])     # as a mover must declare
    assert tally_drift() == set()
    children = {name: figures.enrolled for _, name, figures in todays_figures_by_town()}
    assert children == {"甲镇": 4, "乙镇": 2}


def todays_figures_by_town():
    return area_figures(EVERYTHING, county_area("报表县"), today()).children


def test_issuing_diplomas_counts_the_graduates(county):
    from tests.factories import make_user

    learner = county.learners["core_2023"]
    issued_diplomas(make_user("registrar"), [learner], issued_on=after_period(learner))
    assert db.session.get(Learner, learner.id).status == "graduated"
    assert tally_drift() == set()
    assert todays_figures().statuses["graduated"] == 1


def test_rebuilding_gives_the_same_tallies(county):
    before = stored_bands()
    rebuild_tallies()
    assert stored_bands() == before and tally_drift() == set()


def test_drift_is_noticed(county):
    db.session.execute(LearnerTally.__table__.update().values(learners=LearnerTally.learners + 1))
    assert tally_drift() == {village.id for village in county.villages}


def test_retally_if_needed_counts_learners_enrolled_before_the_upgrade(app, county):
    """After `flask db upgrade` adds the table it is empty: the command fills it, and then has nothing to do."""
    db.session.execute(LearnerTally.__table__.delete())
    assert tally_drift() == {village.id for village in county.villages}
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lms", "report", "retally", "--if-needed"])
    assert result.exit_code == 0 and "已重算" in result.output, result.output
    assert tally_drift() == set()
    again = runner.invoke(args=["lms", "report", "retally", "--if-needed"])
    assert again.exit_code == 0 and "无需重算" in again.output


def test_putting_learners_into_another_class_counts_them_in_it(county):
    from lms.teaching.services import add_learners

    learner = county.learners["junior"]
    add_learners(actor=None, teaching_class=county.classes[1], learners=[learner])
    assert tally_drift() == set()
    rows = db.session.execute(select(LearnerTally.class_id, func.sum(LearnerTally.learners))
                              .group_by(LearnerTally.class_id)).all()
    assert dict(rows) == {county.classes[0].id: 2, county.classes[1].id: 4}


def test_hours_after_the_study_period_do_not_move_the_band_unless_the_policy_counts_them(county):
    learner = county.learners["primary_2023"]           # 359 h 59 min; the period ended before today
    day_after = learner.period_end_on + (date(2026, 3, 2) - date(2026, 3, 1))
    assert day_after < today()
    make_platform_record(learner, minutes=1, studied_on=day_after)
    summaries.hours_changed([learner.id])
    assert tally_drift() == set()
    assert todays_figures().hours_met == 1                                   # the stored tallies
    past = area_figures(EVERYTHING, county_area("报表县"), today() - (date(2026, 3, 2) - date(2026, 3, 1)))
    assert past.total.hours_met == 1                                         # the SQL of another day
    save_policy(actor=None, cohort=learner.cohort,
                values={**Policy().to_mapping(), "hours_after_period": "resit_window"})
    assert tally_drift() == set()
    assert todays_figures().hours_met == 2
