"""Importing enrolment ledgers: points and classes created on the way, R1–R3 applied, student numbers,
refusals with row, column and reason, idempotency."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.auth.scope import Scope
from lms.extensions import db
from lms.geo.models import TeachingPoint
from lms.learners.models import Learner
from lms.settings.services import save_settings
from lms.teaching.models import Specialty, TeachingClass
from tests.factories import make_class, make_learner, make_roster_entry, next_id_number, specialty_named
from tests.support.spreadsheets import csv_bytes, xlsx_bytes

HEADER = ("身份证号", "姓名", "乡镇", "村", "教学点", "专业", "班级", "入学日期", "入学前文化程度", "民族", "联系电话")


def ledger_row(name="王德才", *, number=None, township="甲镇", village="甲一村", point="甲一村讲习所",
               specialty="种植（含园林、林下种植）", class_name="甲一种植2025级1班", enrolled_on="2025-03-01",
               education="未上过学", ethnicity="布依族", phone="13812345678", birth_on=date(1985, 6, 15)):
    return [number or next_id_number(birth_on=birth_on), name, township, village, point, specialty, class_name,
            enrolled_on, education, ethnicity, phone]


def learners(**where) -> int:
    stmt = select(func.count()).select_from(Learner)
    for key, value in where.items():
        stmt = stmt.where(getattr(Learner, key) == value)
    return db.session.scalar(stmt)


def test_a_good_ledger_enrols_learners_with_the_rules_applied(area, cli_import):
    rows = [ledger_row("王德才"), ledger_row("罗春花", education="高中及以上", class_name="")]
    code, summary = cli_import("enrolments", csv_bytes(HEADER, rows))
    assert code == 0 and summary["written"] == 2, summary
    wang = db.session.scalar(select(Learner).where(Learner.name == "王德才"))
    assert (wang.programme_years, wang.period_end_on, wang.target_group) == (3, date(2028, 2, 29), "core")
    assert wang.ethnicity == "09" and wang.cohort == 2025 and wang.teaching_point_id == area.point_a.id
    assert wang.teaching_class.name == "甲一种植2025级1班" and wang.teaching_class.cohort == 2025
    luo = db.session.scalar(select(Learner).where(Learner.name == "罗春花"))
    assert (luo.programme_years, luo.period_end_on, luo.target_group, luo.class_id) == (1, date(2026, 2, 28), "none", None)
    assert summary["created"] == {"班级": ["甲一种植2025级1班（甲一村讲习所）"]}
    trail = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.entity_type == "learner",
                                                                AuditEvent.entity_id == str(wang.id))).all()
    assert trail == [f"导入报名：王德才（{wang.student_number}）"]


def test_a_missing_teaching_point_is_created_in_the_rows_village_and_listed(area, cli_import):
    code, summary = cli_import("enrolments", csv_bytes(HEADER, [ledger_row(village="甲二村", point="甲二村夜校")]))
    assert code == 0
    point = db.session.scalar(select(TeachingPoint).where(TeachingPoint.name == "甲二村夜校"))
    assert point.village_id == area.village_a2.id
    assert summary["created"]["教学点"] == ["甲二村夜校（甲镇甲二村）"]


def test_dry_run_lists_what_would_be_created_but_creates_nothing(area, cli_import):
    code, summary = cli_import("enrolments", csv_bytes(HEADER, [ledger_row(point="新点")]), "--dry-run")
    assert code == 0 and summary["created"]["教学点"] == ["新点（甲镇甲一村）"]
    assert db.session.scalar(select(func.count()).select_from(TeachingPoint)) == 1 and learners() == 0


def test_importing_the_same_ledger_again_adds_nothing(area, cli_import):
    data = csv_bytes(HEADER, [ledger_row(), ledger_row("黄明")])
    cli_import("enrolments", data)
    code, summary = cli_import("enrolments", data)
    assert code == 0 and summary["written"] == 0 and summary["unchanged"] == 2 and learners() == 2
    assert db.session.scalar(select(func.count()).select_from(TeachingClass)) == 1


@pytest.mark.parametrize("written", ["2023/5/6", "2023-05-06", "2023年5月6日", "20230506", "2023.5.6"])
def test_enrolment_dates_in_every_common_form(area, cli_import, written):
    code, summary = cli_import("enrolments", csv_bytes(HEADER, [ledger_row(enrolled_on=written, class_name="")]))
    assert code == 0, summary
    assert db.session.scalar(select(Learner.enrolled_on)) == date(2023, 5, 6)


def test_an_excel_date_cell_and_serial_number(area, cli_import):
    rows = [ledger_row(enrolled_on=date(2023, 5, 6), class_name=""), ledger_row("序号", enrolled_on=45052, class_name="")]
    code, summary = cli_import("enrolments", xlsx_bytes(HEADER, rows), name="台账.xlsx")
    assert code == 0, summary
    assert set(db.session.scalars(select(Learner.enrolled_on))) == {date(2023, 5, 6)}


def test_bad_rows_are_refused_with_row_column_and_reason(area, cli_import):
    make_class(area.point_a, specialty=specialty_named("刺绣"), cohort=2025).name = "刺绣班"
    db.session.flush()
    rows = [
        ledger_row("好人"),                                                              # 2
        ledger_row("太老", birth_on=date(1960, 1, 1)),                                   # 3
        ledger_row("太小", birth_on=date(2012, 1, 1)),                                   # 4
        ledger_row("专业错", specialty="种值"),                                           # 5
        ledger_row("班级专业不符", class_name="刺绣班"),                                   # 6
        ledger_row("日期错", enrolled_on="2025-02-30"),                                  # 7
        ledger_row("未来", enrolled_on="2099-01-01"),                                    # 8
        ledger_row("学历错", education="硕士"),                                           # 9
        ledger_row("民族错", ethnicity="火星族"),                                         # 10
        ledger_row("村错", village="甲三村"),                                             # 11
    ]
    code, summary = cli_import("enrolments", csv_bytes(HEADER, rows))
    assert code == 1 and summary["written"] == 1
    errors = {e["row"]: (e["column"], e["message"]) for e in summary["errors"]}
    assert errors[3] == ("入学日期", "不符合报名年龄要求：入学时 65 周岁，超过 59 周岁")
    assert errors[4] == ("入学日期", "不符合报名年龄要求：入学时 13 周岁，未满 15 周岁")
    assert errors[5][0] == "专业" and "没有名为“种值”的专业" in errors[5][1]
    assert errors[6] == ("班级", "班级“刺绣班”不是“种植（含园林、林下种植）”专业的班，请核对专业或班级")
    assert errors[7] == ("入学日期", "日期不存在：2025-02-30，请核对年月日")
    assert errors[8][0] == "入学日期" and "不能晚于" in errors[8][1]
    assert errors[9][0] == "入学前文化程度" and "无法识别" in errors[9][1]
    assert errors[10][0] == "民族" and "火星族" in errors[10][1]
    assert errors[11][0] == "村"


def test_short_specialty_names_are_understood(area, cli_import):
    code, summary = cli_import("enrolments", csv_bytes(HEADER, [ledger_row(specialty="养殖", class_name="")]))
    assert code == 0 and learners(specialty_id=specialty_named("养殖（含畜牧兽医、水产养殖）").id) == 1


def test_a_short_name_finds_a_specialty_named_with_full_width_brackets(area, cli_import):
    db.session.add(Specialty(name="银饰（锻制）", position=99))
    db.session.flush()
    code, summary = cli_import("enrolments", csv_bytes(HEADER, [ledger_row(specialty="银饰", class_name="")]))
    assert code == 0 and learners(specialty_id=specialty_named("银饰（锻制）").id) == 1


def test_someone_already_enrolled_elsewhere_is_refused_without_naming_the_place(area, import_file):
    elsewhere = make_learner(area.village_b, name="乙镇学员")
    here = make_learner(area.village_a2, name="甲镇学员")
    township_a = Scope(township_ids=frozenset({area.township_a.id}))
    rows = [ledger_row("乙镇学员", number=elsewhere.id_number), ledger_row("换了名字", number=here.id_number)]
    summary = import_file("enrolments", csv_bytes(HEADER, rows), scope=township_a)
    first, second = (e.message for e in summary.errors)
    assert first == "该身份证号已在其他乡镇（街道）报名，不能重复报名；如有疑问请联系县教育局"
    assert second == f"该身份证号已经报名（学号 {here.student_number}，甲镇甲二村），不能重复报名"


def test_a_roster_entry_with_the_same_id_is_marked_enrolled_and_linked(area, cli_import):
    entry = make_roster_entry(area.village_a, name="名册人", sex="2")
    code, _ = cli_import("enrolments", csv_bytes(HEADER, [ledger_row("名册人", number=entry.id_number)]))
    assert code == 0
    db.session.refresh(entry)
    assert entry.status == "enrolled"
    assert db.session.scalar(select(Learner.roster_entry_id)) == entry.id


def test_student_numbers_follow_the_schools_pattern_and_given_ones_are_kept(area, cli_import):
    save_settings(actor=None, values={"learners.student_number_pattern": "X{yy}{township}{seq:3}"})
    header = HEADER + ("学号",)
    rows = [ledger_row("甲") + [""], ledger_row("乙") + [""], ledger_row("丙") + ["OLD-0001"]]
    code, summary = cli_import("enrolments", csv_bytes(header, rows))
    assert code == 0, summary
    numbers = dict(db.session.execute(select(Learner.name, Learner.student_number)).all())
    prefix = f"X25{area.village_a.code[:9]}"
    assert numbers == {"甲": prefix + "001", "乙": prefix + "002", "丙": "OLD-0001"}


def test_a_student_number_already_used_is_refused(area, cli_import):
    existing = make_learner(area.village_a)
    header = HEADER + ("学号",)
    code, summary = cli_import("enrolments", csv_bytes(header, [ledger_row() + [existing.student_number]]))
    assert code == 1 and summary["errors"][0]["message"] == f"学号 {existing.student_number} 已被其他学员使用"


def test_a_missing_ethnicity_is_a_warning(area, cli_import):
    code, summary = cli_import("enrolments", csv_bytes(HEADER, [ledger_row(ethnicity="")]))
    assert code == 0 and summary["warnings"][0]["column"] == "民族"


def test_the_web_upload_previews_what_it_would_create_and_the_template_has_the_columns(area, client, login_as):
    login_as("township", divisions=[area.township_a])
    template = load_workbook(io.BytesIO(client.get("/imports/enrolments/template.xlsx").data)).active
    assert [c.value for c in template[1]][:len(HEADER)] == list(HEADER)
    data = csv_bytes(HEADER, [ledger_row(point="甲一村夜校")])
    page = client.post_form("/imports/enrolments/", {"file": (io.BytesIO(data), "台账.csv")},
                            content_type="multipart/form-data").get_data(as_text=True)
    assert "将新建教学点：甲一村夜校（甲镇甲一村）" in page and learners() == 0


def test_imported_learners_are_counted_on_todays_dashboard(area, cli_import):
    from lms.reports.tallies import tally_drift

    code, _ = cli_import("enrolments", csv_bytes(HEADER, [ledger_row("王德才"), ledger_row("罗春花")]))
    assert code == 0 and learners() == 2
    assert tally_drift() == set()
