"""Register file parsing and validation, without the app."""

from __future__ import annotations

from decimal import Decimal

import pytest

from voting.services.errors import InvalidInput
from voting.services.register_file import parse_area, parse_has_vote, parse_phone, parse_register, write_csv, write_xlsx

from .register_data import HEADER, csv_bytes, rows, xlsx_bytes

CHINESE = [["3", "2", "301", "张建国", "13800138000", "72.35", "北京市第二机床厂", "是"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encoding_is_detected(encoding):
    [row] = parse_register("register.csv", csv_bytes(CHINESE, encoding))
    assert (row.head_name, row.property_unit, row.area) == ("张建国", "北京市第二机床厂", Decimal("72.35"))


def test_utf16_tab_separated_text_from_excel_is_read():
    text = "\t".join(HEADER) + "\r\n" + "\t".join(CHINESE[0]) + "\r\n"
    [row] = parse_register("register.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    assert row.head_name == "张建国"


def test_xlsx_numbers_become_exact_text_and_decimals():
    [row] = parse_register("register.xlsx", xlsx_bytes([[3, 2, 301, "张建国", 13800138000, 72.35, None, "是"]]))
    assert (row.building, row.unit, row.room, row.phone, row.area) == ("3", "2", "301", "13800138000", Decimal("72.35"))
    assert row.property_unit == ""


def test_every_bad_row_is_reported_with_line_column_and_reason():
    body = rows(6)
    body[1][5] = "-3"  # line 3: area
    body[3][2] = ""  # line 5: room
    body[4][4] = "12345"  # line 6: phone
    with pytest.raises(InvalidInput) as caught:
        parse_register("register.csv", csv_bytes(body))
    reported = [str(p) for p in caught.value.problems]
    assert reported == [
        "第 3 行，第 6 列「建筑面积」：必须大于 0（现为“-3”）",
        "第 5 行，第 3 列「室号」：必填，不能为空",
        "第 6 行，第 5 列「联系电话」：应为 11 位手机号或座机号（现为“12345”）",
    ]


def test_xlsx_problems_name_the_column_letter():
    body = rows(2)
    body[1][5] = "abc"
    with pytest.raises(InvalidInput) as caught:
        parse_register("register.xlsx", xlsx_bytes(body))
    assert [str(p) for p in caught.value.problems] == ["第 3 行，F 列「建筑面积」：必须是数字（现为“abc”）"]


def test_duplicate_address_in_file_names_both_lines():
    body = rows(3)
    body[2] = list(body[0])
    body[2][0] = body[0][0] + "号楼"  # same address spelled differently
    with pytest.raises(InvalidInput) as caught:
        parse_register("register.csv", csv_bytes(body))
    assert [str(p) for p in caught.value.problems] == ["第 4 行：地址与第 2 行重复"]


def test_missing_required_column_is_named():
    header = [h for h in HEADER if h != "建筑面积"]
    body = [r[:5] + r[6:] for r in rows(1)]
    with pytest.raises(InvalidInput) as caught:
        parse_register("register.csv", csv_bytes(body, header=header))
    assert "「建筑面积」：缺少此列" in str(caught.value.problems[0])


@pytest.mark.parametrize(
    "header",
    [
        ["building", "unit", "room", "head_name", "phone", "area", "property_unit", "has_vote"],
        ["楼栋", "单元", "房号", "户主", "手机", "建筑面积（㎡）", "产权单位", "表决权"],
    ],
)
def test_header_aliases_are_accepted(header):
    assert len(parse_register("r.csv", csv_bytes(rows(2), header=header))) == 2


@pytest.mark.parametrize(
    "text, expected",
    [
        ("72.35", Decimal("72.35")),
        ("100", Decimal("100.00")),
        ("0.01", Decimal("0.01")),
        ("72.350", Decimal("72.35")),
        ("1,024.5", Decimal("1024.50")),
    ],
)
def test_area_accepts_positive_numbers_with_two_decimals(text, expected):
    assert parse_area(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("0", "必须大于 0"),
        ("-1", "必须大于 0"),
        ("72.355", "最多两位小数"),
        ("abc", "必须是数字"),
        ("NaN", "必须大于 0"),
        ("20000", "超过 10000"),
    ],
)
def test_area_rejects_zero_negative_and_three_decimals(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_area(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("010-65012345", "010-65012345"),
        ("65012345", "65012345"),
        ("", ""),
    ],
)
def test_phone_accepts_mobile_and_landline(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize("text", ["12345", "23800138000", "1380013800", "电话"])
def test_phone_rejects_malformed_numbers(text):
    with pytest.raises(ValueError, match="手机号或座机号"):
        parse_phone(text)


@pytest.mark.parametrize(
    "text, expected", [("是", True), ("", True), ("有", True), ("Y", True), ("否", False), ("无", False), ("0", False)]
)
def test_has_vote_reads_yes_and_no(text, expected):
    assert parse_has_vote(text) is expected


def test_export_then_parse_round_trips_both_formats():
    parsed = parse_register("r.csv", csv_bytes(rows(30) + CHINESE))
    for filename, data in (("r.csv", write_csv(parsed)), ("r.xlsx", write_xlsx(parsed))):
        again = parse_register(filename, data)
        assert [(r.key, r.head_name, r.phone, r.area, r.property_unit, r.has_vote) for r in again] == [
            (r.key, r.head_name, r.phone, r.area, r.property_unit, r.has_vote) for r in parsed
        ]


def test_csv_export_has_bom_for_excel():
    assert write_csv([]).startswith(b"\xef\xbb\xbf\xe6\xa5\xbc")  # BOM then 楼


@pytest.mark.parametrize(
    "data, message", [(b"", "文件是空的"), (csv_bytes([]), "没有住户"), (b"\xff\x00\xfe", "无法识别文件编码")]
)
def test_empty_or_undecodable_files_are_refused(data, message):
    with pytest.raises(InvalidInput, match=message):
        parse_register("r.csv", data)


def test_old_xls_is_refused_with_advice():
    with pytest.raises(InvalidInput, match="另存为 .xlsx"):
        parse_register("register.xls", b"\xd0\xcf\x11\xe0")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\xff\xfe\x00\xd8", "无法按 UTF-16 解码"),
        (("楼号,室号\n1," + "x" * 200_000 + "\n").encode(), "无法按 CSV 读取"),
    ],
    ids=["broken UTF-16", "a 200 KB field"],
)
def test_files_that_are_not_registers_are_refused_cleanly(data, message):
    with pytest.raises(InvalidInput, match=message):
        parse_register("r.csv", data)


@pytest.mark.parametrize("number, letters", [(1, "A"), (6, "F"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")])
def test_xlsx_columns_are_named_as_excel_names_them(number, letters):
    from voting.services.register_file import column_letter

    assert column_letter(number) == letters
