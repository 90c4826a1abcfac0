"""The dashboard's summaries are kept one way (lms.summaries): every write that changes what they count
declares it, the guard fails a commit (and a test) when one does not, and after every kind of import
the summaries equal a fresh count."""
from __future__ import annotations

import ast
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from lms import summaries
from lms.auth.scope import EVERYTHING
from lms.core.clock import today
from lms.extensions import db
from lms.imports.pipeline import run_import
from lms.imports.registry import importer_classes
from lms.learners.models import Learner
from lms.reports.areas import county_area
from lms.reports.models import CadenceStanding
from lms.reports.queries import area_figures
from lms.reports.standings import standings_drift
from lms.reports.tallies import tally_drift
from lms.teaching.hours import hours_drift
from lms.teaching.models import ClassSession, PlatformRecord
from lms.teaching.services.sessions import Mark, save_attendance
from tests.factories import (
    make_class,
    make_county,
    make_learner,
    make_plan,
    make_session,
    make_teaching_point,
    make_township,
    make_village,
    mark_attendance,
    next_id_number,
    specialty_named,
)
from tests.support.spreadsheets import csv_bytes

LMS = Path(__file__).resolve().parents[2] / "lms"


@dataclass
class Place:
    township: object
    village: object
    teaching_class: object
    learners: list


@pytest.fixture
def place() -> Place:
    """汇总县 甲镇 甲一村: a 家政 class of 2025 with four learners, one session attended in March 2025."""
    township = make_township(make_county("汇总县"), "甲镇")
    village = make_village(township, "甲一村")
    specialty = specialty_named("家政")
    make_plan(specialty)
    teaching_class = make_class(make_teaching_point(village, "甲一村讲习所"), specialty=specialty, cohort=2025,
                                code="HZ-01")
    learners = [make_learner(village, teaching_class=teaching_class, name=f"汇总{i}", enrolled_on=date(2025, 3, 1))
                for i in range(4)]
    session = make_session(teaching_class, held_on=date(2025, 3, 8))
    for learner in learners:
        mark_attendance(session, learner)
    return Place(township, village, teaching_class, learners)


def look_at_the_dashboard() -> None:
    """Today's county dashboard: it stores each class's R4 standing."""
    area_figures(EVERYTHING, county_area("汇总县"), today())
    assert db.session.scalar(select(CadenceStanding.class_id).limit(1)) is not None


def drift() -> dict[str, set]:
    return {"tallies": tally_drift(), "learner_hours": hours_drift(), "standings": standings_drift()}


NO_DRIFT = {"tallies": set(), "learner_hours": set(), "standings": set()}


# --- after every import kind ----------------------------------------------------------------------

def rows_of_every_kind(place: Place) -> dict[str, list[dict]]:
    """A small good file of each import kind, by column key (the header is each column's label)."""
    first, second, third, fourth = (learner.id_number for learner in place.learners)
    new_village_code = f"{place.township.code[:9]}777"
    return {
        "divisions": [{"code": new_village_code, "name": "新建村"}],
        "roster": [{"name": "名册新人", "id_number": next_id_number(), "sex": "女", "township": "甲镇",
                    "village": "甲一村", "education": "小学", "phone": "13812345678"}],
        "enrolments": [
            {"id_number": next_id_number(), "name": "新学员", "township": "甲镇", "village": "甲一村",
             "point": "甲一村讲习所", "specialty": "家政", "class_name": place.teaching_class.name,
             "enrolled_on": "2026-03-01", "education": "未上过学", "ethnicity": "布依族", "phone": "13812345678"},
            {"id_number": next_id_number(), "name": "新班学员", "township": "甲镇", "village": "甲一村",
             "point": "甲一村讲习所", "specialty": "家政", "class_name": "甲一家政2026级新班",
             "enrolled_on": "2026-03-01", "education": "初中", "ethnicity": "汉族", "phone": ""}],
        "plans": [{"specialty": "家政", "course": "家政礼仪", "kind": "专业技能课", "hours": "54", "credits": "3",
                   "assignments": "0"}],
        "attendance": [{"class": "HZ-01", "day": "2026-12-05", "course": "读写算", "mode": "面授", "hours": "8",
                        "id_number": number, "status": status}
                       for number, status in ((first, "出勤"), (second, "迟到"), (third, "缺勤"))],
        "online-hours": [{"id_number": first, "platform": "贵州省社区教育学习平台", "minutes": "360",
                          "day": "2026-10-10", "record_id": "HZ-0001"},
                         {"id_number": second, "platform": "贵州省社区教育学习平台", "minutes": "45",
                          "day": "2026-10-11", "record_id": "HZ-0002"}],
        "self-study": [{"id_number": third, "day": "2026-10-12", "hours": "2", "content": "读写算练习册第 3 单元"}],
        "assignments": [{"id_number": first, "course": "家政服务", "title": "作业1", "completed_on": "2026-05-06"}],
        "results": [{"id_number": first, "course": "读写算", "score": "78", "sat_on": "2026-06-20"}],
        "moral": [{"id_number": first, "result": "合格", "evaluated_on": "2026-06-20"}],
        "exemptions": [{"id_number": second, "course": "家政顶岗实习", "kind": "实习免除", "evidence_type": "工作经历",
                        "evidence": "某家政公司保洁员 2019—2022", "work_years": "3", "status": "已批准"}],
        "status-events": [{"id_number": fourth, "kind": "休学", "occurred_on": "2026-09-01", "reason": "外出务工"},
                          {"id_number": third, "kind": "退学", "occurred_on": "2026-10-20", "reason": "本人申请"},
                          {"id_number": second, "kind": "转出", "occurred_on": "2026-10-21", "reason": "迁居",
                           "other_school": "邻县职业技术学校", "document_number": "ZX-2026-01"},
                          {"id_number": first, "kind": "死亡", "occurred_on": "2026-10-22", "reason": "病故"}],
    }


