"""Numerals as written in Chinese plans: Arabic (600, 1.4万, 10万), Chinese (三千, 两,
一万二千), percentages (95%, 百分之九十) and ranges (1-2, 3至5).

`NUMBER` is a regular-expression fragment for one numeral; `parse_number` turns the
matched text into a float. Both are used by the targets grammar.
"""
from __future__ import annotations

import math
import re

__all__ = ["ARABIC", "CHINESE", "NUMBER", "MAX_QUANTITY",
           "finite", "parse_chinese", "parse_number", "is_chinese_numeral", "parse_range"]

# Traditional forms too (兩, 萬, 億: pages of Hong Kong and Macao, 100萬平方米).
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_MULTIPLIERS = {**_CN_SMALL_UNITS, **_CN_BIG_UNITS}
_DIGIT_CHARS = "".join(_CN_DIGITS)
_UNIT_CHARS = "".join(_MULTIPLIERS)

# Arabic digits with an optional decimal part and optional Chinese multiplier (1.4万, 3千).
ARABIC = rf"\d+(?:\.\d+)?(?:[{_UNIT_CHARS}]{{1,2}})?"
# Chinese numerals start with a digit or 十 (百户调查, 千家万户 are words, not numbers).
CHINESE = rf"[{_DIGIT_CHARS}十][{_DIGIT_CHARS}{_UNIT_CHARS}]*"
# One numeral; Arabic digits must not continue a longer token (2.0, A3, 12345), and a Chinese numeral
# starts where its run of numeral characters starts: a match inside the run would only repeat the one
# tried at its start, and trying every position of a long run made a search quadratic (60 KB: 49 s).
NUMBER = rf"(?:(?<![\d.．A-Za-z]){ARABIC}(?![\d.．])|(?<![{_DIGIT_CHARS}{_UNIT_CHARS}]){CHINESE})"

# The largest quantity a plan states (万亿 is 10^12; a thousand times that is no plan's number).
MAX_QUANTITY = 1e15

_NUMBER_RE = re.compile(rf"^(?:{ARABIC}|{CHINESE})$")
_PERCENT_RE = re.compile(r"^百分之(.+)$")


def parse_chinese(text: str) -> float | None:
    """一万二千 → 12000, 三千 → 3000, 十五 → 15, 两 → 2; malformed (十四五, 二三十) → None.

    Examples:
        >>> parse_chinese("一万二千"), parse_chinese("一百零五"), parse_chinese("两")
        (12000.0, 105.0, 2.0)
        >>> parse_chinese("十四五") is None
        True
    """
    if not text:
        return None
    total = 0          # completed 万/亿 groups
    section = 0        # value below the current 万/亿 group
    digit: int | None = None
    last_small = 10_000  # the small unit just used; small units must decrease within a section
    for ch in text:
        if _CN_DIGITS.get(ch) == 0 and digit is None and (section or total):
            continue                   # 一百零五: 零 only marks a skipped place
        if ch in _CN_DIGITS:
            if digit is not None:
                return None            # two digits in a row: 十四五, 二三十
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[ch]
            if unit >= last_small:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_small = None, unit
        elif ch in _CN_BIG_UNITS:
            unit = _CN_BIG_UNITS[ch]
            section += digit or 0
            if section == 0 and total == 0:
                return None
            total = (total + section) * unit if unit > 10_000 else total + section * unit
            section, digit, last_small = 0, None, 10_000
        else:
            return None
    return finite(total + section + (digit or 0))


def finite(value: float) -> float | None:
    """`value` as a float when it is a plausible quantity of a plan, else None: beyond `MAX_QUANTITY`
    (a thousand trillion) or beyond what a float holds, a numeral of 400 digits or 一 followed by
    forty 亿 is no quantity of a plan, is no target, and must never reach the graph or an export as `inf`.

    Examples:
        >>> finite(12000), finite(10 ** 400), finite(float("inf")), finite(float("nan")), finite(10 ** 16)
        (12000.0, None, None, None, None)
    """
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and abs(number) <= MAX_QUANTITY else None


def parse_number(text: str) -> float | None:
    """Parse one numeral: '600', '1.4万' (14000), '10万', '三千', '百分之九十' (90), '5.7萬' (57000).

    Examples:
        >>> parse_number("1.4万"), parse_number("三千"), parse_number("百分之九十"), parse_number("5.7萬")
        (14000.0, 3000.0, 90.0, 57000.0)
        >>> parse_number("千家万户") is None, parse_number("9" * 400) is None, parse_number("一" + "亿" * 40) is None
        (True, True, True)
    """
    text = text.strip().replace("．", ".")
    if not text:
        return None
    percent = _PERCENT_RE.match(text)
    if percent:
        return parse_number(percent.group(1))
    if not _NUMBER_RE.match(text):
        return None
    if text[0].isdigit():
        i = len(text)
        while i and text[i - 1] in _MULTIPLIERS:
            i -= 1
        value = finite(float(text[:i]))
        for ch in text[i:]:
            value = None if value is None else finite(value * _MULTIPLIERS[ch])
        return value
    return parse_chinese(text)


def is_chinese_numeral(text: str) -> bool:
    """A numeral written in Chinese (`三千`), not in Arabic digits (`3000`, `1.4万`).

    Examples:
        >>> is_chinese_numeral("三千")
        True
        >>> is_chinese_numeral("3000")
        False
    """
    return bool(text) and not text[0].isdigit()


def parse_range(low: str, high: str) -> tuple[float, float] | None:
    """'1', '2' → (1, 2); '3', '5万' → (30000, 50000) (a multiplier on the upper bound applies to both).

    Examples:
        >>> parse_range("3", "5万")
        (30000.0, 50000.0)
        >>> parse_range("5", "3") is None
        True
    """
    lo, hi = parse_number(low), parse_number(high)
    if lo is None or hi is None:
        return None
    if high[-1:] in _MULTIPLIERS and low[-1:] not in _MULTIPLIERS:
        scale = 1.0
        for ch in reversed(high):
            if ch not in _MULTIPLIERS:
                break
            scale *= _MULTIPLIERS[ch]
        lo *= scale
    return (lo, hi) if lo <= hi else None
