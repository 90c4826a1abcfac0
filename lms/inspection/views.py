"""The 督查 page: the inspection lists for a period and an area, their exports, and recording a visit.

County-wide roles see the county; township staff their townships (another township, village or class → 404,
as on the dashboard). Who may open and who may record is the permission table's ("inspection.view",
"inspection.record").
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.audit.services import record
from lms.core.clock import today
from lms.core.db import write_after_read
from lms.core.xlsx import xlsx_response
from lms.extensions import db
from lms.geo.queries import townships_in_scope, villages_in_scope
from lms.inspection import queries
from lms.inspection.exports import LISTS, inspection_sheets
from lms.inspection.forms import VisitForm
from lms.inspection.models import VISIT_OUTCOME_LABELS
from lms.inspection.queries import Criteria
from lms.inspection.services import record_lists_viewed, record_visit
from lms.reports.areas import class_area, county_area, division_area
from lms.settings.services import get_setting
from lms.teaching.models import SESSION_MODE_LABELS, ClassSession
from lms.web.access import current_scope, get_or_404, requires
from lms.web.forms import choices
from lms.web.numbers import db_int
from lms.web.saving import saving

bp = Blueprint("inspection", __name__, url_prefix="/inspection")

DEFAULT_DAYS = 90           # the period shown first: the last 90 days
ROWS_SHOWN = 200            # a list longer than this is shown in part; the export holds it all
# (query argument, default, smallest, largest) of the lists' settings
SETTINGS = {"days": (queries.DEFAULT_FAST_DAYS, 1, 3650), "sample": (queries.DEFAULT_SAMPLE_SIZE, 1, 100),
            "chars": (queries.DEFAULT_MIN_CHARS, 1, 500)}


def _day(args, name: str, default: date) -> date:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        flash(f"日期“{raw}”无法识别，已按{default.isoformat()}查看。", "warning")
        return default


def _setting(args, name: str) -> int:
    default, low, high = SETTINGS[name]
    value = args.get(name, default, type=db_int)
    return value if low <= value <= high else default


def _area(args):
    """The area asked for (class, village or township; 404 outside the user's scope), else the user's own:
    township staff of one township start at it, as on the dashboard."""
    scope, county = current_scope(), get_setting("county.name")
    class_id, village_id, township_id = (args.get(name, None, type=db_int) for name in ("class", "village", "township"))
    if class_id:
        return class_area(scope, class_id, county)
    if village_id:
        return division_area(scope, village_id, "village", county)
    if township_id:
        return division_area(scope, township_id, "township", county)
    if not scope.everything and len(scope.township_ids) == 1:
        (township_id,) = scope.township_ids
        return division_area(scope, township_id, "township", county)
    return county_area(county)


def criteria_from(args=None) -> Criteria:
    """The period, area and settings from the query string (or a posted form's copies of them)."""
    args = request.args if args is None else args
    end = _day(args, "end", today())
    start = _day(args, "start", end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        flash("开始日期晚于结束日期，已对调。", "warning")
        start, end = end, start
    return Criteria(start=start, end=end, area=_area(args), fast_days=_setting(args, "days"),
                    sample_size=_setting(args, "sample"), min_chars=_setting(args, "chars"))


def _query(criteria: Criteria) -> dict:
    """The query arguments that reproduce `criteria` (links, exports, the visit form's way back)."""
    args = {"start": criteria.start.isoformat(), "end": criteria.end.isoformat(), "days": criteria.fast_days,
            "sample": criteria.sample_size, "chars": criteria.min_chars}
    if criteria.area.level in ("township", "village", "class"):
        args[criteria.area.level] = criteria.area.id
    return args


def _render(criteria: Criteria, form: VisitForm, status: int = 200):
    scope = current_scope()
    sample = queries.sample_sessions(scope, criteria)
    form.session_id.choices = choices(
        (row.session_id, f"{row.held_on.isoformat()} {row.class_code} {row.course}") for row in sample)
    if request.method == "GET":
        form.visited_on.data = today()
    lists = {"sample": sample,
             "missing": queries.sessions_without_evidence(scope, criteria, today()),
             "fast": queries.fast_learners(scope, criteria),
             "texts": queries.identical_texts(scope, criteria),
             "overlaps": queries.platform_overlaps(scope, criteria),
             "visits": queries.visits(scope, criteria)}
    if request.method == "GET":
        with write_after_read(db.session):     # after the reads, in a short write transaction
            record_lists_viewed(actor=current_user, area_name=criteria.area.name, query=_query(criteria),
                                sample_session_ids=[row.session_id for row in sample])
    return render_template("inspection/index.html", criteria=criteria, query=_query(criteria), lists=lists,
                           titles={key: item.title for key, item in LISTS.items()}, form=form, shown=ROWS_SHOWN,
                           townships=townships_in_scope(scope), villages=villages_in_scope(scope),
                           mode_labels=SESSION_MODE_LABELS, outcome_labels=VISIT_OUTCOME_LABELS), status


@bp.get("/")
@requires("inspection.view")
def index():
    return _render(criteria_from(), VisitForm())


@bp.get("/export.xlsx")
@requires("inspection.view")
def export():
    key = request.args.get("list") or None
    if key is not None and key not in LISTS:
        abort(404)
    criteria = criteria_from()
    sheets = inspection_sheets(current_scope(), criteria, today(), key)
    rows = sum(len(list(sheet.rows)) for sheet in sheets)
    title = LISTS[key].title if key else "全部清单"
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "inspection.export", "inspection", None,
               summary=f"导出督查{title}（{criteria.area.name} {criteria.start.isoformat()} 至 "
                       f"{criteria.end.isoformat()}，{rows} 行）",
               after={"list": key, **_query(criteria)})
    return xlsx_response(sheets, f"督查-{title}-{criteria.start.isoformat()}-{criteria.end.isoformat()}.xlsx")


@bp.post("/visits")
@requires("inspection.record")
def visit():
    criteria = criteria_from(request.form)
    form = VisitForm()
    form.session_id.choices = []
    valid = form.validate_on_submit()
    if not form.session_id.data:        # none chosen (or not a number): said in Chinese, not WTForms' words
        form.session_id.errors = ["请选择抽查的课次"]
    elif valid:
        session = get_or_404(ClassSession, form.session_id.data)
        with saving(form) as saved:
            record_visit(actor=current_user, session=session, visited_on=form.visited_on.data,
                         inspector=form.inspector.data, outcome=form.outcome.data, findings=form.findings.data or "",
                         today=today())
        if saved:
            flash(f"已登记对 {session.held_on.isoformat()} {session.teaching_class.code} 课次的督查。", "success")
            return redirect(url_for("inspection.index", **_query(criteria)) + "#list-visits")
    return _render(criteria, form, 422)
