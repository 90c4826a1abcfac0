"""One archive (.tar.gz) holding everything a system needs to run again elsewhere.

    manifest.json          format, versions, what is inside, counts, checksums
    database.sqlite3       SQLite: an online-backup copy — or database.dump: PostgreSQL, pg_dump -Fc
    data/…                 LMS_DATA_DIR: photos, evidence scans, seal, generated PDFs (not the queue,
                           the rate-limit counters or half-written files)
    keys/id-hash.key       the key of the ID-number hashes (hex), whichever the system used
    keys/certificate-…     the certificate signing key pair (DATA_DIR/keys)

The ID-hash key is derived from LMS_SECRET_KEY unless configured, and the secret key lives outside the
data folder: restored under another secret key, duplicate detection would silently find nobody. So the
key goes into the archive, and restore writes it to DATA_DIR/keys/id-hash.key, which takes precedence
(lms.learners.lookup). The archive holds every ID number and the private signing key: it is written
mode 0600; keep it as safe as the server.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from flask import current_app

from lms.backup import database
from lms.backup.database import BackupError
from lms.certificates.signing import PUBLIC_KEY_FILE
from lms.core.clock import now_china, now_utc
from lms.core.ratelimit import FILE_NAME as RATE_LIMIT_FILE
from lms.extensions import db
from lms.learners.lookup import ID_HASH_KEY_FILE, forget_id_hash_key, id_hash_key

FORMAT, FORMAT_VERSION = "lms-backup", 1
MANIFEST = "manifest.json"
KEYS = Path("keys")
# Files of the data folder that are not data: the job queue (jobs are queued again from the database when
# a worker starts), rate-limit counters, and files still being written.
_NOT_DATA_NAMES = ("queue.sqlite3", RATE_LIMIT_FILE)
_NOT_DATA_SUFFIXES = (".part", "-wal", "-shm", "-journal")


@dataclass
class BackupResult:
    """What a backup or a restore did, for the command's report."""

    path: Path
    manifest: dict
    notes: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _data_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]).resolve()


def _data_files(data_dir: Path) -> list[Path]:
    """The data folder's files to keep, relative to it (keys are stored apart, the database file too)."""
    skip = {database.sqlite_path()} if database.dialect() == "sqlite" else set()
    files = []
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if (not path.is_file() or path.is_symlink() or relative.parts[0] == KEYS.name or path.resolve() in skip
                or path.name.startswith(_NOT_DATA_NAMES) or path.name.endswith(_NOT_DATA_SUFFIXES)):
            continue
        files.append(relative)
    return files


def _application_version() -> str:
    try:
        return metadata.version("lms")
    except metadata.PackageNotFoundError:
        return "unknown"


def _archive_path(dest: Path) -> Path:
    """DEST itself when it names a .tar.gz file, else a dated file in the folder DEST (nightly runs)."""
    if dest.name.endswith((".tar.gz", ".tgz")):
        return dest
    return dest / f"lms-backup-{now_china():%Y%m%d-%H%M%S}.tar.gz"


