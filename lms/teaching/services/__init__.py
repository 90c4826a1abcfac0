"""Writing teaching plans and classes: specialties, courses, classes, their teachers and learners."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select, update

from lms import summaries
from lms.audit.services import record, record_save, snapshot
from lms.core.errors import DomainError
from lms.extensions import db
from lms.rules import COURSE_KINDS, PARTS_PER_HOUR
from lms.teaching.models import DEFAULT_SPECIALTIES, ClassTeacher, Course, Specialty, TeachingClass


def ensure_default_specialties() -> list[Specialty]:
    """Create the fifteen specialties of the county's plan if missing (idempotent)."""
    existing = {s.name: s for s in db.session.scalars(select(Specialty))}
    for position, name in enumerate(DEFAULT_SPECIALTIES, start=1):
        if name not in existing:
            existing[name] = Specialty(name=name, position=position)
            db.session.add(existing[name])
    db.session.flush()
    return [existing[name] for name in DEFAULT_SPECIALTIES]


def assign_teacher_to_classes(user, class_codes: list[str]) -> None:
    """Make `user` a teacher of the classes with these codes (a teacher's scope); unknown codes refused."""
    classes = {c.code: c for c in db.session.scalars(select(TeachingClass).where(TeachingClass.code.in_(class_codes)))}
    missing = [code for code in class_codes if code not in classes]
    if missing:
        raise DomainError(f"班级代码不存在：{'、'.join(missing)}", field="scope_codes")
    have = set(db.session.scalars(select(ClassTeacher.class_id).where(ClassTeacher.user_id == user.id)))
    for code in class_codes:
        if classes[code].id not in have:
            db.session.add(ClassTeacher(class_id=classes[code].id, user_id=user.id))
    db.session.flush()


# --- specialties (the plan: 专业“结合地方产业发展实际实行动态调整”) ------------------------------

def save_specialty(*, actor, specialty: Specialty | None, name: str) -> Specialty:
    """Add a specialty or rename one (names are unique; a rename shows wherever the specialty does); audited.

    Specialties are never deleted: learners, classes and certificates keep pointing at them.
    """
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("请填写专业名称", field="name")
    if len(name) > 40:
        raise DomainError("专业名称不能超过 40 个字", field="name")
    clash = db.session.scalar(select(Specialty.id).where(Specialty.name == name))
    if clash and (specialty is None or clash != specialty.id):
        raise DomainError(f"已有专业“{name}”", field="name")
    if specialty is None:
        position = (db.session.scalar(select(func.max(Specialty.position))) or 0) + 1
        specialty = Specialty(name=name, position=position, active=True)
        db.session.add(specialty)
        db.session.flush()
        record(actor, "specialty.create", "specialty", specialty.id, summary=f"新增专业 {name}",
               after={"name": name})
        return specialty
    old = specialty.name
    if old == name:
        return specialty
    specialty.name = name
    db.session.flush()
    record(actor, "specialty.rename", "specialty", specialty.id, summary=f"专业 {old} 改名为 {name}",
           before={"name": old}, after={"name": name})
    return specialty


def set_specialty_active(*, actor, specialty: Specialty, active: bool) -> Specialty:
    """Retire (停办) or reopen a specialty; audited. A retired specialty is offered to no new class or
    enrolment, while its learners, classes and history stay. Retiring is refused while an active class
    still teaches it: close or move those classes first."""
    if specialty.active == active:
        return specialty
    if not active:
        running = list(db.session.scalars(
            select(TeachingClass.name).where(TeachingClass.specialty_id == specialty.id,
                                             TeachingClass.active.is_(True)).order_by(TeachingClass.code)))
        if running:
            raise DomainError(f"{specialty.name}还有在办班级：{'、'.join(running[:5])}"
                              f"{'等' if len(running) > 5 else ''}，请先停用这些班级再停办专业", field="active")
    specialty.active = active
    db.session.flush()
    record(actor, "specialty.activate" if active else "specialty.retire", "specialty", specialty.id,
           summary=f"{'恢复' if active else '停办'}专业 {specialty.name}", before={"active": not active},
           after={"active": active})
    return specialty


# --- teaching plans --------------------------------------------------------------------------

def save_course(*, actor, specialty: Specialty, course: Course | None, name: str, kind: str, minutes: int,
                credits: Decimal, required_assignments: int) -> Course:
    """Create or edit a course of `specialty`'s plan; names are unique within the plan; audited."""
    if kind not in COURSE_KINDS:
        raise DomainError("课程类别不正确", field="kind")
    if not 0 < minutes <= 2000 * PARTS_PER_HOUR:
        raise DomainError("学时应在 1–2000 之间", field="hours")
    if credits < 0 or credits > 100:
        raise DomainError("学分应在 0–100 之间", field="credits")
    if not 0 <= required_assignments <= 50:
        raise DomainError("必做作业数应在 0–50 之间", field="required_assignments")
    clash = db.session.scalar(select(Course.id).where(Course.specialty_id == specialty.id, Course.name == name))
    if clash and (course is None or clash != course.id):
        raise DomainError(f"{specialty.name}的教学计划中已有课程“{name}”", field="name")
    before = snapshot(course) if course else None
    if course is None:
        position = len(specialty.courses) + 1
        course = Course(specialty_id=specialty.id, position=position)
        db.session.add(course)
    course.name, course.kind, course.minutes = name, kind, minutes
    course.credits, course.required_assignments = credits, required_assignments
    db.session.flush()
    record_save(actor, "course", course, before,
                summary=f"{specialty.name}{'新增' if before is None else '修改'}课程 {name}")
    return course


