"""Hours by category (F, L, P, S), as-of dates, the summary table, the learner's hours page and `flask lms hours`."""
from __future__ import annotations

import json
import random
from datetime import date

from lms import summaries
from lms.extensions import db
from lms.rules import HourTotals
from lms.teaching.hours import hour_totals, learner_hour_totals, summary_totals
from lms.teaching.progress import learner_progress
from lms.teaching.services.selfstudy import decide_self_study
from tests.factories import make_platform_record, make_self_study, make_session, mark_attendance

DAY = date(2025, 3, 8)


def test_each_source_lands_in_its_category_and_as_of_drops_later_rows(setup):
    learner = setup.learners[0]
    mark_attendance(make_session(setup.teaching_class, held_on=DAY, hours=8), learner)
    mark_attendance(make_session(setup.teaching_class, held_on=date(2025, 4, 5), mode="live", hours=3), learner)
    make_platform_record(learner, minutes=45, studied_on=date(2025, 3, 10))
    make_self_study(learner, minutes=120, studied_on=date(2025, 3, 11))
    make_self_study(learner, minutes=600, studied_on=date(2025, 3, 12), status="pending")
    make_self_study(learner, minutes=600, studied_on=date(2025, 3, 12), status="rejected")
    assert learner_hour_totals(learner.id) == HourTotals(face=480, live=180, platform=45, self_study=120)
    assert learner_hour_totals(learner.id, as_of=date(2025, 3, 31)) == HourTotals(face=480, platform=45,
                                                                                  self_study=120)


def test_the_summary_always_equals_the_recomputed_sums(setup):
    """Random writes through the services and factories; after each, the summary matches a fresh aggregate."""
    rng = random.Random(4)
    sessions = [make_session(setup.teaching_class, held_on=date(2025, 3, d), mode=rng.choice(["face", "live"]),
                             hours=rng.choice([2, 4, 8])) for d in range(1, 8)]
    pending = []
    for step in range(40):
        learner = rng.choice(setup.learners)
        action = rng.choice(["attend", "platform", "self", "approve"])
        if action == "attend":
            session = rng.choice(sessions)
            from lms.teaching.models import Attendance
            if not db.session.scalar(db.select(Attendance.id).filter_by(session_id=session.id, learner_id=learner.id)):
                mark_attendance(session, learner, status=rng.choice(["present", "late", "absent"]),
                                minutes=None)
        elif action == "platform":
            make_platform_record(learner, minutes=rng.randint(0, 90), studied_on=date(2025, 4, rng.randint(1, 28)))
        elif action == "self":
            pending.append(make_self_study(learner, minutes=rng.randint(30, 180), status="pending",
                                           studied_on=date(2025, 5, rng.randint(1, 28))))
        elif pending:
            decide_self_study(actor=None, entry=pending.pop(), approve=rng.random() < 0.7, note="证明不清楚")
        ids = [learner.id for learner in setup.learners]
        recomputed = hour_totals(learners=ids)
        summary = summary_totals(learners=ids)
        for learner_id in ids:
            assert summary.get(learner_id, HourTotals()) == recomputed.get(learner_id, HourTotals()), step


def test_refreshing_gives_learners_without_hours_a_zero_row(setup):
    summaries.hours_changed([learner.id for learner in setup.learners])
    assert summary_totals(learners=[setup.learners[0].id]) == {setup.learners[0].id: HourTotals()}


def test_359_hours_block_and_360_pass_with_the_engines_reasons(setup):
    learner, other = setup.learners[:2]
    make_self_study(learner, minutes=359 * 60, studied_on=date(2025, 3, 20))
    make_self_study(other, minutes=360 * 60, studied_on=date(2025, 3, 20))
    short = learner_progress(learner, date(2025, 12, 31))
    assert not short.hours.ok and short.hours.reason == "自学+线上 359/360 学时，还差 1 学时"
    assert learner_progress(other, date(2025, 12, 31)).hours.ok


def test_face_hours_alone_leave_the_self_study_balance_warning(setup):
    learner = setup.learners[0]
    mark_attendance(make_session(setup.teaching_class, held_on=DAY), learner)
    progress = learner_progress(learner, date(2025, 3, 31))
    assert not progress.balance.ok and progress.at_risk
    assert "自学+平台线上还需 8 学时才不少于集中授课" in progress.missing


