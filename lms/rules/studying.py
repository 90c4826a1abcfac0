"""Whether a learner is studying on a given day: the gate of every sheet, card and hours record.

A learner is studying on day D when they were enrolled by D and no stop of study is in effect on D.
A stop starts the day AFTER its status change — the change day itself still counts, as a learner may
study in the morning of the day they withdraw, are suspended or receive their diploma — and lasts:

* 休学 (suspended): until the 复学 day, which is a study day again;
* 退学 / 毕业 / 结业 (withdrawn / graduated / completed): for good;
* 转出 / 注销 / 死亡 (transferred / cancelled / deceased): for good, like 退学 (the event day still counts).

So a day counts when the learner was studying at some moment of it. The dashboard's
``status_as_of(D)`` (lms.reports.queries) is the status at the END of day D; the two agree:
studying on D+1 exactly when the dashboard counted them studying on D (a stop with no recorded
date is in effect from enrolment, as the dashboard counts it on every day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from lms.rules.formatting import format_date_cn
from lms.rules.vocab import LEARNER_STATUS_LABELS

#: Statuses that stop study, and how a refusal names them.
STOP_PHRASES = {"suspended": "休学中", "withdrawn": "已退学", "graduated": "已毕业", "completed": "已结业",
                # 已转出, 已注销, 已故: the statuses' own words already read as a state
                **{status: LEARNER_STATUS_LABELS[status] for status in ("transferred", "cancelled", "deceased")}}
_FOR_GOOD = ("withdrawn", "graduated", "completed", "transferred", "cancelled", "deceased")
#: The events that end study for good and the status each one sets (退学, 转出, 注销, 死亡).
ENDING_KINDS = {"withdraw": "withdrawn", "transfer_out": "transferred", "cancel": "cancelled", "death": "deceased"}
#: Statuses of learners off the register (退学, 转出, 注销, 死亡): no more results, assignments, moral
#: evaluations or exemption applications are recorded for them.
OFF_REGISTER_STATUSES = frozenset(ENDING_KINDS.values())


def off_register_reason(status: str, what: str) -> str | None:
    """Why `what` (e.g. "录入成绩") can no longer be recorded for a learner of `status` — "学员已转出，不能再录入成绩"
    — or None when they are on the register."""
    if status not in OFF_REGISTER_STATUSES:
        return None
    return f"学员{STOP_PHRASES[status]}，不能再{what}"


@dataclass(frozen=True)
class StatusStop:
    """A stop of study: `status` from the day after `changed_on` until `resumed_on` (the 复学 day, when
    studying again) or for good (None). `changed_on` None: the date was never recorded, so the stop is
    taken to hold from enrolment."""

    status: str
    changed_on: dt.date | None
    resumed_on: dt.date | None = None

    def __post_init__(self):
        if self.status not in STOP_PHRASES:
            raise ValueError(f"unknown stop status {self.status!r}")
        if self.resumed_on is not None and self.status != "suspended":
            raise ValueError("only a suspension ends with a resumption")

    def in_effect(self, day: dt.date) -> bool:
        """True when this stop keeps the learner from studying on `day`."""
        started = self.changed_on is None or self.changed_on < day
        return started and (self.resumed_on is None or day < self.resumed_on)


def study_status_on(enrolled_on: dt.date, stops: Iterable[StatusStop], day: dt.date) -> str:
    """The learner's study status on `day`: "not_enrolled" before the enrolment day, else the status of
    the latest stop in effect (a withdrawal during a suspension reads as withdrawn), else "studying"."""
    if day < enrolled_on:
        return "not_enrolled"
    holding = [stop for stop in stops if stop.in_effect(day)]
    if not holding:
        return "studying"
    return max(holding, key=lambda stop: stop.changed_on or dt.date.min).status


def study_stops(events: Iterable[tuple[str, dt.date]], status: str,
                status_changed_on: dt.date | None) -> tuple[StatusStop, ...]:
    """The stops of a learner's history: student-status events (kind, date) in the order they happened
    (kind codes of vocab.STATUS_EVENT_KINDS: "suspend" 休学 opens a suspension, "resume" 复学 closes it,
    "withdraw" 退学 and "transfer_out"/"cancel"/"death" (转出/注销/死亡, ENDING_KINDS) stop for good; other
    kinds change no status; revoked events are not passed), and the
    learner's current status with its date, which alone records 毕业/结业 (set by issuing certificates)
    and stands in for an event that was never recorded."""
    stops: list[StatusStop] = []
    open_suspension: StatusStop | None = None
    for kind, occurred_on in events:
        if kind == "suspend" and open_suspension is None:
            open_suspension = StatusStop("suspended", occurred_on)
        elif kind == "resume" and open_suspension is not None:
            stops.append(StatusStop("suspended", open_suspension.changed_on, occurred_on))
            open_suspension = None
        elif kind in ENDING_KINDS:
            stops.append(StatusStop(ENDING_KINDS[kind], occurred_on))
    if open_suspension is not None:
        stops.append(open_suspension)
    if status in _FOR_GOOD and not any(stop.status == status for stop in stops):
        stops.append(StatusStop(status, status_changed_on))
    if status == "suspended" and open_suspension is None:
        stops.append(StatusStop("suspended", status_changed_on))
    return tuple(stops)


def suspended_since(stops: Iterable[StatusStop], as_of: dt.date, enrolled_on: dt.date) -> dt.date | None:
    """The day the learner's 休学 began when they are suspended at the end of `as_of` (suspended on or
    before it and not resumed by it), else None. A suspension with no recorded date holds from enrolment."""
    for stop in stops:
        if stop.status != "suspended":
            continue
        began = stop.changed_on or enrolled_on
        if began <= as_of and (stop.resumed_on is None or as_of < stop.resumed_on):
            return began
    return None


def period_end_if_resumed(period_end_on: dt.date, suspended_on: dt.date, resumed_on: dt.date) -> dt.date:
    """The study period's last day should a learner suspended since `suspended_on` resume on `resumed_on`:
    休学期间不计入修业年限, so the end moves by the suspension's length (as 复学 stores it)."""
    return period_end_on + (resumed_on - suspended_on)


