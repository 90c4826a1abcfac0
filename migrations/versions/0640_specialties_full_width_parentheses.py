"""specialties: the seeded names use full-width parentheses, as printed on certificates

Revision ID: 0640
Revises: 0630
Create Date: 2026-12-07 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0640'
down_revision = '0630'
branch_labels = None
depends_on = None

# 0001 seeded these two names with half-width parentheses; a certificate reads "在本校种植（含园林、林下种植）
# 专业…学习", so the names take the full-width form. Only a name still spelt as seeded is renamed.
FULL_WIDTH = {
    "种植(含园林、林下种植)": "种植（含园林、林下种植）",
    "养殖(含畜牧兽医、水产养殖)": "养殖（含畜牧兽医、水产养殖）",
}


def rename(connection, names):
    """Rename each specialty called `old` to `new` (names: {old: new}) unless `new` is already taken."""
    specialties = sa.table("specialties", sa.column("name", sa.String))
    taken = set(connection.execute(sa.select(specialties.c.name)).scalars())
    for old, new in names.items():
        if old in taken and new not in taken:
            connection.execute(specialties.update().where(specialties.c.name == old).values(name=new))


def upgrade():
    rename(op.get_bind(), FULL_WIDTH)


def downgrade():
    rename(op.get_bind(), {new: old for old, new in FULL_WIDTH.items()})
