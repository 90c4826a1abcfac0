"""Chinese error pages (400 CSRF, 403, 404, 413, 429, 500) — styled whatever went wrong.

The full page has the menu, which loads the signed-in user from the database. When the database is
what failed (locked, gone, damaged), drawing that page fails too; then the error is drawn without the
menu (errors/standalone.html: same look, no database), and if even that cannot be drawn, or an error
escapes Flask altogether (an error handler that raises), a copy of it rendered when the app was built
is sent. No user ever sees a server's bare "Internal Server Error".
"""
from __future__ import annotations

import logging
import sys

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页重试。"),
    403: ("没有权限", "您的账号没有访问此页面的权限。如需开通，请联系系统管理员。"),
    404: ("页面不存在", "您要找的页面或记录不存在，或不在您的管辖范围内。"),
    405: ("请求方式不正确", "请通过页面上的按钮操作。"),
    413: ("文件太大", "上传的文件超过了大小上限，请压缩或拆分后重新上传。"),
    429: ("操作太频繁", "请求次数过多，请稍后再试。"),
    500: ("系统出错了", "服务器处理请求时出错，已记录。请稍后重试；如果反复出现，请联系系统管理员。"),
}


def _forget_failed_transaction() -> None:
    """Roll the request's session back, so the error page can still read (the user, the menu)."""
    from lms.extensions import db

    try:
        db.session.rollback()
    except Exception:   # the database itself is unreachable: the page is drawn without it
        log.warning("rollback before the error page failed", exc_info=True)


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES[code]
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": detail or message}, code
    context = {"code": code, "title": title, "message": detail or message}
    if code >= 500:
        _forget_failed_transaction()
    try:
        return render_template("errors/error.html", **context), code
    except Exception:   # the page's menu needs the database, which may be what failed
        log.exception("the error page could not be drawn with the menu; drawing it without")
    try:
        return render_template("errors/standalone.html", **context), code
    except Exception:
        log.exception("the standalone error page could not be drawn; sending the prepared one")
        return _prepared_page(), 500, {"Content-Type": "text/html; charset=utf-8"}


def _prepared_page() -> bytes:
    from flask import current_app

    return current_app.extensions["lms.error_page"]


class _LastResort:
    """WSGI middleware: an exception that escapes Flask (an error handler that raised, a failure while
    finishing the response) is answered with the prepared 500 page instead of the server's bare one."""

    def __init__(self, app: Flask, page: bytes):
        self.app, self.wsgi_app, self.page = app, app.wsgi_app, page

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except Exception:
            if self.app.config.get("PROPAGATE_EXCEPTIONS") or self.app.debug or self.app.testing:
                raise           # the debugger and the tests want the exception itself
            log.exception("error escaped the application; sent the prepared error page")
            start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "text/html; charset=utf-8"),
                                                         ("Content-Length", str(len(self.page)))], sys.exc_info())
            return [self.page]


def register_error_handlers(app: Flask) -> None:
    """Render every HTTP error as a Chinese page (JSON for fetch() callers), with the fallbacks above."""
    for code in MESSAGES:
        app.register_error_handler(code, lambda error, code=code: _render(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, "页面已过期或表单校验失败（CSRF），请刷新页面后重新提交。")

    title, message = MESSAGES[500]
    with app.test_request_context("/"):
        page = render_template("errors/standalone.html", code=500, title=title, message=message).encode()
    app.extensions["lms.error_page"] = page
    app.wsgi_app = _LastResort(app, page)
