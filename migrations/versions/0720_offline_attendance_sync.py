"""offline attendance: sessions started on a phone keep its id; sheets sent from phones are received once

Revision ID: 0720
Revises: 0710
Create Date: 2026-12-07 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0720'
down_revision = '0710'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('offline_syncs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('pending', 'saved', 'conflict', 'refused')", name=op.f('ck_offline_syncs_outcome')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_offline_syncs_session_id_sessions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_offline_syncs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_syncs')),
    sa.UniqueConstraint('client_id', name=op.f('uq_offline_syncs_client_id'))
    )
    with op.batch_alter_table('offline_syncs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offline_syncs_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offline_syncs_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_id', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_sessions_client_id'), ['client_id'])


def downgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_sessions_client_id'), type_='unique')
        batch_op.drop_column('client_id')

    with op.batch_alter_table('offline_syncs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offline_syncs_user_id'))
        batch_op.drop_index(batch_op.f('ix_offline_syncs_session_id'))

    op.drop_table('offline_syncs')
