"""我的学习: what a learner sees of their own learning on their phone, read from the same engine as the
graduation audit (lms.assessment.account → facts_and_policies → evaluate), so the learner, the learner page
and the audit always agree. No ID number and no phone number is ever part of it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from lms.assessment.account import AccountCourse, LearningAccount, Trace, learning_account
from lms.certificates.models import Certificate
from lms.core.pdf import data_uri
from lms.core.privacy import mask_name
from lms.extensions import db
from lms.learners.models import Learner, LearnerCard
from lms.learners.photos import photo_file
from lms.learners.services.cards import token_digest
from lms.rules import EXEMPTION_KIND_LABELS, categories_label, format_hours
from lms.teaching.hours import counted_sessions, earning_attendance
from lms.teaching.models import Attendance, ClassSession


def my_learning_url(token: str, base_url: str) -> str:
    """The 我的学习 page of a card's token."""
    return f"{base_url.rstrip('/')}/my/{token}"


def card_qr_text(learner: Learner, url: str) -> str:
    """What a card's QR code holds: the 我的学习 URL, then `#` and the student number. A phone opens the URL
    (the part after `#` never reaches the server); the attendance sheet's scanner reads the student number
    after the `#`, as it reads a bare student number from cards printed without a 我的学习 link."""
    return f"{url}#{learner.student_number}"


def card_by_token(token: str) -> LearnerCard | None:
    """The card whose token is `token` (revoked or not), or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(LearnerCard).where(LearnerCard.token_hash == token_digest(token)))


@dataclass(frozen=True)
class AwardLine:
    """Credits a course earned from a certificate or an award (an approved recognition)."""

    course: str
    trace: Trace


@dataclass(frozen=True)
class MyLearning:
    """Everything 我的学习 shows, as of one day."""

    learner: Learner
    as_of: dt.date
    account: LearningAccount
    required_minutes: int
    photo: str | None
    class_days_this_month: int
    certificates: tuple[Certificate, ...]

    @property
    def counted_minutes(self) -> int:
        """Minutes toward the hours requirement, as the graduation decision counts them."""
        return self.account.decision.hours_360

    @property
    def shortfall_minutes(self) -> int:
        """Minutes still missing toward the requirement (0 once met)."""
        return max(0, self.required_minutes - self.counted_minutes)

    @property
    def shortfall_text(self) -> str:
        """还差 N 学时, rounded up as the rule's own message is."""
        return format_hours(self.shortfall_minutes, round_up=True)

    @property
    def counted_label(self) -> str:
        """Which hour categories count toward the requirement, e.g. 自学+线上."""
        return categories_label(self.account.evaluation.hours.numbers["categories"])

    @property
    def percent(self) -> int:
        """Progress toward the requirement, 0–100."""
        if not self.required_minutes:
            return 100
        return min(100, self.counted_minutes * 100 // self.required_minutes)

    @property
    def masked_name(self) -> str:
        return mask_name(self.learner.name)

    def _courses(self, which) -> tuple[AccountCourse, ...]:
        return tuple(line for line in self.account.courses if which(line.standing))

    @property
    def passed(self) -> tuple[AccountCourse, ...]:
        """Courses passed by assessment (first time or on a retake)."""
        return self._courses(lambda st: st.counts and st.status not in EXEMPTION_KIND_LABELS)

    @property
    def exempted(self) -> tuple[AccountCourse, ...]:
        """Courses excused (免修, 免考, 实习免除)."""
        return self._courses(lambda st: st.counts and st.status in EXEMPTION_KIND_LABELS)

    @property
    def to_do(self) -> tuple[AccountCourse, ...]:
        """Courses still to pass."""
        return self._courses(lambda st: not st.counts)

    @property
    def credits(self) -> Decimal:
        return self.account.decision.credits

    @property
    def awards(self) -> tuple[AwardLine, ...]:
        """Credits from certificates and awards (approved recognitions), course by course."""
        return tuple(AwardLine(line.course.name, trace) for line in self.account.courses
                     for trace in line.recognitions)


def _class_days(learner_id: int, as_of: dt.date) -> int:
    """Days this month (up to `as_of`) on which the learner attended a class session that earns hours."""
    first = as_of.replace(day=1)
    return db.session.scalar(
        select(func.count(func.distinct(ClassSession.held_on)))
        .select_from(Attendance).join(ClassSession, Attendance.session_id == ClassSession.id)
        .where(Attendance.learner_id == learner_id, earning_attendance(), counted_sessions(),
               ClassSession.held_on >= first, ClassSession.held_on <= as_of)) or 0


def _photo(learner: Learner) -> str | None:
    path = photo_file(learner.photo_path)
    return data_uri(path.read_bytes(), "image/jpeg") if path is not None else None


def my_learning(learner: Learner, as_of: dt.date) -> MyLearning:
    """What 我的学习 shows of `learner` as of `as_of`: the learning account (hours, courses and credits from
    the graduation audit's engine), this month's class days, and the certificates issued (valid ones)."""
    account = learning_account(learner, as_of)
    certificates = tuple(db.session.scalars(
        select(Certificate).where(Certificate.learner_id == learner.id, Certificate.status == "valid")
        .order_by(Certificate.issued_on, Certificate.id)))
    return MyLearning(learner=learner, as_of=as_of, account=account,
                      required_minutes=account.evaluation.hours.numbers["required_minutes"],
                      photo=_photo(learner), class_days_this_month=_class_days(learner.id, as_of),
                      certificates=certificates)
