"""Generate a county-, state- or province-sized database of learners and hours, set-based.

Every table is filled with INSERT … SELECT over a number series: PostgreSQL's generate_series, or on
SQLite a one-column series table filled once with executemany. No Python loop per row, no ORM.

    python -m bench.generate --url sqlite:////tmp/bench.sqlite3 --size county
    python -m bench.generate --url postgresql+psycopg://postgres@127.0.0.1:5432/bench --size state
    python -m bench.generate --url … --size province        # 1,000,000 learners, 100,000,000 attendance rows

The schema comes from the migrations (so the seeded specialties and plans are there). Shape: classes of
40 learners (4 classes per teaching point, one point per village, 15 villages per township), each class
meets `attendance / learners` times over three years (every 4th meeting a 2-hour live lesson, the rest
8-hour face-to-face days), learners born over 35 years with every prior education, each has 20 platform
records (clock minutes converted at the default 45 minutes a 学时, as the import does) and 10 self-study
entries.
"""
from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from sqlalchemy import DateTime, bindparam, text

SIZES = {   # learners, attendance rows
    "tiny": (400, 8_000),
    "county": (10_000, 1_000_000),
    "state": (100_000, 10_000_000),
    "province": (1_000_000, 100_000_000),
}
CLASS_SIZE = 40
PLATFORM_PER_LEARNER = 20
SELF_STUDY_PER_LEARNER = 10
BENCH_PASSWORD = "bench-pass-1"


