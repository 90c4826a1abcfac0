"""Sessions, the phone attendance sheet (with QR scanning), sign-in sheets, and self-study approval."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from lms.audit.services import record
from lms.auth.models import User
from lms.core.clock import today
from lms.core.db import write_after_read
from lms.core.errors import DomainError
from lms.extensions import db
from lms.learners.models import Learner
from lms.learners.studying import studying_on
from lms.policies.services import policy_for
from lms.recognition.evidence import max_scan_bytes
from lms.rules import (
    ATTENDANCE_STATUS_LABELS,
    CREDITING_STATUSES,
    PARTS_PER_HOUR,
    clock_minutes_from_parts,
    earns_hours,
    format_number,
    hours_from_parts,
    mark_minutes,
    parts_from_hours,
)
from lms.teaching import queries
from lms.teaching.forms import CancelSessionForm, DecisionForm, SelfStudyForm, SessionEvidenceForm, SessionForm
from lms.teaching.models import ClassSession, Course, SelfStudyEntry, SessionEvidence, TeachingClass
from lms.teaching.pdfs import sign_in_sheet_pdf, sign_in_workbook
from lms.teaching.services.evidence import (
    add_session_evidence,
    evidence_download,
    session_evidence_files,
    upload_refusal,
)
from lms.teaching.services.selfstudy import approve_pending, decide_self_study, evidence_file, log_self_study
from lms.teaching.services.sessions import (
    AttendanceConflict,
    Mark,
    cancel_session,
    current_marks,
    save_attendance,
    save_session,
    sheet_learners,
    sheet_roll,
)
from lms.web.access import current_scope, get_or_404, requires
from lms.web.filters import hours_input
from lms.web.forms import choices
from lms.web.numbers import form_ids, form_int
from lms.web.saving import saving

bp = Blueprint("sessions", __name__)

def _session_form(teaching_class: TeachingClass, session: ClassSession | None):
    form = SessionForm(obj=session)
    # Typed in 学时, not clock hours: say what a teaching day is in clock time under the class's cohort policy.
    length = policy_for(teaching_class.cohort).hour_length_minutes
    clock_hours = clock_minutes_from_parts(8 * PARTS_PER_HOUR, length) / 60      # clock minutes → clock hours
    shown = clock_hours.quantize(Decimal("0.1"))
    form.hours.description = (f"填学时，不是小时：一整天为 8 学时；按 {teaching_class.cohort} 级政策一学时 {length} 分钟，"
                              f"8 学时{'即' if shown == clock_hours else '约'} {format_number(shown)} 小时")
    form.course_id.choices = choices((c.id, f"{c.name}（{c.kind_label}）")
                                     for c in queries.plan_courses(teaching_class.specialty_id))
    staff = queries.class_staff(teaching_class)
    if session is not None and session.teacher is not None and session.teacher not in staff:
        staff.append(session.teacher)       # left the class since: the session keeps its teacher
    form.teacher_id.choices = choices([(0, "（未指定）")] + [(u.id, u.display_name) for u in staff])
    if request.method == "GET":
        if session is None:
            form.held_on.data = today()
            form.place.data = teaching_class.teaching_point.name
            form.teacher_id.data = current_user.id if current_user in staff else 0
        else:
            form.hours.data = hours_from_parts(session.minutes)
            form.teacher_id.data = session.teacher_id or 0
    if form.validate_on_submit():
        course = db.session.get(Course, form.course_id.data) or abort(400)
        teacher = db.session.get(User, form.teacher_id.data) if form.teacher_id.data else None
        with saving(form) as saved:
            if form.teacher_id.data and teacher is None:
                raise DomainError("请从列表中选择授课教师。", field="teacher_id")
            session = save_session(actor=current_user, teaching_class=teaching_class, session=session, course=course,
                                   held_on=form.held_on.data, mode=form.mode.data,
                                   minutes=parts_from_hours(form.hours.data), place=form.place.data or "", teacher=teacher)
        if saved:
            flash("已保存课次。", "success")
            if session.held_on <= today():
                return redirect(url_for("sessions.attendance", session_id=session.id))
            return redirect(url_for("teaching.class_page", class_id=teaching_class.id))
    return render_template("teaching/session_form.html", form=form, teaching_class=teaching_class, session=session)


@bp.route("/classes/<int:class_id>/sessions/new", methods=["GET", "POST"])
@requires("attendance.take")
def new_session(class_id: int):
    return _session_form(get_or_404(TeachingClass, class_id), None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires("attendance.take")
def edit_session(session_id: int):
    session = get_or_404(ClassSession, session_id)
    return _session_form(session.teaching_class, session)


@bp.post("/sessions/<int:session_id>/cancel")
@requires("attendance.take")
def cancel(session_id: int):
    session = get_or_404(ClassSession, session_id)
    form = CancelSessionForm()
    with saving() as saved:
        if not form.validate_on_submit():
            raise DomainError("请填写取消原因")
        cancel_session(actor=current_user, session=session, reason=form.reason.data)
    if saved:
        flash("已取消该课次，其考勤不再计入学时。", "success")
    return redirect(url_for("teaching.class_page", class_id=session.class_id))


def _parse_marks(session: ClassSession, learners: list[Learner], form) -> tuple[dict[int, Mark], dict[int, str]]:
    """The submitted sheet as marks, and per-learner input errors. A status sent for someone not on the
    sheet (e.g. a graduate, by a stale or hand-made page) is kept as a mark, so the service refuses it."""
    marks, errors = {}, {}
    on_sheet = {learner.id for learner in learners}
    for key in form:
        if key.startswith("status-") and key[7:].isdigit() and int(key[7:]) not in on_sheet:
            marks[int(key[7:])] = Mark(form[key], 0)
    for learner in learners:
        status = form.get(f"status-{learner.id}", "present")
        raw = (form.get(f"hours-{learner.id}") or "").strip()
        if status not in ATTENDANCE_STATUS_LABELS:
            errors[learner.id] = "考勤状态不正确"
            continue
        typed = None
        if raw:
            try:
                typed = parts_from_hours(Decimal(raw))
            except InvalidOperation:
                errors[learner.id] = f"学时“{raw}”不是数字"
                continue
        # Hours typed beside 请假/缺勤 are dropped (the sheet's script empties them): such marks credit none.
        marks[learner.id] = Mark(status, mark_minutes(status, typed, session.minutes) if earns_hours(status) else 0)
    return marks, errors


STATUS_COLORS = {"present": "success", "late": "warning", "leave": "info", "absent": "danger"}
# One learner's four status buttons, written out once: 40 learners × 4 buttons through the template's loop
# were a third of the sheet's time. {id} is the learner's id (an int), {checked} " checked" or "".
_BUTTON = ('<input type="radio" class="btn-check" name="status-{id}" id="s-{id}-%(code)s" value="%(code)s" '
           'autocomplete="off"{checked}>\n<label class="btn btn-outline-%(color)s" for="s-{id}-%(code)s">%(label)s</label>\n')
_BUTTONS = {code: _BUTTON % {"code": code, "color": STATUS_COLORS[code], "label": escape(label)}
            for code, label in ATTENDANCE_STATUS_LABELS.items()}


def status_buttons(learner_id: int, status: str) -> Markup:
    """The sheet's status buttons of one learner, `status` checked (the template's row calls this)."""
    learner_id = int(learner_id)
    return Markup("".join(button.format(id=learner_id, checked=" checked" if code == status else "")
                          for code, button in _BUTTONS.items()))


# One learner's line on the sheet, written out once: the template's loop over 40 rows (≈ 12 escaped values
# each) was half of the sheet's template time. The markup is the template's, byte for byte.
_SHEET_ROW = (
    '\n  <div class="sheet-row is-{status}" id="row-{id}" data-learner="{id}" data-student="{number}" '
    'data-name="{name}">\n'
    '    <div class="d-flex justify-content-between"><span class="name">{name}</span>'
    '<span class="small text-muted">{number}</span></div>\n'
    '    <div class="d-flex gap-2 align-items-center mt-1">\n'
    '      <div class="btn-group flex-grow-1" role="group" aria-label="{marks_label}">\n'
    '        {buttons}\n'
    '      </div>\n'
    '      <input class="form-control form-control-sm hours-input" name="hours-{id}" value="{hours}" '
    'inputmode="decimal" aria-label="{hours_label}">\n'
    '    </div>\n'
    '    {error}\n'
    '  </div>\n  ')


def sheet_rows(learners, marks: dict, errors: dict, session_minutes: int) -> Markup:
    """The sheet's learner rows: each learner's status (their mark's, else present), buttons, 学时 box (the
    mark's minutes, else the session's) and the refusal naming the row, if any (the template calls this)."""
    out = []
    for learner in learners:
        learner_id = int(learner.id)
        mark = marks.get(learner_id)
        status = mark.status if mark else "present"
        error = errors.get(learner_id)
        out.append(_SHEET_ROW.format(
            status=escape(status), id=learner_id, number=escape(learner.student_number), name=escape(learner.name),
            marks_label=escape(f"{learner.name}的考勤"), hours_label=escape(f"{learner.name}的学时"),
            buttons=status_buttons(learner_id, status),
            hours=escape(hours_input(mark.minutes if mark else session_minutes)),
            error=f'<div class="text-danger small">{escape(error)}</div>' if error else ""))
    return Markup("".join(out))


# The sheet shows the session's course and class: loaded with the session, not by two more SELECTs.
_SHEET_SESSION = (joinedload(ClassSession.course), joinedload(ClassSession.teaching_class))


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@requires("attendance.take")
def attendance(session_id: int):
    session = get_or_404(ClassSession, session_id, options=_SHEET_SESSION)
    roll = sheet_roll(session, current_scope())
    learners = roll.learners
    saved = current_marks(session)
    marks = {lid: Mark(row.status, row.minutes) for lid, row in saved.items()}
    version, errors, conflict, problem = session.version, {}, None, None
    if request.method == "POST":
        marks, errors = _parse_marks(session, learners, request.form)
        version = form_int("version", -1)
        if not errors:
            with saving(show=False) as done:     # the sheet shows a refusal beside the row it names
                save_attendance(actor=current_user, session=session, expected_version=version, marks=marks,
                                today=today(), scope=current_scope(), roll=roll)
            if done:
                flash(f"已保存 {session.held_on.month}月{session.held_on.day}日 {session.course.name} 的考勤。", "success")
                return redirect(url_for("teaching.class_page", class_id=session.class_id))
            if isinstance(done.error, AttendanceConflict):
                conflict, version = done.error, done.error.current_version
                saved = current_marks(session)
            else:
                problem = done.error
                if problem.field and problem.field.startswith("learner-"):
                    errors[int(problem.field.split("-")[1])] = problem.message
    # Marks saved before a learner stopped studying stay on record; they are shown, never editable here.
    kept = [(roll.others[lid][0], row, roll.others[lid][1]) for lid, row in saved.items() if lid in roll.others]
    return render_template("teaching/attendance.html", session=session, learners=learners, marks=marks,
                           saved=saved, version=version, errors=errors, conflict=conflict, problem=problem,
                           labels=ATTENDANCE_STATUS_LABELS, crediting=CREDITING_STATUSES, future=session.held_on > today(),
                           kept=kept, sheet_rows=sheet_rows)


@bp.get("/sessions/<int:session_id>/sign-in.pdf")
@requires("attendance.take")
def sign_in_sheet(session_id: int):
    session = get_or_404(ClassSession, session_id)
    pdf = sign_in_sheet_pdf(session, sheet_learners(session, current_scope()))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=sign-in-{session.id}.pdf"})


@bp.get("/sessions/<int:session_id>/sign-in.xlsx")
@requires("attendance.take")
def sign_in_spreadsheet(session_id: int):
    session = get_or_404(ClassSession, session_id)
    learners = sheet_learners(session, current_scope())
    content = sign_in_workbook(session, learners)
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "export.sign_in_sheet", "session", session.id,
               summary=f"导出签到录入表 {session.teaching_class.code} {session.held_on.isoformat()}：{len(learners)} 人")
    return Response(content, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=sign-in-{session.id}.xlsx"})


@bp.route("/classes/<int:class_id>/self-study", methods=["GET", "POST"])
@requires("attendance.take")
def self_study(class_id: int):
    teaching_class = get_or_404(TeachingClass, class_id)
    members = studying_on(queries.class_learners(teaching_class, current_scope()), today())
    form = SelfStudyForm()
    form.learner_id.choices = choices((m.id, f"{m.name}（{m.student_number}）") for m in members)
    if request.method == "GET":
        form.studied_on.data = today()
    if form.validate_on_submit():
        learner = next((m for m in members if m.id == form.learner_id.data), None)
        upload = form.evidence.data
        evidence = (upload.filename, upload.read()) if upload and getattr(upload, "filename", "") else None
        with saving(form) as saved:
            if learner is None:
                raise DomainError("请选择本班学员", field="learner_id")
            log_self_study(actor=current_user, learner=learner, studied_on=form.studied_on.data,
                           minutes=parts_from_hours(form.hours.data), content=form.content.data, today=today(),
                           evidence=evidence)
        if saved:
            flash(f"已登记 {learner.name} 的自学记录，待班级教师审核。", "success")
            return redirect(url_for("sessions.self_study", class_id=class_id))
    return render_template("teaching/self_study.html", teaching_class=teaching_class, form=form,
                           entries=queries.self_study_entries(teaching_class, current_scope()), decision=DecisionForm())


@bp.post("/self-study/<int:self_study_id>/decide")
@requires("self_study.approve")
def decide(self_study_id: int):
    entry = get_or_404(SelfStudyEntry, self_study_id)
    form = DecisionForm()
    with saving() as saved:
        if not form.validate_on_submit():
            raise DomainError("审核意见过长")
        decide_self_study(actor=current_user, entry=entry, approve=request.form.get("approve") == "1",
                          note=form.note.data or "")
    if saved:
        flash(f"{entry.learner.name} 的自学记录：{entry.status_label}。", "success")
    return redirect(url_for("sessions.self_study", class_id=entry.learner.class_id)
                    if entry.learner.class_id else url_for("teaching.learner_hours", learner_id=entry.learner_id))


@bp.post("/classes/<int:class_id>/self-study/approve-all")
@requires("self_study.approve")
def approve_all(class_id: int):
    teaching_class = get_or_404(TeachingClass, class_id)
    ids = set(form_ids("entry_ids"))
    entries = [e for e in queries.self_study_entries(teaching_class, current_scope()) if e.id in ids]   # only what was shown
    pending = [e for e in entries if e.status == "pending"]
    if pending and request.form.get("confirmed") != "1":
        # Approved hours count at once toward R6: say how many entries and hours before approving them.
        return render_template("teaching/self_study_approve_all.html", teaching_class=teaching_class,
                               entries=pending, minutes=sum(e.minutes for e in pending),
                               learners=len({e.learner_id for e in pending}))
    count, left = approve_pending(actor=current_user, entries=entries)
    flash(f"已通过 {count} 条自学记录。", "success")
    if left:
        flash(f"{len(left)} 条仍待审核：" + "；".join(left[:5]) + (" 等" if len(left) > 5 else ""), "warning")
    return redirect(url_for("sessions.self_study", class_id=class_id))


def _stored_file(found):
    """A stored evidence file (path, mime, download name) as a private response; 404 when it is gone.
    Shown in the browser only as what its bytes are (PDF, JPEG, PNG); anything else is a download."""
    if found is None:
        abort(404)
    path, mime, name = found
    response = send_file(path, mimetype=mime, as_attachment=mime == "application/octet-stream", download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/self-study/<int:self_study_id>/evidence")
@requires("attendance.take")
def evidence(self_study_id: int):
    entry = get_or_404(SelfStudyEntry, self_study_id)
    found = evidence_file(entry)
    return _stored_file(found)


def _evidence_page(session: ClassSession, form: SessionEvidenceForm, status: int = 200):
    files = session_evidence_files(session)
    form.replaces_id.choices = choices([(0, "（新增一份，不替换）")] + [
        (f.id, f"替换第 {f.id} 号{f.kind_label}") for f in files if f.superseded_at is None])
    form.file.description = (f"课堂照片：JPG 或 PNG；签到表扫描件：PDF、JPG 或 PNG；"
                             f"不超过 {max_scan_bytes() / 1024 / 1024:g} MB。原文件不会删除，替换后仍留档备查。")
    may_upload = (session.cancelled_at is None and session.held_on <= today()
                  and upload_refusal(current_user, session) is None)
    return render_template("teaching/session_evidence.html", session=session, files=files, form=form,
                           may_upload=may_upload), status


@bp.get("/sessions/<int:session_id>/evidence")
@requires("sessions.evidence_view")
def session_evidence(session_id: int):
    return _evidence_page(get_or_404(ClassSession, session_id), SessionEvidenceForm())


@bp.post("/sessions/<int:session_id>/evidence")
@requires("sessions.evidence")
def upload_session_evidence(session_id: int):
    session = get_or_404(ClassSession, session_id)
    form = SessionEvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read() if upload and getattr(upload, "filename", "") else b""
        replaces = db.session.get(SessionEvidence, form.replaces_id.data) if form.replaces_id.data else None
        with saving(form) as saved:
            if form.replaces_id.data and replaces is None:
                raise DomainError("要替换的材料不存在，请刷新后重试", field="replaces_id")
            evidence = add_session_evidence(actor=current_user, session=session, kind=form.kind.data or "",
                                            content=content, today=today(), replaces=replaces,
                                            note=form.note.data or "")
        if saved:
            flash(f"已上传{evidence.kind_label}。", "success")
            return redirect(url_for("sessions.session_evidence", session_id=session.id))
    return _evidence_page(session, form, 422)


@bp.get("/session-evidence/<int:evidence_id>")
@requires("sessions.evidence_view")
def session_evidence_file(evidence_id: int):
    found = evidence_download(get_or_404(SessionEvidence, evidence_id))
    return _stored_file(found)
