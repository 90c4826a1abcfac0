"""`flask lms certificates issue|render` (bulk issuing and printing) and `flask lms verify-qr` (offline check)."""
from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from lms.auth.scope import EVERYTHING
from lms.core.clock import today
from lms.core.errors import DomainError
from lms.extensions import db

certificates_cli = AppGroup("certificates", help="证书：批量发放与批量打印。")
TYPES = {"diploma": "diploma", "completion": "completion", "study-record": "study_record"}


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


def _warn_if_local(base_url: str) -> None:
    """Say on standard error when the QR codes would name this machine or a private network."""
    from lms.certificates.rendering import qr_base_warning

    warning = qr_base_warning(base_url)
    if warning:
        click.echo(f"警告：{warning}", err=True)


def _diploma_batch(name: str, as_of: date, verified_on: date | None, reference: str | None,
                   allow_no_photo: bool = False):
    """Find or build the batch NAME and carry it as far as the options allow; the certificates issued now."""
    from lms.certificates import queries
    from lms.certificates.models import GraduationBatch
    from lms.certificates.services import batches

    batch = db.session.scalar(select(GraduationBatch).where(GraduationBatch.name == name))
    if batch is not None and batch.kind != "diploma":
        raise DomainError(f"批次“{name}”不是毕业证书批次")
    if batch is None:
        graduates = [c.learner.id for c in queries.candidates("diploma", EVERYTHING, as_of=as_of)
                     if c.decision.outcome == "graduate"]
        if not graduates:
            return None, []
        batch = batches.create_diploma_batch(actor=None, name=name, as_of=as_of, learner_ids=graduates)
    if batch.status == "draft":
        missing = batches.without_photo(batches.active_members(batch))
        if missing and not allow_no_photo:
            names = "、".join(learner.name for learner in missing[:10]) + (" 等" if len(missing) > 10 else "")
            raise DomainError(f"{len(missing)} 名学员没有照片：{names}。请先上传照片，"
                              "或加 --allow-no-photo 选择无照片打印（记入批次）")
        batches.submit_batch(actor=None, batch=batch, submitted_on=as_of, print_without_photo=allow_no_photo)
    if batch.status == "submitted" and verified_on is not None:
        batches.record_verification(actor=None, batch=batch, verified_on=verified_on, reference=reference)
    if batch.status == "verified":
        return batch, batches.issue_batch(actor=None, batch=batch, issued_on=max(as_of, batch.verified_on))
    return batch, []


@certificates_cli.command("issue")
@click.option("--type", "type_", required=True, type=click.Choice(list(TYPES)), help="证书类型。")
@click.option("--batch", "batch_name", default=None, help="批次名称（毕业证书：建立或继续该批次）。")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="审核及发证日期，默认今天。")
@click.option("--verified-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="州教育局验印日期。")
@click.option("--verification-ref", default=None, help="验印文号。")
@click.option("--allow-no-photo", is_flag=True,
              help="毕业证书：有学员没有照片时仍报送验印（无照片打印，记入批次）；不加时列出这些学员并停止。")
@click.option("--json", "as_json", is_flag=True, help="每份证书输出一行 JSON。")
def issue_command(type_: str, batch_name: str | None, as_of, verified_on, verification_ref: str | None,
                  allow_no_photo: bool, as_json: bool):
    """Issue certificates of TYPE to every learner the engine allows. Diplomas go through a batch: without
    --verified-on/--verification-ref the batch stops at "submitted" (报州教育局验印); learners without a
    photo stop it before that unless --allow-no-photo."""
    from lms.certificates import queries
    from lms.certificates.rendering import public_base_url, verify_url
    from lms.certificates.services import batches

    kind = TYPES[type_]
    as_of = as_of.date() if as_of else today()
    verified_on = verified_on.date() if verified_on else None
    if (verified_on is None) != (not verification_ref):
        raise click.UsageError("--verified-on 和 --verification-ref 需要同时给出")
    try:
        if kind == "diploma":
            batch, certificates = _diploma_batch(batch_name or f"{as_of.year}年毕业批次", as_of, verified_on,
                                                 verification_ref, allow_no_photo)
        else:
            ids = [c.learner.id for c in queries.candidates(kind, EVERYTHING, as_of=as_of)]
            batch = batches.issue_directly(actor=None, kind=kind, learner_ids=ids, issued_on=as_of,
                                           name=batch_name) if ids else None
            certificates = [member.certificate for member in batch.members] if batch else []
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    base = public_base_url()
    if certificates:
        _warn_if_local(base)
    for certificate in certificates:
        row = {"id_number": certificate.snapshot["id_number"], "type": type_, "number": certificate.number,
               "verify_url": verify_url(certificate.token, base)}
        if as_json:
            _echo_json(row)
        else:
            click.echo(f"{certificate.number}  {certificate.snapshot['name']}  {row['verify_url']}")
    if not as_json:
        state = f"批次“{batch.name}”：{batch.status_label}" if batch else "没有符合条件的学员"
        click.echo(f"发放 {len(certificates)} 份。{state}", err=True)


@certificates_cli.command("render")
@click.option("--batch", "batch_name", required=True, help="批次名称。")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的 PDF 文件。")
def render_command(batch_name: str, out: Path):
    """Print a batch as ONE PDF (one certificate per page, in number order), chunks on every core, with progress."""
    from lms.audit.services import record
    from lms.certificates import queries
    from lms.certificates.models import GraduationBatch
    from lms.certificates.rendering import public_base_url
    from lms.certificates.services import jobs

    batch = db.session.scalar(select(GraduationBatch).where(GraduationBatch.name == batch_name))
    if batch is None:
        raise click.ClickException(f"找不到批次“{batch_name}”")
    _warn_if_local(public_base_url())
    try:
        job = jobs.create_render_job(actor=None, label=batch.name, batch=batch, base_url=public_base_url(),
                                     certificate_ids=queries.batch_certificate_ids(batch))
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    jobs.run_render_job(job.id, on_progress=lambda job: click.echo(f"  {job.done}/{job.total}", err=True))
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(current_app.config["DATA_DIR"]) / job.file_path, out)
    record(None, "certificate.print_download", "render_job", job.id,
           summary=f"命令行导出批量打印文件“{job.label}”（{job.total} 份）到 {out}")
    db.session.commit()
    click.echo(f"已生成 {job.total} 份证书 → {out}", err=True)


