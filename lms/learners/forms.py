"""Forms of the registry: outreach visit, enrolment, status event, photo, export (shape and field checks)."""
from __future__ import annotations

from datetime import date, datetime

from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, StopValidation

from lms.learners.codes import ETHNICITIES
from lms.learners.models import ROSTER_STATUS_LABELS, WILLINGNESS_LABELS, WORK_SITUATIONS
from lms.learners.services.visits import VISIT_OUTCOMES
from lms.rules import PRIOR_EDUCATIONS, STATUS_EVENT_KIND_LABELS
from lms.rules.units import parts_from_hours
from lms.web.forms import BaseForm, choices

PHONE = Regexp(r"^1\d{10}$", message="手机号应为 1 开头的 11 位数字")


class ChineseDateField(DateField):
    """A date input (yyyy-mm-dd, as phones and browsers send it) with a Chinese parse error."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = datetime.strptime(valuelist[0].strip(), "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError("日期格式不正确，请写成 2025-03-01") from None


class VisitForm(BaseForm):
    visited_on = ChineseDateField("走访日期", validators=[InputRequired("请填写走访日期")])
    visitor = StringField("走访人", validators=[DataRequired("请填写走访人"), Length(max=40)])
    outcome = SelectField("走访结果", choices=choices(
        [(key, ROSTER_STATUS_LABELS[key]) for key in VISIT_OUTCOMES]))
    reason = StringField("原因", validators=[Length(max=200)], description="结果为“不符合”或“重复”时必填")
    contact_phone = StringField("联系电话", validators=[Optional(), PHONE])
    residence = StringField("居住地", validators=[Length(max=200)], description="如：在村居住、县城租住、浙江宁波")
    work_situation = SelectField("务工情况", choices=choices([("", "未了解")] + list(WORK_SITUATIONS)), default="")
    health = StringField("健康状况", validators=[Length(max=100)])
    # No answer is assumed: both start at 未了解 until the enroller picks what they learnt.
    can_study = SelectField("能否参加学习", choices=choices(
        [("", "未了解"), ("yes", "能参加学习"), ("no", "身体原因不能学习")]), default="")
    willingness = SelectField("参加意愿", choices=choices(WILLINGNESS_LABELS.items()), default="unknown")
    notes = TextAreaField("备注", validators=[Length(max=2000)])


class IdNumberUnlessFromRoster:
    """A walk-in must give an ID number; enrolling from the roster takes the entry's (the service checks it)."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if not getattr(form, "from_roster", False) and not (field.data or "").strip():
            raise StopValidation("请填写身份证号")


class EnrolmentForm(BaseForm):
    """The view sets `from_roster` when enrolling a roster entry (?entry=ID)."""

    id_number = StringField("身份证号", validators=[IdNumberUnlessFromRoster(), Length(max=40)])
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=40)])
    ethnicity = SelectField("民族", choices=choices([("", "请选择")] + list(ETHNICITIES.items())),
                            validators=[DataRequired("请选择民族")])
    prior_education = SelectField("入学前文化程度", choices=choices([("", "请选择")] + list(PRIOR_EDUCATIONS)),
                                  validators=[DataRequired("请选择入学前文化程度")])
    phone = StringField("联系电话", validators=[Optional(), PHONE])
    village_id = SelectField("所在村（社区）", coerce=int, validate_choice=False,
                             validators=[DataRequired("请选择所在村（社区）")])
    teaching_point_id = SelectField("教学点", coerce=int, validate_choice=False, validators=[DataRequired("请选择教学点")])
    specialty_id = SelectField("专业", coerce=int, validate_choice=False, validators=[DataRequired("请选择专业")])
    class_id = SelectField("班级", coerce=int, validate_choice=False, description="可暂不分班，以后再分")
    enrolled_on = ChineseDateField("入学日期", validators=[InputRequired("请填写入学日期")])
    photo = FileField("照片", description="JPEG 或 PNG，证件照为宜；可以以后再上传")
    privacy_agreed = BooleanField("已向学员告知《个人信息处理告知书》，学员同意")


