"""Static files for slow links (issue 15): versioned URLs, a year of browser caching, gzip.

`url_for("static", ...)` and `url_for("bootstrap.static", ...)` carry `?v=<hash of the file's bytes>`: a
request with the current version is cached by the browser for a year ("immutable") — a changed file gets a
new URL, so a repeat visit downloads only the page. CSS, JavaScript, SVG and JSON go gzip-compressed to
browsers that accept it, compressed once per file version and kept in memory. (Behind nginx, its own gzip
and expires lines do the same: README "Deployment".)
"""
from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

from flask import Flask, current_app, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json",
                "application/manifest+json"}
_versions: dict[str, tuple[float, str]] = {}
_gzipped: dict[str, tuple[float, bytes]] = {}
_settled: dict[tuple[str, str], str] = {}      # (endpoint, filename) → version, outside debug


def _folder(endpoint: str) -> str | None:
    if endpoint == "static":
        return current_app.static_folder
    blueprint = current_app.blueprints.get(endpoint.rsplit(".", 1)[0]) if endpoint.endswith(".static") else None
    return blueprint.static_folder if blueprint is not None else None


def _path(endpoint: str, filename: str) -> str | None:
    folder = _folder(endpoint)
    path = safe_join(folder, filename) if folder else None
    return path if path and os.path.isfile(path) else None


def file_version(endpoint: str, filename: str) -> str | None:
    """The first 10 hex digits of the SHA-256 of a static file's bytes (re-read when its mtime changes)."""
    fixed = not (current_app.debug or current_app.config.get("TEMPLATES_AUTO_RELOAD"))
    if fixed and (endpoint, filename) in _settled:
        # A running server's files change only with a deploy, which restarts it: no stat per URL per page.
        return _settled[(endpoint, filename)]
    path = _path(endpoint, filename)
    if path is None:
        return None
    mtime = os.stat(path).st_mtime
    known = _versions.get(path)
    if known is None or known[0] != mtime:
        known = (mtime, hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10])
        _versions[path] = known
    if fixed:
        _settled[(endpoint, filename)] = known[1]
    return known[1]


def _gzip(path: str) -> bytes:
    mtime = os.stat(path).st_mtime
    known = _gzipped.get(path)
    if known is None or known[0] != mtime:
        known = (mtime, gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0))
        _gzipped[path] = known
    return known[1]


def init_app(app: Flask) -> None:
    """Version the static URLs and serve static files cached and compressed (see the module doc)."""

    @app.url_defaults
    def versioned(endpoint, values):
        if (endpoint == "static" or endpoint.endswith(".static")) and "filename" in values and "v" not in values:
            version = file_version(endpoint, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cached_and_compressed(response):
        endpoint = request.endpoint or ""
        if not (endpoint == "static" or endpoint.endswith(".static")) or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        version = request.args.get("v")
        if version and version == file_version(endpoint, filename):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        response.vary.add("Accept-Encoding")
        path = _path(endpoint, filename)
        if (response.status_code == 200 and path and response.mimetype in COMPRESSIBLE
                and "gzip" in request.accept_encodings and "Content-Encoding" not in response.headers):
            body = _gzip(path)
            if hasattr(response.response, "close"):
                response.response.close()
            response.direct_passthrough = False
            response.set_data(body)
            response.headers["Content-Encoding"] = "gzip"
            etag, weak = response.get_etag()
            if etag:
                response.set_etag(f"{etag}-gz", weak=weak)
        return response
