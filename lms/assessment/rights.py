"""Who may record what (SPEC §3): assignments and results per course kind, moral evaluations.

The rule, decided once and shown on the pages:

* 教务 (registrar): any course of any learner, county-wide, and any moral evaluation
  (the capability "assessment.record_all" in lms/auth/permissions.py).
* 文化课 (assessed under the county education bureau's standard; the classes are often taught by
  the class's own teachers): a teacher who taught a session of that course in the learner's class,
  or any teacher of that class (a ClassTeacher or the class head).
* 专业技能课 (the vocational school's skills assessment, under the county HR bureau's standard):
  only a teacher who taught a session of that course in the learner's class — being a teacher of
  the class is not enough.
* 顶岗实习 (internship, supervised by the school through the class head): the class head, or a
  teacher of a session of that course in the class.
* Moral evaluation (R10): the class head of the learner's class, or the registrar.
* Everyone else (administrators, the bureau, township staff, enrollers) records nothing here.

Recording assignments (R7) follows the same rule as results for that course. A cancelled
session does not make anyone its course teacher. Teachers hold "assessment.record": what they may
record follows from their classes and sessions as above.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from lms.auth.permissions import role_may
from lms.extensions import db
from lms.teaching.models import ClassSession, ClassTeacher, TeachingClass

RULE_TEXT = {
    "cultural": "文化课（县教育局标准）：本班上过该课程的任课教师、本班教师或班主任，以及教务可以录入",
    "skill": "专业技能课（县中职学校考核）：只有本班上过该课程的任课教师和教务可以录入",
    "internship": "顶岗实习：本班班主任、本班该课程的任课教师和教务可以录入",
}
MORAL_RULE_TEXT = "思想品德评价由本班班主任或教务录入"


@dataclass(frozen=True)
class RecordingRights:
    """What one user may record, loaded once (three queries) and asked per class and course."""

    role: str
    taught: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (class_id, course_id)
    member_of: frozenset[int] = field(default_factory=frozenset)           # ClassTeacher or head
    heads: frozenset[int] = field(default_factory=frozenset)               # classes they head

    @property
    def everything(self) -> bool:
        return role_may(self.role, "assessment.record_all")

    @property
    def by_class(self) -> bool:
        """Records what their classes and sessions allow (teachers)."""
        return not self.everything and role_may(self.role, "assessment.record")

    def refusal(self, class_id: int | None, course) -> str | None:
        """None when this user may record assignments/results of `course` for a learner of class
        `class_id`; otherwise the Chinese reason (which names who may)."""
        if self.everything:
            return None
        allowed = False
        if self.by_class and class_id is not None:
            taught = (class_id, course.id) in self.taught
            if course.kind == "cultural":
                allowed = taught or class_id in self.member_of
            elif course.kind == "skill":
                allowed = taught
            else:
                allowed = taught or class_id in self.heads
        if allowed:
            return None
        return f"您不能录入《{course.name}》的成绩：{RULE_TEXT[course.kind]}"

    def moral_refusal(self, class_id: int | None) -> str | None:
        """None when this user may record moral evaluations for learners of class `class_id`."""
        if self.everything or (self.by_class and class_id in self.heads):
            return None
        return f"您不能录入思想品德评价：{MORAL_RULE_TEXT}"


def rights_of(user) -> RecordingRights:
    """The recording rights of `user` (None = the command line, treated as the registrar)."""
    role = getattr(user, "role", None) or "registrar"
    rights = RecordingRights(role=role)
    if not rights.by_class:
        return rights
    taught = db.session.execute(
        select(ClassSession.class_id, ClassSession.course_id).distinct()
        .where(ClassSession.teacher_id == user.id, ClassSession.cancelled_at.is_(None))).all()
    heads = set(db.session.scalars(select(TeachingClass.id).where(TeachingClass.head_teacher_id == user.id)))
    members = set(db.session.scalars(select(ClassTeacher.class_id).where(ClassTeacher.user_id == user.id)))
    return RecordingRights(role=role, taught=frozenset((c, k) for c, k in taught),
                           member_of=frozenset(members | heads), heads=frozenset(heads))
