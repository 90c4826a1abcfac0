"""Forms for divisions and teaching points."""
from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from lms.geo.models import TEACHING_POINT_KINDS
from lms.web.forms import BaseForm, choices


class DivisionForm(BaseForm):
    code = StringField("区划代码", validators=[DataRequired("请输入区划代码"),
                                            Regexp(r"^\d{12}$", message="区划代码应为 12 位数字")])
    name = StringField("名称", validators=[DataRequired("请输入名称"), Length(max=60)])


class TeachingPointForm(BaseForm):
    name = StringField("名称", validators=[DataRequired("请输入教学点名称"), Length(max=80)])
    kind = SelectField("类型", choices=choices(TEACHING_POINT_KINDS))
    village_id = SelectField("所在村（社区）", coerce=int, validate_choice=False)
    address = StringField("地址", validators=[Length(max=200)])
