"""PDF rendering: real CJK fonts, only local resources, QR codes that decode."""
from __future__ import annotations

import io
import subprocess

import pytest
import zxingcpp
from PIL import Image

from lms.core.pdf import qr_data_uri, qr_mask, qr_png, render_pdf
from lms.core.weasy import ResourceRefused

PAGE = """<!doctype html><html lang="zh-CN"><head><style>
body {{ font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; }}</style></head>
<body>{body}</body></html>"""


def test_chinese_text_is_set_in_a_cjk_font(tmp_path):
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(render_pdf(PAGE.format(body="<p>毕业证书 王德才 阿卜杜拉·买买提</p>")))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "毕业证书 王德才 阿卜杜拉·买买提" in text


def test_remote_resources_are_refused():
    with pytest.raises(ResourceRefused):
        render_pdf(PAGE.format(body='<img src="http://example.com/x.png">'))


def test_files_outside_static_are_refused():
    with pytest.raises(ResourceRefused):
        render_pdf(PAGE.format(body='<img src="file:///etc/passwd">'))


def test_qr_codes_decode_back_to_their_text(tmp_path):
    path = tmp_path / "qr.png"
    path.write_bytes(qr_png("https://lms.example/v/abc123"))
    assert zxingcpp.read_barcodes(Image.open(path))[0].text == "https://lms.example/v/abc123"
    assert qr_data_uri("x").startswith("data:image/png;base64,")


@pytest.mark.parametrize("mask", range(8))
def test_a_code_drawn_with_a_mask_chosen_for_another_text_still_decodes(mask):
    # A batch print chooses the mask for its first code and uses it for the rest: every mask must read back,
    # short codes and certificate-length ones (version 12, the signed payload after "#") alike.
    payload = "WzEsIjEiLCI1MjAwMDAyNTAwMDEiLCLnjosq5omNIl0." + "PAE4C5fKLGlACsY8IQTDah6hVk_3r-hoR1SxGE" * 5
    for text in ("https://lms.example/v/abc123", f"https://lms.example.gov.cn/v/Xk3_aZ90qLm2Vb7TTr8wYQ#{payload}"):
        image = Image.open(io.BytesIO(qr_png(text, box_size=5, border=2, mask=mask)))
        assert zxingcpp.read_barcodes(image.convert("L"))[0].text == text
    assert qr_mask(payload) in range(8)
