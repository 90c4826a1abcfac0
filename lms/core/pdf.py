"""Rendering HTML to PDF with WeasyPrint, and QR codes as data URIs.

One FontConfiguration per process (font discovery is the slow part). WeasyPrint may fetch only
files under static/ and data: URIs — never the network, never arbitrary paths. Chinese needs a real
CJK font (fonts-noto-cjk); templates put lang="zh-CN" on <html> and name the family explicitly,
as RECIPES.md found: `font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif`.
"""
from __future__ import annotations

import base64
import io
import logging
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import qrcode
from qrcode.image.pil import PilImage
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

STATIC_ROOT = (Path(__file__).resolve().parent.parent.parent / "static").resolve()

# WeasyPrint reports missing fonts and slow subsetting only to its logger: make that visible.
logging.getLogger("weasyprint").setLevel(logging.WARNING)


class ResourceRefused(FatalURLFetchingError):
    """A template referred to something outside static/ (or not a data: URI); rendering stops."""


def is_allowed_resource(url: str) -> bool:
    """True for data: URIs and existing files under static/."""
    if url.startswith("data:"):
        return True
    parts = urlsplit(url)
    if parts.scheme != "file":
        return False
    path = Path(unquote(parts.path)).resolve()
    return path.is_relative_to(STATIC_ROOT) and path.is_file()


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to data: URIs and files under static/."""

    def fetch(self, url, headers=None):
        if not is_allowed_resource(url):
            raise ResourceRefused(f"PDF templates may only use static files and data: URIs, not {url}")
        return super().fetch(url, headers)


@lru_cache(maxsize=1)
def font_configuration() -> FontConfiguration:
    """The process-wide FontConfiguration (created on first use)."""
    return FontConfiguration()


def render_pdf(html: str) -> bytes:
    """Render an HTML document (one or many pages) to PDF bytes.

    Relative URLs resolve against static/, so templates can use src="img/seal.png".
    Raises ResourceRefused if the document refers to anything else.
    """
    document = HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=LocalOnlyFetcher())
    return document.write_pdf(font_config=font_configuration())


def qr_png(text: str, *, box_size: int = 6, border: int = 2) -> bytes:
    """A QR code (error correction M) as PNG bytes."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PilImage).save(buffer, format="PNG")
    return buffer.getvalue()


def data_uri(content: bytes, mime: str) -> str:
    """Bytes as a data: URI (for images embedded in PDF templates)."""
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def qr_data_uri(text: str, *, box_size: int = 6, border: int = 2) -> str:
    """A QR code as a PNG data: URI, ready for <img src>."""
    return data_uri(qr_png(text, box_size=box_size, border=border), "image/png")