def import_rows(kind: str, rows: list[dict]):
    cls = importer_classes()[kind]
    columns = [column for column in cls.columns if any(column.key in row for row in rows)]
    data = csv_bytes([column.label for column in columns], [[row.get(column.key, "") for column in columns]
                                                             for row in rows])
    return run_import(cls(actor=None, scope=EVERYTHING, today=today()), data, f"{kind}.csv")


def test_every_import_kind_has_a_file_here(place):
    assert set(rows_of_every_kind(place)) == set(importer_classes())


@pytest.mark.parametrize("kind", list(importer_classes()))
def test_after_an_import_of_any_kind_every_summary_equals_a_fresh_count(place, kind):
    look_at_the_dashboard()
    assert drift() == NO_DRIFT
    summary = import_rows(kind, rows_of_every_kind(place)[kind])
    assert (summary.fatal, summary.errors) == (None, []) and summary.written >= 1, summary
    assert summaries.undeclared() == {}
    assert drift() == NO_DRIFT


def test_transfers_carried_hours_and_revoking_keep_every_summary_equal_to_a_fresh_count(place):
    from lms.learners.models import StatusEvent
    from lms.learners.services.status import record_status_event, revoke_status_event

    look_at_the_dashboard()
    arriving, leaving = place.learners[:2]
    record_status_event(actor=None, learner=arriving, kind="transfer_in", occurred_on=date(2025, 3, 1), reason="迁入",
                        other_school="邻县职业技术学校", document_number="ZR-1", carried_hours={"F": 600, "S": 120})
    record_status_event(actor=None, learner=leaving, kind="cancel", occurred_on=date(2026, 9, 1), reason="户籍注销")
    assert summaries.undeclared() == {} and drift() == NO_DRIFT
    for event in db.session.scalars(select(StatusEvent).order_by(StatusEvent.id)).all():
        revoke_status_event(actor=None, event=event, reason="录错")
        assert summaries.undeclared() == {} and drift() == NO_DRIFT


def test_an_import_recounts_each_village_once_however_many_rows_it_writes(place, count_queries):
    rows = [{"id_number": learner.id_number, "kind": "休学", "occurred_on": "2026-09-01", "reason": "外出务工"}
            for learner in place.learners]
    with count_queries() as statements:
        summary = import_rows("status-events", rows)
    assert summary.written == 4
    assert sum(statement.lstrip().startswith("DELETE FROM learner_tallies") for statement in statements) == 1
    assert tally_drift() == set()


# --- what one write costs -------------------------------------------------------------------------

def test_saving_an_attendance_sheet_costs_the_same_few_statements_for_any_class_size(place, count_queries):
    small = place.teaching_class
    big = make_class(make_teaching_point(place.village), specialty=small.specialty, cohort=2025)
    for _ in range(20):
        make_learner(place.village, teaching_class=big, enrolled_on=date(2025, 3, 1))
    counted = {}
    for teaching_class in (small, big):
        session = make_session(teaching_class, held_on=date(2026, 11, 7))
        learners = db.session.scalars(select(Learner.id).where(Learner.class_id == teaching_class.id)).all()
        with count_queries() as statements:
            save_attendance(actor=None, session=session, expected_version=session.version,
                            marks={learner_id: Mark("present", 480) for learner_id in learners},
                            today=today(), scope=EVERYTHING)
        # One INSERT per new attendance row (the sheet's own rows); everything else is fixed.
        counted[len(learners)] = [one for one in statements if not one.startswith("INSERT INTO attendance")]
    assert len(counted[4]) == len(counted[20])
    with count_queries() as statements:
        summaries.hours_changed(learners)
    # learner_hours 3; the villages 1, their lock 1; tallies 4 (cohorts, policies, delete, insert); monthly hours 2
    assert len(statements) == 11
    assert drift() == {"tallies": set(), "learner_hours": set(), "standings": set()}


