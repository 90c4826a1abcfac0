"""The JSON API (/api/v1) for other systems, authenticated by API keys (lms.api.models.ApiKey).

Each keyed view names the purpose it serves (`@for_purpose`): a key of another purpose, like a learner
outside the key's area, gets 404 — the key cannot tell it from nothing. A missing, unknown, revoked or
expired key gets 401. Every call with a valid key leaves one audit row (api.read / api.push) and is counted
against the key's rate limit (API_RATE_LIMIT). Errors are JSON {code, message}; CSRF does not apply (no
cookies are read: the key is the credential).
"""
from __future__ import annotations

import re

from flask import current_app, request
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from lms.api import queries, services
from lms.api.schemas import (
    CertificatePageSchema,
    CertificatesQuerySchema,
    ErrorSchema,
    LearnerStatusSchema,
    PushResultSchema,
    PushSchema,
    RefusedBatchSchema,
    VerificationSchema,
)
from lms.certificates import queries as certificate_queries
from lms.certificates.rendering import public_base_url, verify_url
from lms.certificates.services import log_verification_by_token
from lms.core import clock
from lms.core.db import write_after_read
from lms.core.privacy import mask_name
from lms.extensions import csrf, db, limiter
from lms.rules import HOUR_CATEGORY_LABELS, hours_number
from lms.web.access import public
from lms.web.transaction import keep_writes

TOKEN = re.compile(r"[A-Za-z0-9_-]{1,32}")
bp = Blueprint("api", __name__, url_prefix="/api/v1", description="学员学时、学籍状态与证书")
csrf.exempt(bp)

#: The stable codes of the errors, and what each says when the view says nothing more precise.
ERRORS = {
    400: ("bad_request", "请求无效"),
    401: ("unauthorized", "缺少接口密钥或密钥无效"),
    403: ("forbidden", "该密钥不能使用此接口"),
    404: ("not_found", "未找到（或不在该密钥的适用范围内）"),
    405: ("method_not_allowed", "此接口不支持该请求方式"),
    413: ("too_large", "请求内容太大"),
    422: ("invalid", "请求内容不符合接口说明"),
    429: ("rate_limited", "请求太频繁，请稍后再试"),
    500: ("server_error", "服务器处理请求时出错，已记录，请稍后重试"),
}


class ApiError(HTTPException):
    """An error answered as {code, message} with the given HTTP status."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(description=message)
        self.code, self.api_code, self.message = status, code, message


def for_purpose(purpose: str):
    """Mark a view as answering keys of `purpose` only (others: 404). Read by the before-request check and
    by the permission matrix (tests/functional/test_permissions.py)."""
    def decorator(view):
        view.api_purpose = purpose
        return view
    return decorator


def _call() -> dict:
    """What this request's API call has found so far (the key, its scope, what to audit). Kept in the request's
    environ, not `g`: the rate limiter asks for the key before the blueprint's hooks run, and a test client's
    requests share one `g`."""
    return request.environ.setdefault("lms.api_call", {})


def _key_of_request():
    """The key the request presents (looked up once per request), or None."""
    call = _call()
    if "found" not in call:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        call["found"] = queries.key_for_secret(secret.strip()) if scheme.lower() == "bearer" else None
    return call["found"]


def _limit_key() -> str:
    key = _key_of_request()
    return f"api-key:{key.prefix}" if key is not None else "api-key:none"   # prefixes are never reused


def _unkeyed() -> bool:
    """Calls without a valid key are refused (401) before any work, and not counted against a key."""
    key = _key_of_request()
    return key is None or key.state(clock.today()) != "active"


def _rate() -> str:
    return current_app.config.get("API_RATE_LIMIT", "120 per minute")


def _verify_rate() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "30 per minute")


per_key = limiter.limit(_rate, key_func=_limit_key, exempt_when=_unkeyed)


@bp.before_request
def _authenticate():
    view = current_app.view_functions.get(request.endpoint)
    purpose = getattr(view, "api_purpose", None)
    if purpose is None:          # the public verification
        return None
    key = _key_of_request()
    if key is None:
        raise ApiError(401, "unauthorized", "缺少接口密钥或密钥无效（请求头 Authorization: Bearer <密钥>）")
    state = key.state(clock.today())
    if state != "active":
        raise ApiError(401, "key_revoked" if state == "revoked" else "key_expired",
                       "接口密钥已吊销" if state == "revoked" else "接口密钥已过期")
    _call()["key"] = key
    if key.purpose != purpose:
        raise ApiError(404, "not_found", ERRORS[404][1])
    _call()["scope"] = queries.key_scope(key)
    return None


@bp.after_request
def _audit(response):
    """One audit row per call presenting a real key, whatever its answer (a server error aside: its
    transaction is gone). A push that wrote keeps its row in the request's transaction; every other call
    writes it after its read, as a download's audit row is written."""
    call = _call()
    key = call.get("found")     # a real key, even refused (revoked, expired, over its rate limit): its row shows it
    if key is None or response.status_code >= 500:
        return response
    details = call.get("details")
    if request.method != "GET" and (response.status_code < 400 or call.get("kept")):
        services.note_call(key=key, method=request.method, path=request.path, status=response.status_code,
                           details=details)
    else:
        with write_after_read(db.session):
            services.note_call(key=key, method=request.method, path=request.path, status=response.status_code,
                               details=details)
    return response


