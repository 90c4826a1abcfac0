"""The shapes of the API's requests and answers (marshmallow): flask-smorest reads and checks requests with
them and writes the OpenAPI document from them, so the document is the code. Dates are ISO 8601. Hours read
are 学时 (cut down to one decimal, as pages show them); a pushed record gives the platform's clock minutes,
which the import converts with the learner's cohort 学时 length (policy hour_length_minutes, default 45)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from lms.rules.units import DAY_CLOCK_MINUTES

MAX_BATCH = 1000


class ErrorSchema(Schema):
    """Every error: a stable code, a Chinese message, and for a refused request the fields at fault."""

    code = fields.String(required=True, metadata={"description": "稳定的错误代码，如 not_found、unauthorized、invalid"})
    message = fields.String(required=True, metadata={"description": "中文说明"})
    errors = fields.Dict(metadata={"description": "请求中不符合说明的字段（invalid 时）"})


class PlatformRecordSchema(Schema):
    """One learning record of the online platform, as a row of the 平台线上学时 import."""

    id_number = fields.String(required=True, metadata={"description": "学员身份证号"})
    name = fields.String(load_default="", metadata={"description": "姓名（与学籍不一致时给出提醒，仍按身份证号计入）"})
    platform = fields.String(required=True, metadata={"description": "平台名称：与记录编号一起识别一条记录"})
    course = fields.String(load_default="", metadata={"description": "课程名称"})
    minutes = fields.Float(required=True, allow_nan=False, metadata={"description": f"学习时长（钟点分钟），0–{DAY_CLOCK_MINUTES}；按学员所在年级政策的学时长度折算为学时"})
    studied_on = fields.String(required=True, metadata={"description": "学习日期，如 2026-03-10", "format": "date"})
    record_id = fields.String(required=True, metadata={"description": "平台的记录编号（同一平台内唯一）"})


class PushSchema(Schema):
    """A batch of platform records."""

    records = fields.List(fields.Nested(PlatformRecordSchema), required=True,
                          validate=validate.Length(min=1, max=MAX_BATCH),
                          metadata={"description": f"一批记录，1–{MAX_BATCH} 条"})
    atomic = fields.Boolean(load_default=False,
                            metadata={"description": "为 true 时，任何一条被拒绝则整批都不写入"})


class RecordProblemSchema(Schema):
    """A refused record (or a warning about one)."""

    position = fields.Integer(required=True, metadata={"description": "记录在 records 中的序号，从 1 起（说明中的“第 N 行”即第 N 条）"})
    record_id = fields.String(required=True)
    field = fields.String(required=True, metadata={"description": "出问题的字段"})
    message = fields.String(required=True, metadata={"description": "中文说明，与文件导入的说明相同"})


class PushResultSchema(Schema):
    """What a push did: records written, already present (unchanged), refused with reasons."""

    received = fields.Integer(required=True)
    written = fields.Integer(required=True)
    unchanged = fields.Integer(required=True, metadata={"description": "此前已推送过的记录（平台 + 记录编号），不再写入"})
    refused = fields.Integer(required=True)
    atomic = fields.Boolean(required=True)
    errors = fields.List(fields.Nested(RecordProblemSchema), required=True)
    warnings = fields.List(fields.Nested(RecordProblemSchema), required=True)


class RefusedBatchSchema(ErrorSchema):
    """An atomic batch with refused records: nothing was written."""

    result = fields.Nested(PushResultSchema, required=True)


class DivisionSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class HoursSchema(Schema):
    """Credited 学时 of one hour category."""

    category = fields.String(required=True, metadata={"description": "F 集中面授、L 集中线上、P 平台线上学习、S 自学"})
    label = fields.String(required=True)
    hours = fields.Float(required=True, metadata={"description": "学时（保留一位小数，不进位）"})


class DecisionSchema(Schema):
    """The graduation audit's decision (R11–R13) as of the day asked."""

    outcome = fields.String(required=True, metadata={"description": "graduate、early_graduate、complete、continue、withdrawn、left（转出、注销或死亡，离籍）"})
    label = fields.String(required=True)
    eligible = fields.Boolean(required=True)
    hours_360 = fields.Float(required=True, metadata={"description": "计入 360 学时要求的学时数"})
    credits = fields.String(required=True, metadata={"description": "已获学分（十进制字符串）"})
    reasons = fields.List(fields.String(), required=True)
    period_end_on = fields.Date(required=True)


class LearnerStatusSchema(Schema):
    """A learner's status, hours by category and audit decision."""

    student_number = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "studying、suspended、withdrawn、graduated、completed、transferred（转出）、cancelled（注销）、deceased（死亡）"})
    status_label = fields.String(required=True)
    status_changed_on = fields.Date(required=True, allow_none=True)
    cohort = fields.Integer(required=True)
    enrolled_on = fields.Date(required=True)
    township = fields.Nested(DivisionSchema, required=True)
    village = fields.Nested(DivisionSchema, required=True)
    specialty = fields.String(required=True)
    hours = fields.List(fields.Nested(HoursSchema), required=True)
    total_hours = fields.Float(required=True, metadata={"description": "各类别学时合计"})
    decision = fields.Nested(DecisionSchema, required=True)
    as_of = fields.Date(required=True)


class CertificatesQuerySchema(Schema):
    since = fields.Date(required=True, metadata={"description": "发证日期不早于此日，如 2026-01-01"})
    cursor = fields.String(metadata={"description": "上一页答复中的 next_cursor"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class CertificateSchema(Schema):
    number = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "diploma、completion、study_record"})
    kind_label = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "valid、revoked"})
    issued_on = fields.Date(required=True)
    revoked_on = fields.Date(required=True, allow_none=True)
    student_number = fields.String(required=True)
    name = fields.String(required=True)
    replaces = fields.String(required=True, allow_none=True, metadata={"description": "补发时被替代的原证书编号"})
    verification_url = fields.String(required=True, metadata={"description": "公开核验页（证书二维码指向的地址）"})


class CertificatePageSchema(Schema):
    items = fields.List(fields.Nested(CertificateSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True, metadata={"description": "下一页的游标；null 表示没有更多"})


class VerificationSchema(Schema):
    """A certificate as its public verification page shows it: the name masked, never the ID number."""

    number = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "部分遮盖的姓名"})
    specialty = fields.String(required=True)
    issued_on = fields.Date(required=True)
    school = fields.String(required=True)
    revoked_on = fields.Date(required=True, allow_none=True)
    revoke_reason = fields.String(required=True)
    replaced_by = fields.String(required=True, allow_none=True, metadata={"description": "补发的新证书编号"})
    replaces = fields.String(required=True, allow_none=True)