# --- a sheet's save: the difference, in a few statements ---------------------------------------------

def a_class(place: Place, size: int, *, cohort: int = 2025, villages=None):
    """A class of `size` learners of `cohort` (enrolled 1 March), from `villages` in turn (the place's one)."""
    villages = villages or [place.village]
    klass = make_class(make_teaching_point(villages[0], f"汇总点{size}-{cohort}-{next_id_number()[-4:]}"),
                       specialty=place.teaching_class.specialty, cohort=cohort)
    learners = [make_learner(villages[n % len(villages)], teaching_class=klass, enrolled_on=date(cohort, 3, 1))
                for n in range(size)]
    return klass, learners


def save(session, marks: dict[int, Mark]) -> None:
    save_attendance(actor=None, session=session, expected_version=session.version, marks=marks, today=today(),
                    scope=EVERYTHING)
    db.session.flush()      # the audit event too


@pytest.mark.parametrize("mode", ["face", "live"])
def test_a_sheets_save_costs_the_same_few_statements_for_a_class_of_10_or_40(place, count_queries, mode):
    from lms.policies.services import save_policy
    from lms.rules import Policy

    # 20 学时 required: bands of 200 minutes, so that these saves move every learner between bands.
    save_policy(actor=None, cohort=2025, values={**Policy().to_mapping(), "hours_required_minutes": 1200})
    costs = {}
    for size in (10, 40):
        klass, learners = a_class(place, size)
        session = make_session(klass, held_on=date(2026, 11, 7), mode=mode)
        with count_queries() as first:              # every row new
            save(session, {learner.id: Mark("present", 480) for learner in learners})
        with count_queries() as second:             # every row changed: some minutes, some statuses only
            save(session, {learner.id: Mark(("late", "absent", "leave")[n % 3], 240 if n % 3 == 0 else 0)
                           for n, learner in enumerate(learners)})
        costs[size] = (len(first), len(second))
    assert costs[10] == costs[40]
    # Reading the sheet 5, the version 1, the rows 1, learner_hours 1, monthly hours 1, the audit 1; on
    # PostgreSQL the learners' and villages' turns 2; R6 counts live-online hours: the bands before and
    # after 2, and (when one moved) the tallies read 1 and changed 1 or 2.
    turns = 0 if db.engine.dialect.name == "sqlite" else 2
    expected = {"face": 10, "live": 15}[mode] + turns
    assert costs[40] == (expected, expected)
    assert drift() == NO_DRIFT


