import re

import pytest

from policykg.loaders.numbers import CHINESE, NUMBER, is_chinese_numeral, parse_chinese, parse_number, parse_range


@pytest.mark.parametrize("text, value", [
    ("600", 600), ("0", 0), ("3.5", 3.5),
    ("1.4万", 14_000), ("10万", 100_000), ("1万", 10_000), ("2千", 2_000), ("1.2亿", 120_000_000),
    ("三千", 3_000), ("两", 2), ("十", 10), ("十五", 15), ("二十", 20), ("一百零五", 105),
    ("三千五百", 3_500), ("一万二千", 12_000), ("一万零五百", 10_500), ("十万", 100_000),
    ("两千", 2_000), ("一亿二千万", 120_000_000), ("零", 0),
    ("百分之九十", 90), ("百分之九十五", 95), ("百分之80", 80),
    # traditional script (pages of Hong Kong and Macao)
    ("100萬", 1_000_000), ("5.7萬", 57_000), ("1.2億", 120_000_000), ("兩千", 2_000),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "十四五", "二三十", "万", "萬", "百", "二〇二五", "abc", "1.2.3", "千家万户", "千家萬戶"])
def test_malformed_or_not_a_number(text):
    assert parse_number(text) is None


def test_parse_chinese_rejects_increasing_units():
    assert parse_chinese("十百千") is None      # the “十百千”行动 of a plan is a name
    assert parse_chinese("三十") == 30


def test_ranges():
    assert parse_range("1", "2") == (1, 2)
    assert parse_range("3", "5万") == (30_000, 50_000)
    assert parse_range("三", "五") == (3, 5)
    assert parse_range("5", "3") is None


def test_is_chinese_numeral():
    assert is_chinese_numeral("三千") and not is_chinese_numeral("3000")


@pytest.mark.parametrize("text, found", [
    ("新增600张", ["600"]),
    ("数字民政2.0系统", ["2.0"]),          # one token: the version stays whole
    ("3A级", ["3"]),
    ("A3纸", []),
    ("1.4万名", ["1.4万"]),
    ("百户调查", []),                      # 百 alone does not start a numeral
    ("千家万户", []),
])
def test_number_fragment(text, found):
    assert re.findall(NUMBER, text) == found


@pytest.mark.parametrize("text", ["〇", "两千", "十五", "三百零五", "一亿"])
def test_every_chinese_numeral_parsed_is_matched_by_the_fragment(text):
    assert re.fullmatch(CHINESE, text) and parse_chinese(text) is not None


@pytest.mark.parametrize("text", ["百户", "万", "亿元"])
def test_a_unit_alone_does_not_start_a_chinese_numeral(text):
    assert not re.match(CHINESE, text)
