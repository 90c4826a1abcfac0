"""Migrations and models must not drift: upgrading an empty database gives exactly the models' schema."""
from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.extensions import db


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"lms_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()



def _one_learner(connection, status: str) -> None:
    """A county and one learner of `status` (2024 cohort, 刺绣), written in SQL as an old schema holds them."""
    connection.execute(text("INSERT INTO divisions (code, name, level, created_at) "
                            "VALUES ('522327000000', '册亨县', 'county', CURRENT_TIMESTAMP)"))
    connection.execute(text(
        "INSERT INTO learners (name, name_initials, id_number, id_hash, sex, birth_on, ethnicity, phone, "
        "village_id, specialty_id, cohort, enrolled_on, prior_education, programme_years, period_end_on, "
        "target_group, student_number, status, created_at, updated_at) "
        "SELECT '王德才', 'wdc', '522327198506150024', 'h', '1', '1985-06-15', '01', '', d.id, s.id, 2024, "
        "'2024-03-01', '未上过学', 3, '2027-02-28', 'core', '2024001', :status, CURRENT_TIMESTAMP, "
        "CURRENT_TIMESTAMP FROM divisions d, specialties s WHERE s.name = '刺绣'"), {"status": status})

def test_migrations_match_the_models(empty_database_url, tmp_path):
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": empty_database_url, "DATA_DIR": str(tmp_path)})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM specialties")).scalar() == 15
        downgrade(revision="base")
        db.engine.dispose()


def test_upgrading_a_database_with_users_keeps_them_and_forces_no_password_change(empty_database_url, tmp_path):
    """0620 adds users.must_change_password to a table other rows refer to (SQLite must not rebuild it)."""
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": empty_database_url, "DATA_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0500")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (username, display_name, role, phone, password_hash, active, created_at) "
                "VALUES ('old', '老用户', 'admin', '', 'x', TRUE, CURRENT_TIMESTAMP)"))
            connection.execute(text(
                "INSERT INTO audit_events (at, user_id, actor_label, action, entity_type, summary, remote_addr) "
                "SELECT CURRENT_TIMESTAMP, id, '老用户', 'user.create', 'user', '', '' FROM users"))
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT username, must_change_password FROM users")).all() == [
                ("old", False)]
        db.engine.dispose()


def test_the_seeded_specialties_get_full_width_parentheses_and_a_renamed_one_is_left_alone(empty_database_url,
                                                                                          tmp_path):
    """0640 renames 种植(含园林、林下种植) as seeded; a specialty the school renamed keeps its name; downgrade undoes it."""
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": empty_database_url, "DATA_DIR": str(tmp_path)})
    names = "SELECT name FROM specialties WHERE name LIKE '种植%' OR name LIKE '养殖%'"
    with app.app_context():
        upgrade(revision="0630")
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE specialties SET name = '养殖' WHERE name = '养殖(含畜牧兽医、水产养殖)'"))
        upgrade()
        with db.engine.connect() as connection:
            assert set(connection.execute(text(names)).scalars()) == {"种植（含园林、林下种植）", "养殖"}
            planted = connection.execute(text(
                "SELECT count(*) FROM courses JOIN specialties ON specialties.id = courses.specialty_id "
                "WHERE specialties.name = '种植（含园林、林下种植）'")).scalar()
            assert planted > 0                                  # its default plan came along (same row)
        downgrade(revision="0630")
        with db.engine.connect() as connection:
            assert set(connection.execute(text(names)).scalars()) == {"种植(含园林、林下种植)", "养殖"}
        downgrade(revision="base")
        db.engine.dispose()


def test_status_event_kinds_become_codes_and_back(empty_database_url, tmp_path):
    """0650 stores 休学/复学/退学/转专业 as suspend/resume/withdraw/change_specialty; downgrade restores the words."""
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": empty_database_url, "DATA_DIR": str(tmp_path)})
    kinds = "SELECT kind FROM status_events ORDER BY id"
    with app.app_context():
        upgrade(revision="0640")
        with db.engine.begin() as connection:
            _one_learner(connection, "withdrawn")
            for kind, on in (("休学", "2024-05-01"), ("复学", "2024-09-01"), ("转专业", "2024-10-01"),
                             ("退学", "2025-01-02")):
                connection.execute(text(
                    "INSERT INTO status_events (learner_id, kind, occurred_on, reason, approved_by, created_at) "
                    "SELECT id, :kind, :on, '外出务工', '教务', CURRENT_TIMESTAMP FROM learners"),
                    {"kind": kind, "on": on})
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text(kinds)).scalars().all() == [
                "suspend", "resume", "change_specialty", "withdraw"]
        downgrade(revision="0640")
        with db.engine.connect() as connection:
            assert connection.execute(text(kinds)).scalars().all() == ["休学", "复学", "转专业", "退学"]