def test_after_many_random_saves_every_summary_equals_a_fresh_count(place):
    """Marks changed every way (出勤→缺勤→请假 and back, 迟到 with fewer minutes), face-to-face and
    live-online sessions, bands crossed both ways, hours after a study period that does not count them."""
    from lms.policies.services import save_policy
    from lms.rules import Policy

    rng = random.Random(17)
    # Narrow bands (60 学时 required: a band is 10) so that one session moves learners between them; the 2025
    # cohort counts face-to-face hours too.
    save_policy(actor=None, cohort=2023, values={**Policy().to_mapping(), "hours_required_minutes": 3600})
    save_policy(actor=None, cohort=2025, values={**Policy().to_mapping(), "hours_required_minutes": 3600,
                                                 "hours_categories": ["F", "L", "P", "S"]})
    other = make_village(place.township, "甲二村")
    classes = [a_class(place, 8, cohort=2023, villages=[place.village, other]),     # period ended 2026-02-28
               a_class(place, 6, cohort=2025, villages=[other, place.village])]
    days = [date(2026, 1, 10), date(2026, 2, 28), date(2026, 3, 1), date(2026, 6, 1), date(2026, 11, 7), date(2026, 12, 7)]
    sessions = [(make_session(klass, held_on=day, mode=("face", "live")[n % 2], hours=rng.choice((4, 8))), learners)
                for klass, learners in classes for n, day in enumerate(days)]
    assert drift() == NO_DRIFT
    first, learners = sessions[1]
    for status in ("present", "absent", "leave", "present", "late", "leave", "absent", "present"):
        save(first, {learner.id: Mark(status, first.minutes if status in ("present", "late") else 0)
                     for learner in learners})
        assert drift() == NO_DRIFT, status
    for turn in range(60):
        session, learners = rng.choice(sessions)
        marks = {}
        for learner in learners:
            status = rng.choice(("present", "present", "late", "leave", "absent"))
            minutes = rng.choice((session.minutes, session.minutes // 2, 60)) if status in ("present", "late") else 0
            marks[learner.id] = Mark(status, minutes)
        save(session, marks)
        assert drift() == NO_DRIFT, turn
    assert summaries.undeclared() == {}


# --- the guard ------------------------------------------------------------------------------------

def test_an_undeclared_change_fails_the_commit_and_a_declared_one_passes(place):
    learner = place.learners[0]
    learner.status, learner.status_changed_on = "suspended", date(2026, 9, 1)
    db.session.flush()
    assert summaries.undeclared() == {"learner": {learner.id}}
    with pytest.raises(summaries.UndeclaredSummaryChange, match="learners_changed"):
        db.session.commit()
    summaries.learners_changed([learner.id])
    assert summaries.undeclared() == {}
    db.session.commit()
    assert tally_drift() == set()


def test_the_guard_names_what_each_kind_of_write_must_declare(place):
    learner, other = place.learners[:2]
    session = db.session.scalar(select(ClassSession))
    learner.village_id = make_village(place.township).id             # moved: both villages
    session.mode = "live"                                            # the class's R4, its attendees' hours
    db.session.add(PlatformRecord(learner_id=other.id, platform="测试平台", minutes=30, studied_on=date(2026, 5, 1),
                                  record_ref="G-1"))
    db.session.flush()
    attendees = {learner.id for learner in place.learners}
    assert summaries.undeclared() == {"learner": {learner.id}, "village": {place.village.id},
                                      "class": {place.teaching_class.id}, "hours": attendees}
    summaries.learners_changed([learner.id])
    assert summaries.undeclared() == {"village": {place.village.id}, "class": {place.teaching_class.id},
                                      "hours": attendees}
    summaries.learners_changed([learner.id], moved_from=[place.village.id])
    summaries.sessions_changed([place.teaching_class.id])
    summaries.hours_changed(attendees)
    assert summaries.undeclared() == {}
    assert drift() == NO_DRIFT


def test_a_bulk_statement_is_owed_until_a_declaration_of_its_kind_follows(place):
    ids = [learner.id for learner in place.learners]
    db.session.execute(update(ClassSession).values(version=ClassSession.version + 1))     # the sheet's lock: nothing
    db.session.execute(update(Learner).where(Learner.id.in_(ids)).values(phone="13900000000"))   # not counted
    assert summaries.undeclared() == {}
    db.session.execute(update(Learner).where(Learner.id.in_(ids)).values(status="suspended"),
                       execution_options={"synchronize_session": "fetch"})
    assert summaries.undeclared() == {"learner": {None}}
    with pytest.raises(summaries.UndeclaredSummaryChange, match="a bulk statement"):
        summaries.assert_declared()
    summaries.learners_changed(ids)
    assert summaries.undeclared() == {} and tally_drift() == set()


def test_what_a_rolled_back_savepoint_wrote_is_not_owed(place):
    learner = place.learners[0]
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            learner.status = "suspended"
            db.session.flush()
            assert summaries.undeclared() == {"learner": {learner.id}}
            raise RuntimeError("the import failed")
    assert summaries.undeclared() == {}


def test_a_new_policy_is_owed_to_its_cohort_until_declared(place):
    from lms.policies.models import PolicyVersion
    from lms.rules import Policy

    db.session.add(PolicyVersion(cohort=2025, version=1, settings=Policy().to_mapping()))
    db.session.flush()
    assert summaries.undeclared() == {"cohort": {2025}}
    summaries.policy_changed(2025)
    assert summaries.undeclared() == {}


# --- one way, enforced -----------------------------------------------------------------------------

KEEPERS = {"recount_learner_hours", "recount_villages", "rebuild_tallies", "forget", "forget_all",
           "add_learner_hours", "add_village_hours", "move_tallies"}
ALLOWED = {"summaries.py", "reports/cli.py"}       # the one module; `flask lms report retally` after upgrades


def test_only_lms_summaries_keeps_the_summaries_and_no_flush_listener_does():
    offenders = []
    for path in sorted(LMS.rglob("*.py")):
        name = path.relative_to(LMS).as_posix()
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if called in KEEPERS and name not in ALLOWED and not _defined_here(tree, called):
                    offenders.append(f"{name}:{node.lineno} calls {called}")
        if ("after_flush" in source or "before_flush" in source) and name != "summaries.py":
            offenders.append(f"{name} listens to flushes")
    assert offenders == [], "writers declare through lms.summaries (docs/DEVELOPING.md, “Summaries”)"


def _defined_here(tree: ast.Module, name: str) -> bool:
    return any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body)
