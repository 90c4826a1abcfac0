"""Login, password and user-administration forms (shape and field checks only)."""
from __future__ import annotations

from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from lms.auth.models import ROLE_LABELS
from lms.web.forms import BaseForm, choices


class LoginForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"),
                                              Length(max=40, message="用户名不超过 40 个字符")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码"),
                                                    EqualTo("new_password", "两次输入的新密码不一致")])


class UserForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=40)])
    display_name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=40)])
    # No role is chosen for the admin: a default (系统管理员 came first) was once saved unnoticed.
    role = SelectField("角色", choices=choices([("", "请选择"), *ROLE_LABELS.items()]),
                       validators=[DataRequired("请选择角色")])
    phone = StringField("手机号", validators=[Optional(), Regexp(r"^1\d{10}$", message="手机号应为 1 开头的 11 位数字")])
    scope_codes = TextAreaField(
        "管辖范围", description="乡镇专干填乡镇区划代码，村级招生员填村区划代码，教师填班级代码；每行一个。")
    password = PasswordField("初始密码", validators=[Optional()],
                             description="至少 8 位，包含字母和数字；编辑时留空则不修改。")
    active = BooleanField("启用", default=True)

    def scope_code_list(self) -> list[str]:
        return [line.strip() for line in (self.scope_codes.data or "").replace(",", "\n").splitlines() if line.strip()]
