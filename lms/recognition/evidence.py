"""Uploaded evidence scans: PDF, JPEG or PNG checked by their content and size, stored under DATA_DIR."""
from __future__ import annotations

import io
import secrets
from datetime import date
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError

from lms.core.errors import DomainError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_PILLOW_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


def max_scan_bytes() -> int:
    """The largest scan accepted (config EVIDENCE_MAX_BYTES, 5 MB by default)."""
    return int(current_app.config.get("EVIDENCE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def scan_mime(data: bytes) -> str:
    """The MIME type of a scan judged by its content (never its name); DomainError if not PDF/JPEG/PNG or too large."""
    if not data:
        raise DomainError("证明材料文件是空的", field="scan")
    limit = max_scan_bytes()
    if len(data) > limit:
        raise DomainError(f"证明材料超过 {limit / 1024 / 1024:g} MB,请压缩后重新上传", field="scan")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise DomainError("PDF 文件不完整,请重新扫描或导出后上传", field="scan")
        return "application/pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = _PILLOW_FORMATS.get(image.format or "")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind is None:
        raise DomainError("证明材料只能是 PDF、JPG 或 PNG 文件", field="scan")
    return kind


def store_scan(data: bytes, mime: str, *, today: date) -> str:
    """Write a checked scan under DATA_DIR/evidence/<year>/ with a random name; returns the relative path."""
    relative = Path("evidence") / str(today.year) / f"{secrets.token_urlsafe(18)}{EXTENSIONS[mime]}"
    path = Path(current_app.config["DATA_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative.as_posix()


def scan_file(relative: str | None) -> Path | None:
    """The stored scan's absolute path, or None when missing or outside DATA_DIR/evidence."""
    if not relative:
        return None
    root = (Path(current_app.config["DATA_DIR"]) / "evidence").resolve()
    path = (Path(current_app.config["DATA_DIR"]) / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path