def test_the_policys_goal_counts_move_to_the_setting_and_leave_every_version(empty_database_url, tmp_path):
    """0660: a goal a policy gave for a year the setting lacks joins 县目标任务 (the newest version's number);
    a year the setting has keeps the setting's; copies of the old defaults move nothing; target_counts leaves
    every version, which the engine then reads; the audit log says what moved; downgrade puts counts back."""
    import json

    from lms.policies.services import policy_for
    from lms.settings.services import get_setting

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": empty_database_url, "DATA_DIR": str(tmp_path)})
    counts = {"2023": 3000, "2025": 6000}
    versions = [(2023, 1, {"min_age": 16, "target_counts": counts}),                 # the defaults, carried along
                (2024, 1, {"target_counts": {**counts, "2027": 7000}}),
                (2024, 2, {"target_counts": {**counts, "2027": 7500, "2030": 9000},
                           "target_counted_groups": {"2023": ["core"], "2025": ["core", "2025"], "2030": ["core"]}}),
                (2025, 1, {"target_counts": {"2023": 3000, "2025": 6400}})]       # 2025 is in the setting
    with app.app_context():
        upgrade(revision="0640")
        with db.engine.begin() as connection:
            for cohort, version, settings in versions:
                connection.execute(text("INSERT INTO policy_versions (cohort, version, settings, note, created_at) "
                                        "VALUES (:cohort, :version, :settings, '', CURRENT_TIMESTAMP)"),
                                   {"cohort": cohort, "version": version, "settings": json.dumps(settings)})
        upgrade()
        assert get_setting("reports.targets") == "2023-12-31 3000\n2025-12-31 6000\n2027-12-31 7500\n2030-12-31 9000"
        assert policy_for(2023).min_age == 16 and policy_for(2024).target_counted_groups[2030] == ("core",)
        db.session.remove()             # its read would hold PostgreSQL's locks against the downgrade
        with db.engine.connect() as connection:
            stored = [json.loads(row) if isinstance(row, str) else row for row in connection.execute(
                text("SELECT settings FROM policy_versions ORDER BY id")).scalars()]
            assert not any("target_counts" in settings for settings in stored)
            summary = connection.execute(text("SELECT summary FROM audit_events WHERE action = 'settings.update'")
                                         ).scalar()
        assert "2027 年 7500 人（来自 2024 级第 2 版）已并入" in summary
        assert "2025 年 6400 人（来自 2025 级第 1 版）未并入：县目标任务已有 6000 人" in summary
        downgrade(revision="0640")
        with db.engine.connect() as connection:
            stored = [json.loads(row) if isinstance(row, str) else row for row in connection.execute(
                text("SELECT settings FROM policy_versions ORDER BY id")).scalars()]
        assert stored[0]["target_counts"] == {"2023": 3000, "2025": 6000}
        assert stored[2]["target_counts"] == {"2023": 3000, "2025": 6000, "2030": 9000}
        downgrade(revision="base")
        db.engine.dispose()


def test_a_database_whose_policies_gave_no_other_goals_keeps_its_setting_untouched(empty_database_url, tmp_path):
    import json

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": empty_database_url, "DATA_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0640")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO policy_versions (cohort, version, settings, note, created_at) "
                                    "VALUES (2024, 1, :settings, '', CURRENT_TIMESTAMP)"),
                               {"settings": json.dumps({"target_counts": {"2023": 3000, "2025": 6000}})})
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM settings")).scalar() == 0
            assert connection.execute(text("SELECT count(*) FROM audit_events WHERE action = 'settings.update'")
                                      ).scalar() == 0
            assert "target_counts" not in connection.execute(text("SELECT settings FROM policy_versions")).scalar()
        downgrade(revision="base")
        db.engine.dispose()


