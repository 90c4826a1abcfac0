"""Wide tables on a 360-px phone: names stay on one line (never one character per line), every button can be
seen whole (the table scrolls inside its box, or its rows become cards; the page never scrolls sideways).
Checked on the demo county: a teaching plan, a class, the quarterly report, the dashboard, the 督查 page, users,
audit log."""
from __future__ import annotations

from sqlalchemy import func, select

from lms.core.clock import today
from lms.demo import DEMO_PASSWORD, load_demo
from lms.extensions import db
from lms.learners.models import Learner
from lms.teaching.models import Course

# Content height and width of every visible table cell holding text (a Range measures the text itself: a
# cell is as tall as its row whatever it holds).
CELLS = """(selector) => [...document.querySelectorAll(selector)].filter(el => el.offsetParent !== null
  && el.innerText.trim().length >= 2).map(el => {
    const style = getComputedStyle(el), range = document.createRange();
    range.selectNodeContents(el);
    const box = range.getBoundingClientRect(), font = parseFloat(style.fontSize);
    const line = parseFloat(style.lineHeight) || 1.5 * font;
    return {text: el.innerText.trim(), height: box.height, width: box.width, line, font};
  })"""

# Whether the element, scrolled into view (its table box scrolls too), lies whole inside the viewport and
# is what a tap at its centre reaches.
WHOLE = """(el) => {
    el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
    const box = el.getBoundingClientRect();
    const inside = box.left >= -0.5 && box.right <= innerWidth + 0.5 && box.top >= -0.5 && box.bottom <= innerHeight + 0.5;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {inside, reachable: !!hit && (el === hit || el.contains(hit)), text: el.innerText.trim(),
            left: Math.round(box.left), right: Math.round(box.right)};
  }"""


def _demo():
    load_demo(today=today())
    course = db.session.scalar(select(Course).order_by(func.length(Course.name).desc()))
    class_id = db.session.scalar(select(Learner.class_id).where(Learner.class_id.is_not(None))
                                 .group_by(Learner.class_id).order_by(func.count().desc()).limit(1))
    return {"plan": f"/plans/{course.specialty_id}", "class": f"/classes/{class_id}",
            "quarterly": f"/reports/quarterly?period={today().year}", "dashboard": "/reports/",
            "inspection": "/inspection/"}


# Per page: the name cells (one line each) besides every other cell (never one character per line).
NAME_CELLS = {
    "plan": "main table tbody td:first-child",
    "class": "main table tbody td:first-child",
    "quarterly": "#quarterly td:first-child, #funding td:nth-child(-n+3)",
    "dashboard": "main .drill-table td:first-child, main .drill-table th:first-child",
    "users": "main table tbody td:first-child, main table tbody td:nth-child(2)",
    "audit": "main table tbody td:first-child, main table tbody td:nth-child(3)",
    "inspection": "main table tbody td:first-child",
}
# Who opens each page: the registrar, except the administrator's own pages.
OPENED_BY = {"users": "admin", "audit": "admin"}


def _problems(page, name: str) -> list[str]:
    """What is wrong with the page `name` as shown on the phone (an empty list when nothing is)."""
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 360:
        problems.append(f"the page scrolls sideways ({width}px)")
    names = page.evaluate(CELLS, NAME_CELLS[name])
    if len(names) < 3:
        problems.append(f"only {len(names)} name cells found")
    wrapped = [c["text"] for c in names if c["height"] > 1.6 * c["line"]]
    if wrapped:
        problems.append(f"names broken over lines: {wrapped}")
    per_character = [c["text"] for c in page.evaluate(CELLS, "main td, main th")
                     if c["height"] > 1.6 * c["line"] and c["width"] < 3 * c["font"]]
    if per_character:
        problems.append(f"cells one character wide: {per_character}")
    buttons = page.locator("main .btn:visible, main button:visible")
    cut = [state for state in (buttons.nth(i).evaluate(WHOLE) for i in range(buttons.count()))
           if not (state["inside"] and state["reachable"])]
    if cut or not buttons.count():
        problems.append(f"buttons cut off or covered: {cut}" if cut else "no buttons")
    return problems


def test_wide_tables_keep_names_readable_and_buttons_whole_on_a_phone(committed, log_in, offline_page, screenshot):
    urls = {**committed(_demo), "users": "/users/", "audit": "/audit/"}     # the demo loads once
    found, user = {}, None
    for name in NAME_CELLS:
        if OPENED_BY.get(name, "registrar") != user:
            user = OPENED_BY.get(name, "registrar")
            offline_page.context.clear_cookies()
            page = log_in(user, DEMO_PASSWORD)
        page.goto(urls[name])
        found[name] = _problems(page, name)
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(f"wide-table-{name}-phone")
    assert found == {name: [] for name in NAME_CELLS}
