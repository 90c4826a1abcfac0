"""`flask lms …` commands: users, imports, demo data. Domain commands are added explicitly below."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.auth.models import ROLES
from lms.auth.scope import EVERYTHING
from lms.core.clock import today
from lms.core.db import writer_transactions
from lms.core.errors import DomainError
from lms.extensions import db


class LmsGroup(AppGroup):
    """`flask lms …`: every command's transactions take SQLite's write lock up front (see writer_transactions)."""

    def invoke(self, ctx):
        with writer_transactions():
            return super().invoke(ctx)


lms_cli = LmsGroup("lms", help="双提升学员管理系统的管理命令。")


def echo_json(data) -> None:
    """Print one JSON object on a line (UTF-8, Chinese kept readable)."""
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


@lms_cli.command("create-user")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--scope", "scopes", multiple=True,
              help="管辖范围：乡镇/村的区划代码，或教师的班级代码；可重复。")
@click.option("--display-name", default="", help="显示的姓名（默认与用户名相同）。")
def create_user_command(name: str, role: str, scopes: tuple[str, ...], display_name: str):
    """Create user NAME. The password is read from standard input, or generated and printed."""
    from lms.auth.services import create_user, generate_password

    password = "" if sys.stdin.isatty() else sys.stdin.readline().strip()
    generated = not password
    if generated:
        password = generate_password()
    try:
        user = create_user(actor=None, username=name, display_name=display_name or name, role=role,
                           password=password, scope_codes=list(scopes))
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"已创建用户 {user.username}（{user.role_label}）")
    click.echo("首次登录时须修改初始密码。")
    if generated:
        click.echo(f"初始密码：{password}")


@lms_cli.command("import")
@click.argument("kind")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查，不写入。")
@click.option("--strict", is_flag=True, help="有任何一行出错就什么也不写。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出摘要。")
@click.option("--option", "chosen", multiple=True, help="确认导入选项，如 plans 的 replace（停用文件未列出的课程）。")
def import_command(kind: str, file: Path, dry_run: bool, strict: bool, as_json: bool, chosen: tuple[str, ...]):
    """Import FILE (.xlsx/.xls/.csv) of KIND. Exit 0: all rows good; 1: some refused; 2: file unusable."""
    from lms.imports.files import too_large_message
    from lms.imports.pipeline import ImportSummary, run_import
    from lms.imports.registry import importer_classes

    classes = importer_classes()
    if kind not in classes:
        summary = ImportSummary(kind=kind, fatal=f"未知的导入类型 {kind}，可选：{', '.join(classes)}")
    elif not file.exists():
        summary = ImportSummary(kind=kind, fatal=f"文件不存在：{file}")
    elif file.stat().st_size > current_app.config["IMPORT_MAX_BYTES"]:   # refused before it is read into memory
        summary = ImportSummary(kind=kind, fatal=too_large_message(current_app.config["IMPORT_MAX_BYTES"]))
    else:
        importer = classes[kind](actor=None, scope=EVERYTHING, today=today(), chosen=chosen)
        try:
            summary = run_import(importer, file.read_bytes(), file.name, write=not dry_run, strict=strict)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
    if as_json:
        echo_json(summary.as_dict())
    else:
        _print_summary(summary)
    sys.exit(summary.exit_code)


def _print_summary(summary) -> None:
    if summary.fatal:
        click.echo(f"无法导入：{summary.fatal}", err=True)
        return
    verb = "可写入" if summary.dry_run else "写入"
    count = summary.to_write if summary.dry_run else summary.written
    click.echo(f"{summary.kind}：共 {summary.rows} 行，{verb} {count} 行，未变 {summary.unchanged} 行，"
               f"拒绝 {len(summary.errors)} 行")
    for what, names in summary.created.items():
        click.echo(f"  新建{what}：{'、'.join(names)}")
    for error in summary.errors:
        click.echo(f"  第 {error.row} 行 [{error.column}] {error.message}")
    for warning in summary.warnings:
        click.echo(f"  提示：第 {warning.row} 行 [{warning.column}] {warning.message}")


@lms_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="数据库已有数据时什么也不做。")
def demo_command(if_empty: bool):
    """Load the fictional demo county 示例县 and print the demo accounts."""
    from lms.demo import DEMO_PASSWORD, database_is_empty, demo_accounts, load_demo

    if if_empty and not database_is_empty():
        click.echo("数据库已有数据，未加载演示数据。")
    else:
        load_demo(today=today(), echo=click.echo)
        db.session.commit()
        click.echo("演示数据已加载。")
    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, label in demo_accounts():
        click.echo(f"  {username:<12} {label}")


@lms_cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="并行执行的后台任务数。")
def worker_command(workers: int):
    """Run the background-job consumer (huey) until stopped: batch printing of certificates."""
    from lms.core.queue import run_consumer

    click.echo(f"后台任务已启动（队列：{_queue_label()}）", err=True)
    run_consumer(workers)


def _queue_label() -> str:
    from flask import current_app

    url = current_app.config.get("QUEUE_URL") or "sqlite"
    return "Redis" if url.startswith(("redis", "unix")) else "SQLite(DATA_DIR/queue.sqlite3)"


def register_cli(app) -> None:
    """Attach `flask lms` and each domain's commands to the app."""
    from lms.assessment.cli import audit_command
    from lms.backup.cli import backup_command, restore_command
    from lms.certificates.cli import certificates_cli, verify_qr_command
    from lms.reports.cli import report_cli
    from lms.teaching.cli import hours_command

    lms_cli.add_command(hours_command)
    lms_cli.add_command(audit_command)
    lms_cli.add_command(certificates_cli)
    lms_cli.add_command(verify_qr_command)
    lms_cli.add_command(report_cli)
    lms_cli.add_command(backup_command)
    lms_cli.add_command(restore_command)
    app.cli.add_command(lms_cli)
