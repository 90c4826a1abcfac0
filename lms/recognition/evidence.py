"""Uploaded evidence (recognition scans, self-study proofs): PDF, JPEG or PNG checked by content and size."""
from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from flask import current_app
from PIL import UnidentifiedImageError

from lms.core.errors import DomainError
from lms.core.images import TooManyPixels, open_upload

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# A 600-dpi scan of an A4 page is 35 megapixels; larger is refused from the header, never decoded.
MAX_PIXELS = 40_000_000
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_PILLOW_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
_MAGICS = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def max_scan_bytes() -> int:
    """The largest scan accepted (config EVIDENCE_MAX_BYTES, 5 MB by default)."""
    return int(current_app.config.get("EVIDENCE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def scan_mime(data: bytes) -> str:
    """The MIME type of a scan judged by its content (never its name); DomainError if not PDF/JPEG/PNG or too large."""
    return evidence_mime(data, label="证明材料", field="scan", max_bytes=max_scan_bytes())


def evidence_mime(data: bytes, *, label: str, field: str, max_bytes: int) -> str:
    """The MIME type of an uploaded proof (a scan, a photo of a study record) judged by its content.

    PDF by its header and end marker; JPEG or PNG only if Pillow opens it and its header gives at
    most MAX_PIXELS pixels (nothing is decoded). DomainError on `field`, worded with `label`
    (“学习证明只能是 PDF、JPG 或 PNG 文件”), for anything else, an empty file or one over max_bytes.
    """
    if not data:
        raise DomainError(f"{label}文件是空的", field=field)
    if len(data) > max_bytes:
        raise DomainError(f"{label}超过 {max_bytes / 1024 / 1024:g} MB，请压缩后重新上传", field=field)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise DomainError("PDF 文件不完整，请重新扫描或导出后上传", field=field)
        return "application/pdf"
    try:
        with open_upload(data, max_pixels=MAX_PIXELS) as image:
            kind = _PILLOW_FORMATS.get(image.format or "")
            image.verify()
    except TooManyPixels as error:
        raise DomainError(error.message, field=field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind is None:
        raise DomainError(f"{label}只能是 PDF、JPG 或 PNG 文件", field=field)
    return kind


def stored_mime(path: Path) -> str:
    """The MIME type of a stored proof by its first bytes, "application/octet-stream" when it is
    none of PDF, JPEG and PNG (a file stored before uploads were checked by content)."""
    with path.open("rb") as file:
        head = file.read(8)
    for magic, mime in _MAGICS:
        if head.startswith(magic):
            return mime
    return "application/octet-stream"


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
