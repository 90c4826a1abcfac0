"""Import of student-status events (学籍异动): 休学, 复学, 退学, 转专业, 转出, 转入, 注销, 死亡 — each row goes
through record_status_event. A 转入's carried hours and results are entered on the learner page only (a row
per event stays one line: the hours by category and course scores would widen every row of the file)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.assessment.importers import LearnerRowsImporter
from lms.extensions import db
from lms.imports.cells import CellError, clean_text, closest_name, parse_choice
from lms.imports.headers import Column, common_column
from lms.imports.pipeline import SourceRow
from lms.learners.models import Learner, StatusEvent
from lms.learners.services.status import STATUS_CHANGES, TRANSFER_KINDS, record_status_event
from lms.rules import LEARNER_STATUS_LABELS, STATUS_EVENT_KIND_LABELS
from lms.teaching.models import Specialty

#: The file names a kind by its Chinese word (休学 …); the event stores its code (suspend …).
KIND_CHOICES = {label: kind for kind, label in STATUS_EVENT_KIND_LABELS.items()}


@dataclass(frozen=True, slots=True)
class PlannedStatusEvent:
    """A status event to record for a learner (through record_status_event, as the form does)."""

    learner: Learner
    kind: str
    occurred_on: date
    reason: str
    approved_by: str
    to_specialty: Specialty | None
    other_school: str = ""
    document_number: str = ""


class StatusEventImporter(LearnerRowsImporter[PlannedStatusEvent]):
    """学籍异动: a learner's rows are applied in date order, each checked against the status the
    previous ones leave (休学 then 复学 in one file is fine)."""

    kind = "status-events"
    label = "学籍异动"
    capability = "learners.status_import"
    description = ("休学、复学、退学、转专业、转出、转入、注销、死亡；转专业须填新专业，转出、转入须填对方学校（地区）和"
                   "转学证明编号。复学时修业期按休学天数顺延。转入带入的学时和成绩请在学员页面填写。")
    columns = (
        common_column("id_number", required=True),
        Column("kind", "类型", ("类型", "异动类型", "学籍异动"), True),
        Column("occurred_on", "日期", ("日期", "异动日期", "办理日期"), True),
        Column("reason", "原因", ("原因", "异动原因", "事由"), True),
        common_column("approved_by", "批准人", field_name="approver"),
        Column("to_specialty", "新专业", ("新专业", "转入专业", "转入专业名称")),
        Column("other_school", "对方学校或地区", ("对方学校或地区", "转入学校", "原学校", "转入地区", "转出地区",
                                                  "转入学校/地区", "原学校/地区")),
        Column("document_number", "转学证明编号", ("转学证明编号", "转学证明", "证明编号")),
    )
    example = {"id_number": "522327198506150024", "kind": "休学", "occurred_on": "2025-09-01", "reason": "外出务工"}

    def check(self, rows: list[SourceRow]) -> list[PlannedStatusEvent]:
        learners = self.learners_of(rows)
        specialties = {s.name: s for s in db.session.scalars(select(Specialty))}
        ids = [learner.id for learner in learners.values()]
        known = set(db.session.execute(select(StatusEvent.learner_id, StatusEvent.kind, StatusEvent.occurred_on)
                                       .where(StatusEvent.learner_id.in_(ids), StatusEvent.standing())).all())
        last = dict(db.session.execute(select(StatusEvent.learner_id, StatusEvent.occurred_on)
                                       .where(StatusEvent.learner_id.in_(ids), StatusEvent.standing())
                                       .order_by(StatusEvent.occurred_on)).all())
        candidates = []
        for row in rows:
            learner = learners.get(row.number)
            if learner is None:
                continue
            try:
                kind = parse_choice(row.get("kind"), KIND_CHOICES, "类型")
                occurred_on = self.date_of(row, "occurred_on", learner)
            except CellError as error:
                self.refuse(row, "kind", error.message)
                continue
            if occurred_on is None:
                continue
            reason = clean_text(row.get("reason"))
            if not reason:
                self.refuse(row, "reason", "原因不能为空")
                continue
            to_specialty = None
            if kind == "change_specialty":
                name = clean_text(row.get("to_specialty"))
                to_specialty = specialties.get(name)
                if to_specialty is None:
                    guess = closest_name(name, specialties)
                    self.refuse(row, "to_specialty", f"新专业“{name or '（空）'}”不存在"
                                                     + (f"，是不是“{guess}”？" if guess else ""))
                    continue
            other_school, document = clean_text(row.get("other_school")), clean_text(row.get("document_number"))
            if kind in TRANSFER_KINDS and not other_school:
                self.refuse(row, "other_school", f"{STATUS_EVENT_KIND_LABELS[kind]}须填写对方学校或地区")
                continue
            if kind in TRANSFER_KINDS and not document:
                self.refuse(row, "document_number", f"{STATUS_EVENT_KIND_LABELS[kind]}须填写转学证明编号")
                continue
            candidates.append((row, PlannedStatusEvent(learner, kind, occurred_on, reason[:200],
                                                       clean_text(row.get("approved_by"))[:40], to_specialty,
                                                       other_school[:100], document[:40])))
        status = {learner.id: learner.status for learner in learners.values()}
        specialty = {learner.id: learner.specialty_id for learner in learners.values()}
        planned = []
        for row, event in sorted(candidates, key=lambda c: (c[1].learner.id, c[1].occurred_on, c[0].number)):
            learner_id = event.learner.id
            if (learner_id, event.kind, event.occurred_on) in known:
                self.unchanged += 1
                continue
            follows, new_status = STATUS_CHANGES[event.kind]
            if status[learner_id] not in follows:     # the same table as derive_status
                self.refuse(row, "kind", f"学员此时状态为{LEARNER_STATUS_LABELS[status[learner_id]]}，"
                                         f"不能办理{STATUS_EVENT_KIND_LABELS[event.kind]}")
                continue
            if learner_id in last and event.occurred_on < last[learner_id]:
                self.refuse(row, "occurred_on", "日期早于该学员上一次学籍异动")
                continue
            if event.to_specialty is not None and event.to_specialty.id == specialty[learner_id]:
                self.refuse(row, "to_specialty", "新专业与现专业相同")
                continue
            status[learner_id] = new_status or status[learner_id]
            specialty[learner_id] = event.to_specialty.id if event.to_specialty else specialty[learner_id]
            last[learner_id] = event.occurred_on
            known.add((learner_id, event.kind, event.occurred_on))
            planned.append(event)
        return planned

    def write(self, planned: list[PlannedStatusEvent]) -> int:
        for event in planned:
            record_status_event(actor=self.actor, learner=event.learner, kind=event.kind,
                                occurred_on=event.occurred_on, reason=event.reason, approved_by=event.approved_by,
                                to_specialty=event.to_specialty, other_school=event.other_school,
                                document_number=event.document_number, today=self.today)
        return len(planned)