def set_course_active(*, actor, course: Course, active: bool) -> Course:
    """Deactivate (or reactivate) a course: it leaves the plan for new sessions; its sessions and
    results stay. Courses are never deleted."""
    if course.active == active:
        return course
    course.active = active
    db.session.flush()
    record(actor, "course.activate" if active else "course.deactivate", "course", course.id,
           summary=f"{'启用' if active else '停用'}课程 {course.name}", before={"active": not active},
           after={"active": active})
    return course


# --- classes ----------------------------------------------------------------------------------

def save_class(*, actor, teaching_class: TeachingClass | None, code: str, name: str, specialty: Specialty,
               teaching_point, cohort: int, head_teacher=None, active: bool = True) -> TeachingClass:
    """Create or edit a class (specialty + teaching point + cohort); codes are unique; audited.

    The specialty of a class with learners cannot change (its learners study that specialty's plan).
    """
    if not 2000 <= cohort <= 2100:
        raise DomainError("年级应在 2000–2100 之间", field="cohort")
    if head_teacher is not None and head_teacher.role != "teacher":
        raise DomainError("班主任必须是教师账号", field="head_teacher_id")
    clash = db.session.scalar(select(TeachingClass.id).where(TeachingClass.code == code))
    if clash and (teaching_class is None or clash != teaching_class.id):
        raise DomainError(f"班级代码 {code} 已被使用", field="code")
    if teaching_class is not None and teaching_class.specialty_id != specialty.id and teaching_class.learners:
        raise DomainError("班级已有学员，不能更改专业", field="specialty_id")
    before = snapshot(teaching_class) if teaching_class else None
    if teaching_class is None:
        teaching_class = TeachingClass()
        db.session.add(teaching_class)
    teaching_class.code, teaching_class.name, teaching_class.cohort = code, name, cohort
    teaching_class.specialty_id, teaching_class.teaching_point_id = specialty.id, teaching_point.id
    teaching_class.head_teacher_id = head_teacher.id if head_teacher else None
    teaching_class.active = active
    db.session.flush()
    if before is not None and before["cohort"] != cohort:      # its sessions are judged by another policy
        summaries.sessions_changed([teaching_class.id])
    record_save(actor, "class", teaching_class, before,
                summary=f"{'新建' if before is None else '修改'}班级 {code} {name}")
    return teaching_class


def add_teacher(*, actor, teaching_class: TeachingClass, teacher) -> None:
    """Assign a teacher to a class (their scope grows by it); audited; idempotent."""
    if teacher.role != "teacher":
        raise DomainError("只能安排教师账号", field="teacher_id")
    if any(link.user_id == teacher.id for link in teaching_class.teachers):
        return
    db.session.add(ClassTeacher(class_id=teaching_class.id, user_id=teacher.id))
    db.session.flush()
    record(actor, "class.add_teacher", "class", teaching_class.id,
           summary=f"班级 {teaching_class.code} 安排教师 {teacher.display_name}", after={"teacher_id": teacher.id})


def remove_teacher(*, actor, teaching_class: TeachingClass, teacher_id: int) -> None:
    """Take a teacher off a class (their sessions and records stay); audited."""
    link = next((link for link in teaching_class.teachers if link.user_id == teacher_id), None)
    if link is None:
        raise DomainError("该教师不在本班", field="teacher_id")
    db.session.delete(link)   # an assignment, not a record of teaching: removing it loses nothing
    db.session.flush()
    record(actor, "class.remove_teacher", "class", teaching_class.id,
           summary=f"班级 {teaching_class.code} 移除教师 {link.user.display_name}", before={"teacher_id": teacher_id})


def add_learners(*, actor, teaching_class: TeachingClass, learners) -> int:
    """Put learners (already loaded within the actor's scope) into the class; they must study its specialty."""
    wrong = [learner.name for learner in learners if learner.specialty_id != teaching_class.specialty_id]
    if wrong:
        raise DomainError(f"以下学员的专业与班级不同：{'、'.join(wrong)}", field="learner_ids")
    moved = [learner for learner in learners if learner.class_id != teaching_class.id]
    if not moved:
        return 0
    ids = [learner.id for learner in moved]
    before = {learner.id: learner.class_id for learner in moved}
    db.session.execute(update(type(moved[0])).where(type(moved[0]).id.in_(ids)).values(
        class_id=teaching_class.id, teaching_point_id=teaching_class.teaching_point_id),
        execution_options={"synchronize_session": "fetch"})
    db.session.flush()
    summaries.learners_changed(ids)
    record(actor, "class.add_learners", "class", teaching_class.id,
           summary=f"班级 {teaching_class.code} 加入 {len(ids)} 名学员", before={"class_of": before},
           after={"learner_ids": ids})
    return len(ids)


def remove_learner(*, actor, teaching_class: TeachingClass, learner) -> None:
    """Take a learner out of the class (their attendance and hours stay with them); audited."""
    if learner.class_id != teaching_class.id:
        raise DomainError("该学员不在本班", field="learner_id")
    learner.class_id = None
    db.session.flush()
    summaries.learners_changed([learner.id])
    record(actor, "class.remove_learner", "class", teaching_class.id,
           summary=f"班级 {teaching_class.code} 移出学员 {learner.name}", before={"learner_id": learner.id})