class Dialect:
    """The few SQL spellings that differ between PostgreSQL and SQLite."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.series_size = 0

    def series(self, count: str) -> str:
        """A FROM-clause source of integers n = 1..count (count is an SQL expression)."""
        if self.postgres:
            return f"generate_series(1, {count}) AS s(n)"
        return f"(SELECT n FROM bench_series WHERE n <= {count}) AS s"

    def ensure_series(self, size: int) -> None:
        """SQLite only: a table of the integers 1..size, filled with executemany in 100k chunks."""
        if self.postgres or size <= self.series_size:
            return
        self.connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_series (n INTEGER PRIMARY KEY)")
        start = self.series_size + 1
        while start <= size:
            stop = min(size, start + 99_999)
            self.connection.exec_driver_sql("INSERT INTO bench_series (n) VALUES (?)",
                                            [(n,) for n in range(start, stop + 1)])
            start = stop + 1
        self.series_size = size

    def add_days(self, base: str, days: str) -> str:
        return f"(DATE '{base}' + ({days}))" if self.postgres else f"date('{base}', '+' || ({days}) || ' days')"

    def pad(self, expr: str, width: int) -> str:
        if self.postgres:
            return f"lpad(CAST({expr} AS TEXT), {width}, '0')"
        return f"substr('{'0' * width}' || CAST({expr} AS TEXT), -{width}, {width})"


def _run(connection, sql: str, **params) -> None:
    statement = text(sql)
    if "now" in params:
        statement = statement.bindparams(bindparam("now", type_=DateTime(timezone=True)))
    connection.execute(statement, params)


def generate(url: str, learners: int, attendance: int, *, echo=print) -> dict:
    """Create the schema and fill it; returns the shape used (for run.py)."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from lms import create_app
    from lms.extensions import db

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": "/tmp/lms-bench-data"})
    classes = max(1, learners // CLASS_SIZE)
    learners = classes * CLASS_SIZE
    sessions_per_class = max(1, attendance // learners)
    points = max(1, classes // 4)
    townships = max(1, points // 15)
    shape = {"learners": learners, "classes": classes, "sessions_per_class": sessions_per_class,
             "attendance": learners * sessions_per_class, "points": points, "townships": townships}
    now = datetime.now(UTC)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            connection.exec_driver_sql("DROP TABLE IF EXISTS bench_series")
        upgrade()
        with db.engine.begin() as connection:
            d = Dialect(connection)
            d.ensure_series(max(learners, classes, sessions_per_class, points, townships, PLATFORM_PER_LEARNER,
                                SELF_STUDY_PER_LEARNER))
            steps = [
                ("divisions", """INSERT INTO divisions (id, code, name, level, parent_id, created_at)
                    VALUES (1, '522399000000', '基准县', 'county', NULL, :now)"""),
                ("townships", f"""INSERT INTO divisions (id, code, name, level, parent_id, created_at)
                    SELECT 1 + n, '5223' || {d.pad('n', 5)} || '000', '镇' || n, 'township', 1, :now
                    FROM {d.series(str(townships))}"""),
                ("villages", f"""INSERT INTO divisions (id, code, name, level, parent_id, created_at)
                    SELECT 1 + {townships} + n, '5223' || {d.pad('(n - 1) % ' + str(townships) + ' + 1', 5)}
                           || {d.pad('(n - 1) / ' + str(townships) + ' + 1', 3)}, '村' || n, 'village', 2 + (n - 1) % {townships}, :now
                    FROM {d.series(str(points))}"""),
                ("teaching_points", f"""INSERT INTO teaching_points (id, name, kind, address, village_id, created_at)
                    SELECT n, '教学点' || n, '其他', '', 1 + {townships} + n, :now FROM {d.series(str(points))}"""),
                ("classes", f"""INSERT INTO classes (id, code, name, specialty_id, teaching_point_id, cohort,
                           head_teacher_id, active, created_at)
                    SELECT n, 'B' || {d.pad('n', 7)}, '班' || n, 1 + (n - 1) % 15, 1 + (n - 1) % {points}, 2023,
                           NULL, TRUE, :now FROM {d.series(str(classes))}"""),
                ("learners", f"""INSERT INTO learners (id, id_number, id_hash, name, name_initials, sex, ethnicity,
                           birth_on, prior_education, target_group, phone, village_id, teaching_point_id,
                           specialty_id, class_id, student_number, cohort, enrolled_on, programme_years,
                           period_end_on, status, updated_at, created_at)
                    SELECT n, '9' || {d.pad('n', 17)}, {d.pad('n', 64)}, '学员' || n, '', '2', '01',
                           {d.add_days('1966-01-01', '(n * 37) % 13000')},
                           CASE n % 10 WHEN 1 THEN '小学' WHEN 2 THEN '初中肄业' WHEN 3 THEN '初中'
                                WHEN 4 THEN '高中及以上' ELSE '未上过学' END, 'core', '', 1 + {townships} + 1 + ((n - 1) / {CLASS_SIZE}) % {points},
                           1 + ((n - 1) / {CLASS_SIZE}) % {points}, 1 + ((n - 1) / {CLASS_SIZE}) % 15,
                           1 + (n - 1) / {CLASS_SIZE}, 'S' || {d.pad('n', 9)}, 2023, DATE '2023-01-01', 3,
                           DATE '2025-12-31', 'studying', :now, :now
                    FROM {d.series(str(learners))}"""),
            ]
            if not d.postgres:  # SQLite keeps DATE 'x' as text 'x' only via date(); normalise
                steps = [(name, sql.replace(
                    "DATE '2023-01-01'", "'2023-01-01'").replace("DATE '2025-12-31'", "'2025-12-31'"))
                    for name, sql in steps]
            for name, sql in steps:
                started = time.perf_counter()
                _run(connection, sql, now=now)
                echo(f"  {name}: {time.perf_counter() - started:.1f} s")
            if d.postgres:
                # The data is consistent by construction: skip per-row foreign-key triggers and build the
                # attendance indexes once after loading instead of maintaining them row by row.
                connection.exec_driver_sql("SET session_replication_role = replica")
                connection.exec_driver_sql("ALTER TABLE attendance DROP CONSTRAINT uq_attendance_session_id_learner_id")
                connection.exec_driver_sql("DROP INDEX ix_attendance_learner_id")
            series_classes = d.series(str(sessions_per_class))
            started = time.perf_counter()
            _run(connection, f"""INSERT INTO sessions (class_id, course_id, teacher_id, held_on, place, mode, minutes,
                       version, cancelled_at, created_by_id, created_at)
                SELECT c.id, (SELECT min(id) FROM courses WHERE specialty_id = c.specialty_id), NULL,
                       {d.add_days('2023-01-07', 's.n * 1090 / ' + str(sessions_per_class))}, '',
                       CASE WHEN s.n % 4 = 0 THEN 'live' ELSE 'face' END,
                       CASE WHEN s.n % 4 = 0 THEN 120 ELSE 480 END, 0, NULL, NULL, :now
                FROM classes c CROSS JOIN {series_classes}""", now=now)
            echo(f"  sessions: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            _run(connection, """INSERT INTO attendance (session_id, learner_id, status, minutes, recorded_by_id,
                       updated_at)
                SELECT s.id, l.id,
                       CASE (l.id * 7 + s.id * 13) % 20 WHEN 0 THEN 'absent' WHEN 1 THEN 'leave'
                            WHEN 2 THEN 'late' ELSE 'present' END,
                       CASE (l.id * 7 + s.id * 13) % 20 WHEN 0 THEN 0 WHEN 1 THEN 0
                            WHEN 2 THEN s.minutes * 3 / 4 ELSE s.minutes END, NULL, :now
                FROM sessions s JOIN learners l ON l.class_id = s.class_id""", now=now)
            if d.postgres:
                connection.exec_driver_sql("ALTER TABLE attendance ADD CONSTRAINT uq_attendance_session_id_learner_id "
                                           "UNIQUE (session_id, learner_id)")
                connection.exec_driver_sql("CREATE INDEX ix_attendance_learner_id ON attendance (learner_id)")
            echo(f"  attendance: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            _run(connection, f"""INSERT INTO platform_records (learner_id, platform, course_name, minutes, clock_minutes,
                       studied_on, record_ref, imported_by_id, created_at)
                SELECT l.id, '贵州省社区教育学习平台', '', (30 + (l.id * s.n) % 90) * 4 / 3, 30 + (l.id * s.n) % 90,
                       {d.add_days('2023-02-01', '(l.id + s.n * 37) % 1000')},
                       CAST(l.id AS TEXT) || '-' || CAST(s.n AS TEXT), NULL, :now
                FROM learners l CROSS JOIN {d.series(str(PLATFORM_PER_LEARNER))}""", now=now)
            echo(f"  platform_records: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            _run(connection, f"""INSERT INTO self_study_entries (learner_id, studied_on, minutes, content,
                       evidence_path, status, decided_by_id, decided_at, decision_note, source, created_by_id,
                       created_at)
                SELECT l.id, {d.add_days('2023-03-01', '(l.id + s.n * 53) % 1000')}, 60 + (l.id + s.n) % 120,
                       '自学', NULL, CASE WHEN s.n = 10 THEN 'pending' ELSE 'approved' END, NULL, NULL, '',
                       'teacher', NULL, :now
                FROM learners l CROSS JOIN {d.series(str(SELF_STUDY_PER_LEARNER))}""", now=now)
            echo(f"  self_study_entries: {time.perf_counter() - started:.1f} s")
            if d.postgres:
                connection.exec_driver_sql("SET session_replication_role = DEFAULT")
            _run(connection, """INSERT INTO users (username, display_name, role, phone, password_hash, active,
                       created_at) VALUES ('bench', '基准教务', 'registrar', '', :hash, TRUE, :now)""",
                 hash=generate_password_hash(BENCH_PASSWORD, method="pbkdf2:sha256:1000"), now=now)
        with db.engine.begin() as connection:
            started = time.perf_counter()
            from lms.teaching.hours import summary_insert

            connection.execute(summary_insert(None, now))
            echo(f"  learner_hours: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            from sqlalchemy.orm import Session

            from lms.reports.tallies import rebuild_tallies

            rebuild_tallies(Session(bind=connection))       # what the services keep for the dashboard
            echo(f"  learner_tallies: {time.perf_counter() - started:.1f} s")
            if connection.dialect.name == "postgresql":
                for table in ("classes", "learners", "sessions", "attendance", "platform_records",
                              "self_study_entries", "divisions", "teaching_points"):
                    connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                               f"(SELECT max(id) FROM {table}))")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
            if db.engine.dialect.name == "sqlite":
                connection.exec_driver_sql("DROP TABLE IF EXISTS bench_series")
        db.engine.dispose()
    return shape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of an EMPTY database (it is dropped and rebuilt)")
    parser.add_argument("--size", choices=SIZES, default="county")
    parser.add_argument("--learners", type=int, help="override the size's learner count")
    parser.add_argument("--attendance", type=int, help="override the size's attendance rows")
    args = parser.parse_args()
    learners, attendance = SIZES[args.size]
    started = time.perf_counter()
    shape = generate(args.url, args.learners or learners, args.attendance or attendance)
    print(f"generated {shape} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
