"""users: a session version (raising it ends every session); login attempts: refused while throttled

Revision ID: 0630
Revises: 0620
Create Date: 2026-12-07 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0630'
down_revision = '0620'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        # Plain string defaults, as in 0620: an SQL expression would make SQLite rebuild the table, which other
        # tables' foreign keys refuse once it holds users. Sessions from before the upgrade keep a bare user id,
        # which no longer matches "<id>:<version>": everyone logs in once more.
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('throttled', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_column('throttled')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
