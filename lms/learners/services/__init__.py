"""Enrolment, student-status events, photos and views of whole ID numbers — every write audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms import summaries
from lms.audit.services import record, snapshot
from lms.core.errors import DomainError
from lms.core.privacy import mask_id_number, mask_phone
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.imports.cells import CellError, parse_phone
from lms.learners.codes import ETHNICITIES
from lms.learners.idnumbers import IdNumberError, normalise_id_number
from lms.learners.lookup import hash_id
from lms.learners.models import Learner, RosterEntry
from lms.learners.photos import prepare_photo, store_photo
from lms.learners.pinyin import name_initials
from lms.learners.queries import village_labels
from lms.learners.services.student_numbers import allocate_student_numbers
from lms.policies.services import policy_for
from lms.rules import PRIOR_EDUCATIONS, check_age, programme_years, study_period_end, target_group

#: The version of the personal-information notice (个人信息保护法 art. 17) learners are shown.
PRIVACY_NOTICE_VERSION = "2025-1"
_PRIVATE = ("id_number", "id_hash", "phone")


def learner_snapshot(learner: Learner) -> dict:
    """A learner's columns for the audit log, with the ID number and phone masked."""
    values = snapshot(learner, exclude=_PRIVATE)
    values["id_number"] = mask_id_number(learner.id_number)
    values["phone"] = mask_phone(learner.phone)
    return values


@dataclass(frozen=True)
class EnrolmentTerms:
    """What the rules decide at enrolment: R2 target group, R3 学制 and the study period's last day."""

    cohort: int
    target_group: str
    programme_years: int
    period_end_on: date


def enrolment_terms(*, birth_on: date, prior_education: str, enrolled_on: date) -> EnrolmentTerms:
    """Apply R1 (refusing with the rule's reason), R2 and R3 under the policy of the cohort."""
    if prior_education not in PRIOR_EDUCATIONS:
        raise DomainError(f"入学前文化程度只能是：{'、'.join(PRIOR_EDUCATIONS)}", field="prior_education")
    cohort = enrolled_on.year
    policy = policy_for(cohort)
    age = check_age(birth_on, enrolled_on, policy)
    if not age.ok:
        raise DomainError(f"不符合报名年龄要求：{age.reason}", field="enrolled_on")
    years = programme_years(prior_education, policy)
    return EnrolmentTerms(cohort, target_group(prior_education, policy), years, study_period_end(enrolled_on, years))


def already_enrolled_message(village_label: str | None, student_number: str | None) -> str:
    """Why an ID cannot enrol again. The place is named only when the user may see it
    (`village_label` None means it lies outside the user's scope)."""
    if village_label is None:
        return "该身份证号已在其他乡镇（街道）报名，不能重复报名；如有疑问请联系县教育局"
    return f"该身份证号已经报名（学号 {student_number}，{village_label}），不能重复报名"


def _existing_learner_message(id_hash: str, scope) -> str | None:
    existing = db.session.execute(select(Learner.student_number, Learner.village_id)
                                  .where(Learner.id_hash == id_hash)).first()
    if existing is None:
        return None
    label = village_labels({existing.village_id}, scope).get(existing.village_id)
    return already_enrolled_message(label, existing.student_number)


def enrol_learner(*, actor, scope, id_number: str, name: str, village: Division, teaching_point: TeachingPoint,
                  specialty, teaching_class=None, enrolled_on: date, prior_education: str, ethnicity: str,
                  phone: str = "", privacy_agreed: bool, today: date, roster_entry: RosterEntry | None = None,
                  photo: bytes | None = None, max_photo_bytes: int = 2 * 1024 * 1024) -> Learner:
    """Enrol one person (from the roster or a walk-in) and audit it.

    Refuses, with a Chinese reason naming the field: no privacy-notice consent; a bad ID number;
    an ID already enrolled anywhere (the other place named only if in `scope`); R1 age; a date in
    the future; a class of another teaching point or specialty; a bad photo. R2 and R3 set the
    target group, 学制 and study period; the student number comes from the school's pattern. A roster
    entry with the same ID number is linked and marked 已报名.
    """
    if not privacy_agreed:
        raise DomainError("请先向学员告知《个人信息处理告知书》并勾选学员已同意", field="privacy_agreed")
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写姓名", field="name")
    try:
        number = normalise_id_number(id_number, today=today)
    except IdNumberError as error:
        raise DomainError(error.message, field="id_number") from None
    id_hash = hash_id(number.number)
    if (message := _existing_learner_message(id_hash, scope)) is not None:
        raise DomainError(message, field="id_number")
    if enrolled_on > today:
        raise DomainError("入学日期不能晚于今天", field="enrolled_on")
    if ethnicity not in ETHNICITIES:
        raise DomainError("请选择民族", field="ethnicity")
    if teaching_class is not None and (teaching_class.teaching_point_id != teaching_point.id
                                       or teaching_class.specialty_id != specialty.id):
        raise DomainError("所选班级不属于所选教学点和专业", field="class_id")
    terms = enrolment_terms(birth_on=number.birth_on, prior_education=prior_education, enrolled_on=enrolled_on)
    jpeg = prepare_photo(photo, max_bytes=max_photo_bytes) if photo else None
    if roster_entry is not None and roster_entry.id_hash != id_hash:
        raise DomainError("身份证号与名册中此人的不一致", field="id_number")
    if roster_entry is None:
        roster_entry = db.session.scalar(select(RosterEntry).where(RosterEntry.id_hash == id_hash))

    learner = Learner(
        roster_entry=roster_entry, id_number=number.number, id_hash=id_hash, name=name,
        name_initials=name_initials(name), sex=number.sex, ethnicity=ethnicity, birth_on=number.birth_on,
        prior_education=prior_education, target_group=terms.target_group, phone=phone or "",
        village_id=village.id, teaching_point_id=teaching_point.id, specialty_id=specialty.id,
        class_id=teaching_class.id if teaching_class is not None else None,
        student_number=allocate_student_numbers([(terms.cohort, village.code)])[0], cohort=terms.cohort,
        enrolled_on=enrolled_on, programme_years=terms.programme_years, period_end_on=terms.period_end_on,
        status="studying", privacy_consent_on=enrolled_on, privacy_notice_version=PRIVACY_NOTICE_VERSION,
        enrolled_by_id=getattr(actor, "id", None))
    db.session.add(learner)
    if roster_entry is not None and roster_entry.status != "enrolled":
        roster_entry.status, roster_entry.status_reason = "enrolled", ""
    db.session.flush()
    if jpeg is not None:
        learner.photo_path = store_photo(learner.id, jpeg)
        db.session.flush()
    summaries.learners_changed([learner.id])
    record(actor, "learner.enrol", "learner", learner.id,
           summary=f"报名：{name}（{learner.student_number}），{village.name}，{specialty.name}",
           after=learner_snapshot(learner))
    return learner