def _json_error(error: HTTPException):
    status = error.code or 500
    code, message = ERRORS.get(status, ERRORS[500] if status >= 500 else ERRORS[400])
    body = {"code": getattr(error, "api_code", code), "message": getattr(error, "message", message)}
    data = getattr(error, "data", None) or {}
    if "messages" in data:                      # webargs: the request's fields at fault
        body["errors"] = data["messages"]
    if "result" in data:
        body["result"] = data["result"]
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return body, status, {k: v for k, v in headers.items() if k.lower().startswith(("retry-after", "x-ratelimit"))}


# Code-specific handlers, since the app's HTML error pages are code-specific (Flask prefers any code handler to a
# class handler); ApiError's status is per instance, so Flask finds it by its class.
for _status in ERRORS:
    bp.register_error_handler(_status, _json_error)
bp.register_error_handler(ApiError, _json_error)


def _problems(items, records) -> list[dict]:
    fields_by_label = {column.label: api_field for api_field, key in services.RECORD_FIELDS.items()
                       for column in services.OnlineHoursImporter.columns if column.key == key}
    return [{"position": item.row, "record_id": str(records[item.row - 1].get("record_id", ""))[:80],
             "field": fields_by_label.get(item.column, item.column), "message": item.message} for item in items]


@bp.route("/platform-records", methods=["POST"])
@for_purpose("platform_hours")
@per_key
@bp.arguments(PushSchema)
@bp.response(200, PushResultSchema)
@bp.alt_response(401, schema=ErrorSchema, description="缺少接口密钥，或密钥无效、已吊销、已过期")
@bp.alt_response(404, schema=ErrorSchema, description="该密钥的用途不是推送平台学时")
@bp.alt_response(409, schema=RefusedBatchSchema, description="atomic 为 true 且有记录被拒绝：整批未写入")
@bp.alt_response(429, schema=ErrorSchema, description="请求太频繁")
def push_platform_records(payload):
    """推送平台线上学习记录（一批）

    与“平台线上学时”文件导入用同一套校验：学员按身份证号在密钥的适用区划内匹配，同一平台的记录编号只计一次
    （重复推送同一批不会再写入），每日上限、学习日期等规则和说明文字与导入相同。被拒绝的记录逐条列在 errors 中；
    其余记录照常写入，除非 atomic 为 true（此时任何一条被拒绝则整批不写入，答复 409）。
    """
    records = payload["records"]
    summary = services.push_platform_records(key=_call()["key"], scope=_call()["scope"], records=records,
                                             atomic=payload["atomic"])
    result = {"received": len(records), "written": summary.written, "unchanged": summary.unchanged,
              "refused": len(summary.errors), "atomic": payload["atomic"],
              "errors": _problems(summary.errors, records), "warnings": _problems(summary.warnings, records)}
    _call()["details"] = {"received": len(records), "written": summary.written, "unchanged": summary.unchanged,
                     "refused": len(summary.errors), "atomic": payload["atomic"]}
    if payload["atomic"] and summary.errors:
        keep_writes(409)                # nothing was written but the call's audit row
        _call()["kept"] = True
        error = ApiError(409, "batch_refused", f"有 {len(summary.errors)} 条记录被拒绝，整批未写入")
        error.data = {"result": result}
        raise error
    return result


def _learner_json(found, as_of) -> dict:
    learner, hours, decision = found.learner, found.hours, found.decision
    village = learner.village
    township = village.parent
    per = hours.by_category()
    return {"student_number": learner.student_number, "name": learner.name, "status": learner.status,
            "status_label": learner.status_label, "status_changed_on": learner.status_changed_on,
            "cohort": learner.cohort, "enrolled_on": learner.enrolled_on,
            "township": {"code": township.code, "name": township.name} if township else
            {"code": "", "name": ""},
            "village": {"code": village.code, "name": village.name}, "specialty": learner.specialty.name,
            "hours": [{"category": category, "label": HOUR_CATEGORY_LABELS[category],
                       "hours": hours_number(per[category])}
                      for category in per],
            "total_hours": hours_number(hours.total()),
            "decision": {"outcome": decision.outcome, "label": decision.label, "eligible": decision.eligible,
                         "hours_360": hours_number(decision.hours_360), "credits": str(decision.credits),
                         "reasons": list(decision.reasons), "period_end_on": decision.period_end_on},
            "as_of": as_of}


