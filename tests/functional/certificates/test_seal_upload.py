"""The seal upload: its size is judged from the PNG header, so a huge image is refused, not decoded."""
from __future__ import annotations

import io

from lms.certificates.services import assets
from tests.support.hostile_files import png


def seal_bytes() -> bytes | None:
    """The current seal's content (DATA_DIR outlives a test: another may have uploaded one)."""
    path = assets.current_seal()
    return path.read_bytes() if path else None


def upload(client, data: bytes):
    return client.post_form("/settings/seal", {"seal": (io.BytesIO(data), "seal.png"), "action": "upload"},
                            content_type="multipart/form-data")


def test_a_30000_by_30000_seal_is_refused_naming_its_size(client, login_as):
    login_as("admin")
    before = seal_bytes()
    page = upload(client, png(30000, 30000, pixels=False)).get_data(as_text=True)
    assert "图片尺寸 30000×30000 过大，最大 400 万像素，请缩小后重新上传" in page
    assert seal_bytes() == before


def test_a_seal_wider_than_2000_pixels_is_still_refused_by_its_side(client, login_as):
    login_as("admin")
    before = seal_bytes()
    page = upload(client, png(2500, 100)).get_data(as_text=True)
    assert "印章图片太大：宽和高都不应超过 2000 像素" in page and seal_bytes() == before