def period_end_as_of(stored_end_on: dt.date, stops: Iterable[StatusStop], as_of: dt.date) -> dt.date:
    """The study period's last day as it stood at the end of `as_of`, given the period end stored today:
    each 复学 moved the stored end by its suspension's length, so a suspension resumed after `as_of`
    had not moved it yet then (an audit as of a past day reads the period as it was that day)."""
    moved_later = sum(((stop.resumed_on - stop.changed_on).days for stop in stops
                       if stop.status == "suspended" and stop.changed_on is not None
                       and stop.resumed_on is not None and stop.resumed_on > as_of), 0)
    return stored_end_on - dt.timedelta(days=moved_later)


@dataclass(frozen=True)
class StudyHistory:
    """A learner's enrolment day and stops of study: everything needed to say whether they study on a day."""

    enrolled_on: dt.date
    stops: tuple[StatusStop, ...] = ()

    def status_on(self, day: dt.date) -> str:
        """See :func:`study_status_on`."""
        return study_status_on(self.enrolled_on, self.stops, day)

    def studying_on(self, day: dt.date) -> bool:
        """True when the learner may attend, study and be credited hours on `day`."""
        return self.status_on(day) == "studying"


def not_studying_reason(name: str, history: StudyHistory, day: dt.date) -> str | None:
    """Why no hours may be recorded for this learner on `day` (Chinese, naming them), or None when they
    are studying: “王德才 在 2026年5月3日 已毕业,不能记录学时”."""
    status = history.status_on(day)
    if status == "studying":
        return None
    if status == "not_enrolled":
        phrase = f"尚未入学（{format_date_cn(history.enrolled_on)}入学）"
    else:
        phrase = STOP_PHRASES[status]
    return f"{name} 在 {format_date_cn(day)} {phrase}，不能记录学时"
