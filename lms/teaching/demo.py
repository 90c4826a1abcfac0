"""Demo teaching data: a year of sessions, attendance, platform and self-study hours for whatever classes
and learners the registry's demo created (queried, never assumed), and two classes for the demo teacher.

Deterministic (a seeded random generator), so every demo county looks the same. Each class meets for a
full day once a month, with a month or two skipped in some classes so the R4 warning shows, and one class
holds a winter training across the last New Year (20 December – 5 January, 136 学时: one training, counted
in the year it began); learners differ in diligence so some are past 360 hours, some behind, and recent
self-study waits for approval. Platform and self-study hours are cut to what the daily caps of each learner's
policy leave on the day (lms.rules.daily_room), sessions included, so every record could have been entered
through the pages.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from lms import summaries
from lms.auth.models import User
from lms.core.clock import now_utc
from lms.extensions import db
from lms.learners.models import Learner
from lms.learners.studying import study_histories
from lms.policies.services import policies_for
from lms.rules import clock_minutes_within, daily_room, mark_minutes, parts_from_clock_minutes, session_category
from lms.teaching.models import Attendance, ClassSession, ClassTeacher, PlatformRecord, SelfStudyEntry, TeachingClass
from lms.teaching.queries import plan_courses
from lms.teaching.services.selfstudy import check_study_day

PLATFORMS = ("贵州省社区教育学习平台", "中央农广校学习网")
SELF_STUDY_TOPICS = ("读写算练习册", "普通话跟读音频", "种养殖技术视频", "政策法规宣传册", "专业课作业练习")
# Learners' diligence: (share of learners, platform minutes per month, self-study minutes per month).
PROFILES = ((0.25, 1500, 1200), (0.45, 800, 500), (0.30, 120, 60))


def _first_saturday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _months_back(today: date, count: int) -> list[tuple[int, int]]:
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def _give_teacher_classes(classes: list[TeachingClass]) -> None:
    teacher = db.session.scalar(select(User).where(User.username == "teacher"))
    if teacher is None or not classes:
        return
    already = set(db.session.scalars(select(ClassTeacher.class_id).where(ClassTeacher.user_id == teacher.id)))
    for teaching_class in classes[:2]:
        if teaching_class.id not in already:   # the registry's demo may have assigned one already
            db.session.add(ClassTeacher(class_id=teaching_class.id, user_id=teacher.id))
    classes[0].head_teacher_id = teacher.id
    db.session.flush()


def _sessions(rng: random.Random, teaching_class: TeachingClass, today: date, skipped: set[tuple[int, int]],
              start: date, end: date) -> list[ClassSession]:
    """A full day on the first Saturday of each month of the last year while the class runs (from its first
    learner's enrolment to its last learner's period end), some with a live-online lesson two weeks later."""
    courses = plan_courses(teaching_class.specialty_id)
    if not courses:
        return []
    sessions = []
    for index, (year, month) in enumerate(_months_back(today, 12)):
        held_on = _first_saturday(year, month)
        if held_on > min(today, end) or held_on < start or (year, month) in skipped:
            continue
        course = courses[index % len(courses)]
        sessions.append(ClassSession(class_id=teaching_class.id, course_id=course.id, held_on=held_on, mode="face",
                                     minutes=480, place=teaching_class.teaching_point.name))
        if rng.random() < 0.5 and held_on + timedelta(days=14) <= min(today, end):   # a live-online lesson mid-month
            sessions.append(ClassSession(class_id=teaching_class.id, course_id=courses[(index + 1) % len(courses)].id,
                                         held_on=held_on + timedelta(days=14), mode="live", minutes=120,
                                         place="线上直播"))
    db.session.add_all(sessions)
    db.session.flush()
    return sessions


def _winter(today: date) -> tuple[date, date]:
    """The last winter training before `today`: 20 December to 5 January across the latest New Year passed."""
    year = today.year if today >= date(today.year, 1, 6) else today.year - 1
    return date(year - 1, 12, 20), date(year, 1, 5)


def _winter_training(teaching_class: TeachingClass, first: date, last: date, taken: set[date]) -> list[ClassSession]:
    """A full day every day from `first` to `last` (slack season), except days the class already meets."""
    courses = plan_courses(teaching_class.specialty_id)
    sessions, day = [], first
    while day <= last:
        if day not in taken:
            sessions.append(ClassSession(class_id=teaching_class.id, course_id=courses[len(sessions) % len(courses)].id,
                                         held_on=day, mode="face", minutes=480,
                                         place=teaching_class.teaching_point.name))
        day += timedelta(days=1)
    db.session.add_all(sessions)
    db.session.flush()
    return sessions


def _attendance_rows(rng: random.Random, sessions, learners, teacher_id, histories) -> list[dict]:
    rows, now = [], now_utc()
    for session in sessions:
        for learner in learners:
            if session.held_on > learner.period_end_on or check_study_day(learner, session.held_on, session.held_on,
                                                                           histories[learner.id]):
                continue
            roll = rng.random()
            # A late learner's teacher types three quarters of the day; the rules credit the others.
            status, typed = (("present", None) if roll < 0.84 else ("late", session.minutes * 3 // 4) if roll < 0.90
                             else ("leave", None) if roll < 0.95 else ("absent", None))
            minutes = mark_minutes(status, typed, session.minutes)
            rows.append({"session_id": session.id, "learner_id": learner.id, "status": status, "minutes": minutes,
                         "recorded_by_id": teacher_id, "updated_at": now})
    return rows


def _profile(roll: float) -> tuple[int, int]:
    """The (platform, self-study) monthly minutes of the PROFILES entry a roll in [0, 1) falls into."""
    share = 0.0
    for share_of, platform_minutes, self_minutes in PROFILES:
        share += share_of
        if roll < share:
            return platform_minutes, self_minutes
    return PROFILES[-1][1:]


def _study_rows(rng: random.Random, learners, today: date, histories,
                held: dict[tuple[int, date], dict[str, int]]) -> tuple[list[dict], list[dict]]:
    """Platform and self-study rows of a year; `held` ({(learner_id, day): {category: minutes}}, the
    sessions' hours) is filled in as rows are added, each cut to the room the day's caps leave."""
    platform, self_study, now = [], [], now_utc()
    policies = policies_for({learner.cohort for learner in learners})
    for learner in learners:
        platform_minutes, self_minutes = _profile(rng.random())
        length = policies[learner.cohort].hour_length_minutes
        for year, month in _months_back(today, 12):
            for kind, monthly in (("P", platform_minutes), ("S", self_minutes)):
                remaining = int(monthly * rng.uniform(0.7, 1.3))
                day = 2
                while remaining > 0 and day <= 27:
                    studied_on = date(year, month, day)
                    # Self-study is typed in 学时; a platform reports clock minutes, converted as the import does.
                    clock = rng.choice((45, 60, 90, 135)) if kind == "P" else None
                    minutes = (parts_from_clock_minutes(clock, length) if kind == "P"
                               else min(remaining, rng.choice((60, 90, 120, 180))))
                    remaining -= minutes
                    day += rng.randint(2, 4)
                    if studied_on > learner.period_end_on or check_study_day(learner, studied_on, today,
                                                                             histories[learner.id]):
                        continue
                    that_day = held.setdefault((learner.id, studied_on), {})
                    room = daily_room(policies[learner.cohort], kind, that_day)
                    if kind == "P":
                        clock = min(clock, clock_minutes_within(room, length))
                        minutes = parts_from_clock_minutes(clock, length)
                    else:
                        minutes = min(minutes, room)
                    if minutes <= 0:
                        continue
                    that_day[kind] = that_day.get(kind, 0) + minutes
                    if kind == "P":
                        platform.append({"learner_id": learner.id, "platform": rng.choice(PLATFORMS),
                                         "course_name": rng.choice(SELF_STUDY_TOPICS), "minutes": minutes,
                                         "clock_minutes": clock,
                                         "studied_on": studied_on, "record_ref": f"DEMO-{learner.id}-{len(platform)}",
                                         "created_at": now})
                    else:
                        recent = (today - studied_on).days <= 7
                        self_study.append({"learner_id": learner.id, "studied_on": studied_on, "minutes": minutes,
                                           "content": rng.choice(SELF_STUDY_TOPICS),
                                           "status": "pending" if recent else "approved", "source": "teacher",
                                           "decided_at": None if recent else now, "decision_note": "",
                                           "created_at": now})
    return platform, self_study


def load(*, today: date) -> dict[str, int]:
    """Add teaching data for the existing classes and learners (flushes; the caller commits). Returns counts."""
    rng = random.Random(2025)
    classes = list(db.session.scalars(select(TeachingClass).where(TeachingClass.active.is_(True))
                                      .order_by(TeachingClass.id)))
    learners_by_class: dict[int, list[Learner]] = {}
    for learner in db.session.scalars(select(Learner).where(Learner.class_id.is_not(None)).order_by(Learner.id)):
        learners_by_class.setdefault(learner.class_id, []).append(learner)
    with_learners = [c for c in classes if learners_by_class.get(c.id)]
    histories = study_histories(learner for members in learners_by_class.values() for learner in members)
    _give_teacher_classes(with_learners or classes)
    teacher_id = db.session.scalar(select(User.id).where(User.username == "teacher"))
    counts = {"sessions": 0, "attendance": 0, "platform": 0, "self_study": 0}
    held: dict[tuple[int, date], dict[str, int]] = {}       # the sessions' hours of each learner's day
    all_learners, teacher_has_today = [], False
    winter_first, winter_last = _winter(today)
    # The winter training goes to a class whose learners study throughout it, one still running if any.
    spanning = [c for c in with_learners if min(l.enrolled_on for l in learners_by_class[c.id]) <= winter_first
                and max(l.period_end_on for l in learners_by_class[c.id]) >= winter_last]
    running = [c for c in spanning if max(l.period_end_on for l in learners_by_class[c.id]) >= today]
    wintering = (running or spanning or [None])[0]
    for index, teaching_class in enumerate(with_learners):
        learners = learners_by_class[teaching_class.id]
        all_learners += learners
        months = _months_back(today, 12)
        skipped = {months[3 + index % 5]} if index % 2 == 0 else set()    # a gap in every other class
        start = min(learner.enrolled_on for learner in learners)
        end = max(learner.period_end_on for learner in learners)
        sessions = _sessions(rng, teaching_class, today, skipped, start, end)
        if teaching_class is wintering and sessions:
            sessions += _winter_training(teaching_class, winter_first, winter_last, {s.held_on for s in sessions})
        attendance = _attendance_rows(rng, sessions, learners, teacher_id, histories)
        if attendance:
            db.session.execute(insert(Attendance), attendance)
        by_id = {session.id: session for session in sessions}
        for row in attendance:
            session = by_id[row["session_id"]]
            day = held.setdefault((row["learner_id"], session.held_on), {})
            category = session_category(session.mode)
            day[category] = day.get(category, 0) + row["minutes"]
        counts["sessions"] += len(sessions)
        counts["attendance"] += len(attendance)
        # Today's session of the demo teacher's first running class, to take attendance on.
        if not teacher_has_today and end >= today and plan_courses(teaching_class.specialty_id):
            teacher_has_today = True
            todays = ClassSession(class_id=teaching_class.id, held_on=today, mode="face", minutes=480,
                                  course_id=plan_courses(teaching_class.specialty_id)[0].id,
                                  place=teaching_class.teaching_point.name, teacher_id=teacher_id)
            db.session.add(todays)
            counts["sessions"] += 1
            for learner in learners:    # kept free for the whole day the teacher will mark
                held.setdefault((learner.id, today), {})[session_category(todays.mode)] = todays.minutes
    platform, self_study = _study_rows(rng, all_learners, today, histories, held)
    if platform:
        db.session.execute(insert(PlatformRecord), platform)
    if self_study:
        db.session.execute(insert(SelfStudyEntry), self_study)
    counts["platform"], counts["self_study"] = len(platform), len(self_study)
    db.session.flush()
    summaries.sessions_changed(teaching_class.id for teaching_class in with_learners)
    summaries.hours_changed([learner.id for learner in all_learners])
    return counts
