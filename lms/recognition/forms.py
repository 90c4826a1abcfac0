"""Forms: a row of the certificate table, a recognition application, the registrar's decision."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.recognition.models import EVIDENCE_TYPES, TABLE_EVIDENCE_TYPES
from lms.web.forms import BaseForm, choices


class CheckboxList(SelectMultipleField):
    """Several choices as a list of checkboxes (easier on a phone than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CertificateKindForm(BaseForm):
    name = StringField("证书（奖项）名称", validators=[DataRequired("请填写名称"), Length(max=80)],
                       description="例如：中式烹调师（五级/初级工）；县级农民技能大赛三等奖")
    evidence_type = SelectField("类别", choices=choices(TABLE_EVIDENCE_TYPES))
    course_ids = CheckboxList("对应课程（凭证书可免修或免考）", coerce=int, validate_choice=False)
    credits = DecimalField("给予学分（竞赛获奖、发明创造、技术革新）", places=1, default=0,
                           validators=[Optional(), NumberRange(min=0, max=100, message="学分应在 0–100 之间")])
    note = StringField("备注", validators=[Length(max=200)])
    active = BooleanField("启用", default=True)


class ApplicationForm(BaseForm):
    evidence_type = SelectField("申请依据", choices=choices(EVIDENCE_TYPES))
    certificate_kind_id = SelectField("证书/奖项（学校对应表）", coerce=int, validate_choice=False,
                                      validators=[Optional()])
    certificate_name = StringField("证书或奖项名称", validators=[Length(max=80)])
    certificate_number = StringField("证书编号", validators=[Length(max=60)])
    issuer = StringField("发证（颁奖）单位", validators=[Length(max=80)])
    issued_on = DateField("发证日期", validators=[Optional()])
    work_post = StringField("对口岗位工作经历", validators=[Length(max=120)],
                            description="单位、岗位、起止时间，例如：某养殖场饲养员 2019年3月—2021年6月")
    work_years = DecimalField("对口岗位工作年限", places=2,
                              validators=[Optional(), NumberRange(min=0, max=50, message="年限应在 0–50 之间")])
    exemption = RadioField("凭证书申请", choices=choices([("exempt_study", "免修（免学免考）"),
                                                       ("exempt_exam", "免考（只免考核）")]),
                           default="exempt_study")
    course_ids = CheckboxList("申请的课程", coerce=int, validate_choice=False)
    credits = DecimalField("奖励学分（不填按对应表）", places=1,
                           validators=[Optional(), NumberRange(min=0, max=100, message="学分应在 0–100 之间")])
    evidence_note = TextAreaField("说明", validators=[Length(max=1000)])
    scan = FileField("证明材料扫描件（PDF、JPG 或 PNG）")


class DecisionForm(BaseForm):
    decision = RadioField("审批结论", choices=choices([("approve", "批准"), ("reject", "不批准")]),
                          validators=[DataRequired("请选择审批结论")])
    reason = TextAreaField("理由（不批准时必填）", validators=[Length(max=200)])
