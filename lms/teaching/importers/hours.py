"""Imports of platform online hours (`online-hours`, P) and of self-study hours (`self-study`, S)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import insert, select

from lms import summaries
from lms.core.clock import now_utc
from lms.extensions import db
from lms.imports.cells import clean_text, parse_date, parse_decimal, parse_hours_as_parts
from lms.imports.headers import Column, common_column
from lms.imports.lookup import among, analyse_after_bulk_write, chunks
from lms.imports.pipeline import Importer, SourceRow
from lms.policies.services import policies_for
from lms.rules import DAY_CLOCK_MINUTES, DAY_MINUTES, PARTS_PER_HOUR, StudyHistory, parts_from_clock_minutes
from lms.rules.crediting import PLATFORM_CATEGORY, SELF_STUDY_CATEGORY
from lms.teaching.hours import CHUNK, day_holding_self_study
from lms.teaching.importers.common import NOT_FOUND, DailyLimit, LearnerFinder, cell
from lms.teaching.models import PlatformRecord, SelfStudyEntry
from lms.teaching.services.selfstudy import check_study_day, self_study_problem

#: Where each field of self_study_problem sits in a self-study file.
SELF_STUDY_COLUMNS = {"studied_on": "day", "hours": "hours", "content": "content"}


def platform_record_problem(learner, studied_on, today, history: StudyHistory | None = None) -> str | None:
    """Why a platform record cannot be credited to `learner` on `studied_on` (Chinese), or None — THE check
    of a platform (P) record beyond its cells (clock minutes 0–1,440, read by the import): a day the learner
    studies, not in the future. The daily caps are checked over the whole file (DailyLimit)."""
    return check_study_day(learner, studied_on, today, history)


@dataclass(frozen=True, slots=True)
class PlannedPlatformRecord:
    """A platform record to add (a record already imported is unchanged, never updated): `clock_minutes` as
    the platform gave them, `minutes` the parts of a 学时 they make under the learner's cohort policy."""

    row: int
    learner_id: int
    platform: str
    record_ref: str
    course_name: str
    minutes: int
    studied_on: date
    clock_minutes: int

    def to_row(self, actor_id: int | None, now: datetime) -> dict:
        """The platform_records row (built by hand: dataclasses.asdict is slow)."""
        return {"learner_id": self.learner_id, "platform": self.platform, "record_ref": self.record_ref,
                "course_name": self.course_name, "minutes": self.minutes, "clock_minutes": self.clock_minutes,
                "studied_on": self.studied_on, "imported_by_id": actor_id, "created_at": now}


@dataclass(frozen=True, slots=True)
class PlannedSelfStudy:
    """A self-study entry to add, pending until a class teacher approves it (the same entry again is unchanged)."""

    row: int
    learner_id: int
    studied_on: date
    minutes: int
    content: str

    def to_row(self, actor_id: int | None, now: datetime) -> dict:
        """The self_study_entries row (built by hand: dataclasses.asdict is slow)."""
        return {"learner_id": self.learner_id, "studied_on": self.studied_on, "minutes": self.minutes,
                "content": self.content, "status": "pending", "source": "import", "decided_by_id": None,
                "decided_at": None, "decision_note": "", "created_by_id": actor_id, "created_at": now}


