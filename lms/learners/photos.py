"""Learner photos: checked by content (JPEG or PNG, never by the file name), limited in size,
re-encoded as a plain JPEG (which drops EXIF data such as GPS positions), and kept on disk under
DATA_DIR/photos — never in the database, never under static/."""
from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask import current_app
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from lms.core.errors import DomainError
from lms.core.images import TooManyPixels, open_upload

ACCEPTED_FORMATS = ("JPEG", "PNG")
# A phone's 12-megapixel photo passes with room; past this a PNG alone decodes to ~100 MB. The size
# is read from the header, so a 30000×30000 PNG of 150 KB is refused before any pixel is decoded.
MAX_PIXELS = 24_000_000
STORED_SIZE = (600, 800)           # big enough for a printed diploma photo (2 inch at 300 dpi ≈ 413×579)
PHOTO_DIR = "photos"
_ROTATED = {5, 6, 7, 8}            # EXIF orientations that swap width and height


def _size_text(max_bytes: int) -> str:
    megabytes = max_bytes / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{max_bytes // 1024} KB"


def prepare_photo(data: bytes, *, max_bytes: int) -> bytes:
    """Check an uploaded photo and return it re-encoded as a JPEG without metadata.

    Raises DomainError (field "photo") for an empty, oversized, unreadable or non-JPEG/PNG file,
    and for one over MAX_PIXELS (“图片尺寸 30000×30000 过大,最大 2400 万像素…”), judged from
    its header before decoding. Decoding holds at most one full-size copy: a JPEG is decoded
    already scaled down, and the image is shrunk before it is turned upright or flattened.
    """
    if not data:
        raise DomainError("照片文件是空的", field="photo")
    if len(data) > max_bytes:
        raise DomainError(f"照片不能超过 {_size_text(max_bytes)}，请压缩后重新上传", field="photo")
    try:
        with open_upload(data, max_pixels=MAX_PIXELS) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise DomainError("照片只能是 JPEG 或 PNG 图片", field="photo")
            probe.verify()                       # structural check of the whole file
        with open_upload(data, max_pixels=MAX_PIXELS) as image:
            box = STORED_SIZE[::-1] if image.getexif().get(ExifTags.Base.Orientation) in _ROTATED else STORED_SIZE
            image.draft("RGB", box)              # JPEG: decode at 1/2, 1/4 or 1/8 scale when that suffices
            image.thumbnail(box)
            image = ImageOps.exif_transpose(image)   # keep phone photos upright once EXIF is gone
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            output = io.BytesIO()
            image.convert("RGB").save(output, format="JPEG", quality=88, optimize=True)
    except DomainError:
        raise
    except TooManyPixels as error:
        raise DomainError(error.message, field="photo") from None
    except UnidentifiedImageError:
        raise DomainError("照片只能是 JPEG 或 PNG 图片", field="photo") from None
    except (OSError, ValueError, SyntaxError):
        raise DomainError("照片文件已损坏，无法读取", field="photo") from None
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