def test_the_hours_page_shows_progress_and_every_row_behind_it(client, setup):
    learner = setup.learners[0]
    mark_attendance(make_session(setup.teaching_class, held_on=DAY), learner)
    make_platform_record(learner, minutes=90, studied_on=date(2025, 3, 10), record_ref="GZ-0001")
    make_self_study(learner, minutes=120, studied_on=date(2025, 3, 11), content="练习写便条")
    client.login(setup.teacher.username)
    page = client.get(f"/learners/{learner.id}/hours").get_data(as_text=True)
    assert "自学+线上 3.5/360 学时，还差 356.5 学时" in page
    assert "GZ-0001" in page and "练习写便条" in page and "读写算" in page
    assert 'aria-label="学时进度"' in page


def test_the_class_page_lists_learners_behind_schedule_in_fixed_queries(client, setup, count_queries):
    ahead = setup.learners[0]
    make_self_study(ahead, minutes=360 * 60, studied_on=date(2025, 3, 20))
    client.login(setup.teacher.username)
    url = f"/classes/{setup.teaching_class.id}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    from tests.factories import make_learner
    for n in range(10):
        learner = make_learner(setup.village, teaching_class=setup.teaching_class)
        mark_attendance(make_session(setup.teaching_class, held_on=date(2025, 3, 9 + n)), learner)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert len(many) == len(few)
    risk = page.split("需关注的学员")[1].split("课程表")[0]
    assert "学员02" in risk and ahead.name not in risk


def test_flask_lms_hours_prints_one_json_object_per_learner(app, setup):
    learner = setup.learners[0]
    mark_attendance(make_session(setup.teaching_class, held_on=DAY, mode="live", hours=8), learner)
    make_platform_record(learner, minutes=90, studied_on=date(2025, 3, 10))
    result = app.test_cli_runner().invoke(args=["lms", "hours", "--as-of", "2025-12-31", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["student_number"]: row for row in map(json.loads, result.output.strip().splitlines())}
    mine = rows[learner.student_number]
    assert mine["id_number"] == learner.id_number
    assert mine["hours"] == {"face": 0, "live": 8, "platform": 1.5, "self": 0}
    assert mine["hours_360"] == 9.5
    assert mine["rules"]["R6"] == {"ok": False, "severity": "blocker", "reason": "自学+线上 9.5/360 学时，还差 350.5 学时"}
    assert mine["rules"]["R5"]["severity"] == "warning" and mine["rules"]["R1"]["ok"]
    early = app.test_cli_runner().invoke(args=["lms", "hours", "--as-of", "2025-03-01", "--json"])
    assert all(json.loads(line)["hours_360"] == 0 for line in early.output.strip().splitlines())


def test_the_hours_export_is_audited(app, setup):
    from sqlalchemy import select

    from lms.audit.models import AuditEvent

    app.test_cli_runner().invoke(args=["lms", "hours", "--json"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.hours"))
    assert event is not None and event.after["learners"] == len(setup.learners)


def test_hours_asked_again_with_other_learners_and_days_answer_for_those(setup):
    """hour_totals builds its statement once per shape (ids and day as parameters): one call after another
    with other learners, days and period cut-offs answers as the statement built afresh for those arguments."""
    from lms.teaching.hours import hour_totals_statement

    rng = random.Random(17)
    for k in range(12):
        session = make_session(setup.teaching_class, held_on=date(2025, 3, 1 + 2 * k), mode=rng.choice(["face", "live"]),
                               hours=rng.choice([2, 4, 8]))
        for learner in setup.learners:
            mark_attendance(session, learner, status=rng.choice(["present", "late", "absent", "leave"]))
    for learner in setup.learners:
        make_platform_record(learner, minutes=rng.randint(10, 90), studied_on=date(2025, 3, rng.randint(1, 28)))
        make_self_study(learner, minutes=rng.randint(30, 180), studied_on=date(2025, 3, rng.randint(1, 28)))
    ids = [learner.id for learner in setup.learners]
    cohorts = [setup.learners[0].cohort]
    asks = [dict(learners=ids[:1], as_of=date(2025, 3, 10)), dict(learners=ids, as_of=date(2025, 3, 20)),
            dict(learners=ids[1:], as_of=None), dict(learners=[], as_of=DAY), dict(learners=None, as_of=DAY),
            dict(learners=ids, as_of=date(2025, 2, 1)), dict(learners=ids, as_of=DAY, within_period=cohorts),
            dict(learners=ids[:2], as_of=date(2025, 3, 31), within_period=cohorts)]
    for ask in asks * 2:
        fresh = {row.learner_id: HourTotals(face=int(row.face), live=int(row.live), platform=int(row.platform),
                                            self_study=int(row.self_study))
                 for row in db.session.execute(hour_totals_statement(**ask))}
        assert hour_totals(**ask) == fresh, ask
    assert hour_totals(learners=ids, as_of=date(2025, 3, 20)) != hour_totals(learners=ids, as_of=date(2025, 3, 10))
