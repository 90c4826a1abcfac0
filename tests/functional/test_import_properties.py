"""Every import kind, fed generated files through the pipeline the web upload and `flask lms import` use.

Rows mix plausible values (the kind's template example, names and numbers from the world) with
random text, numbers, dates in every accepted spelling, empty cells, huge strings, control
characters and formulas, written as CSV or .xlsx. Whatever comes in: the pipeline raises nothing
(an unusable file is its own refusal, `fatal`), every refused row names its row and column in
Chinese, and a refused file (fatal, or --strict with a bad row) writes nothing at all.
Derandomized with a bounded number of examples, so CI sees the same files every run.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select

from lms.auth.scope import EVERYTHING
from lms.extensions import db
from lms.imports.pipeline import run_import
from lms.imports.registry import importer_classes
from tests.conftest import TEST_TODAY

CHINESE = re.compile(r"[\u4e00-\u9fff]")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def date_spellings(day: dt.date) -> st.SearchStrategy:
    """A date as a typed cell or in every spelling parse_date accepts (and a few it refuses)."""
    texts = [f"{day:%Y-%m-%d}", f"{day.year}/{day.month}/{day.day}", f"{day.year}.{day.month}.{day.day}",
             f"{day.year}年{day.month}月{day.day}日", f"{day.year}年{day.month}月{day.day}号", f"{day:%Y%m%d}",
             f"{day:%Y-%m-%d} 08:30", f"{day:%Y-%m-%d}".translate(FULL_WIDTH_DIGITS), f"{day.month}/{day.day}/{day.year}",
             f"{day:%Y%m%d}.0"]
    serial = (day - dt.date(1899, 12, 30)).days
    return st.sampled_from([*texts, day, dt.datetime.combine(day, dt.time(9, 15)), serial, float(serial),
                            int(f"{day:%Y%m%d}")])


GARBAGE = st.one_of(
    st.just(None), st.just(""), st.just("   "), st.just("\u200b"),
    st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=30),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs"]), min_size=1, max_size=5),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2110, 12, 31)).flatmap(date_spellings),
    st.sampled_from(["王" * 40_000, "1" * 5_000, "x" * 32_767, "甲镇" * 3_000]),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\",\"点击\")", "+1", "-1", "@SUM(A1:A2)", "=CMD|' /C calc'!A0", "男", "女", "是", "否", "合格", "1.5小时", "2h",
                     "3:30", "522327198506150024", "52232719850615002X", "138 1234 5678", "+8613812345678",
                     "N/A", "#REF!", "NULL", "0", "-0", "1e308", "99999999999999999999"]),
)


def plausible_values(world) -> dict[str, list]:
    """Values that pass some lookups: names and numbers of the world's learners, places, classes, courses."""
    from lms.geo.models import Division
    from lms.learners.models import Learner
    from lms.teaching.models import Course, Specialty, TeachingClass, TeachingPoint

    learners = list(db.session.scalars(select(Learner)))
    places = list(db.session.scalars(select(Division.name)))
    courses = list(db.session.scalars(select(Course.name)))
    return {
        "id_number": [learner.id_number for learner in learners],
        "student_number": [learner.student_number for learner in learners if learner.student_number],
        "name": [learner.name for learner in learners],
        "township": places, "village": places, "division_name": places,
        "code": list(db.session.scalars(select(Division.code))),
        "point": list(db.session.scalars(select(TeachingPoint.name))),
        "specialty": list(db.session.scalars(select(Specialty.name))),
        "to_specialty": list(db.session.scalars(select(Specialty.name))),
        "class": list(db.session.scalars(select(TeachingClass.code))),
        "class_name": list(db.session.scalars(select(TeachingClass.code))),
        "course": courses,
        "day": [dt.date(2025, 3, 12), "2025-03-12", "2025/3/13"],
        "hours": ["2", 1.5, "2学时"],
        "minutes": ["90", 45],
        "content": ["读写算练习册第 3 单元"],
        "platform": ["贵州省社区教育学习平台"],
        "record_id": ["R-1", "R-2", "R-3"],
    }


def row_strategy(columns, cls, plausible) -> st.SearchStrategy:
    """A row of plausible cells (the world's values, else the template's example) now and then
    spoiled, or a row of anything."""
    def known(column) -> list:
        return plausible.get(column.key) or ([cls.example[column.key]] if column.key in cls.example else [])

    clean = [st.sampled_from(known(c)) if known(c) else GARBAGE for c in columns]
    spoilt = [st.one_of(st.sampled_from(known(c)), GARBAGE) if known(c) else GARBAGE for c in columns]
    return st.one_of(st.tuples(*clean), st.tuples(*spoilt), st.tuples(*[GARBAGE for _ in columns])).map(list)


def csv_file(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_file(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def every_table_count():
    """The row count of every table, in one query: 'nothing written' means this is unchanged."""
    counts = [select(func.count()).select_from(table).scalar_subquery() for table in db.metadata.sorted_tables]
    return tuple(db.session.execute(select(*counts)).one())


@pytest.mark.parametrize("kind", list(importer_classes()))
def test_any_file_of_any_kind_is_refused_row_by_row_in_chinese_and_a_refused_file_writes_nothing(world, kind):
    cls = importer_classes()[kind]
    plausible = plausible_values(world)
    labels = {column.label for column in cls.columns}

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data):
        columns = data.draw(st.permutations(cls.columns))
        if data.draw(st.integers(min_value=0, max_value=9)) == 0:     # now and then a column is missing
            columns = columns[:-1]
        rows = data.draw(st.lists(row_strategy(columns, cls, plausible), min_size=1, max_size=6))
        header = [column.label for column in columns]
        as_xlsx = data.draw(st.booleans())
        content = xlsx_file(header, rows) if as_xlsx else csv_file(header, rows)
        strict = data.draw(st.booleans())
        with db.session.begin_nested() as example:      # each example starts from the same world
            before = every_table_count()
            importer = cls(actor=None, scope=EVERYTHING, today=TEST_TODAY)
            summary = run_import(importer, content, "导入.xlsx" if as_xlsx else "导入.csv", write=True, strict=strict)
            after = every_table_count()
            example.rollback()
        event("file refused" if summary.fatal else "rows written" if summary.written else "no row written")
        if summary.fatal:
            assert CHINESE.search(summary.fatal) and len(summary.fatal) <= 200, summary.fatal
            assert after == before, f"a refused file wrote something: {summary.fatal}"
            return
        numbers = range(2, len(rows) + 2)
        for error in summary.errors + summary.warnings:
            assert error.row in numbers, error
            assert error.column in labels, error
            assert CHINESE.search(error.message), error
            # A cell is quoted cut short: a 40,000-character cell must not fill the preview page.
            assert len(error.message) <= 200 and "\n" not in error.message, error
        if strict and summary.errors:
            assert summary.written == 0 and after == before, "--strict with a refused row wrote something"
        assert summary.written <= summary.rows <= len(rows)

    check()
