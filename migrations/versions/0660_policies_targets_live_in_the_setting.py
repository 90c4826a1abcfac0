"""policies: the county's goals live in one place, the setting reports.targets; target_counts leaves the policy

(The policy's two new R4 choices, cadence_month_by and cadence_year_by, need no upgrade: a version without them
has the defaults. A downgrade takes them out, as the older code refuses keys it does not know.)

Revision ID: 0660
Revises: 0650
Create Date: 2026-12-07 12:00:00

"""
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0660'
down_revision = '0650'
branch_labels = None
depends_on = None

# The policy's 目标人数 (target_counts, year → learners) was never read: the dashboard and the quarterly report
# read the setting 县目标任务 (reports.targets, "YYYY-MM-DD N" a line). Every saved version stored the defaults
# along, so only a year the setting lacks and a policy gave another number than the old default is moved
# over (as a goal due on 31 December, from the newest version naming it); a year the setting has keeps the
# setting's number, which is what the county saw. Then the key leaves every version (policy_versions is
# JSON, no column changes); the audit log records what moved and what was left behind.
OLD_DEFAULT_COUNTS = {2023: 3000, 2025: 6000}
OLD_DEFAULT_TARGETS = "2023-12-31 3000\n2025-12-31 6000"
KEY = "reports.targets"

versions = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("cohort", sa.Integer),
                    sa.column("version", sa.Integer), sa.column("settings", sa.JSON))
settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON),
                    sa.column("updated_at", sa.DateTime), sa.column("updated_by_id", sa.Integer))
audit = sa.table("audit_events", sa.column("at", sa.DateTime), sa.column("user_id", sa.Integer),
                 sa.column("actor_label", sa.String), sa.column("action", sa.String),
                 sa.column("entity_type", sa.String), sa.column("entity_id", sa.String),
                 sa.column("summary", sa.Text), sa.column("before", sa.JSON), sa.column("after", sa.JSON),
                 sa.column("remote_addr", sa.String))


def goal_years(text):
    """{year: goal} of the setting's lines ("2025-12-31 6000"; lines that do not read so are skipped)."""
    found = {}
    for line in (text or "").splitlines():
        match = re.match(r"\s*(\d{4})-\d{2}-\d{2}[\s,，]+(\d+)\s*$", line)
        if match:
            found[int(match.group(1))] = int(match.group(2))
    return found


def _stored_targets(connection):
    """(row exists, the setting's text: stored, else its default)."""
    value = connection.execute(sa.select(settings.c.value).where(settings.c.key == KEY)).first()
    return (value is not None, value[0] if value is not None else OLD_DEFAULT_TARGETS)


def _write_targets(connection, exists, text, now):
    if exists:
        connection.execute(settings.update().where(settings.c.key == KEY).values(value=text, updated_at=now))
    else:
        connection.execute(settings.insert().values(key=KEY, value=text, updated_at=now, updated_by_id=None))


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(versions.c.id, versions.c.cohort, versions.c.version, versions.c.settings)
                              .order_by(versions.c.id)).all()
    given = {}                  # year → (count, "2024 级第 3 版"), the newest version naming a count wins
    for _id, cohort, version, stored in rows:
        for year, count in ((stored or {}).get("target_counts") or {}).items():
            if OLD_DEFAULT_COUNTS.get(int(year)) != int(count):
                given[int(year)] = (int(count), f"{cohort} 级第 {version} 版")
    now = datetime.now(UTC)
    exists, text = _stored_targets(connection)
    in_setting = goal_years(text)
    moved = {year: value for year, value in given.items() if year not in in_setting}
    left = {year: value for year, value in given.items() if year in in_setting and in_setting[year] != value[0]}
    if moved:
        lines = [line for line in text.splitlines() if line.strip()]
        lines += [f"{year}-12-31 {count}" for year, (count, _source) in moved.items()]
        lines.sort(key=lambda line: line.strip())      # by due date, as the dashboard lists them
        new_text = "\n".join(lines)
        _write_targets(connection, exists, new_text, now)
    else:
        new_text = text
    for row_id, _cohort, _version, stored in rows:
        if stored and "target_counts" in stored:
            connection.execute(versions.update().where(versions.c.id == row_id).values(
                settings={key: value for key, value in stored.items() if key != "target_counts"}))
    if moved or left:
        notes = [f"{year} 年 {count} 人（来自 {source}）已并入" for year, (count, source) in sorted(moved.items())]
        notes += [f"{year} 年 {count} 人（来自 {source}）未并入：县目标任务已有 {in_setting[year]} 人"
                  for year, (count, source) in sorted(left.items())]
        connection.execute(audit.insert().values(
            at=now, user_id=None, actor_label="数据库升级", action="settings.update", entity_type="settings",
            entity_id=None, summary="政策中的目标人数并入县目标任务：" + "；".join(notes),
            before={KEY: text}, after={KEY: new_text}, remote_addr=""))


NEW_KEYS = ("cadence_month_by", "cadence_year_by")


def downgrade():
    # The older code wants a count for every year a version lists in target_counted_groups: the setting's
    # goal of that year, else 0 (the setting keeps what moved over); and it refuses the R4 choices.
    connection = op.get_bind()
    in_setting = goal_years(_stored_targets(connection)[1])
    rows = connection.execute(sa.select(versions.c.id, versions.c.settings)).all()
    for row_id, stored in rows:
        if stored is None:
            continue
        older = {key: value for key, value in stored.items() if key not in NEW_KEYS}
        if "target_counts" not in older:
            years = {int(year) for year in older.get("target_counted_groups", OLD_DEFAULT_COUNTS)}
            older["target_counts"] = {str(year): in_setting.get(year, 0) for year in sorted(years)}
        if older != stored:
            connection.execute(versions.update().where(versions.c.id == row_id).values(settings=older))
