"""Forms for teaching plans, classes, sessions and self-study (input shape only; rules live in services)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.rules import COURSE_KIND_LABELS, DAY_MINUTES, PARTS_PER_HOUR, SESSION_MODE_LABELS, format_hours
from lms.teaching.models import SESSION_EVIDENCE_KIND_LABELS
from lms.web.forms import BaseForm, choices

#: A session or a self-study entry is at most a day (lms.rules.DAY_MINUTES): 24 学时. The daily caps of a
#: learner's cohort are the services' (lms.rules.daily_cap_problem).
DAY_HOURS = NumberRange(min=0.5, max=DAY_MINUTES // PARTS_PER_HOUR,
                        message=f"学时应在 0.5–{format_hours(DAY_MINUTES)} 之间")


class SpecialtyForm(BaseForm):
    name = StringField("专业名称", validators=[DataRequired("请输入专业名称"), Length(max=40)])


class CourseForm(BaseForm):
    name = StringField("课程名称", validators=[DataRequired("请输入课程名称"), Length(max=60)])
    kind = SelectField("类别", choices=choices(COURSE_KIND_LABELS.items()))
    hours = DecimalField("学时", places=1, validators=[InputRequired("请输入学时"),
                                                       NumberRange(min=1, max=2000, message="学时应在 1–2000 之间")])
    credits = DecimalField("学分", places=1, validators=[InputRequired("请输入学分"),
                                                         NumberRange(min=0, max=100, message="学分应在 0–100 之间")])
    required_assignments = IntegerField("必做作业/实操数", default=0, validators=[
        InputRequired("请输入必做作业数"), NumberRange(min=0, max=50, message="应在 0–50 之间")])


class ClassForm(BaseForm):
    code = StringField("班级代码", validators=[DataRequired("请输入班级代码"), Length(max=30)],
                       description="全县唯一，如 2025-QS-01")
    name = StringField("班级名称", validators=[DataRequired("请输入班级名称"), Length(max=60)])
    specialty_id = SelectField("专业", coerce=int, validate_choice=False)
    teaching_point_id = SelectField("教学点", coerce=int, validate_choice=False)
    cohort = IntegerField("年级（入学年份）", validators=[InputRequired("请输入年级"),
                                                  NumberRange(min=2000, max=2100, message="年级应在 2000–2100 之间")])
    head_teacher_id = SelectField("班主任", coerce=int, validate_choice=False)
    active = BooleanField("在办", default=True)


class SessionForm(BaseForm):
    course_id = SelectField("课程", coerce=int, validate_choice=False)
    held_on = DateField("日期", validators=[InputRequired("请选择日期")])
    mode = SelectField("方式", choices=choices(SESSION_MODE_LABELS.items()))
    hours = DecimalField("学时", places=1, default=8, validators=[
        InputRequired("请输入学时"), DAY_HOURS],
        description="一整天为 8 学时")
    place = StringField("地点", validators=[Length(max=100)])
    teacher_id = SelectField("授课教师", coerce=int, validate_choice=False)


class CancelSessionForm(BaseForm):
    reason = StringField("取消原因", validators=[DataRequired("请填写取消原因"), Length(max=100)])


class SelfStudyForm(BaseForm):
    learner_id = SelectField("学员", coerce=int, validate_choice=False)
    studied_on = DateField("学习日期", validators=[InputRequired("请选择日期")])
    hours = DecimalField("学时", places=1, validators=[
        InputRequired("请输入学时"), DAY_HOURS])
    content = TextAreaField("学习内容", validators=[DataRequired("请填写学习内容"), Length(max=500)])
    evidence = FileField("学习证明（照片或 PDF，可选）", validators=[Optional()])


class SessionEvidenceForm(BaseForm):
    kind = SelectField("材料类别", choices=choices(SESSION_EVIDENCE_KIND_LABELS.items()), validate_choice=False)
    file = FileField("文件", validators=[Optional()])
    replaces_id = SelectField("替换", coerce=int, validate_choice=False)
    note = StringField("说明（可选）", validators=[Length(max=100)])


class DecisionForm(BaseForm):
    note = StringField("审核意见", validators=[Length(max=200)])
