"""Files printed on certificates: the school's seal, learners' photos, kept under DATA_DIR.

When a certificate is issued, the seal and the photo are copied into a content-addressed store
(DATA_DIR/certificates/assets/<sha256>.<ext>) and the snapshot names that copy, so replacing the
seal or a photo later never changes a document already issued.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app
from PIL import UnidentifiedImageError

from lms.audit.services import record
from lms.core.clock import now_utc
from lms.core.errors import DomainError
from lms.core.images import TooManyPixels, open_upload
from lms.core.pdf import data_uri

SEAL_FILE = Path("school") / "seal.png"
ASSET_DIR = Path("certificates") / "assets"
SEAL_MAX_BYTES = 1024 * 1024
SEAL_MAX_PIXELS = 2000 * 2000
_MIME = {b"\x89PNG": ("image/png", "png"), b"\xff\xd8\xff": ("image/jpeg", "jpg")}


def data_dir() -> Path:
    """The configured DATA_DIR."""
    return Path(current_app.config["DATA_DIR"])


def inside_data_dir(relative: str | None) -> Path | None:
    """The existing file `relative` names under DATA_DIR, or None (missing, or pointing outside it)."""
    if not relative:
        return None
    root = data_dir().resolve()
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def _image_type(content: bytes) -> tuple[str, str] | None:
    for magic, kind in _MIME.items():
        if content.startswith(magic):
            return kind
    return None


def store_asset(path: Path | None) -> str | None:
    """Copy an image (PNG or JPEG) into the content-addressed store; its path relative to DATA_DIR, or None."""
    if path is None:
        return None
    content = path.read_bytes()
    kind = _image_type(content)
    if kind is None:
        return None
    relative = ASSET_DIR / f"{hashlib.sha256(content).hexdigest()}.{kind[1]}"
    target = data_dir() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(content)
        os.replace(temporary, target)
    return str(relative)


def asset_data_uri(relative: str | None) -> str | None:
    """A stored image as a data: URI for a PDF template, or None when absent."""
    path = inside_data_dir(relative)
    if path is None:
        return None
    content = path.read_bytes()
    kind = _image_type(content)
    return data_uri(content, kind[0]) if kind else None


def current_seal() -> Path | None:
    """The seal image the admin uploaded, if any."""
    return inside_data_dir(str(SEAL_FILE))


def save_seal(*, actor, content: bytes) -> None:
    """Store an uploaded seal image (PNG, at most 1 MB, at most 2000×2000). Audited; the old one is kept."""
    if not content:
        raise DomainError("请选择印章图片文件", field="seal")
    if len(content) > SEAL_MAX_BYTES:
        raise DomainError("印章图片不能超过 1 MB", field="seal")
    try:
        image = open_upload(content, max_pixels=SEAL_MAX_PIXELS)    # the header only: nothing decoded yet
        image.verify()
    except TooManyPixels as error:
        raise DomainError(error.message, field="seal") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DomainError("印章文件不是有效的图片，请上传 PNG 格式（建议透明背景）", field="seal") from None
    if image.format != "PNG":
        raise DomainError(f"印章图片应为 PNG 格式（收到 {image.format}）", field="seal")
    if max(image.size) > 2000:
        raise DomainError("印章图片太大：宽和高都不应超过 2000 像素", field="seal")
    previous = store_asset(current_seal())   # keep the old seal in the store: nothing is lost
    target = data_dir() / SEAL_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)
    record(actor, "settings.seal", "settings", "school.seal", summary="上传学校印章图片",
           before={"seal": previous}, after={"seal": store_asset(target), "uploaded_at": now_utc()})


def remove_seal(*, actor) -> None:
    """Stop printing a seal (the image stays in the asset store). Audited."""
    current = current_seal()
    if current is None:
        return
    previous = store_asset(current)
    current.unlink()
    record(actor, "settings.seal_remove", "settings", "school.seal", summary="移除学校印章图片",
           before={"seal": previous}, after={"seal": None})