@bp.route("/learners/<student_number>", methods=["GET"])
@for_purpose("status_read")
@per_key
@bp.response(200, LearnerStatusSchema)
@bp.alt_response(401, schema=ErrorSchema, description="缺少接口密钥，或密钥无效、已吊销、已过期")
@bp.alt_response(404, schema=ErrorSchema, description="没有该学号的学员，或不在密钥的适用区划内，或密钥用途不符")
@bp.alt_response(429, schema=ErrorSchema, description="请求太频繁")
def learner_status(student_number: str):
    """学员的学籍状态、分类学时和毕业审核结论

    学时和结论与毕业审核页相同（同一套事实与规则，截至今天）。
    """
    as_of = clock.today()
    # A number no learner can have (too long, control characters PostgreSQL refuses in text) finds no one.
    usable = len(student_number) <= 30 and student_number.isprintable()
    found = queries.learner_status(student_number, _call()["scope"], as_of) if usable else None
    if found is None:
        raise ApiError(404, "not_found", "未找到该学员（或不在该密钥的适用区划内）")
    return _learner_json(found, as_of)


@bp.route("/certificates", methods=["GET"])
@for_purpose("status_read")
@per_key
@bp.arguments(CertificatesQuerySchema, location="query")
@bp.response(200, CertificatePageSchema)
@bp.alt_response(400, schema=ErrorSchema, description="游标无效")
@bp.alt_response(401, schema=ErrorSchema, description="缺少接口密钥，或密钥无效、已吊销、已过期")
@bp.alt_response(404, schema=ErrorSchema, description="密钥用途不符")
@bp.alt_response(429, schema=ErrorSchema, description="请求太频繁")
def certificates(args):
    """某日以来发放的证书（按游标分页）

    适用区划内学员的证书，含编号、状态和公开核验地址；已撤销的也列出（status 为 revoked）。
    """
    after_id = 0
    if args.get("cursor"):
        after_id = queries.decode_cursor(args["cursor"])
        if after_id is None:
            raise ApiError(400, "invalid_cursor", "游标无效，请使用上一页答复中的 next_cursor")
    limit = args["limit"]
    rows = queries.certificates_since(_call()["scope"], args["since"], after_id=after_id, limit=limit)
    page, more = rows[:limit], len(rows) > limit
    base = public_base_url()
    return {"items": [{"number": c.number, "kind": c.kind, "kind_label": c.kind_label, "status": c.status,
                       "issued_on": c.issued_on, "revoked_on": c.revoked_on,
                       "student_number": c.learner.student_number, "name": c.learner.name,
                       "replaces": c.replaces.number if c.replaces else None,
                       "verification_url": verify_url(c.token, base)} for c in page],
            "next_cursor": queries.encode_cursor(page[-1].id) if more else None}


@bp.route("/verify/<token>", methods=["GET"])
@public
@limiter.limit(_verify_rate)
@bp.response(200, VerificationSchema)
@bp.alt_response(404, schema=ErrorSchema, description="没有此核验码的证书")
@bp.alt_response(429, schema=ErrorSchema, description="请求太频繁")
@bp.doc(security=[])
def verify(token: str):
    """公开核验证书（无需密钥）

    与证书二维码指向的核验页相同：姓名部分遮盖，不含身份证号；每次核验都记录，按来访地址限制频率。
    """
    if not TOKEN.fullmatch(token):       # tokens are URL-safe; anything else (a NUL byte …) names none
        raise ApiError(404, "not_found", "没有此核验码的证书")
    with write_after_read(db.session):
        logged = log_verification_by_token(token, remote_addr=request.remote_addr or "",
                                           user_agent=request.headers.get("User-Agent", ""))
    if not logged:
        raise ApiError(404, "not_found", "没有此核验码的证书")
    found = certificate_queries.certificate_by_token(token)
    replacement = certificate_queries.replacement_of(found)
    snapshot = found.snapshot
    return {"number": found.number, "kind": found.kind, "kind_label": found.kind_label, "status": found.status,
            "status_label": found.status_label, "name": mask_name(snapshot["name"]),
            "specialty": snapshot["specialty"], "issued_on": found.issued_on, "school": snapshot["school"]["name"],
            "revoked_on": found.revoked_on, "revoke_reason": found.revoke_reason,
            "replaced_by": replacement.number if replacement else None,
            "replaces": found.replaces.number if found.replaces else None}
