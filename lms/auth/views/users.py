"""User management (系统管理员): the list of accounts, creating one with an initial password, editing roles and areas."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from lms.auth import services
from lms.auth.forms import UserForm
from lms.auth.models import ROLE_LABELS, User
from lms.extensions import db
from lms.web.access import requires
from lms.web.saving import saving

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("/")
@requires("users.manage")
def index():
    role = request.args.get("role", "")
    stmt = select(User).order_by(User.active.desc(), User.role, User.username)
    if role in ROLE_LABELS:
        stmt = stmt.where(User.role == role)
    users = db.session.scalars(stmt.options(db.selectinload(User.division_scopes))).all()
    return render_template("users/index.html", users=users, role=role, role_labels=ROLE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
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


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
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
