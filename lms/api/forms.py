"""The API key form (input shape only; the checks live in lms.api.services)."""
from __future__ import annotations

from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from lms.api.models import PURPOSE_LABELS
from lms.web.forms import BaseForm, choices


class ApiKeyForm(BaseForm):
    name = StringField("名称", validators=[InputRequired("请填写密钥名称"), Length(max=60)],
                       description="写明谁用、做什么，如“省平台推送清水镇学时”“州教育局只读”")
    purpose = SelectField("用途", choices=choices(PURPOSE_LABELS.items()))
    area_id = SelectField("适用区划", coerce=int, validate_choice=False,
                          description="只能看到或推送该区划内的学员；选县则为全县")
    expires_on = DateField("有效期至", validators=[InputRequired("请选择有效期")], description="最长三年，到期后须新建")
    note = StringField("备注", validators=[Length(max=200)])
