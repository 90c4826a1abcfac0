"""Public verification (no login): the page behind each QR code, the public key, and the offline checker.

`/v/<token>` shows type, number, masked name, specialty, issue date and state — never the ID number;
a revoked certificate says 已撤销 with date and reason (404 only for an unknown token). Each view is
logged, and the page is rate-limited per client address (VERIFY_RATE_LIMIT).
`/verify/offline` checks a scanned code in the browser with only the public key, and keeps working
without network once visited (a service worker caches it).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, make_response, render_template, request, url_for

from lms.certificates import queries
from lms.certificates.services import log_verification_by_token
from lms.certificates.signing import fingerprint, public_key_of_data_dir, public_key_pem, raw_public_key
from lms.core.clock import now_china, today
from lms.core.db import write_after_read
from lms.core.privacy import mask_name
from lms.extensions import db, limiter
from lms.web.access import public

bp = Blueprint("verify", __name__)

# The offline page's own static files, which its service worker caches.
OFFLINE_STATIC = ("css/app.css", "js/app.js", "img/favicon.svg", "vendor/tweetnacl/nacl.min.js",
                  "vendor/jsqr/jsQR.js", "js/verify-offline.js")


@lru_cache(maxsize=4)
def _static_digest(static_folder: str) -> str:
    """A short hash of the offline page's own static files (they change only with an upgrade)."""
    digest = hashlib.sha256()
    for name in OFFLINE_STATIC:
        digest.update((Path(static_folder) / name).read_bytes())
    return digest.hexdigest()[:12]


def _rate_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "30 per minute")


@bp.get("/v/<token>")
@public
@limiter.limit(_rate_limit)
def certificate(token: str):
    with write_after_read(db.session):
        logged = log_verification_by_token(token, remote_addr=request.remote_addr or "",
                                           user_agent=request.headers.get("User-Agent", ""))
    if not logged:
        abort(404)
    found = queries.certificate_by_token(token)
    replacement = queries.replacement_of(found)
    response = make_response(render_template(
        "certificates/verify.html", c=found, masked_name=mask_name(found.snapshot["name"]),
        replacement=replacement, replaces=found.replaces))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _public_key():
    return public_key_of_data_dir(current_app.config["DATA_DIR"])


@bp.get("/verify/public-key")
@public
def public_key():
    key = _public_key()
    return render_template("certificates/public_key.html", pem=public_key_pem(key), raw=raw_public_key(key),
                           fingerprint=fingerprint(key))


@bp.get("/verify/offline")
@public
def offline():
    key = _public_key()
    return render_template("certificates/offline.html", raw=raw_public_key(key), fingerprint=fingerprint(key))


@bp.get("/verify/revoked.json")
@public
@limiter.limit(_rate_limit)
def revoked():
    """Numbers of revoked certificates, which the offline page caches for checks without network.

    Dated in China's time: `on` is the day a user there names (in UTC it is still yesterday before 08:00)."""
    response = jsonify({"as_of": now_china().isoformat(), "on": today().isoformat(),
                        "numbers": queries.revoked_numbers()})
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/verify/sw.js")
@public
def service_worker():
    """The offline page's service worker (served from /verify/ so its scope covers the page)."""
    assets = [url_for("verify.offline"),
              url_for("bootstrap.static", filename="css/bootstrap.min.css"),
              url_for("bootstrap.static", filename="umd/popper.min.js"),
              url_for("bootstrap.static", filename="js/bootstrap.min.js"),
              *[url_for("static", filename=name) for name in OFFLINE_STATIC]]
    # The cache is named after the key and the scripts' content: an upgrade that changes a script
    # replaces the copy phones cached, which they would otherwise keep serving themselves forever.
    version = f"{fingerprint(_public_key()).replace(' ', '')}-{_static_digest(current_app.static_folder)}"
    body = render_template("certificates/sw.js", assets=assets, version=version)
    response = make_response(body)
    response.headers["Content-Type"] = "application/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response
