"""status events: 转出/转入 carry the other school and the transfer document; events are revoked with a
reason (never deleted); hours and results carried in by a 转入

Revision ID: 0680
Revises: 0670
Create Date: 2026-12-07 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0680'
down_revision = '0670'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('status_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_school', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('document_number', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('revoked_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revoke_reason', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_status_events_revoked_by_id_users'), 'users',
                                    ['revoked_by_id'], ['id'])
    with op.batch_alter_table('status_events', schema=None) as batch_op:
        batch_op.alter_column('other_school', server_default=None)
        batch_op.alter_column('document_number', server_default=None)
        batch_op.alter_column('revoke_reason', server_default=None)

    op.create_table('carried_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('status_event_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=1), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('carried_on', sa.Date(), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_carried_hours_learner_id_learners')),
    sa.ForeignKeyConstraint(['status_event_id'], ['status_events.id'], name=op.f('fk_carried_hours_status_event_id_status_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carried_hours'))
    )
    with op.batch_alter_table('carried_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carried_hours_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_carried_hours_status_event_id'), ['status_event_id'], unique=False)

    op.create_table('carried_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('status_event_id', sa.Integer(), nullable=False),
    sa.Column('assessment_result_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_result_id'], ['assessment_results.id'], name=op.f('fk_carried_results_assessment_result_id_assessment_results')),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_carried_results_learner_id_learners')),
    sa.ForeignKeyConstraint(['status_event_id'], ['status_events.id'], name=op.f('fk_carried_results_status_event_id_status_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carried_results')),
    sa.UniqueConstraint('assessment_result_id', name=op.f('uq_carried_results_assessment_result_id'))
    )
    with op.batch_alter_table('carried_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carried_results_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_carried_results_status_event_id'), ['status_event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('carried_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carried_results_status_event_id'))
        batch_op.drop_index(batch_op.f('ix_carried_results_learner_id'))
    op.drop_table('carried_results')
    with op.batch_alter_table('carried_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carried_hours_status_event_id'))
        batch_op.drop_index(batch_op.f('ix_carried_hours_learner_id'))
    op.drop_table('carried_hours')
    with op.batch_alter_table('status_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_status_events_revoked_by_id_users'), type_='foreignkey')
        batch_op.drop_column('revoke_reason')
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('revoked_on')
        batch_op.drop_column('document_number')
        batch_op.drop_column('other_school')
