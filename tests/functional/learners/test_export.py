"""The student-status registration list: national headers, 非全日制, GB/T codes, scope, audit."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.learners.export import HEADERS
from tests.factories import make_class, make_learner, make_roster_entry, make_visit

REQUIRED = ("身份证号", "姓名", "性别", "民族", "年级", "入学年月", "招生类型", "修读专业", "学制", "班级", "教学点名称",
            "学生类别", "出生日期", "校内学号", "学生本人联系电话", "备注")


def rows_of(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_list_has_the_national_headers_and_fills_what_the_system_holds(area, client, login_as):
    entry = make_roster_entry(area.village_a, name="王德才")
    make_visit(entry, health="患有高血压")
    learner = make_learner(area.village_a, teaching_class=make_class(area.point_a), name="王德才", sex="1",
                           prior_education="初中肄业", birth_on=date(1980, 2, 3))
    learner.roster_entry_id, learner.ethnicity, learner.phone = entry.id, "09", "13812345678"
    db.session.flush()
    login_as("registrar")
    response = client.post_form("/learners/export", {"cohort": 2025})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert set(REQUIRED) <= set(HEADERS)
    [row] = rows_of(response)
    assert row["身份证号"] == learner.id_number and row["姓名"] == "王德才" and row["性别"] == "男"
    assert row["民族"] == "布依族" and row["年级"] == "2025" and row["入学年月"] == "2025-03"
    assert row["学制"] == "3" and row["修读专业"] == "种植（含园林、林下种植）" and row["教学点名称"] == "甲一村讲习所"
    assert row["学习形式"] == "非全日制" and row["入学前学历代码"] == "72" and row["健康情况"] == "患有高血压"
    assert row["出生日期"] == "1980-02-03" and row["学生本人联系电话"] == "13812345678"
    assert row["现家庭详细地址"] == "甲镇甲一村" and row["现家庭所在区县"] == "样本县"
    assert row["学生类别"] == "农村技术培训班学生" and row["户籍性质"] is None


def test_no_row_ever_says_full_time(area, client, login_as):
    for _ in range(3):
        make_learner(area.village_a)
    login_as("registrar")
    rows = rows_of(client.post_form("/learners/export", {"cohort": 2025}))
    assert {row["学习形式"] for row in rows} == {"非全日制"}
    assert not any("全日制" == value for row in rows for value in row.values())


def test_the_export_covers_the_users_scope_and_cohort_and_is_audited_with_the_count(area, client, login_as):
    make_learner(area.village_a, name="甲镇2025")
    make_learner(area.village_a2, name="甲镇2024", enrolled_on=date(2024, 3, 1))
    make_learner(area.village_b, name="乙镇2025")
    user = login_as("township", divisions=[area.township_a])
    rows = rows_of(client.post_form("/learners/export", {"cohort": 2025}))
    assert [row["姓名"] for row in rows] == ["甲镇2025"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learner.export"))
    assert event.user_id == user.id and event.after == {"kind": "student_status_registration", "cohort": 2025, "rows": 1}


def test_the_id_column_is_text_so_excel_keeps_all_digits(area, client, login_as):
    make_learner(area.village_a)
    login_as("registrar")
    sheet = load_workbook(io.BytesIO(client.post_form("/learners/export", {"cohort": 2025}).data)).active
    assert sheet["A2"].number_format == "@" and isinstance(sheet["A2"].value, str)


def test_a_cohort_outside_the_users_data_is_not_offered(area, client, login_as):
    make_learner(area.village_b)
    login_as("township", divisions=[area.township_a])
    page = client.get("/learners/export").get_data(as_text=True)
    assert "还没有学员" in page
    assert "还没有学员" in client.post_form("/learners/export", {"cohort": 2025}).get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learner.export")) is None


def test_enrollers_and_teachers_may_not_export(client, login_as):
    login_as("enroller")
    assert client.get("/learners/export").status_code == 403


def test_the_list_shows_each_learners_status_and_standing_events_not_revoked_ones(area, client, login_as):
    from lms.learners.models import StatusEvent
    from lms.learners.services.status import record_status_event, revoke_status_event

    moved = make_learner(area.village_a, name="转出者")
    died = make_learner(area.village_a, name="已故者")
    studying = make_learner(area.village_a, name="在读者")
    record_status_event(actor=None, learner=moved, kind="transfer_out", occurred_on=date(2026, 5, 2), reason="迁居",
                        other_school="邻县职业技术学校", document_number="ZX-2026-018")
    record_status_event(actor=None, learner=died, kind="death", occurred_on=date(2026, 6, 1), reason="病故")
    record_status_event(actor=None, learner=studying, kind="cancel", occurred_on=date(2026, 6, 1), reason="误录")
    revoke_status_event(actor=None, event=db.session.scalar(select(StatusEvent).where(
        StatusEvent.learner_id == studying.id)), reason="录错学员")
    login_as("registrar")
    rows = {row["姓名"]: row for row in rows_of(client.post_form("/learners/export", {"cohort": 2025}))}
    assert (rows["转出者"]["学籍状态"], rows["转出者"]["备注"]) == ("已转出", "已转出")
    assert rows["转出者"]["学籍异动"] == "2026年5月2日转出：转入邻县职业技术学校，转学证明 ZX-2026-018（迁居）"
    assert (rows["已故者"]["学籍状态"], rows["已故者"]["学籍异动"]) == ("已故", "2026年6月1日死亡（病故）")
    assert rows["在读者"]["学籍状态"] == "在读" and rows["在读者"]["学籍异动"] is None
