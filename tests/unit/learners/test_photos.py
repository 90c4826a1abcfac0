"""Learner photos: the size is judged from the header, so a huge image never reaches the decoder."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from lms.core.errors import DomainError
from lms.learners.photos import prepare_photo
from tests.support.hostile_files import jpeg_claiming, photo_in_subprocess, png

MB = 1024 * 1024


def refusal(data: bytes) -> str:
    with pytest.raises(DomainError) as caught:
        prepare_photo(data, max_bytes=2 * MB)
    assert caught.value.field == "photo"
    return caught.value.message


def test_a_30000_by_30000_png_is_refused_naming_its_size():
    data = png(30000, 30000, pixels=False)
    assert refusal(data) == "图片尺寸 30000×30000 过大，最大 2400 万像素，请缩小后重新上传"


def test_a_jpeg_whose_header_claims_30000_by_30000_is_refused_naming_its_size():
    assert refusal(jpeg_claiming(30000, 30000)) == "图片尺寸 30000×30000 过大，最大 2400 万像素，请缩小后重新上传"


def test_a_40_megapixel_png_of_150_kb_is_refused_without_being_decoded(tmp_path):
    data = png(6300, 6300)
    assert len(data) < 200 * 1024
    result = photo_in_subprocess(tmp_path, data)
    assert result["message"] == "图片尺寸 6300×6300 过大，最大 2400 万像素，请缩小后重新上传"
    assert result["grown_mb"] < 50


def test_the_largest_png_accepted_is_decoded_within_bounded_memory(tmp_path):
    result = photo_in_subprocess(tmp_path, png(4800, 4800, alpha=True))
    assert result["message"] is None
    assert result["grown_mb"] < 200


def test_a_sideways_phone_photo_is_stored_upright_and_small():
    exif = Image.Exif()
    exif[0x0112] = 6                      # Orientation: rotate 90° clockwise to view
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), "white").save(buffer, format="JPEG", exif=exif.tobytes())
    with Image.open(io.BytesIO(prepare_photo(buffer.getvalue(), max_bytes=2 * MB))) as stored:
        assert stored.size == (600, 800) and not stored.getexif()


def test_a_transparent_png_is_flattened_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 400), (0, 0, 0, 0)).save(buffer, format="PNG")
    with Image.open(io.BytesIO(prepare_photo(buffer.getvalue(), max_bytes=2 * MB))) as stored:
        assert stored.mode == "RGB" and stored.getpixel((10, 10)) == (255, 255, 255)
