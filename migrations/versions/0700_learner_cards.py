"""learner cards carry the secret of their 我的学习 QR code

Revision ID: 0700
Revises: 0690
Create Date: 2026-12-07 06:02:05

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0700'
down_revision = '0690'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learner_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_learner_cards_issued_by_id_users')),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_learner_cards_learner_id_learners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learner_cards')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_learner_cards_token_hash'))
    )
    with op.batch_alter_table('learner_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learner_cards_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index('uq_learner_cards_active_learner', ['learner_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))



def downgrade():
    with op.batch_alter_table('learner_cards', schema=None) as batch_op:
        batch_op.drop_index('uq_learner_cards_active_learner', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_learner_cards_learner_id'))

    op.drop_table('learner_cards')
