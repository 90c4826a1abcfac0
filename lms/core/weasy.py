"""WeasyPrint, imported only by lms.core.pdf.render_pdf on the first PDF (1–2 s of imports the app's start
should not pay): the fetcher limited to static files and data: URIs, and one FontConfiguration per process
(font discovery is the slow part)."""
from __future__ import annotations

import logging
from functools import lru_cache

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from lms.core.pdf import is_allowed_resource

# WeasyPrint reports missing fonts and slow subsetting only to its logger: make that visible.
logging.getLogger("weasyprint").setLevel(logging.WARNING)


class ResourceRefused(FatalURLFetchingError):
    """A template referred to something outside static/ (or not a data: URI); rendering stops."""


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


def render(html: str, *, base_url: str) -> bytes:
    """The PDF bytes of `html`, relative URLs resolved against `base_url`, fetching only what
    lms.core.pdf.is_allowed_resource allows."""
    return HTML(string=html, base_url=base_url, url_fetcher=LocalOnlyFetcher()).write_pdf(
        font_config=font_configuration())
