"""status_events.kind stores a code (suspend, resume, withdraw, change_specialty) like every other status

Revision ID: 0650
Revises: 0640
Create Date: 2026-12-07 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0650'
down_revision = '0640'
branch_labels = None
depends_on = None

# The words the events were stored as until now → the codes of lms.rules.STATUS_EVENT_KINDS; pages show
# the words again through STATUS_EVENT_KIND_LABELS. Written out here: a migration must not change when the
# vocabulary does.
CODES = {"休学": "suspend", "复学": "resume", "退学": "withdraw", "转专业": "change_specialty"}


def convert(connection, kinds):
    """Rewrite every status event whose kind is `old` as `new` (kinds: {old: new})."""
    events = sa.table("status_events", sa.column("kind", sa.String))
    for old, new in kinds.items():
        connection.execute(events.update().where(events.c.kind == old).values(kind=new))


def upgrade():
    # The longest code (change_specialty) does not fit String(6). No table refers to status_events, so
    # SQLite's batch rebuild of it is safe.
    with op.batch_alter_table('status_events', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=6), type_=sa.String(length=20),
                              existing_nullable=False)
    convert(op.get_bind(), CODES)


def downgrade():
    convert(op.get_bind(), {code: word for word, code in CODES.items()})
    with op.batch_alter_table('status_events', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=20), type_=sa.String(length=6),
                              existing_nullable=False)
