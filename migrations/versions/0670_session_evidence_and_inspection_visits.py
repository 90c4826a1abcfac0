"""sessions carry evidence (class photos, sign-in sheet scans; superseded, never deleted); inspection visits

Revision ID: 0670
Revises: 0660
Create Date: 2026-12-07 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0670'
down_revision = '0660'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inspection_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('inspector', sa.String(length=60), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('consistent', 'problem')", name=op.f('ck_inspection_visits_outcome')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_inspection_visits_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_inspection_visits_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_visits'))
    )
    with op.batch_alter_table('inspection_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_visits_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_visits_visited_on'), ['visited_on'], unique=False)

    op.create_table('session_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('photo', 'sign_in')", name=op.f('ck_session_evidence_kind')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_session_evidence_session_id_sessions')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['session_evidence.id'], name=op.f('fk_session_evidence_superseded_by_id_session_evidence')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_session_evidence_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_evidence'))
    )
    with op.batch_alter_table('session_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_evidence_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_evidence_session_id'))

    op.drop_table('session_evidence')
    with op.batch_alter_table('inspection_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_visits_visited_on'))
        batch_op.drop_index(batch_op.f('ix_inspection_visits_session_id'))

    op.drop_table('inspection_visits')
