"""hours sums read platform records and approved self-study from covering indexes

Revision ID: 0730
Revises: 0720
Create Date: 2026-12-07 10:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0730'
down_revision = '0720'
branch_labels = None
depends_on = None

APPROVED = sa.text("status = 'approved'")


def upgrade():
    with op.batch_alter_table('platform_records', schema=None) as batch_op:
        batch_op.create_index('ix_platform_records_learner_hours', ['learner_id', 'studied_on', 'minutes'],
                              unique=False)
    with op.batch_alter_table('self_study_entries', schema=None) as batch_op:
        batch_op.create_index('ix_self_study_entries_credited_hours', ['learner_id', 'studied_on', 'minutes'],
                              unique=False, postgresql_where=APPROVED, sqlite_where=APPROVED)


def downgrade():
    with op.batch_alter_table('self_study_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_self_study_entries_credited_hours')
    with op.batch_alter_table('platform_records', schema=None) as batch_op:
        batch_op.drop_index('ix_platform_records_learner_hours')
