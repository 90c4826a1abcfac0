"""Opening an uploaded image safely: its size is read from the header before any pixel is decoded.

Pillow's Image.open is lazy, so a 30000×30000 PNG of 150 KB costs nothing until .load(); the
caller's pixel cap is checked first, with the real width and height in the message. Pillow's own
bomb limit is lowered process-wide as a backstop: nothing this system opens is larger.
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, JpegImagePlugin, PngImagePlugin, UnidentifiedImageError

__all__ = ["TooManyPixels", "open_upload", "pixel_message"]

# Every caller caps below this (photos 24, scans 40 megapixels); an image Pillow decodes anywhere
# else (QR codes, a certificate's photo and seal) is far smaller.
Image.MAX_IMAGE_PIXELS = 50_000_000

# Headers read directly when Pillow refuses to open an image at all (over twice its limit).
_HEADER_READERS = ((b"\x89PNG\r\n\x1a\n", PngImagePlugin.PngImageFile), (b"\xff\xd8\xff", JpegImagePlugin.JpegImageFile))


class TooManyPixels(Exception):
    """An image larger than the caller's cap: `.width`, `.height` and `.message` in Chinese."""

    def __init__(self, width: int, height: int, max_pixels: int):
        self.width, self.height, self.max_pixels = width, height, max_pixels
        self.message = pixel_message(width, height, max_pixels)
        super().__init__(self.message)


def pixel_message(width: int, height: int, max_pixels: int) -> str:
    """“图片尺寸 30000×30000 过大,最大 2400 万像素,请缩小后重新上传”."""
    return f"图片尺寸 {width}×{height} 过大，最大 {max_pixels // 10_000} 万像素，请缩小后重新上传"


def open_upload(data: bytes, *, max_pixels: int) -> Image.Image:
    """The uploaded image, opened but not decoded, when it has at most `max_pixels` pixels.

    Raises TooManyPixels (a PNG or JPEG over the cap, however large), or Pillow's
    UnidentifiedImageError/OSError/SyntaxError/ValueError for what is not a readable image; an
    image of another format past Pillow's limit raises UnidentifiedImageError.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        width, height = _header_size(data)
        raise TooManyPixels(width, height, max_pixels) from None
    if image.width * image.height > max_pixels:
        image.close()
        raise TooManyPixels(image.width, image.height, max_pixels)
    return image


def _header_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG or JPEG header, bypassing Pillow's bomb check (nothing is decoded)."""
    for magic, reader in _HEADER_READERS:
        if data.startswith(magic):
            with reader(io.BytesIO(data)) as image:
                return image.size
    raise UnidentifiedImageError("too large, and neither PNG nor JPEG")
