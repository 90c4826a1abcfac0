"""`flask lms backup DEST` and `flask lms restore ARCHIVE [--force]`."""
from __future__ import annotations

from pathlib import Path

import click

from lms.backup.archive import create_backup, restore_backup
from lms.backup.database import BackupError
from lms.extensions import db

_COUNT_LABELS = {"users": "用户", "divisions": "区划", "roster_entries": "名册", "learners": "学员",
                 "certificates": "证书", "audit_events": "日志"}


def _counts(counts: dict) -> str:
    return ",".join(f"{_COUNT_LABELS.get(name, name)} {count}" for name, count in counts.items())


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
def backup_command(dest: Path):
    """Back up the database, LMS_DATA_DIR and the key material into one .tar.gz (DEST: a .tar.gz file, or
    a folder for a dated file). Safe while the system is in use."""
    try:
        result = create_backup(dest)
    except BackupError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    manifest = result.manifest
    click.echo(f"已备份到 {result.path}（{result.path.stat().st_size / 1048576:.1f} MB）")
    click.echo(f"  数据库：{manifest['database']['dialect']} {manifest['database']['engine_version']}，"
               f"结构版本 {manifest['schema_revision'] or '—'}；{_counts(manifest['counts'])}")
    click.echo(f"  数据目录：{manifest['data']['files']} 个文件；密钥：{'、'.join(manifest['keys']['files'])}")
    click.echo("  备份中有全部身份证号和证书签名私钥：请像服务器一样妥善保管。")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖已有数据的数据库。")
def restore_command(archive: Path, force: bool):
    """Restore ARCHIVE (made by `flask lms backup`): the database, LMS_DATA_DIR and the keys. Refuses a
    database that already holds data unless --force. Stop the web server and the worker first."""
    try:
        result = restore_backup(archive, force=force)
    except BackupError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    manifest = result.manifest
    click.echo(f"已从 {archive} 恢复（备份于 {manifest['created_at'][:19]}，{_counts(manifest['counts'])}）")
    for note in result.notes:
        click.echo(f"  {note}")
    click.echo("  身份证号查重密钥与证书签名密钥已恢复到数据目录的 keys/，与 LMS_SECRET_KEY 无关。")
