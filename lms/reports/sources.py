"""What the report queries count: the learners themselves, or — for today — their tallies.

Both expose the same columns, so one query serves either; `weight` is how many learners a row
stands for (1 for a learner, the stored count for a tally row). A tally holds hours as the
learner_hours summary has them (everything recorded so far), so it answers for today and later
days only; earlier days count the learners and their hour records as of that day.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal

from lms.core.clock import today
from lms.learners.models import Learner
from lms.reports.models import LearnerTally


@dataclass(frozen=True)
class Counted:
    """A table the figures are counted from, and its columns by meaning."""

    table: Any
    village_id: Any
    class_id: Any
    cohort: Any
    prior_education: Any
    status: Any
    status_changed_on: Any
    enrolled_on: Any
    weight: Any
    band: Any = None            # the stored R6 band (tallies); None: computed from hours

    def heads(self):
        """SQL: the number of learners in a group."""
        return func.sum(self.weight)

    @property
    def is_tally(self) -> bool:
        """True when rows are tallies (hours bands stored, no learner ids)."""
        return self.band is not None


LEARNERS = Counted(Learner, Learner.village_id, Learner.class_id, Learner.cohort, Learner.prior_education,
                   Learner.status, Learner.status_changed_on, Learner.enrolled_on, literal(1))
TALLIES = Counted(LearnerTally, LearnerTally.village_id, LearnerTally.class_id, LearnerTally.cohort,
                  LearnerTally.prior_education, LearnerTally.status, LearnerTally.status_changed_on,
                  LearnerTally.enrolled_on, LearnerTally.learners, LearnerTally.band)


def counted_for(as_of: dt.date) -> Counted:
    """The tallies for today and later report days, the learners for earlier ones."""
    return TALLIES if as_of >= today() else LEARNERS
