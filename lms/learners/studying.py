"""Who is studying on a day, set-based: the learners' status histories for the engine (lms.rules.studying).

Every place that lists learners for a day or records hours on one asks here — the attendance sheet,
the sign-in sheets, learner cards, the hours imports and the self-study form — so they all agree.
One query per 500 learners (their standing 休学/复学/退学/转出/注销/死亡 events: a revoked event never
stops study); the learners themselves are already loaded.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.learners.models import Learner, StatusEvent
from lms.rules import ENDING_KINDS, StudyHistory, not_studying_reason, study_stops

CHUNK = 500                       # ids per IN (...) list
#: 休学, 复学, 退学, 转出, 注销, 死亡: the kinds that start or end a stop
STOPPING_KINDS = ("suspend", "resume", *ENDING_KINDS)


def study_histories(learners: Iterable[Learner]) -> dict[int, StudyHistory]:
    """{learner id: StudyHistory} of these learners, from their status events and current status."""
    learners = {learner.id: learner for learner in learners}
    events: dict[int, list[tuple[str, date]]] = defaultdict(list)
    ids = sorted(learners)
    for start in range(0, len(ids), CHUNK):
        for learner_id, kind, occurred_on in db.session.execute(
                select(StatusEvent.learner_id, StatusEvent.kind, StatusEvent.occurred_on)
                .where(StatusEvent.learner_id.in_(ids[start:start + CHUNK]), StatusEvent.kind.in_(STOPPING_KINDS),
                       StatusEvent.standing())
                .order_by(StatusEvent.learner_id, StatusEvent.occurred_on, StatusEvent.id)):
            events[learner_id].append((kind, occurred_on))
    return {learner_id: StudyHistory(learner.enrolled_on,
                                     study_stops(events[learner_id], learner.status, learner.status_changed_on))
            for learner_id, learner in learners.items()}


def study_history(learner: Learner) -> StudyHistory:
    """One learner's StudyHistory (one query)."""
    return study_histories([learner])[learner.id]


def studying_on(learners: Iterable[Learner], day: date) -> list[Learner]:
    """The learners (in the given order) who are studying on `day`."""
    learners = list(learners)
    histories = study_histories(learners)
    return [learner for learner in learners if histories[learner.id].studying_on(day)]


def refusal(learner: Learner, history: StudyHistory, day: date) -> str | None:
    """Why no hours may be recorded for `learner` on `day` (“王德才 在 2026年5月3日 已毕业,不能记录学时”), or None."""
    return not_studying_reason(learner.name, history, day)
