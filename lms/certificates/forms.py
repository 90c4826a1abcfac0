"""Forms of the certificate pages (input shape only; the rules live in services and the engine)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.web.forms import BaseForm

DATE_REQUIRED = "请选择日期"


class BatchForm(BaseForm):
    """Build a diploma batch: its name and the day eligibility is judged (learners are ticked in the list)."""

    name = StringField("批次名称", validators=[DataRequired("请填写批次名称"), Length(max=80)])
    as_of = DateField("审核日期", validators=[InputRequired(DATE_REQUIRED)])


class CandidateFilterForm(BaseForm):
    """Filters of the eligible-learner lists (GET)."""

    class Meta:
        csrf = False

    as_of = DateField("审核日期", validators=[Optional()])
    cohort = SelectField("年级", coerce=int, validate_choice=False, validators=[Optional()])
    class_id = SelectField("班级", coerce=int, validate_choice=False, validators=[Optional()])


class SubmitForm(BaseForm):
    submitted_on = DateField("报送日期", validators=[InputRequired(DATE_REQUIRED)])
    # Required by the service only when some learner has no photo (lms.certificates.services.batches.submit_batch).
    print_without_photo = BooleanField("无照片打印：以上学员的毕业证书不印照片，发证后贴照片")


class VerificationForm(BaseForm):
    verified_on = DateField("验印日期", validators=[InputRequired(DATE_REQUIRED)])
    verification_ref = StringField("验印文号", validators=[DataRequired("请填写验印文号或编号"), Length(max=80)])


class IssueForm(BaseForm):
    issued_on = DateField("发证日期", validators=[InputRequired(DATE_REQUIRED)])
    # The confirmation page posts these back: issuing a diploma batch is only done once they say so.
    confirmed = HiddenField()
    expected_first = HiddenField()        # the first number the registrar was shown


class RemoveMemberForm(BaseForm):
    member_id = IntegerField(validators=[InputRequired("请选择学员")])
    reason = StringField("移出原因", validators=[DataRequired("请填写移出原因"), Length(max=200)])


class RevokeForm(BaseForm):
    reason = StringField("撤销原因", validators=[DataRequired("请填写撤销原因"), Length(max=160)])
    revoked_on = DateField("撤销日期", validators=[InputRequired(DATE_REQUIRED)])
    confirmed = HiddenField()             # set by the confirmation page


class ReissueForm(BaseForm):
    reason = StringField("补发原因", validators=[DataRequired("请填写补发原因"), Length(max=120)])
    issued_on = DateField("补发日期", validators=[InputRequired(DATE_REQUIRED)])


class SealForm(BaseForm):
    seal = FileField("印章图片（PNG）")


class ExportForm(BaseForm):
    """Which certificates an export covers: a batch, or an issue-date range (GET)."""

    class Meta:
        csrf = False

    batch_id = SelectField("批次", coerce=int, validate_choice=False, validators=[Optional()])
    date_from = DateField("日期自", validators=[Optional()])
    date_to = DateField("至", validators=[Optional()])
    action = HiddenField()
