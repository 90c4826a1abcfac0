"""The 毕业生名册 of a diploma batch, which the prefecture education bureau stamps against (验印).

One row per learner in the batch, in student-number order (the order numbers are assigned in): name,
sex, birth date, whole ID number (the prefecture checks it), specialty, 学制, enrolment and graduation
dates, and the photo. Before issue the rows read the learners as they are; once issued, the frozen
certificates (what was certified, with its number). As .xlsx (lms.core.xlsx) and as an A4-landscape PDF
with the photos; the views audit every download.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.certificates.models import BatchMember, GraduationBatch
from lms.certificates.rendering import date_cn, template_environment
from lms.certificates.services.assets import inside_data_dir
from lms.certificates.snapshots import study_dates
from lms.core.pdf import data_uri, render_pdf
from lms.core.xlsx import Sheet
from lms.extensions import db
from lms.learners.models import Learner

HEADERS = ("序号", "姓名", "性别", "出生日期", "身份证号", "专业", "学制", "入学日期", "毕业日期", "照片")
THUMBNAIL = (180, 240)      # 3:4, enough for a 15 × 20 mm cell at 300 dpi


@dataclass(frozen=True)
class RosterRow:
    """One graduate as listed in the 名册; `photo` is a path relative to DATA_DIR, or None."""

    index: int
    name: str
    sex: str
    birth_on: date
    id_number: str
    specialty: str
    programme_years: int
    enrolled_on: date
    graduated_on: date
    photo: str | None
    number: str | None


def roster_rows(batch: GraduationBatch) -> list[RosterRow]:
    """The batch's learners (removed ones left out), in student-number order (one query)."""
    members = db.session.scalars(
        select(BatchMember).join(BatchMember.learner)
        .where(BatchMember.batch_id == batch.id, BatchMember.removed_on.is_(None))
        .options(joinedload(BatchMember.learner).joinedload(Learner.specialty), joinedload(BatchMember.certificate))
        .order_by(Learner.student_number))
    rows = []
    for index, member in enumerate(members, start=1):
        certificate, learner = member.certificate, member.learner
        if certificate is not None:
            s = certificate.snapshot
            rows.append(RosterRow(index, s["name"], s["sex"], date.fromisoformat(s["birth_on"]), s["id_number"],
                                  s["specialty"], int(s["programme_years"]), date.fromisoformat(s["enrolled_on"]),
                                  date.fromisoformat(s["study_to"]), s.get("photo"), certificate.number))
        else:
            _from, graduated_on = study_dates("diploma", learner, batch.as_of, None)
            rows.append(RosterRow(index, learner.name, learner.sex_label, learner.birth_on, learner.id_number,
                                  learner.specialty.name, learner.programme_years, learner.enrolled_on, graduated_on,
                                  learner.photo_path if inside_data_dir(learner.photo_path) else None, None))
    return rows


def title(batch: GraduationBatch, school: str) -> str:
    """The 名册's heading: school, batch, and what it is for."""
    return f"{school}毕业生名册 · {batch.name}（报州教育局验印）"


def roster_sheet(batch: GraduationBatch, rows: list[RosterRow], *, school: str) -> Sheet:
    """The 名册 as one worksheet; ID numbers (and certificate numbers) as text cells."""
    numbered = any(row.number for row in rows)
    headers = HEADERS + (("证书编号",) if numbered else ())
    body = [(row.index, row.name, row.sex, row.birth_on.isoformat(), row.id_number, row.specialty,
             f"{row.programme_years}年", row.enrolled_on.isoformat(), row.graduated_on.isoformat(),
             "有" if row.photo else "无", *((row.number or "",) if numbered else ())) for row in rows]
    return Sheet("毕业生名册", headers, body, heading=title(batch, school),
                 widths=(6, 12, 6, 12, 21, 22, 6, 12, 12, 6, 16), text_columns={4, 10})


@lru_cache(maxsize=512)
def _thumbnail(path: str) -> str | None:
    """A small JPEG of a photo as a data: URI (full-size photos would make a 500-name 名册 huge)."""
    try:
        with Image.open(path) as image:
            image = image.convert("RGB")
            image.thumbnail(THUMBNAIL)
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=85)
    except (OSError, UnidentifiedImageError):
        return None
    return data_uri(buffer.getvalue(), "image/jpeg")


def roster_pdf(batch: GraduationBatch, rows: list[RosterRow], *, school: str, printed_on: date) -> bytes:
    """The 名册 as an A4-landscape PDF (WeasyPrint, CJK font), the photo in its column."""
    photos = {}
    for row in rows:
        path = inside_data_dir(row.photo)
        photos[row.index] = _thumbnail(str(path)) if path else None
    html = template_environment().get_template("roster.html").render(
        title=title(batch, school), school=school, batch=batch, rows=rows, photos=photos, date_cn=date_cn,
        numbered=any(row.number for row in rows), printed_on=date_cn(printed_on),
        submitted_on=date_cn(batch.submitted_on))
    return render_pdf(html)

