"""The county's view: the dashboard and its drill-down (county → township → village → class → learner).

County-wide roles (admin, bureau, registrar) see the whole county; township staff their townships
(other townships' pages answer 404). Enrollers and teachers have no report pages: their own lists
(roster, classes) already show their villages and classes.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from lms.assessment.views import as_of_argument
from lms.certificates.models import KIND_LABELS
from lms.core.db import write_after_read
from lms.extensions import db
from lms.reports.areas import AREA_LEVEL_LABELS, CHILD_TITLES, Area, class_area, county_area, division_area
from lms.reports.charts import bar_chart, column_chart
from lms.reports.queries import FUNNEL_LABELS, Overview, area_figures, class_learners, headline
from lms.rules import LEARNER_STATUS_LABELS
from lms.settings.services import get_setting
from lms.web.access import current_scope, requires

bp = Blueprint("reports", __name__, url_prefix="/reports")

FUNNEL_TONES = {"graduated": "good", "completed": "warn", "withdrawn": "muted"}


def _charts(overview: Overview) -> dict:
    funnel = overview.total.funnel()
    funnel_bars = [(FUNNEL_LABELS[key], value, FUNNEL_TONES.get(key, "default"))
                   for key, value in funnel.items() if value is not None]
    bands = overview.bands
    columns = [(label, overview.total.hours_bands[index], "good" if index == bands.count - 1 else "default")
               for index, label in enumerate(bands.labels)]
    return {"funnel": bar_chart(funnel_bars, title="招生与学习进展"),
            "hours": column_chart(columns, title="在读学员学时分布"),
            "hours_columns": columns}


def _render(area: Area):
    as_of = as_of_argument()
    scope = current_scope()
    overview = area_figures(scope, area, as_of)
    learners = class_learners(scope, area, as_of) if area.level == "class" else None
    return render_template("reports/dashboard.html", overview=overview, area=area, learners=learners,
                           county_wide=scope.everything, level_label=AREA_LEVEL_LABELS[area.level], child_title=CHILD_TITLES,
                           charts=_charts(overview), funnel_labels=FUNNEL_LABELS,
                           certificate_labels=KIND_LABELS, status_labels=LEARNER_STATUS_LABELS)


@bp.app_context_processor
def bureau_home_helpers():
    """For the bureau's home panel: targets and funnel of the user's area, computed only if asked."""
    def county_headline():
        from lms.core.clock import today

        return headline(current_scope(), county_area(_county()), today())

    return {"county_headline": county_headline, "funnel_labels": FUNNEL_LABELS}


def _county() -> str:
    return get_setting("county.name")


@bp.get("/")
@requires("reports.view")
def dashboard():
    scope = current_scope()
    if not scope.everything and len(scope.township_ids) == 1:
        # A township's own staff start at their township: the county page would show one row.
        (township_id,) = scope.township_ids
        # The other query arguments (as_of …) go along; a township_id of the query is the user's anyway.
        args = {key: value for key, value in request.args.items() if key != "township_id"}
        return redirect(url_for("reports.township", township_id=township_id, **args))
    return _render(county_area(_county()))


@bp.get("/townships/<int:township_id>")
@requires("reports.view")
def township(township_id: int):
    return _render(division_area(current_scope(), township_id, "township", _county()))


@bp.get("/villages/<int:village_id>")
@requires("reports.view")
def village(village_id: int):
    return _render(division_area(current_scope(), village_id, "village", _county()))


@bp.get("/classes/<int:class_id>")
@requires("reports.view")
def teaching_class(class_id: int):
    return _render(class_area(current_scope(), class_id, _county()))


def _period():
    from flask import flash, request

    from lms.core.clock import today
    from lms.reports.quarterly import Period

    raw = request.args.get("period", "")
    if raw:
        try:
            return Period.parse(raw)
        except ValueError as error:
            flash(str(error), "warning")
    return Period.containing(today())


@bp.get("/quarterly")
@requires("reports.view")
def quarterly():
    from lms.reports.quarterly import funded_learners, funding_by_township, quarterly_report

    period, scope = _period(), current_scope()
    learners = funded_learners(scope, period)
    return render_template("reports/quarterly.html", period=period, report=quarterly_report(scope, period),
                           learners=learners, by_township=funding_by_township(learners),
                           status_labels=LEARNER_STATUS_LABELS)


@bp.get("/quarterly.xlsx")
@requires("reports.view")
def quarterly_export():
    from flask_login import current_user

    from lms.audit.services import record
    from lms.core.xlsx import xlsx_response
    from lms.reports.exports import quarterly_sheets

    period = _period()
    sheets, listed = quarterly_sheets(current_scope(), period, _county())
    with write_after_read(db.session):     # after the read, in a short write transaction
        record(current_user, "reports.quarterly_export", "report", None,
               summary=f"导出{period.label}季度报表与经费申报（{listed} 人，含完整身份证号）",
               after={"period": period.code, "learners": listed})
    return xlsx_response(sheets, f"双提升季度报表-{period.code}.xlsx")
