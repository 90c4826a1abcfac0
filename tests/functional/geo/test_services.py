"""lms.geo.services called directly: divisions added under their parent, teaching points created and edited —
results, audit events, and refusals in Chinese naming the field."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.core.errors import DomainError
from lms.extensions import db
from lms.geo.models import Division, TeachingPoint
from lms.geo.services import create_division, save_teaching_point
from tests.factories import make_county, make_teaching_point, make_township, make_user, make_village


def _events(action: str, entity_id) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                           AuditEvent.entity_id == str(entity_id))))


def _written() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Division, TeachingPoint, AuditEvent))


@pytest.fixture
def admin():
    return make_user("admin")


# --- create_division ---------------------------------------------------------------------------------

def test_a_county_township_and_village_are_added_under_each_other_and_audited(admin):
    county = create_division(actor=admin, code="529901000000", name="新县")
    township = create_division(actor=admin, code="529901101000", name="新镇")
    village = create_division(actor=admin, code="529901101001", name="新村")
    assert (county.level, county.parent) == ("county", None)
    assert (township.level, township.parent) == ("township", county)
    assert (village.level, village.parent) == ("village", township)
    [event] = _events("division.create", village.id)
    assert event.user_id == admin.id and event.summary == "新增区划 529901101001 新村"
    assert event.after["code"] == "529901101001" and event.after["name"] == "新村"
    assert event.after["level"] == "village" and event.after["parent_id"] == township.id


def test_the_same_name_is_allowed_under_another_parent(admin):
    county = make_county("同名县", "529902000000")
    first = create_division(actor=admin, code="529902101000", name="一镇")
    second = create_division(actor=admin, code="529902102000", name="二镇")
    create_division(actor=admin, code="529902101001", name="和平村")
    assert create_division(actor=admin, code="529902102001", name="和平村").parent == second
    assert first.parent == county


@pytest.mark.parametrize(("code", "field", "message"), [
    ("52990300000", "code", "区划代码应为 12 位数字"),
    ("5299030000000", "code", "区划代码应为 12 位数字"),
    ("52990310100A", "code", "区划代码应为 12 位数字"),
    ("٥٢٩٩٠٣١٠١٠٠٢", "code", "区划代码应为 12 位数字"),
    ("529903000000", "code", "区划代码 529903000000 已存在"),
    ("529903102001", "code", "上级区划 529903102000 不存在"),
    ("529904101000", "code", "上级区划 529904000000 不存在"),
    ("529903101002", "name", "同一上级下已有名为“和平村”的区划"),
], ids=["eleven-digits", "thirteen-digits", "a-letter", "arabic-indic-digits", "taken", "no-township", "no-county",
        "same-name"])
def test_a_bad_division_is_refused_before_anything_is_written(admin, code, field, message):
    township = Division(code="529903101000", name="一镇", level="township", parent=make_county("测试县", "529903000000"))
    db.session.add_all([township, Division(code="529903101001", name="和平村", level="village", parent=township)])
    db.session.flush()
    written = _written()
    with pytest.raises(DomainError) as caught:
        create_division(actor=admin, code=code, name="和平村")
    assert (caught.value.message, caught.value.field) == (message, field)
    assert _written() == written


def test_a_code_typed_with_full_width_digits_is_stored_with_ascii_ones(admin):
    make_county("测试县", "529903000000")
    township = create_division(actor=admin, code="５２９９０３１０１０００", name="一镇")
    assert township.code == "529903101000" and township.level == "township"


# --- save_teaching_point -----------------------------------------------------------------------------

@pytest.fixture
def villages():
    township = make_township(make_county())
    return township, make_village(township, "上寨村"), make_village(township, "下寨村")


def test_a_new_point_is_created_in_its_village_and_audited(admin, villages):
    _, village, _ = villages
    point = save_teaching_point(actor=admin, point=None, name="上寨讲习所", kind="村委会", address="村委会二楼",
                                village=village)
    assert (point.name, point.kind, point.address, point.village_id) == ("上寨讲习所", "村委会", "村委会二楼",
                                                                         village.id)
    [event] = _events("teaching_point.create", point.id)
    assert event.summary == "新增教学点 上寨讲习所" and event.after["village_id"] == village.id


def test_an_edit_records_only_what_changed_and_may_keep_its_own_name(admin, villages):
    _, village, other = villages
    point = make_teaching_point(village, "上寨讲习所")
    save_teaching_point(actor=admin, point=point, name="上寨讲习所", kind="乡村夜校", address="", village=other)
    assert (point.kind, point.village_id) == ("乡村夜校", other.id)
    [event] = _events("teaching_point.update", point.id)
    assert event.summary == "修改教学点 上寨讲习所"
    assert event.before == {"kind": "新时代农民讲习所", "village_id": village.id}
    assert event.after == {"kind": "乡村夜校", "village_id": other.id}


def test_the_same_point_name_is_allowed_in_another_village(admin, villages):
    _, village, other = villages
    make_teaching_point(village, "讲习所")
    point = save_teaching_point(actor=admin, point=None, name="讲习所", kind="其他", address="", village=other)
    assert point.village_id == other.id


def test_a_point_is_refused_outside_a_village_with_a_bad_kind_or_a_name_taken(admin, villages):
    township, village, _ = villages
    make_teaching_point(village, "上寨讲习所")
    edited = make_teaching_point(village, "另一处")
    cases = [
        ({"point": None, "name": "镇上", "kind": "其他", "village": township}, "village_id", "教学点必须设在村（社区）"),
        ({"point": None, "name": "新点", "kind": "祠堂", "village": village}, "kind", "教学点类型不正确"),
        ({"point": None, "name": "上寨讲习所", "kind": "其他", "village": village}, "name",
         "上寨村已有名为“上寨讲习所”的教学点"),
        ({"point": edited, "name": "上寨讲习所", "kind": "其他", "village": village}, "name",
         "上寨村已有名为“上寨讲习所”的教学点"),
    ]
    written = _written()
    for options, field, message in cases:
        with pytest.raises(DomainError) as caught:
            save_teaching_point(actor=admin, address="", **options)
        assert (caught.value.message, caught.value.field) == (message, field), options
    assert _written() == written and (edited.name, edited.kind) == ("另一处", "新时代农民讲习所")