def create_backup(dest: Path, *, actor=None) -> BackupResult:
    """Write the archive to `dest` (a .tar.gz file, or a folder to put a dated file in). Audited; commits.

    The database copy holds no lock that writers wait for, so the system stays in use meanwhile."""
    path = _archive_path(dest)
    if path.exists():
        raise BackupError(f"{path} 已存在，不覆盖已有的备份")
    path.parent.mkdir(parents=True, exist_ok=True)
    data_dir = _data_dir()
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "created_at": now_utc().isoformat(),
                "application": {"name": "lms", "version": _application_version()},
                "schema_revision": database.schema_revision(), "counts": database.content_counts()}
    key = id_hash_key()
    db.session.commit()         # end the reads: the copy below must not wait on, or hold, a transaction
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".lms-backup-") as work:
        work = Path(work)
        name = database.dump(work)
        manifest["database"] = {"dialect": database.dialect(), "file": name,
                                "engine_version": database.engine_version(),
                                "bytes": (work / name).stat().st_size, "sha256": _sha256(work / name)}
        db.session.commit()
        (work / "id-hash.key").write_text(key.hex() + "\n")
        keys = {str(KEYS / "id-hash.key"): work / "id-hash.key"}
        if (data_dir / KEYS).is_dir():
            for key_file in sorted((data_dir / KEYS).iterdir()):
                if (key_file.is_file() and key_file.name != ID_HASH_KEY_FILE.name
                        and not key_file.name.endswith(".part")):
                    keys[str(KEYS / key_file.name)] = key_file
        data = _data_files(data_dir)
        manifest["keys"] = {"id_hash": str(KEYS / "id-hash.key"), "files": sorted(keys),
                            "sha256": {name: _sha256(file) for name, file in keys.items()}}
        manifest["data"] = {"folder": "data/", "files": len(data),
                            "bytes": sum((data_dir / file).stat().st_size for file in data)}
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        partial = path.with_name(path.name + ".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as tar:
            tar.add(work / MANIFEST, MANIFEST)
            tar.add(work / name, name)
            for archived, file in keys.items():
                tar.add(file, archived)
            for file in data:
                tar.add(data_dir / file, str(PurePosixPath("data", *file.parts)))
        os.replace(partial, path)
    from lms.audit.services import record

    record(actor, "system.backup", "system", None, summary=f"备份数据库、数据目录与密钥到 {path}",
           after={"file": str(path), "database": manifest["database"]["dialect"], "counts": manifest["counts"]})
    db.session.commit()
    return BackupResult(path, manifest)


def read_manifest(archive: Path) -> dict:
    """The archive's manifest, checked to be one of ours."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = json.load(tar.extractfile(MANIFEST))
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{archive} 不是可用的备份文件（{error}）") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{archive} 不是本系统的备份（格式 {manifest.get('format')} {manifest.get('format_version')}）")
    return manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"备份文件中有不安全的条目：{member.name}")
        members.append(member)
    return members


def _copy_tree(source: Path, target: Path) -> int:
    count = 0
    for file in sorted(source.rglob("*")):
        if file.is_file():
            destination = target / file.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, destination)
            count += 1
    return count


def _install_keys(source: Path, keys_dir: Path) -> None:
    """The archive's keys into DATA_DIR/keys (folder 0700; private keys 0600, public keys readable)."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    public = {PUBLIC_KEY_FILE.name}
    for file in sorted(source.iterdir()):
        destination = keys_dir / file.name
        temporary = destination.with_name(destination.name + ".part")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                             0o644 if file.name in public else 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(file.read_bytes())
        os.replace(temporary, destination)


def restore_backup(archive: Path, *, force: bool = False) -> BackupResult:
    """Put the archive's database, data folder and keys in place of this system's. Refuses a database in use
    (users, learners, roster … present) unless `force`. Audited (in the restored database); commits."""
    manifest = read_manifest(archive)
    if manifest["database"]["dialect"] != database.dialect():
        raise BackupError(f"备份来自 {manifest['database']['dialect']} 数据库，不能恢复到 {database.dialect()} 数据库")
    counts = database.content_counts()
    db.session.commit()
    if any(counts.values()) and not force:
        held = "、".join(f"{name} {count} 行" for name, count in counts.items() if count)
        raise BackupError(f"数据库不是空的（{held}），恢复会覆盖它。确认要覆盖，请加 --force")
    data_dir = _data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir.parent, prefix=".lms-restore-") as work, \
            tarfile.open(archive, "r:gz") as tar:
        work = Path(work)
        tar.extractall(work, members=_safe_members(tar), filter="data")
        file = work / manifest["database"]["file"]
        if _sha256(file) != manifest["database"]["sha256"]:
            raise BackupError("备份中的数据库文件已损坏（校验和不符），未恢复任何内容")
        for name, digest in manifest["keys"]["sha256"].items():
            if _sha256(work / name) != digest:
                raise BackupError(f"备份中的密钥 {name} 已损坏（校验和不符），未恢复任何内容")
        database.load(file, manifest["database"]["dialect"])
        restored = _copy_tree(work / "data", data_dir) if (work / "data").is_dir() else 0
        _install_keys(work / KEYS, data_dir / KEYS)
    forget_id_hash_key(current_app)
    from lms.audit.services import record

    record(None, "system.restore", "system", None,
           summary=f"从备份 {archive.name}（创建于 {manifest['created_at'][:19]}）恢复数据库、数据目录与密钥",
           after={"file": str(archive), "created_at": manifest["created_at"], "counts": manifest["counts"]})
    db.session.commit()
    notes = [f"数据目录：恢复 {restored} 个文件到 {data_dir}"]
    head = _code_revision()
    if manifest.get("schema_revision") and head and manifest["schema_revision"] != head:
        notes.append(f"备份的数据库结构版本为 {manifest['schema_revision']}，本程序为 {head}："
                     "请运行 flask --app wsgi db upgrade，再运行 flask --app wsgi lms report retally --if-needed")
    return BackupResult(archive, manifest, notes)


def _code_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from lms import PROJECT_ROOT

    try:
        return ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()
    except Exception:   # an installation without the migrations folder: nothing to compare with
        return None
