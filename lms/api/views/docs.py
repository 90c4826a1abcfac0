"""The API's documentation: the OpenAPI 3.1 document flask-smorest generates, and a page reading it with
Swagger UI served from static/ (bin/vendor-swagger-ui; no CDN)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from lms.api.spec import openapi_document
from lms.web.access import public

bp = Blueprint("docs", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document(current_app))


@bp.get("/docs")
@public
def page():
    return render_template("docs/page.html")
