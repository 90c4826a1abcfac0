"""A learner's student status derived from their status-event history (学籍异动): THE one derivation,
used when an event is recorded (the history with the new event) and when one is revoked (the history
without it), so the status, its date and the days suspended always follow the events that stand.

Replaying starts from 在读 (studying) at enrolment; each event must fit the status the previous ones
left (STATUS_CHANGES), in date order:

* 休学 from 在读; 复学 from 休学; 退学 from 在读 or 休学;
* 转专业 from 在读 or 休学 (status kept); 转入 from 在读 (status kept: the learner studies here);
* 转出 / 注销 / 死亡 from 在读 or 休学: 已转出 / 已注销 / 已故, for good.

``suspended_days`` is the sum of every closed 休学 (复学 day − 休学 day): 休学期间不计入修业年限, so the
period end is the enrolment period end plus these days. 毕业/结业 are set by certificates, not by
events, and are not replayed here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from lms.rules.formatting import format_date_cn
from lms.rules.studying import ENDING_KINDS
from lms.rules.vocab import LEARNER_STATUS_LABELS, STATUS_EVENT_KIND_LABELS

_OPEN = ("studying", "suspended")
#: kind → (statuses it may follow, the status it sets; None keeps the status)
STATUS_CHANGES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "suspend": (("studying",), "suspended"),
    "resume": (("suspended",), "studying"),
    "change_specialty": (_OPEN, None),
    "transfer_in": (("studying",), None),
    **{kind: (_OPEN, status) for kind, status in ENDING_KINDS.items()},
}


class StatusSequenceError(ValueError):
    """An event that does not fit the status its predecessors leave; ``message`` is Chinese and names it,
    ``index`` is its position in the history given."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index, self.message = index, message


@dataclass(frozen=True)
class DerivedStatus:
    """The outcome of a history: the status, the date of the event that set it (None: no event did), and
    the days suspended by closed 休学 (the study period's extension)."""

    status: str
    changed_on: dt.date | None
    suspended_days: int


def transition_error(status: str, kind: str) -> str | None:
    """Why an event of `kind` cannot follow `status` (Chinese), or None when it can."""
    if kind not in STATUS_CHANGES:
        return f"异动类型“{kind}”无法识别，只能是：{'、'.join(STATUS_EVENT_KIND_LABELS.values())}"
    if status not in STATUS_CHANGES[kind][0]:
        return f"学员当前状态为{LEARNER_STATUS_LABELS[status]}，不能办理{STATUS_EVENT_KIND_LABELS[kind]}"
    return None


def derive_status(events: Iterable[tuple[str, dt.date]]) -> DerivedStatus:
    """The status that the events (kind, date), oldest first, leave — see the module doc. Raises
    StatusSequenceError for the first event that does not fit or is dated before its predecessor."""
    status, changed_on, suspended_on, days = "studying", None, None, 0
    previous: dt.date | None = None
    for index, (kind, on) in enumerate(events):
        if previous is not None and on < previous:
            raise StatusSequenceError(index, f"{STATUS_EVENT_KIND_LABELS.get(kind, kind)}（{format_date_cn(on)}）"
                                             f"早于上一次异动（{format_date_cn(previous)}）")
        error = transition_error(status, kind)
        if error:
            raise StatusSequenceError(index, f"{error}（{format_date_cn(on)}）")
        if kind == "suspend":
            suspended_on = on
        elif kind == "resume" and suspended_on is not None:
            days += (on - suspended_on).days
            suspended_on = None
        new = STATUS_CHANGES[kind][1]
        if new is not None:
            status, changed_on = new, on
        previous = on
    return DerivedStatus(status, changed_on, days)