def replace_photo(*, actor, learner: Learner, photo: bytes, max_photo_bytes: int) -> None:
    """Check, re-encode and store a new photo for a learner (the old file is kept); audited."""
    jpeg = prepare_photo(photo, max_bytes=max_photo_bytes)
    before = learner.photo_path
    learner.photo_path = store_photo(learner.id, jpeg)
    db.session.flush()
    record(actor, "learner.photo", "learner", learner.id, summary=f"更换照片：{learner.name}",
           before={"photo_path": before}, after={"photo_path": learner.photo_path})


def record_id_view(*, actor, learner: Learner) -> None:
    """Audit that `actor` was shown the learner's whole ID number and phone (个人信息保护法)."""
    record(actor, "learner.view_id", "learner", learner.id,
           summary=f"查看完整身份证号和手机号：{learner.name}（{learner.student_number}）")


CORRECTABLE_FIELDS = {"name": "姓名", "phone": "联系电话", "ethnicity": "民族"}


def correct_learner(*, actor, learner: Learner, name: str, phone: str, ethnicity: str, reason: str) -> list[str]:
    """学籍信息更正: fix a learner's name, phone or ethnicity, with the reason; audited with the values
    before and after (phone masked). Returns the labels of the fields changed.

    Fields the rules depend on (ID number, prior education, enrolment date, village) are not corrected
    here: they change the target group, 学制 or scope and go through the status events.
    """
    name, phone, reason = (name or "").strip(), (phone or "").strip(), (reason or "").strip()
    if not name:
        raise DomainError("请填写姓名", field="name")
    if ethnicity not in ETHNICITIES:
        raise DomainError("请选择民族", field="ethnicity")
    if phone:
        try:
            phone = parse_phone(phone)
        except CellError as error:
            raise DomainError(error.message, field="phone") from None
    if not reason:
        raise DomainError("请填写更正原因（如：与身份证原件核对，姓名录错）", field="reason")
    wanted = {"name": name, "phone": phone, "ethnicity": ethnicity}
    changed = [key for key, value in wanted.items() if getattr(learner, key) != value]
    if not changed:
        raise DomainError("没有需要更正的内容", field="name")
    before = learner_snapshot(learner)
    for key in changed:
        setattr(learner, key, wanted[key])
    if "name" in changed:
        learner.name_initials = name_initials(name)
    db.session.flush()
    labels = [CORRECTABLE_FIELDS[key] for key in changed]
    record(actor, "learner.correct", "learner", learner.id,
           summary=f"更正学籍信息：{learner.name}（{learner.student_number}），{'、'.join(labels)}；原因：{reason}",
           before={key: before[key] for key in changed}, after={key: learner_snapshot(learner)[key] for key in changed})
    return labels


def export_registration_list(*, actor, scope, cohort: int, today: date) -> tuple[bytes, int, str]:
    """Build the registration list (学籍注册) of `cohort` in `scope` and audit the export with its row count.

    Returns (xlsx bytes, number of learners, download file name).
    """
    from lms.learners.export import export_rows, write_workbook  # stdnum's code lists load only for exports

    rows = export_rows(scope, cohort)
    content = write_workbook(rows)
    record(actor, "learner.export", "export", None,
           summary=f"导出学籍注册名单：{cohort}级，{len(rows)} 人",
           after={"kind": "student_status_registration", "cohort": cohort, "rows": len(rows)})
    return content, len(rows), f"学籍注册名单-{cohort}级-{today:%Y%m%d}.xlsx"
