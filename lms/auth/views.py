"""Login, logout, own password; user administration for the admin."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select

from lms.auth import services
from lms.auth.forms import ChangePasswordForm, LoginForm, UserForm
from lms.auth.models import ROLE_LABELS, User
from lms.auth.sessions import start_session
from lms.extensions import db
from lms.web.access import public, requires
from lms.web.saving import saving

bp = Blueprint("auth", __name__)
users_bp = Blueprint("users", __name__, url_prefix="/users")

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


@users_bp.get("/")
@requires("users.manage")
def index():
    role = request.args.get("role", "")
    stmt = select(User).order_by(User.active.desc(), User.role, User.username)
    if role in ROLE_LABELS:
        stmt = stmt.where(User.role == role)
    users = db.session.scalars(stmt.options(db.selectinload(User.division_scopes))).all()
    return render_template("users/index.html", users=users, role=role, role_labels=ROLE_LABELS)


@users_bp.route("/new", methods=["GET", "POST"])
@requires("users.manage")
def new():
    form = UserForm()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append("请设置初始密码")
        else:
            with saving(form) as saved:
                user = services.create_user(actor=current_user, username=form.username.data,
                                            display_name=form.display_name.data, role=form.role.data,
                                            password=form.password.data, scope_codes=form.scope_code_list(),
                                            phone=form.phone.data or "")
            if saved:
                flash(f"已创建用户 {user.username}。", "success")
                return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=None)


@users_bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@requires("users.manage")
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    if request.method == "GET":
        codes = [s.division.code for s in user.division_scopes]
        if user.scope_kind == "class":
            from lms.teaching.models import ClassTeacher

            codes = [ct.teaching_class.code for ct in db.session.scalars(
                select(ClassTeacher).where(ClassTeacher.user_id == user.id))]
        form.scope_codes.data = "\n".join(codes)
    form.username.render_kw = {"readonly": True}
    if form.validate_on_submit():
        with saving(form) as saved:
            services.update_user(actor=current_user, user=user, display_name=form.display_name.data,
                                 role=form.role.data, scope_codes=form.scope_code_list(),
                                 phone=form.phone.data or "")
            if form.password.data:
                services.reset_password(actor=current_user, user=user, new_password=form.password.data)
            if form.active.data != user.active:
                services.set_active(actor=current_user, user=user, active=form.active.data)
        if saved:
            flash(f"已保存用户 {user.username}。", "success")
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=user)