class StatusEventForm(BaseForm):
    kind = SelectField("异动类型", choices=choices(STATUS_EVENT_KIND_LABELS.items()))
    occurred_on = ChineseDateField("异动日期", validators=[InputRequired("请填写异动日期")])
    reason = StringField("原因", validators=[DataRequired("请填写异动原因"), Length(max=200)])
    approved_by = StringField("审批人", validators=[Length(max=40)])
    to_specialty_id = SelectField("新专业", coerce=int, validate_choice=False, description="仅转专业时填写")
    other_school = StringField("对方学校或地区", validators=[Length(max=100)],
                               description="转出填转入学校（地区），转入填原学校（地区）")
    document_number = StringField("转学证明编号", validators=[Length(max=40)], description="转出、转入时填写")
    # 转入: what the transfer document carries, in 学时 per category and one "课程 成绩" per line.
    carried_face = DecimalField("集中面授（学时）", places=1, validators=[Optional(), NumberRange(0, 720, "学时须在 0–720 之间")])
    carried_live = DecimalField("集中线上（学时）", places=1, validators=[Optional(), NumberRange(0, 720, "学时须在 0–720 之间")])
    carried_platform = DecimalField("平台线上学习（学时）", places=1,
                                    validators=[Optional(), NumberRange(0, 720, "学时须在 0–720 之间")])
    carried_self = DecimalField("自学（学时）", places=1, validators=[Optional(), NumberRange(0, 720, "学时须在 0–720 之间")])
    carried_results = TextAreaField("带入的课程成绩", validators=[Length(max=2000)],
                                    description="每行一门：课程名 成绩，如“种植基础 86”")

    def carried_minutes(self) -> dict[str, int]:
        """{category: stored parts} of the carried 学时 typed (lms.rules.units: a part is 1/60 学时)."""
        typed = {"F": self.carried_face.data, "L": self.carried_live.data, "P": self.carried_platform.data,
                 "S": self.carried_self.data}
        return {category: parts_from_hours(hours) for category, hours in typed.items() if hours}


class RevokeEventForm(BaseForm):
    reason = StringField("撤销原因", validators=[DataRequired("请填写撤销原因"), Length(max=200)])


class PhotoForm(BaseForm):
    photo = FileField("新照片", description="JPEG 或 PNG")


class ExportForm(BaseForm):
    cohort = SelectField("年级（入学年份）", coerce=int, validate_choice=False)


class CorrectionForm(BaseForm):
    """学籍信息更正: the fields that may be corrected after enrolment, and why."""

    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=40)])
    ethnicity = SelectField("民族", choices=choices(list(ETHNICITIES.items())))
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])     # normalised by the service
    reason = StringField("更正原因", validators=[DataRequired("请填写更正原因"), Length(max=200)],
                         description="如：与身份证原件核对，姓名录错")


class BirthDateForm(BaseForm):
    """The birth date a learner picks on three wheels (年/月/日 native selects) to open 我的学习."""

    year = SelectField("年", coerce=int, validators=[InputRequired("请选择出生的年份。")],
                       render_kw={"aria-label": "出生年份"})
    month = SelectField("月", coerce=int, choices=choices([(0, "月")] + [(m, f"{m}月") for m in range(1, 13)]),
                        validators=[InputRequired("请选择出生的月份。")], render_kw={"aria-label": "出生月份"})
    day = SelectField("日", coerce=int, choices=choices([(0, "日")] + [(d, f"{d}日") for d in range(1, 32)]),
                      validators=[InputRequired("请选择出生的日子。")], render_kw={"aria-label": "出生日"})

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        # Learners are adults: from 90 years back to 14, the most recent first.
        self.year.choices = choices([(0, "年")] + [(y, f"{y}年") for y in range(today.year - 14, today.year - 91, -1)])

    def birth_on(self) -> date | None:
        """The date picked, or None when one wheel is still unset or the day does not exist."""
        try:
            return date(self.year.data, self.month.data, self.day.data)
        except (TypeError, ValueError):
            return None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.year.data and self.month.data and self.day.data):
            self.form_errors.append("请把年、月、日都选好。")
            return False
        if self.birth_on() is None:
            self.form_errors.append(f"{self.month.data}月没有{self.day.data}日，请重新选择。")
            return False
        return True
