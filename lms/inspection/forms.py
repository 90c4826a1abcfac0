"""The inspection visit form (input shape only; the checks live in lms.inspection.services)."""
from __future__ import annotations

from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from lms.inspection.models import VISIT_OUTCOME_LABELS
from lms.web.forms import BaseForm, choices


class VisitForm(BaseForm):
    session_id = SelectField("抽查的课次", coerce=int, validate_choice=False)
    visited_on = DateField("督查日期", validators=[InputRequired("请选择督查日期")])
    inspector = StringField("督查人员", validators=[InputRequired("请填写督查人员"), Length(max=60)])
    outcome = RadioField("结论", choices=choices(VISIT_OUTCOME_LABELS.items()), default="consistent")
    findings = TextAreaField("发现的情况", validators=[Length(max=2000)],
                             description="如实到人数、签到表与考勤是否一致、照片与现场是否相符")
