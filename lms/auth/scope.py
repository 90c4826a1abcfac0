"""Scope: which townships, villages or classes a user may see. The one place scope is decided.

Every scoped model has a classmethod `in_scope(scope)` returning an SQL clause built from the
helpers below; views fetch objects through `lms.web.access.get_or_404`/`scoped`, which apply it,
so a URL to data outside the user's scope answers 404. Lists, exports and PDFs filter their rows the
same way: a page never names a learner whose own page would answer 404 to the same user.

Who sees a learner (`Learner.in_scope`):
- township staff and enrollers: the learners who live in their townships / villages. A class meeting
  at their teaching point is theirs to see (`TeachingClass.in_scope`), but its learners from other
  villages or townships are not: its pages list only their own area's learners and say how many
  others there are.
- teachers: every learner of the classes they teach or head, wherever the learner lives — they take
  the class's attendance, approve its self-study and record its results.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import false, or_, select, true


@dataclass(frozen=True)
class Scope:
    """What one user may see: everything (county-wide roles) or sets of township/village/class ids."""

    everything: bool = False
    township_ids: frozenset[int] = field(default_factory=frozenset)
    village_ids: frozenset[int] = field(default_factory=frozenset)
    class_ids: frozenset[int] = field(default_factory=frozenset)

    def village_clause(self, village_column):
        """SQL clause: `village_column` lies in a township or village of this scope (not classes)."""
        if self.everything:
            return true()
        from lms.geo.models import villages_of

        clauses = []
        if self.township_ids:
            clauses.append(village_column.in_(villages_of(self.township_ids)))
        if self.village_ids:
            clauses.append(village_column.in_(self.village_ids))
        return or_(*clauses) if clauses else false()

    def class_clause(self, class_column):
        """SQL clause: `class_column` is one of this scope's classes (teachers)."""
        if self.everything:
            return true()
        return class_column.in_(self.class_ids) if self.class_ids else false()

    def learner_clause(self, village_column, class_column):
        """SQL clause for learner-like rows: in the scope's area, or in one of its classes."""
        if self.everything:
            return true()
        return or_(self.village_clause(village_column), self.class_clause(class_column))


EVERYTHING = Scope(everything=True)
NOTHING = Scope()


def scope_for(user) -> Scope:
    """The scope of `user`: county-wide roles see everything; others what their assignments give."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    kind = user.scope_kind
    if kind is None:
        return EVERYTHING
    if kind == "class":
        from lms.extensions import db
        from lms.teaching.models import ClassTeacher, TeachingClass

        class_ids = db.session.scalars(
            select(ClassTeacher.class_id).where(ClassTeacher.user_id == user.id)
            .union(select(TeachingClass.id).where(TeachingClass.head_teacher_id == user.id))
        ).all()
        return Scope(class_ids=frozenset(class_ids))
    division_ids = frozenset(d.division_id for d in user.division_scopes)
    if kind == "township":
        return Scope(township_ids=division_ids)
    return Scope(village_ids=division_ids)
