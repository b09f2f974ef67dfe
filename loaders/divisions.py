"""China's administrative divisions: provinces, prefecture-level cities, county-level districts and counties.

The table is data (`vocab/divisions.yaml`, generated from the national 行政区划代码 by
`scripts/make_divisions.py`, which says where it came from). A plan names its region in full
(上海市静安区), by a short name (静安, 龙岗2024年…), or in traditional script (江寧區); `find_regions`
finds every division a text names, and `resolve` picks, among divisions of one name (朝阳区 is in
北京 and in 长春), the one whose parents the context names. `chain` is a division's parents up to its
province (鲤城区 → 泉州市 → 福建省), so a district plan can be paired with its own city's plan.

A municipality (上海市, 重庆市) is a province and a city of one name; its plans are city plans.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from policykg.loaders import vocabulary

__all__ = ["Division", "Found", "Gazetteer", "gazetteer"]

_LEVEL_ORDER = {"town": 0, "district": 1, "county": 1, "city": 2, "province": 3}


@dataclass(frozen=True)
class Division:
    code: str                 # 6-digit GB/T 2260 code
    name: str                 # full name: 静安区
    level: str                # province | city | district | county
    parent: str | None        # the parent's code
    short: str | None         # 静安
    spellings: tuple[str, ...] = ()   # the short name's toneless pinyin: jingan (several for several readings)


@dataclass(frozen=True)
class Found:
    """A division name written in a text, where it was written and how (full, short, traditional)."""
    name: str                 # the full (simplified) name
    start: int
    written: str


class Gazetteer:
    """The divisions by code and by every way a plan writes their names."""

    def __init__(self, rows: list[Division], traditional: dict[str, str], not_regions: frozenset[str],
                 aliases: dict[str, str], listed_city: dict[str, str] | None = None):
        self.by_code = {d.code: d for d in rows}
        self.aliases = dict(aliases)          # regions.yaml's short names: 长宁 → 长宁区 (not 四川's 长宁县)
        self.listed_city = dict(listed_city or {})   # regions.yaml's districts: 金山区 → 上海市 (not 新北's)
        self.by_name: dict[str, list[Division]] = {}
        for d in rows:
            self.by_name.setdefault(d.name, []).append(d)
        # written form → full name: full names, traditional forms, the vocabulary's aliases
        self.full_forms = {n: n for n in self.by_name if n not in not_regions}
        self.full_forms.update({t: n for t, n in traditional.items() if n in self.full_forms})
        self.short_forms: dict[str, set[str]] = {}
        traditional_of = {n: t for t, n in traditional.items()}
        for d in rows:
            written = traditional_of.get(d.name)
            for short in filter(None, (d.short, written[: len(d.short)] if written and d.short else None)):
                self.short_forms.setdefault(short, set()).add(d.name)
        for alias, full in aliases.items():
            self.short_forms.setdefault(alias, set()).add(full)
        self.by_spelling: dict[str, list[Division]] = {}
        for d in rows:
            for spelling in d.spellings:
                self.by_spelling.setdefault(spelling, []).append(d)
        self._full = re.compile(vocabulary.alternation(self.full_forms))

    # ---- names
    def level(self, name: str | None) -> str | None:
        """A full name's level; a municipality is a city.

        Examples:
            >>> g = gazetteer()
            >>> g.level("上海市"), g.level("河北省"), g.level("太仓市"), g.level("东城区"), g.level("某区")
            ('city', 'province', 'county', 'district', None)
        """
        divisions = self.by_name.get(name or "")
        if not divisions:
            return None
        return min((d.level for d in divisions), key=lambda lvl: _LEVEL_ORDER[lvl])

    def find(self, text: str) -> list[Found]:
        """Every full name (or its traditional form) written in `text`; a two-character name
        (东区, 和县) only at the head of the text, where it cannot be the tail of another word.

        Examples:
            >>> [f.name for f in gazetteer().find("重庆市涪陵区民政局")]
            ['重庆市', '涪陵区']
            >>> [f.name for f in gazetteer().find("江寧區2024年度")], gazetteer().find("全面提升城区防洪能力")
            (['江宁区'], [])
        """
        out = []
        for m in self._full.finditer(text):
            if len(m.group(0)) <= 2 and m.start() > 0:
                continue
            out.append(Found(self.full_forms[m.group(0)], m.start(), m.group(0)))
        return out

    def short_at(self, text: str, pos: int = 0) -> list[Found]:
        """The divisions whose short name is written at `pos` (longest first): 龙岗2024年… → 龙岗区.

        Examples:
            >>> [f.name for f in gazetteer().short_at("龙岗2024年十大民生实事项目出炉")]
            ['龙岗区']
            >>> gazetteer().short_at("民生实事项目")
            []
        """
        for size in (4, 3, 2):
            written = text[pos:pos + size]
            if len(written) == size and written in self.short_forms:
                return [Found(name, pos, written) for name in sorted(self.short_forms[written])]
        return []

    # ---- parents
    def chain(self, division: Division) -> list[Division]:
        """The division's parents, nearest first, up to its province.

        Examples:
            >>> g = gazetteer()
            >>> [d.name for d in g.chain(g.by_code["350502"])]
            ['泉州市', '福建省']
        """
        out, code = [], division.parent
        while code and code in self.by_code:
            out.append(self.by_code[code])
            code = self.by_code[code].parent
        return out

    def chain_names(self, division: Division) -> list[str]:
        """The parents' names, nearest first, a municipality named once (长宁区 → 上海市).

        Examples:
            >>> g = gazetteer()
            >>> g.chain_names(g.by_code["310105"]), g.chain_names(g.by_code["320585"])
            (['上海市'], ['苏州市', '江苏省'])
        """
        names: list[str] = []
        for d in self.chain(division):
            if d.name != division.name and d.name not in names:
                names.append(d.name)
        return names

    def resolve(self, name: str, context: str = "") -> Division | None:
        """The division `name` means: the one whose parents `context` names, else the only one
        (a municipality's city entry), else the one regions.yaml lists, else None when several
        places share the name.

        Examples:
            >>> g = gazetteer()
            >>> g.resolve("朝阳区", "长春市朝阳区民政局").code, g.resolve("朝阳区") is None
            ('220104', True)
            >>> g.resolve("上海市").level, g.resolve("金山区").code, g.resolve("某区") is None
            ('city', '310116', True)
        """
        divisions = self.by_name.get(name) or []
        if len(divisions) > 1:
            named = [d for d in divisions if any(self._names_in(p, context) for p in self.chain(d))]
            if len(named) == 1:
                return named[0]
            cities = [d for d in divisions if d.level == "city"]
            if len(cities) == 1 and len(divisions) == 2 and any(d.level == "province" for d in divisions):
                return cities[0]    # 上海市: the province and the city of a municipality
            listed = [d for d in divisions if self.listed_city.get(name) in {p.name for p in self.chain(d)}]
            return listed[0] if len(listed) == 1 else None
        return divisions[0] if divisions else None

    @staticmethod
    def _names_in(division: Division, context: str) -> bool:
        return division.name in context or bool(division.short and division.short in context)

    def of_host(self, host: str) -> Division | None:
        """The division a government site's host names by its pinyin: mzj.jinhua.gov.cn → 金华市;
        xihu.hangzhou.gov.cn → 西湖区 (杭州's, named by the label after it). Only `.gov.cn` hosts (a news
        site's host names no issuer), only full spellings (hz.gov.cn is no one's), and only a label that
        names one division, or one child of the division the next label names.

        Examples:
            >>> g = gazetteer()
            >>> g.of_host("mzj.jinhua.gov.cn").name, g.of_host("xihu.hangzhou.gov.cn").code
            ('金华市', '330106')
            >>> g.of_host("www.jinhua.com.cn"), g.of_host("mzj.hz.gov.cn"), g.of_host("chaoyang.gov.cn")
            (None, None, None)
        """
        labels = host.lower().rstrip(".").split(".")
        if labels[-2:] != ["gov", "cn"]:
            return None
        found: Division | None = None
        for label in reversed(labels[:-2]):        # the parent's label comes after the child's
            named = self.by_spelling.get(label, [])
            if found is not None:
                named = [d for d in named if found in self.chain(d)]
            if len(named) == 1:
                found = named[0]
        return found

    def qualified_name(self, region: str, chain: tuple[str, ...] | list[str] = ()) -> str:
        """A name for `region` no other division has: the name itself when it is one place's, else its
        nearest parent's name before it (鼓楼区 of 南京市 → 南京市鼓楼区: 福州, 徐州 and 开封 have one too).
        Graph keys of regions, and of the bodies and leaders scoped to them, use it, so the same-named
        districts of two cities are never one node.

        Examples:
            >>> g = gazetteer()
            >>> g.qualified_name("鼓楼区", ["南京市", "江苏省"]), g.qualified_name("金山区", ["上海市"])
            ('南京市鼓楼区', '金山区')
            >>> g.qualified_name("上海市"), g.qualified_name("鼓楼区"), g.qualified_name("某区", ["某市"])
            ('上海市', '鼓楼区', '某区')
            >>> g.qualified_name("金山区", ["新北市"])     # the 金山区 regions.yaml lists is 上海's
            '新北市金山区'

        """
        if not chain or chain[0] == region:
            return region
        # The place the name means on its own (the only one, a municipality's city entry, or the one
        # regions.yaml lists) keeps its name; another place of that name is qualified by its parent.
        default = self.resolve(region)
        if default is not None and chain[0] in {d.name for d in self.chain(default)}:
            return region
        return chain[0] + region if len(self.by_name.get(region) or []) > 1 else region

    def city_of(self, region: str | None, chain: tuple[str, ...] | list[str] = ()) -> str | None:
        """The prefecture-level city `region` is in (a city is its own): the first city of `chain`
        (the plan's parents, nearest first), else the city of the one division of that name, else None.

        Examples:
            >>> g = gazetteer()
            >>> g.city_of("西湖区"), g.city_of("鼓楼区", ["福州市", "福建省"]), g.city_of("上海市"), g.city_of("长宁区")
            (None, '福州市', '上海市', '上海市')
            >>> g.city_of("涪陵区"), g.city_of("太仓市", ["苏州市", "江苏省"]), g.city_of("浙江省"), g.city_of(None)
            ('重庆市', '苏州市', None, None)
        """
        if not region:
            return None
        if self.level(region) == "city":
            return region
        for name in chain:
            if self.level(name) == "city":
                return name
        division = self.resolve(region)
        if division is None or division.level == "province":
            return None
        return next((d.name for d in self.chain(division) if d.level == "city"), None)

    def children_starting(self, parent: Division, head: str) -> list[Division]:
        """The parent's child divisions whose name starts with `head` (a 文号's 金民 → 金山区 of 上海市).

        Examples:
            >>> g = gazetteer()
            >>> [d.name for d in g.children_starting(g.by_code["310100"], "金")]
            ['金山区']
        """
        return [d for d in self.by_code.values() if d.parent == parent.code and d.name.startswith(head)]


def _read_rows(table: str) -> tuple[list[Division], dict[str, str]]:
    rows, traditional = [], {}
    for line in table.splitlines():
        code, name, level, parent, short, trad, spelled = (None if f == "-" else f for f in line.split("\t"))
        assert code and name and level
        rows.append(Division(code, name, level, parent, short, tuple((spelled or "").split(",")) if spelled else ()))
        if trad:
            traditional[trad] = name
    return rows, traditional


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The divisions of vocab/divisions.yaml, with regions.yaml's aliases (浦东 → 浦东新区), read once;
    names that are common words (城区, 郊区, regions.yaml's `generic_division_names`) are not looked for."""
    rows, traditional = _read_rows(vocabulary.load_vocab("divisions")["divisions"])
    regions = vocabulary.load_vocab("regions")
    aliases: dict[str, str] = {}
    listed_city: dict[str, str] = {}
    for city, info in (regions.get("cities") or {}).items():
        aliases.update({a: city for a in info.get("aliases") or []})
        for district, district_aliases in (info.get("districts") or {}).items():
            aliases.update({a: district for a in district_aliases or []})
            listed_city[district] = city
    generic = frozenset(regions.get("not_regions") or ()) | frozenset(regions.get("generic_division_names") or ())
    return Gazetteer(rows, traditional, generic, aliases, listed_city)
