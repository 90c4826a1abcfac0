"""Chinese error pages (400 CSRF, 403, 404, 413, 429, 500)."""
from __future__ import annotations

from flask import render_template, request
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: ("请求无效", "提交的内容无法处理,请返回上一页重试。"),
    403: ("没有权限", "您的账号没有访问此页面的权限。如需开通,请联系系统管理员。"),
    404: ("页面不存在", "您要找的页面或记录不存在,或不在您的管辖范围内。"),
    405: ("请求方式不正确", "请通过页面上的按钮操作。"),
    413: ("文件太大", "上传的文件超过了大小上限,请压缩或拆分后重新上传。"),
    429: ("操作太频繁", "请求次数过多,请稍后再试。"),
    500: ("系统出错了", "服务器处理请求时出错,已记录。请稍后重试;如果反复出现,请联系系统管理员。"),
}


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES[code]
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": detail or message}, code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register_error_handlers(app) -> None:
    """Render every HTTP error as a Chinese page (JSON for fetch() callers)."""
    for code in MESSAGES:
        app.register_error_handler(code, lambda error, code=code: _render(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, "页面已过期或表单校验失败(CSRF),请刷新页面后重新提交。")
