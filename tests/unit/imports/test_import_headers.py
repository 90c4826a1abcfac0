"""Header mapping by synonyms: spaces, brackets and case ignored; missing and doubled columns."""

from __future__ import annotations

import pytest

from lms.core.errors import DomainError
from lms.imports.files import Row, read_table
from lms.imports.headers import (
    COMMON_SYNONYMS,
    Column,
    HeaderMap,
    HeadersError,
    column_letter,
    common_column,
    header_key,
    map_headers,
)

ROSTER = (
    common_column("id_number", required=True),
    common_column("name", required=True),
    common_column("sex"),
    common_column("township"),
    common_column("village"),
    common_column("phone"),
    common_column("education"),
)


def key_of(header: str, columns=ROSTER) -> str | None:
    """The key one header maps to, with every column made optional."""
    optional = [Column(c.key, c.label, c.synonyms) for c in columns]
    mapping = map_headers([header], optional)
    return next(iter(mapping.index), None)


@pytest.mark.parametrize(
    "header,key",
    [
        ("身份证号", "id_number"),
        ("身份证号码", "id_number"),
        ("公民身份号码", "id_number"),
        ("身份证", "id_number"),
        (" 身份证 号码 ", "id_number"),
        ("身份证号\n", "id_number"),
        ("ID", "id_number"),
        ("id", "id_number"),
        ("Ｉｄ", "id_number"),
        ("*身份证号", "id_number"),
        ("身份证号*", "id_number"),
        ("身份证号：", "id_number"),
        ("身份证号(必填)", "id_number"),
        ("身份证号（必填）", "id_number"),
        ("【身份证号】", "id_number"),
        ("姓名", "name"),
        ("名字", "name"),
        ("性别", "sex"),
        ("乡镇", "township"),
        ("乡镇(街道)", "township"),
        ("乡镇（街道）", "township"),
        ("乡（镇）", "township"),
        ("乡(镇)", "township"),
        ("乡镇/街道", "township"),
        ("村", "village"),
        ("行政村", "village"),
        ("村(社区)", "village"),
        ("村（社区）", "village"),
        ("联系电话", "phone"),
        ("手机号", "phone"),
        ("电话", "phone"),
        ("手机号码", "phone"),
        ("文化程度", "education"),
        ("学历", "education"),
    ],
)
def test_common_synonyms_match_whatever_the_spacing_brackets_and_case(header, key):
    assert key_of(header) == key


@pytest.mark.parametrize(
    "header,key", [("区划代码", "code"), ("code", "code"), ("CODE", "code"), ("名称", "name"),
                   ("name", "name"), ("区划名称", "name")]
)
def test_division_columns_match_their_synonyms(header, key):
    columns = (
        common_column("code", "区划代码", required=True, field_name="division_code"),
        common_column("name", "名称", required=True, field_name="division_name"),
    )
    assert key_of(header, columns) == key


def test_header_key_ignores_spaces_brackets_case_stars_and_colons():
    assert header_key(" 乡（镇） ") == header_key("乡(镇)") == header_key("乡 镇") == "乡镇"
    assert header_key("*Phone:") == "phone"


def test_positions_and_file_header_texts_are_kept():
    mapping = map_headers(["序号", "姓名", "公民身份号码", "备注"], ROSTER)
    assert dict(mapping.index) == {"name": 1, "id_number": 2}
    assert dict(mapping.headers) == {"name": "姓名", "id_number": "公民身份号码"}


def test_unknown_columns_are_ignored_and_reported():
    mapping = map_headers(["序号", "身份证号", "", "姓名", "备注", "  "], ROSTER)
    assert mapping.ignored == ("序号", "备注")


def test_missing_required_columns_are_listed_in_column_order():
    with pytest.raises(HeadersError) as caught:
        map_headers(["性别", "乡镇"], ROSTER)
    assert caught.value.message == "缺少必需的列：身份证号、姓名"


def test_missing_optional_column_is_fine_and_reads_as_none():
    mapping = map_headers(["身份证号", "姓名"], ROSTER)
    assert not mapping.has("phone")
    assert mapping.get(("1", "王芳"), "phone") is None
    assert mapping.get(("1", "王芳"), "phone", "") == ""


def test_two_headers_for_one_column_are_refused():
    with pytest.raises(HeadersError) as caught:
        map_headers(["身份证号", "姓名", "身份证号码"], ROSTER)
    assert caught.value.message == "A 列“身份证号”和 C 列“身份证号码”都是身份证号，请删除其中一列"


def test_get_reads_rows_and_plain_tuples():
    mapping = map_headers(["姓名", "身份证号"], ROSTER)
    row = Row(2, ("王芳", "522327199001011248"))
    assert mapping.get(row, "id_number") == "522327199001011248"
    assert mapping.get(row.cells, "name") == "王芳"
    assert mapping.get(Row(3, ("王芳",)), "id_number") is None


def test_synonym_shared_by_two_columns_is_a_programming_error():
    with pytest.raises(ValueError):
        map_headers(["姓名"], (Column("a", "姓名"), Column("b", "名字", ("姓名",))))


def test_column_label_counts_as_a_synonym():
    assert key_of("学时", (Column("hours", "学时"),)) == "hours"


def test_column_key_alone_is_not_a_synonym():
    assert key_of("hours", (Column("hours", "学时"),)) is None


def test_common_column_defaults_its_label_to_the_first_synonym():
    column = common_column("id_number", required=True)
    assert column == Column("id_number", "身份证号", COMMON_SYNONYMS["id_number"], True)
    assert common_column("phone", "联系电话").label == "联系电话"


def test_common_catalogue_covers_the_import_fields():
    for field in ("id_number", "name", "sex", "township", "village", "phone", "education",
                  "division_code", "division_name"):
        assert COMMON_SYNONYMS[field]


def test_roster_columns_have_no_synonym_clashes():
    mapping = map_headers([column.label for column in ROSTER], ROSTER)
    assert isinstance(mapping, HeaderMap)
    assert list(mapping.index) == [column.key for column in ROSTER]


@pytest.mark.parametrize(
    "index,letter", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_letters_follow_excel(index, letter):
    assert column_letter(index) == letter


def test_headers_error_is_a_domain_error_with_a_message():
    with pytest.raises(DomainError) as caught:
        map_headers([], ROSTER)
    assert caught.value.message == str(caught.value)


def test_file_and_headers_together():
    text = "序号,公民身份号码,姓 名,乡（镇）,手机号\n1,522327199001011256,王德才,者楼街道,13812345678\n"
    table = read_table(text.encode("gb18030"), "名册.csv", max_bytes=1 << 20)
    mapping = map_headers(table.headers, ROSTER)
    row = table.rows[0]
    assert [mapping.get(row, key) for key in ("id_number", "name", "township", "phone", "sex")] == [
        "522327199001011256", "王德才", "者楼街道", "13812345678", None,
    ]
    assert mapping.ignored == ("序号",)


def test_title_row_above_the_headers_is_taken_as_the_header_row():
    # Documented limit: the first non-blank row is the header row, so a title row makes the
    # real headers unreachable and the import names the missing columns.
    text = "2023年册亨县名册\n身份证号,姓名\n522327199001011256,王德才\n"
    table = read_table(text.encode("utf-8"), "名册.csv", max_bytes=1 << 20)
    assert table.headers == ["2023年册亨县名册"]
    with pytest.raises(HeadersError) as caught:
        map_headers(table.headers, ROSTER)
    assert caught.value.message == "缺少必需的列：身份证号、姓名"
