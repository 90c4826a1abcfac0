"""the length of a 学时 is a policy setting: existing policies keep 60 minutes; platform records keep their clock minutes

Stored hours are parts of a 学时 (1/60, lms.rules.units), which were clock minutes while a 学时 was 60 minutes:
nothing stored changes meaning. A new policy setting, hour_length_minutes (default 45), converts a platform's
clock minutes on import. So that a county already running converts as before, every stored policy version gets
60, and a cohort that already has learners but no stored version (judged by the defaults) gets a first version
holding just that (the other settings still read their defaults); the audit log says which. New cohorts take 45.
Platform records get clock_minutes, the minutes the platform gave; those imported so far were converted at 60
minutes a 学时, so their clock minutes are their stored minutes.

Revision ID: 0690
Revises: 0680
Create Date: 2026-12-07 14:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0690'
down_revision = '0680'
branch_labels = None
depends_on = None

KEY = "hour_length_minutes"
NOTE = "数据库升级：学时长度保持 60 分钟"

versions = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("cohort", sa.Integer),
                    sa.column("version", sa.Integer), sa.column("settings", sa.JSON), sa.column("note", sa.String),
                    sa.column("created_by_id", sa.Integer), sa.column("created_at", sa.DateTime))
learners = sa.table("learners", sa.column("cohort", sa.Integer))
records = sa.table("platform_records", sa.column("minutes", sa.Integer), sa.column("clock_minutes", sa.Integer))
audit = sa.table("audit_events", sa.column("at", sa.DateTime), sa.column("user_id", sa.Integer),
                 sa.column("actor_label", sa.String), sa.column("action", sa.String),
                 sa.column("entity_type", sa.String), sa.column("entity_id", sa.String),
                 sa.column("summary", sa.Text), sa.column("before", sa.JSON), sa.column("after", sa.JSON),
                 sa.column("remote_addr", sa.String))


def upgrade():
    with op.batch_alter_table('platform_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_minutes', sa.Integer(), nullable=True))
    connection = op.get_bind()
    connection.execute(records.update().values(clock_minutes=records.c.minutes))

    rows = connection.execute(sa.select(versions.c.id, versions.c.cohort, versions.c.settings)).all()
    for row_id, _cohort, stored in rows:
        if stored is not None and KEY not in stored:
            connection.execute(versions.update().where(versions.c.id == row_id).values(settings={**stored, KEY: 60}))
    with_versions = {cohort for _id, cohort, _settings in rows}
    cohorts = sorted(set(connection.execute(sa.select(learners.c.cohort).distinct()).scalars()) - with_versions)
    now = datetime.now(UTC)
    for cohort in cohorts:
        connection.execute(versions.insert().values(cohort=cohort, version=1, settings={KEY: 60}, note=NOTE,
                                                    created_by_id=None, created_at=now))
    if rows or cohorts:
        touched = sorted(with_versions | set(cohorts))
        connection.execute(audit.insert().values(
            at=now, user_id=None, actor_label="数据库升级", action="policy.save", entity_type="policy",
            entity_id=None, summary="学时长度（分钟）成为政策设置（新年级默认 45）：已有的 "
            + "、".join(f"{cohort} 级" for cohort in touched) + "政策保持 60 分钟",
            before=None, after={KEY: 60}, remote_addr=""))


def downgrade():
    # The older code refuses a key it does not know; the versions the upgrade added held nothing else.
    connection = op.get_bind()
    for row_id, stored, note in connection.execute(sa.select(versions.c.id, versions.c.settings, versions.c.note)).all():
        if stored is None or KEY not in stored:
            continue
        older = {key: value for key, value in stored.items() if key != KEY}
        if not older and note == NOTE:
            connection.execute(versions.delete().where(versions.c.id == row_id))
        else:
            connection.execute(versions.update().where(versions.c.id == row_id).values(settings=older))
    with op.batch_alter_table('platform_records', schema=None) as batch_op:
        batch_op.drop_column('clock_minutes')
