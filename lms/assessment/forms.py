"""Forms of the assessment pages (the sheets' per-learner fields are hand-written in their templates)."""
from __future__ import annotations

from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.web.forms import BaseForm


class VoidResultForm(BaseForm):
    reason = TextAreaField("作废原因", validators=[DataRequired("请写明作废原因"), Length(min=2, max=200)],
                           description="例如：录入时看错行；成绩单上是 75 分")


class SheetForm(BaseForm):
    """The sheets' fixed part: the CSRF token and the day the entries refer to."""

    on = DateField("日期", validators=[DataRequired("请选择日期")])