class OnlineHoursImporter(Importer[PlannedPlatformRecord]):
    """平台线上学习: one platform record per row; a record id already imported (same platform) adds nothing.

    A platform counts clock minutes; the rules count 学时. Each row's minutes (whole, half-up) become parts of a
    学时 once, here, with the hour length of the learner's cohort policy (lms.rules.parts_from_clock_minutes):
    90 minutes are 2 学时 at 45 minutes a 学时 and 1.5 at 60. The record keeps the clock minutes too."""

    kind = "online-hours"
    label = "平台线上学时"
    capability = "hours.import"
    description = ("学习平台导出的学习记录：身份证号、姓名、平台、课程名称、学习时长（分钟）、学习日期、记录编号。"
                   "学习时长按学员所在年级政策的学时长度折算成学时（默认 45 分钟 = 1 学时，如 90 分钟 = 2 学时）。"
                   "同一平台已导入过的记录编号不再计入。")
    columns = (
        common_column("id_number", required=True),
        common_column("name"),
        Column("platform", "平台", ("平台", "平台名称", "学习平台", "platform"), True),
        Column("course", "课程名称", ("课程名称", "课程", "course"), False),
        Column("minutes", "学习时长（分钟）", ("学习时长（分钟）", "时长（分钟）", "分钟", "学习时长分钟", "minutes"), True),
        Column("day", "学习日期", ("学习日期", "日期", "date"), True),
        Column("record_id", "记录编号", ("记录编号", "记录号", "流水号", "记录ID", "record_id"), True),
    )
    example = {"id_number": "522327198506150021", "name": "王芳", "platform": "贵州省社区教育学习平台",
               "course": "种植技术入门", "minutes": "45", "day": "2025-03-10", "record_id": "GZ20250310-0001"}
    text_columns = ("id_number", "record_id")

    def check(self, rows: list[SourceRow]) -> list[PlannedPlatformRecord]:
        finder = LearnerFinder(self)
        parsed, seen = [], {}
        for row in rows:
            platform, ref = clean_text(row.get("platform")), clean_text(row.get("record_id"))
            if not platform:
                self.refuse(row, "platform", "平台不能为空")
                continue
            if not ref or len(ref) > 80:
                self.refuse(row, "record_id", "记录编号不能为空" if not ref else "记录编号超过 80 个字符")
                continue
            if (platform, ref) in seen:
                self.refuse(row, "record_id", f"记录编号与第 {seen[(platform, ref)]} 行重复")
                continue
            seen[(platform, ref)] = row.number
            minutes = cell(self, row, "minutes", parse_decimal, min=0, max=DAY_CLOCK_MINUTES)
            day = cell(self, row, "day", parse_date)
            if minutes is None or day is None or not finder.read(row):
                continue
            parsed.append((row, platform, ref, int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP)), day))
        finder.load(self.scope)
        known = self._known_records([(platform, ref) for _, platform, ref, _, _ in parsed])
        found = [finder.learner(row) for row, *_ in parsed]
        policies = policies_for({learner.cohort for learner in found if learner is not None})
        limit, candidates = DailyLimit(), []
        for row, platform, ref, clock_minutes, day in parsed:
            if (platform, ref) in known:
                self.unchanged += 1
                continue
            learner = finder.learner(row)
            if learner is None:
                self.refuse(row, "id_number", NOT_FOUND)
                continue
            problem = platform_record_problem(learner, day, self.today, finder.history(learner))
            if problem:
                self.refuse(row, "day", problem)
                continue
            name = clean_text(row.get("name"))
            if name and name != learner.name:
                self.warn(row, "name", f"姓名与学籍不一致（学籍为 {learner.name}），已按身份证号导入")
            minutes = parts_from_clock_minutes(clock_minutes, policies[learner.cohort].hour_length_minutes)
            limit.add(row, learner, day, PLATFORM_CATEGORY, minutes, "minutes")
            candidates.append(PlannedPlatformRecord(row.number, learner.id, platform, ref,
                                                    clean_text(row.get("course"))[:120], minutes, day, clock_minutes))
        refused = limit.check(self)
        return [item for item in candidates if item.row not in refused]

    @staticmethod
    def _known_records(keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (platform, record id) pairs already imported. Each chunk is ONE statement with two one-parameter
        lists (lms.imports.lookup.among): the unique index's two columns each among the chunk's values, the
        exact pairs kept here. A file names one platform or a few, so the index condition stays narrow."""
        known: set[tuple[str, str]] = set()
        for chunk in chunks(keys):
            wanted = set(chunk)
            platforms = sorted({platform for platform, _ in chunk})
            refs = [ref for _, ref in chunk]
            rows = db.session.execute(select(PlatformRecord.platform, PlatformRecord.record_ref)
                                      .where(among(PlatformRecord.platform, platforms),
                                             among(PlatformRecord.record_ref, refs)))
            known.update(pair for pair in map(tuple, rows) if pair in wanted)
        return known

    def write(self, planned: list[PlannedPlatformRecord]) -> int:
        actor_id, now = getattr(self.actor, "id", None), now_utc()
        rows = [item.to_row(actor_id, now) for item in planned]
        db.session.execute(insert(PlatformRecord), rows)
        analyse_after_bulk_write(PlatformRecord.__table__, len(rows))
        summaries.hours_changed({item.learner_id for item in planned})
        return len(rows)


class SelfStudyImporter(Importer[PlannedSelfStudy]):
    """自学: one self-study entry per row, stored pending (whatever a status column of the file says): like an
    entry typed on the self-study form, it counts only once a class teacher approves it on the web
    (lms.teaching.services.selfstudy, capability self_study.approve) — an import brings no evidence. Each row
    is judged by the self-study form's check (self_study_problem) and the daily caps; a pending entry holds
    its place in the day."""

    kind = "self-study"
    label = "自学学时"
    capability = "hours.import"
    description = ("学员自学记录：身份证号、日期、学时、内容。导入的记录一律为“待审核”（文件中的审核状态列不予采用），"
                   "由班级教师在班级的“自学记录”页审核通过后才计入学时；完全相同的记录不会重复导入。")
    notice = "导入的自学记录一律为“待审核”，班级教师在班级的“自学记录”页审核通过后才计入学时。"
    columns = (
        common_column("id_number", required=True),
        common_column("day", "日期", required=True, field_name="study_on"),
        Column("hours", "学时", ("学时", "自学学时", "hours"), True),
        Column("content", "内容", ("内容", "学习内容", "自学内容", "content"), True),
    )
    example = {"id_number": "522327198506150021", "day": "2025-03-12", "hours": "2", "content": "读写算练习册第 3 单元"}

    def check(self, rows: list[SourceRow]) -> list[PlannedSelfStudy]:
        finder = LearnerFinder(self)
        parsed = []
        for row in rows:
            day = cell(self, row, "day", parse_date)
            minutes = cell(self, row, "hours", parse_hours_as_parts, max_hours=DAY_MINUTES // PARTS_PER_HOUR)
            content = clean_text(row.get("content"))
            if day is None or minutes is None:
                continue
            if finder.read(row):
                parsed.append((row, day, minutes, content))
        finder.load(self.scope)
        resolved = [(row, finder.learner(row), day, minutes, content) for row, day, minutes, content in parsed]
        ids = {learner.id for _, learner, *_ in resolved if learner is not None}
        known = set()
        for start in range(0, len(ids), CHUNK):
            chunk = sorted(ids)[start:start + CHUNK]
            known |= {tuple(row) for row in db.session.execute(select(
                SelfStudyEntry.learner_id, SelfStudyEntry.studied_on, SelfStudyEntry.minutes, SelfStudyEntry.content)
                .where(SelfStudyEntry.learner_id.in_(chunk), day_holding_self_study()))}   # rejected ones don't stand
        limit, candidates, seen = DailyLimit(), [], {}
        for row, learner, day, minutes, content in resolved:
            if learner is None:
                self.refuse(row, "id_number", NOT_FOUND)
                continue
            key = (learner.id, day, minutes, content)
            if key in known:
                self.unchanged += 1
                continue
            if key in seen:
                self.refuse(row, "content", f"与第 {seen[key]} 行完全相同")
                continue
            seen[key] = row.number
            problem = self_study_problem(learner, day, minutes, content, self.today, finder.history(learner))
            if problem:             # the self-study form's own check, word for word
                self.refuse(row, SELF_STUDY_COLUMNS[problem[0]], problem[1])
                continue
            limit.add(row, learner, day, SELF_STUDY_CATEGORY, minutes, "hours")
            candidates.append(PlannedSelfStudy(row.number, learner.id, day, minutes, content))
        refused = limit.check(self)
        return [item for item in candidates if item.row not in refused]

    def write(self, planned: list[PlannedSelfStudy]) -> int:
        actor_id, now = getattr(self.actor, "id", None), now_utc()
        rows = [item.to_row(actor_id, now) for item in planned]
        db.session.execute(insert(SelfStudyEntry), rows)
        # Pending rows change no total; declared all the same, as the summaries' guard asks of a bulk insert.
        summaries.hours_changed({item.learner_id for item in planned})
        return len(rows)
