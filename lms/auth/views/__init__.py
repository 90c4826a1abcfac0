"""Login, logout and one's own password (user administration is lms/auth/views/users.py)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from lms.auth import services
from lms.auth.forms import ChangePasswordForm, LoginForm
from lms.auth.sessions import start_session
from lms.web.access import public, requires
from lms.web.saving import saving

bp = Blueprint("auth", __name__)

# What a user holding an initial password may still reach: the page to change it, logging out, and the
# static files those two pages need.
INITIAL_PASSWORD_ALLOWED = frozenset({"auth.change_password", "auth.logout", "static", "bootstrap.static"})


@bp.before_app_request
def initial_password_first():
    """Send a user whose password an administrator set to the change-password page, whatever they open."""
    if request.endpoint in INITIAL_PASSWORD_ALLOWED:
        return None             # before touching current_user: static files cost no user query
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        with saving(form) as saved:     # a refusal keeps the failed attempt: it counts toward throttling
            user = services.login(form.username.data, form.password.data,
                                  remote_addr=request.remote_addr or "")
        if not saved:
            return render_template("auth/login.html", form=form), 200
        start_session(user)
        if user.must_change_password:   # the page says why; `next` waits until the password is theirs
            return redirect(url_for("auth.change_password"))
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@requires("account.own")
def logout():
    services.log_out(current_user._get_current_object())   # every copy of this session cookie ends too
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@requires("account.own")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            services.change_password(user=current_user, current_password=form.current_password.data,
                                     new_password=form.new_password.data)
        if saved:
            start_session(current_user._get_current_object())   # the user's other sessions ended; this one goes on
            flash("密码已修改。", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form, initial=current_user.must_change_password)
