"""The class page's session items and learner rows, written in Python, are the markup the template wrote."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from lms.teaching.views import learner_rows, risk_items, session_items

# The template's macro as it was before the items were written in Python (templates/teaching/class.html),
# with its two permission checks as the booleans the page now passes.
MACRO = """{% macro session_item(row) %}{% set s = row.session %}
  <div class="list-group-item {% if s.cancelled_at %}text-muted{% endif %}">
    <div class="d-flex justify-content-between flex-wrap gap-1">
      <span><strong>{{ s.held_on|date_cn }}</strong> {{ s.course.name }}</span>
      <span class="small">{{ s.mode_label }} · {{ s.minutes|hours }} 学时</span>
    </div>
    <div class="small text-muted">{{ s.place }}{% if s.teacher %} · {{ s.teacher.display_name }}{% endif %}
      {% if s.cancelled_at %} · <span class="text-danger">已取消</span>{% elif row.marked %} · 到课 {{ row.attended }}/{{ row.marked }}{% else %} · 未点名{% endif %}</div>
    {% if may_take and not s.cancelled_at %}
    <div class="mt-1 d-flex gap-2 flex-wrap">
      {% if s.held_on <= as_of %}<a class="btn btn-sm btn-primary btn-touch" href="{{ id_url('sessions.attendance', session_id=s.id) }}">点名</a>{% endif %}
      <a class="btn btn-sm btn-outline-secondary" href="{{ id_url('sessions.sign_in_sheet', session_id=s.id) }}">签到表</a>
      <a class="btn btn-sm btn-outline-secondary" href="{{ id_url('sessions.sign_in_spreadsheet', session_id=s.id) }}">录入表</a>
      <a class="btn btn-sm btn-outline-secondary" href="{{ id_url('sessions.edit_session', session_id=s.id) }}">修改</a>
    </div>{% endif %}
    {% if may_see_evidence and s.held_on <= as_of %}<div class="mt-1"><a class="small" href="{{ id_url('sessions.session_evidence', session_id=s.id) }}">照片与签到表</a></div>{% endif %}
  </div>
{% endmacro %}{% for row in rows %}{{ session_item(row) }}{% endfor %}"""


def _row(i, held_on, *, cancelled=False, teacher="王老师", marked=40, attended=33, place="村委会<二楼>", minutes=480):
    session = SimpleNamespace(id=i, held_on=held_on, cancelled_at=datetime(2026, 12, 1) if cancelled else None,
                              course=SimpleNamespace(name="计算机 & 应用"), mode_label="面授", minutes=minutes,
                              place=place, teacher=SimpleNamespace(display_name=teacher) if teacher else None)
    return SimpleNamespace(session=session, marked=marked, attended=attended)


def test_session_items_write_what_the_template_macro_wrote(app):
    as_of = date(2026, 12, 7)
    rows = [_row(1, date(2026, 12, 9)), _row(2, as_of, marked=0, attended=0), _row(3, date(2026, 12, 1), cancelled=True),
            _row(4, date(2026, 11, 2), teacher=None, place="", minutes=25), _row(5, date(2025, 1, 31), marked=3, attended=0)]
    with app.test_request_context():
        old = app.jinja_env.from_string(MACRO)
        for may_take in (True, False):
            for may_see_evidence in (True, False):
                for chosen in (rows, rows[2:3], []):
                    expected = old.render(rows=chosen, as_of=as_of, may_take=may_take, may_see_evidence=may_see_evidence)
                    assert str(session_items(chosen, as_of, may_take, may_see_evidence)) == expected


# The learner table's loop as it was (templates/teaching/class.html).
LEARNER_LOOP = """  {% for learner in learners %}{% set p = progress.get(learner.id) %}
  <tr><td class="col-name"><a href="{{ id_url('teaching.learner_hours', learner_id=learner.id) }}">{{ learner.name }}</a>{% if learner.status != "studying" %} <span class="badge text-bg-secondary">{{ learner.status_label }}</span>{% endif %}</td>
    <td>{{ learner.student_number }}</td>
    {% if p %}<td class="num">{{ p.totals.face|hours }}</td><td class="num">{{ p.totals.live|hours }}</td><td class="num">{{ p.totals.platform|hours }}</td><td class="num">{{ p.totals.self_study|hours }}</td>
    <td class="text-nowrap">{{ p.r6_percent }}%</td>{% else %}<td colspan="5"></td>{% endif %}</tr>
  {% endfor %}"""


def test_learner_rows_write_what_the_template_loop_wrote(app):
    learners = [SimpleNamespace(id=i, name=name, student_number=f"T{i:04d}", status=status, status_label=label)
                for i, (name, status, label) in enumerate([("张三", "studying", "在读"), ("李<四>", "suspended", "休学"),
                                                          ('O"Neil', "withdrawn", "退学"), ("赵六", "studying", "在读")],
                                                         start=1)]
    totals = SimpleNamespace(face=21599, live=25, platform=0, self_study=600)
    progress = {1: SimpleNamespace(totals=totals, r6_percent=99), 4: SimpleNamespace(totals=totals, r6_percent=0)}
    with app.test_request_context():
        old = app.jinja_env.from_string(LEARNER_LOOP)
        new = app.jinja_env.from_string("  {{ learner_rows(learners, progress) }}")
        for chosen in (learners, learners[1:3], []):
            assert (new.render(learners=chosen, progress=progress, learner_rows=learner_rows)
                    == old.render(learners=chosen, progress=progress))


# The at-risk list's macro as it was (templates/teaching/class.html).
RISK_MACRO = """{% macro risk_item(learner, p) %}
  <a class="list-group-item list-group-item-action small" href="{{ id_url('teaching.learner_hours', learner_id=learner.id) }}">
    <strong>{{ learner.name }}</strong> <span class="text-muted">{{ learner.student_number }}</span>
    <div>{% for line in p.missing %}<div>{{ line }}</div>{% endfor %}</div>
  </a>
{% endmacro %}{% for learner, p in pairs %}{{ risk_item(learner, p) }}{% endfor %}"""


def test_risk_items_write_what_the_template_macro_wrote(app):
    pairs = [(SimpleNamespace(id=1, name="张<三>", student_number="T1"), SimpleNamespace(missing=["面授差 8 学时", "R6 <60%"])),
             (SimpleNamespace(id=2, name="李四", student_number="T&2"), SimpleNamespace(missing=[]))]
    with app.test_request_context():
        old = app.jinja_env.from_string(RISK_MACRO)
        for chosen in (pairs, pairs[1:], []):
            assert str(risk_items(chosen)) == old.render(pairs=chosen)
