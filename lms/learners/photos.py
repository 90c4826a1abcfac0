"""Learner photos: checked by content (JPEG or PNG, never by the file name), limited in size,
re-encoded as a plain JPEG (which drops EXIF data such as GPS positions), and kept on disk under
DATA_DIR/photos — never in the database, never under static/."""
from __future__ import annotations

import io
import secrets
import warnings
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from lms.core.errors import DomainError

ACCEPTED_FORMATS = ("JPEG", "PNG")
MAX_PIXELS = 40_000_000            # a 40-megapixel image is far beyond any ID photo; larger is refused
STORED_SIZE = (600, 800)           # big enough for a printed diploma photo (2 inch at 300 dpi ≈ 413×579)
PHOTO_DIR = "photos"


def _size_text(max_bytes: int) -> str:
    megabytes = max_bytes / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{max_bytes // 1024} KB"


def prepare_photo(data: bytes, *, max_bytes: int) -> bytes:
    """Check an uploaded photo and return it re-encoded as a JPEG without metadata.

    Raises DomainError (field "photo") for an empty, oversized, unreadable or non-JPEG/PNG file.
    """
    if not data:
        raise DomainError("照片文件是空的", field="photo")
    if len(data) > max_bytes:
        raise DomainError(f"照片不能超过 {_size_text(max_bytes)},请压缩后重新上传", field="photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in ACCEPTED_FORMATS:
                    raise DomainError("照片只能是 JPEG 或 PNG 图片", field="photo")
                if probe.width * probe.height > MAX_PIXELS:
                    raise DomainError("照片像素过大,请缩小后重新上传", field="photo")
                probe.verify()                       # structural check of the whole file
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)   # keep phone photos upright once EXIF is gone
                if image.mode not in ("RGB", "L"):
                    background = Image.new("RGB", image.size, "white")
                    rgba = image.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    image = background
                image.thumbnail(STORED_SIZE)
                output = io.BytesIO()
                image.convert("RGB").save(output, format="JPEG", quality=88, optimize=True)
    except DomainError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError("照片只能是 JPEG 或 PNG 图片", field="photo") from None
    except (OSError, ValueError, SyntaxError):
        raise DomainError("照片文件已损坏,无法读取", field="photo") from None
    return output.getvalue()


def photo_root() -> Path:
    """DATA_DIR/photos (created on first use)."""
    root = Path(current_app.config["DATA_DIR"]) / PHOTO_DIR
    root.mkdir(parents=True, exist_ok=True)
    return root


def store_photo(learner_id: int, jpeg: bytes) -> str:
    """Write a prepared photo to disk; returns its path relative to DATA_DIR (kept in learners.photo_path).

    A new name every time: a replaced photo stays on disk and the audit log can name both.
    """
    name = f"{learner_id}-{secrets.token_hex(8)}.jpg"
    (photo_root() / name).write_bytes(jpeg)
    return f"{PHOTO_DIR}/{name}"


def photo_file(photo_path: str | None) -> Path | None:
    """The file of a stored photo path, or None when there is none (or it points outside photos/)."""
    if not photo_path:
        return None
    root = photo_root().resolve()
    path = (Path(current_app.config["DATA_DIR"]) / photo_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path
