"""Printable sheets: learner cards (8 per A4, photo, a QR code for attendance scanning — and, on a new card,
for 我的学习), sign-in sheets (PDF) and the sign-in sheet's pre-filled spreadsheet for the `attendance` import."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import current_app, render_template

from lms.core.pdf import data_uri, qr_data_uri, render_pdf
from lms.core.xlsx import Sheet, workbook_bytes
from lms.rules import PARTS_PER_HOUR
from lms.settings.services import get_setting


def _photo_uri(learner) -> str | None:
    """The learner's photo as a data: URI (PDF templates may not read files outside static/)."""
    if not learner.photo_path:
        return None
    root = Path(current_app.config["DATA_DIR"]).resolve()
    path = (root / learner.photo_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return data_uri(path.read_bytes(), mimetypes.guess_type(path.name)[0] or "image/jpeg")


def learner_cards_pdf(teaching_class, learners, *, qr_texts: dict[int, str] | None = None) -> bytes:
    """学员证 for the learners of a class: 8 cards per A4 page, each with photo (if any) and a QR code.

    The QR code holds the student number (what the attendance sheet scans), or for a learner in `qr_texts`
    that text — a new card's 我的学习 link followed by `#` and the student number
    (lms.learners.my_learning.card_qr_text), which a phone opens and the attendance sheet still reads.
    `teaching_class` None prints each learner's own class."""
    qr_texts = qr_texts or {}
    cards = [{"learner": learner, "photo": _photo_uri(learner), "my_learning": learner.id in qr_texts,
              "qr": qr_data_uri(qr_texts.get(learner.id, learner.student_number), box_size=4)}
             for learner in learners]
    pages = [cards[start:start + 8] for start in range(0, len(cards), 8)] or [[]]
    html = render_template("teaching/pdf/cards.html", teaching_class=teaching_class, pages=pages,
                           school=get_setting("school.name"))
    return render_pdf(html)


def sign_in_sheet_pdf(session, learners) -> bytes:
    """签到表 for one session: a row per learner to sign, mark and correct by hand; typed back via the
    `attendance` import (its columns are printed in the header)."""
    html = render_template("teaching/pdf/sign_in.html", session=session, learners=learners,
                           school=get_setting("school.name"))
    return render_pdf(html)


SHEET_COLUMNS = ("班级", "日期", "课程", "方式", "学时", "学号", "姓名", "考勤", "实际学时")


def sign_in_workbook(session, learners) -> bytes:
    """The session's rows for the `attendance` import, everything filled but 考勤 and 实际学时 (typed in
    from the paper sheet, highlighted). 姓名 is there for the typist; the import ignores it."""
    day = session.held_on.isoformat()
    rows = [(session.teaching_class.code, day, session.course.name, session.mode_label, session.minutes / PARTS_PER_HOUR,
             learner.student_number, learner.name, "", "") for learner in learners]
    return workbook_bytes([Sheet("考勤", SHEET_COLUMNS, rows, widths=(14, 12, 16, 10, 6, 14, 10, 8, 10),
                                 fill_columns={7, 8})])
