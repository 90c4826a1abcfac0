"""Rendering HTML to PDF, and QR codes as data URIs.

WeasyPrint itself lives behind lms.core.weasy, imported on the first PDF. It may fetch only files under
static/ and data: URIs — never the network, never arbitrary paths. Chinese needs a real CJK font
(fonts-noto-cjk); templates put lang="zh-CN" on <html> and name the family explicitly, as RECIPES.md
found: `font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif`.
"""
from __future__ import annotations

import base64
import io
from pathlib import Path
from urllib.parse import unquote, urlsplit

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

STATIC_ROOT = (Path(__file__).resolve().parent.parent.parent / "static").resolve()


def is_allowed_resource(url: str) -> bool:
    """True for data: URIs and existing files under static/."""
    if url.startswith("data:"):
        return True
    parts = urlsplit(url)
    if parts.scheme != "file":
        return False
    path = Path(unquote(parts.path)).resolve()
    return path.is_relative_to(STATIC_ROOT) and path.is_file()


def render_pdf(html: str) -> bytes:
    """Render an HTML document (one or many pages) to PDF bytes.

    Relative URLs resolve against static/, so templates can use src="img/seal.png".
    Raises lms.core.weasy.ResourceRefused if the document refers to anything else.
    WeasyPrint is imported here, on the first PDF, not when the app starts: it costs every `flask`
    command and every worker more than a second otherwise.
    """
    from lms.core.weasy import render

    return render(html, base_url=STATIC_ROOT.as_uri() + "/")


def qr_png(text: str, *, box_size: int = 6, border: int = 2, mask: int | None = None) -> bytes:
    """A QR code (error correction M, the smallest version that holds `text`) as a 1-bit PNG.

    Choosing the mask (`mask=None`: qrcode scores all eight) is most of the cost of a long code — ≈ 40 ms of
    50 for a certificate's version-10 code — so a batch print passes the mask chosen for its first code to the
    rest (`qr_mask`): any of the eight masks makes a valid code, and codes of the same length and alphabet score
    alike. The image is drawn from the module matrix as a 1-bit picture scaled up without smoothing (half the
    time of a module-by-module image factory).
    """
    matrix = _code(text, border, mask).get_matrix()
    size = len(matrix)
    image = Image.frombytes("1", (size, size), _packed_rows(matrix))
    buffer = io.BytesIO()
    image.resize((size * box_size, size * box_size), Image.NEAREST).save(buffer, format="PNG")
    return buffer.getvalue()


def _code(text: str, border: int, mask: int | None) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border, mask_pattern=mask)
    code.add_data(text)
    code.make(fit=True)
    return code


def _packed_rows(matrix) -> bytes:
    """Rows of dark modules as 1-bit pixels (dark = 0), each row padded to whole bytes, as PIL's "1" mode reads them."""
    packed = bytearray()
    for row in matrix:
        bits = "".join("0" if dark else "1" for dark in row)
        bits += "1" * (-len(bits) % 8)
        packed += int(bits, 2).to_bytes(len(bits) // 8, "big")
    return bytes(packed)


def qr_mask(text: str) -> int:
    """The mask qrcode chooses for `text` (its penalty scoring), to pass on to codes like it."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data(text)
    code.best_fit()
    return code.best_mask_pattern()


def data_uri(content: bytes, mime: str) -> str:
    """Bytes as a data: URI (for images embedded in PDF templates)."""
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def qr_data_uri(text: str, *, box_size: int = 6, border: int = 2, mask: int | None = None) -> str:
    """A QR code as a PNG data: URI, ready for <img src>."""
    return data_uri(qr_png(text, box_size=box_size, border=border, mask=mask), "image/png")