@click.command("verify-qr")
@click.argument("payload")
@click.option("--public-key", "public_key", default=None,
              help="公钥：PEM 文件或 /verify/public-key 页面上的 base64url 公钥；默认 DATA_DIR/keys 中的公钥。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
@click.option("--record", is_flag=True, help="同时查数据库：证书是否已撤销，并记一条核验日志（需要数据库）。")
def verify_qr_command(payload: str, public_key: str | None, as_json: bool, record: bool):
    """Check a certificate QR code (the whole scanned text, or its payload; "-" reads standard input) with the
    public key only: no network and no database. Exit 0 when the signature is valid, 1 when not. With --record
    the database is read too: exit 2 when the certificate was revoked (date and reason shown), 1 when the
    database has no certificate of that number; the check is logged."""
    from lms.certificates.signing import PUBLIC_KEY_FILE, load_public_key, verify_payload

    if payload == "-":
        payload = sys.stdin.read()
    source = public_key or Path(current_app.config["DATA_DIR"]) / PUBLIC_KEY_FILE
    try:
        key = load_public_key(source)
    except (OSError, ValueError) as error:
        raise click.ClickException(f"无法读取公钥（{error}）；请用 --public-key 指定公钥文件或公钥文本") from error
    result = verify_payload(payload, key)
    facts = result.facts
    on_record = _record_check(facts.number) if record and facts else None
    ok, message, exit_code = result.ok, result.message, 0 if result.ok else 1
    if on_record is not None and not on_record.ok:
        ok, message, exit_code = False, on_record.message, on_record.exit_code
    if as_json:
        _echo_json({"ok": ok, "message": message, **({
            "type": facts.type_label, "number": facts.number, "name": facts.masked_name,
            "specialty": facts.specialty, "issued_on": facts.issued_on.isoformat(), "school": facts.school}
            if facts else {}), **(on_record.as_json() if on_record else {})})
    else:
        click.echo(("✓ " if ok else "✗ ") + message)
        if facts:
            click.echo(f"  {facts.type_label} {facts.number} · {facts.masked_name} · {facts.specialty} · "
                       f"{facts.issued_on.isoformat()} · {facts.school}")
            if on_record is None:
                click.echo("  （离线核验只能证明内容由学校签发、未被改动；是否已撤销请以在线核验页面为准）")
            elif on_record.ok:
                click.echo("  （数据库中该证书有效；已记录本次核验）")
    sys.exit(exit_code)


@dataclass(frozen=True)
class RecordCheck:
    """What the database says of a certificate whose QR signature was checked."""

    ok: bool
    message: str
    exit_code: int = 0
    status: str = "valid"
    revoked_on: date | None = None
    revoke_reason: str = ""

    def as_json(self) -> dict:
        return {"status": self.status, "revoked_on": self.revoked_on.isoformat() if self.revoked_on else None,
                "revoke_reason": self.revoke_reason or None}


def _record_check(number: str) -> RecordCheck:
    """Look the certificate up, log the check (when it exists), and say whether it is still valid."""
    from lms.certificates.models import Certificate
    from lms.certificates.rendering import date_cn
    from lms.certificates.services import log_verification

    certificate = db.session.scalar(select(Certificate).where(Certificate.number == number))
    if certificate is None:
        return RecordCheck(False, f"签名有效，但数据库中没有编号 {number} 的证书", 1, status="unknown")
    log_verification(certificate, channel="offline-cli")
    db.session.commit()
    if certificate.revoked:
        return RecordCheck(False, f"已撤销：证书 {number} 已于 {date_cn(certificate.revoked_on)}撤销，"
                                  f"原因：{certificate.revoke_reason}（签名有效，但证书已作废）", 2,
                           status="revoked", revoked_on=certificate.revoked_on,
                           revoke_reason=certificate.revoke_reason)
    return RecordCheck(True, "有效")
