"""The sheet's rows written by `sheet_rows` are the markup the template's loop wrote, byte for byte."""
from __future__ import annotations

from types import SimpleNamespace

from lms.teaching.services.sessions import Mark
from lms.teaching.views.sessions import sheet_rows, status_buttons

# The template's loop as it was before the rows were written in Python (templates/teaching/attendance.html).
TEMPLATE_LOOP = """  {% for learner in learners %}{% set mark = marks.get(learner.id) %}{% set status = mark.status if mark else "present" %}
  <div class="sheet-row is-{{ status }}" id="row-{{ learner.id }}" data-learner="{{ learner.id }}" data-student="{{ learner.student_number }}" data-name="{{ learner.name }}">
    <div class="d-flex justify-content-between"><span class="name">{{ learner.name }}</span><span class="small text-muted">{{ learner.student_number }}</span></div>
    <div class="d-flex gap-2 align-items-center mt-1">
      <div class="btn-group flex-grow-1" role="group" aria-label="{{ learner.name }}的考勤">
        {{ status_buttons(learner.id, status) }}
      </div>
      <input class="form-control form-control-sm hours-input" name="hours-{{ learner.id }}" value="{{ (mark.minutes if mark else session.minutes)|hours_input }}" inputmode="decimal" aria-label="{{ learner.name }}的学时">
    </div>
    {% if errors.get(learner.id) %}<div class="text-danger small">{{ errors[learner.id] }}</div>{% endif %}
  </div>
  {% else %}<div class="text-muted py-3">本班在该日期没有在读学员。</div>{% endfor %}"""
NEW = """  {% if learners %}{{ sheet_rows(learners, marks, errors, session.minutes) }}{% else %}<div class="text-muted py-3">本班在该日期没有在读学员。</div>{% endif %}"""


def test_sheet_rows_write_what_the_template_loop_wrote(app):
    learners = [SimpleNamespace(id=i, name=name, student_number=f"T2026{i:06d}")
                for i, name in enumerate(["张三", "李<四>", 'O"Neil & 王', "赵六", "钱七"], start=1)]
    marks = {1: Mark("late", 450), 2: Mark("leave", 0), 3: Mark("absent", 0), 5: Mark("present", 25)}
    errors = {2: "李<四>：请假不计学时", 4: "超过当天上限"}
    with app.test_request_context():
        old, new = app.jinja_env.from_string(TEMPLATE_LOOP), app.jinja_env.from_string(NEW)
        for session_minutes in (480, 30, 0):
            for chosen in (learners, learners[:1], []):
                context = dict(learners=chosen, marks=marks, errors=errors, session=SimpleNamespace(minutes=session_minutes),
                               status_buttons=status_buttons, sheet_rows=sheet_rows)
                assert new.render(**context) == old.render(**context)