def test_existing_policies_keep_a_60_minute_hour_and_platform_records_their_minutes(empty_database_url, tmp_path):
    """0690: every stored version gets hour_length_minutes 60, a cohort with learners but no version gets a
    first version holding just that; a cohort without either takes the new default 45. Platform records
    imported so far keep their minutes as clock minutes. Downgrade takes the key (and the added versions) away."""
    import json

    from lms.policies.services import policy_for

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": empty_database_url, "DATA_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0670")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO policy_versions (cohort, version, settings, note, created_at) "
                                    "VALUES (2023, 1, :settings, '', CURRENT_TIMESTAMP)"),
                               {"settings": json.dumps({"min_age": 16})})
            _one_learner(connection, "studying")
            connection.execute(text(
                "INSERT INTO platform_records (learner_id, platform, course_name, minutes, studied_on, record_ref, "
                "created_at) SELECT id, '平台', '', 90, '2024-04-01', 'R1', CURRENT_TIMESTAMP FROM learners"))
        upgrade()
        assert (policy_for(2023).hour_length_minutes, policy_for(2023).min_age) == (60, 16)
        assert policy_for(2024).hour_length_minutes == 60 and policy_for(2024).min_age == 15
        assert policy_for(2026).hour_length_minutes == 45
        db.session.remove()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT minutes, clock_minutes FROM platform_records")).all() == [(90, 90)]
            summary = connection.execute(text("SELECT summary FROM audit_events WHERE action = 'policy.save'")).scalar()
        assert "2023 级、2024 级政策保持 60 分钟" in summary
        downgrade(revision="0670")
        with db.engine.connect() as connection:
            stored = [json.loads(row) if isinstance(row, str) else row for row in connection.execute(
                text("SELECT settings FROM policy_versions ORDER BY id")).scalars()]
        assert stored == [{"min_age": 16}]
        db.engine.dispose()


def test_existing_status_events_stand_after_0680_and_survive_its_downgrade(empty_database_url, tmp_path):
    """0680 adds the transfer columns and the revocation columns: every recorded event stands (not revoked),
    with no school or document; downgrading keeps the events."""
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": empty_database_url, "DATA_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0670")
        with db.engine.begin() as connection:
            _one_learner(connection, "suspended")
            connection.execute(text(
                "INSERT INTO status_events (learner_id, kind, occurred_on, reason, approved_by, created_at) "
                "SELECT id, 'suspend', '2024-05-01', '外出务工', '教务', CURRENT_TIMESTAMP FROM learners"))
        upgrade()
        columns = "SELECT kind, other_school, document_number, revoked_on, revoked_by_id, revoke_reason FROM status_events"
        with db.engine.connect() as connection:
            assert connection.execute(text(columns)).all() == [("suspend", "", "", None, None, "")]
        downgrade(revision="0670")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT kind FROM status_events")).scalars().all() == ["suspend"]


def test_0730_adds_the_hours_indexes_and_its_downgrade_takes_them_away(empty_database_url, tmp_path):
    """0730: the covering indexes of the hours sums exist after the upgrade, keep the rows, and go on downgrade."""
    from sqlalchemy import inspect

    def indexes(table):
        return {index["name"] for index in inspect(db.engine).get_indexes(table)}

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": empty_database_url, "DATA_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0720")
        with db.engine.begin() as connection:
            _one_learner(connection, "studying")
            connection.execute(text(
                "INSERT INTO platform_records (learner_id, platform, course_name, minutes, studied_on, record_ref, "
                "created_at) SELECT id, '平台', '', 90, '2024-04-01', 'R1', CURRENT_TIMESTAMP FROM learners"))
        upgrade()
        db.engine.dispose()
        assert "ix_platform_records_learner_hours" in indexes("platform_records")
        assert "ix_self_study_entries_credited_hours" in indexes("self_study_entries")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT minutes FROM platform_records")).scalars().all() == [90]
        downgrade(revision="0720")
        db.engine.dispose()
        assert "ix_platform_records_learner_hours" not in indexes("platform_records")
        assert "ix_self_study_entries_credited_hours" not in indexes("self_study_entries")
        db.engine.dispose()
