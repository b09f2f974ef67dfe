"""The targets grammar compiled from `vocab/targets.yaml`, and the walking of clauses and sentences.

`grammar()` compiles the vocabulary once per process into a `Grammar`: the units, verbs,
modifiers and boundaries, and the regular expressions made of them. The functions below
find where the clause, item or sentence around a position starts or ends (`back`,
`forward`, `sentence`) and read the text after a number (`after_phrase`).

Examples:
    >>> g = grammar()
    >>> g.quantity.search("新增养老床位1200张。").group()
    '1200张'
    >>> [v.written for v in g.verbs_in("完成适老化改造，新建长者食堂")]
    ['完成', '新建']
    >>> text = "新增养老床位200张，其中护理型床位100张。"
    >>> text[back(text, text.index("100"), g.clause):]
    '其中护理型床位100张。'
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from policykg.loaders import numbers
from policykg.loaders.extract.indicators import UNMAPPED, load_catalogue
from policykg.loaders.vocabulary import alternation as _alt
from policykg.loaders.vocabulary import fill, load_vocab, pattern

__all__ = [
    "CJK", "MASK", "CLAUSE_REACH", "SENTENCE_REACH", "Verb", "Grammar", "grammar",
    "stop_positions", "back", "forward", "sentence", "after_phrase", "leaves_the_next_verb", "past_an_aside",
    "past_an_age_range", "through_shared_modifiers", "cut_at_predicate",
    "balance_quotes", "clause_year", "year_before_the_semicolon", "years",
]

MASK = "\u25a1"   # stands in for catalogue names while looking for verbs
CJK = re.compile("[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Verb:
    """An action verb found in the text: where, as written, its group (the canonical action) and kind."""
    start: int
    end: int
    written: str
    group: str
    kind: str


def _char_class(chars) -> str:
    return "[" + re.escape("".join(chars)) + "]"


class Grammar:
    """Everything compiled once from vocab/targets.yaml and the indicator catalogue."""

    def __init__(self, vocab: dict):
        self.catalogue = load_catalogue()
        forms = "".join(vocab["traditional_forms"].split())
        self.to_simplified = str.maketrans(dict(zip(forms[0::2], forms[1::2], strict=True)))
        # Any traditional form: a text without one (most plans) needs no translating.
        self.traditional_re = re.compile("[" + re.escape(forms[0::2]) + "]") if forms else re.compile("(?!)")
        self._quantities(vocab)
        self._verbs(vocab)
        self._boundaries(vocab["boundaries"])
        self._metric(vocab["metric"], vocab["patterns"])
        self._not_target(vocab)
        self._tables(vocab)
        self._dates(vocab)

    def _quantities(self, vocab: dict) -> None:
        """NUMBER UNIT with its modifiers: 1200张, 3至5家, 30余件, 95%以上, 百分之九十."""
        self.unit_class = {str(u): c for u, c in vocab["units"].items()}
        self.counted_nouns = dict(vocab["counted_nouns"])
        mods = vocab["modifiers"]
        self.modifier_priority = list(vocab["modifier_priority"])
        self.comparators = {str(k): str(v) for k, v in vocab["comparators"].items()}
        self.after_number = {w: kind for kind, m in mods.items() for w in m.get("after_number", ())}
        self.after_unit = {w: kind for kind, m in mods.items() for w in m.get("after_unit", ())}
        self.before_mod = {w: kind for kind, m in mods.items() for w in m.get("before", ())}
        self.verb_bounds = {w: kind for kind, m in mods.items() for w in m.get("verbs", ())}
        self.before_mod_re = re.compile(f"(?:{_alt(self.before_mod)})$")
        self.required_bound_re = re.compile(rf"(?:{_alt(mods['at_least']['required'] + mods['at_most']['required'])})\s*$")
        units = _alt(list(self.unit_class) + list(self.counted_nouns))
        self.range_separators = _alt(vocab["range_separators"])
        written_percent = fill(vocab["patterns"]["written_percent"], chinese=numbers.CHINESE, arabic=numbers.ARABIC)
        self.hundred = vocab["patterns"]["hundred"]
        N = numbers.NUMBER
        # 5%—5.5%: a range of percentages writes the sign after both ends.
        percent_signs = _alt(u for u, c in self.unit_class.items() if c == "percent")
        self.quantity = re.compile(
            rf"(?:{written_percent}"
            rf"|(?P<lo>{N})(?:(?:{percent_signs})?\s*(?:{self.range_separators})\s*(?P<hi>{N}))?\s*(?P<more>{_alt(self.after_number)})?"
            rf"\s*(?P<unit>{units}))"
            rf"(?P<mod>{_alt(self.after_unit)})?")

    def _verbs(self, vocab: dict) -> None:
        self.verbs: dict[str, tuple[str, str]] = {}
        for kind, groups in vocab["actions"].items():
            for group, words in groups.items():
                for w in words:
                    self.verbs[w] = (group, kind)
        self.verb_re = re.compile(f"{_alt(vocab['verb_blockers'])}|(?P<verb>{_alt(self.verbs)})")
        self.object_verbs = frozenset(vocab["object_verb_groups"])
        self.activity_verbs = frozenset(vocab["activity_verb_groups"])
        self.aspirational_re = re.compile(_alt(w for w, k in self.before_mod.items() if k == "aspirational"))
        self.cumulative_re = re.compile(_alt(w for w, (_, k) in self.verbs.items() if k == "cumulative"))
        cc = vocab["chinese_counts"]
        self.facility_verb_groups = frozenset(cc["verb_groups"])
        self.facility_heads = tuple(cc["facility_heads"])
        self.activity_heads = tuple(vocab["activity_heads"])
        self.measure_heads = tuple(vocab["measure_heads"])
        self.project_heads = frozenset(vocab["project_heads"])
        self.count_nouns = tuple(vocab["count_nouns"])
        self.modifier_endings = tuple(vocab["modifier_endings"])
        self.full_coverage_re = re.compile(_alt(vocab["full_coverage"]))

    def _boundaries(self, b: dict) -> None:
        self.hard = frozenset(b["hard"])
        self.clause = self.hard | frozenset(b["clause"])
        self.semicolons = frozenset(b["semicolons"])
        self.item = self.clause | frozenset(b["item"])
        self.item_marks = tuple(b["item"])
        self.open_quotes = frozenset(o for o, _ in b["quotes"])
        self.close_quotes = frozenset(c for _, c in b["quotes"])
        self.quote_chars = self.open_quotes | self.close_quotes
        self.quote_ends = self.close_quotes | self.hard
        self.open_brackets = frozenset(o for o, _ in b["brackets"])
        self.close_brackets = frozenset(c for _, c in b["brackets"])
        self.label_ends = frozenset(b["label_ends"])
        self.clause_marks = re.escape("".join(b["clause"]))
        self.hard_marks = re.escape("".join(b["hard"]))
        self.clause_or_item_marks = re.escape("".join(b["clause"] + b["item"]))

    def _metric(self, mt: dict, patterns: dict) -> None:
        self.stop_after_re = re.compile(f"{_alt(mt['stop_blockers'])}|(?P<stop>{_alt(mt['stop_after'])})")
        self.benefactive = tuple(mt["benefactive_markers"])
        self.benefactive_re = re.compile(f"(?:{_alt(self.benefactive)})(?:{_alt(mt['benefactive_scope'])})?$")
        self.service_re = re.compile(_alt(mt["service_verbs"]))
        self.service_verb_group = mt["service_verb_group"]
        self.participation_verbs = tuple(mt["participation_verbs"])
        self.beneficiaries = frozenset(mt["beneficiaries"])
        self.beneficiaries_tuple = tuple(self.beneficiaries)
        self.continuation = tuple(mt["continuation_markers"])
        self.bare_adverbs = frozenset(mt["bare_adverbs"])
        self.together_markers = tuple(mt["together_markers"])
        self.joiners = tuple(mt["joiners"])
        self.bare_level_nouns = frozenset(mt["bare_level_nouns"])
        self.rate_nouns = tuple(self.bare_level_nouns)
        self.distributive = mt["distributive"]
        self.respective = mt["respective"]
        self.possessive = mt["possessive"]
        self.item_split_re = re.compile(f"({_alt(list(self.item_marks) + list(self.joiners))})")
        self.strip_prefix_re = re.compile(f"^(?:{patterns['deadline']}|{patterns['item_label']}|{_alt(mt['strip_prefixes'])})+")
        self.strip_suffix_re = re.compile(f"(?:{_alt(mt['strip_suffixes'])})+$")

    def _not_target(self, vocab: dict) -> None:
        nt = vocab["not_target"]
        self.ordinal = tuple(nt["ordinal_prefixes"])
        self.rank = tuple(nt["rank_prefixes"])
        self.rank_blockers = tuple(nt["rank_prefix_blockers"])
        self.achieved_after_re = re.compile(_alt(nt["achieved_after"]))
        self.money_rates = tuple(nt["money_rates"])
        self.growth_words = tuple(nt["growth_words"])
        self.progress_re = re.compile(_alt(nt["progress_markers"]))
        self.progress_before_percent = tuple(nt["progress_before_percent"])
        self.threshold_unit_classes = frozenset(nt["threshold_unit_classes"])
        self.list_closers = tuple(nt["list_closers"])
        self.list_joiners = tuple(nt["list_joiners"])
        self.list_split_re = re.compile(_alt(list(self.item_marks) + nt["list_joiners"]))
        # an aside in brackets, closed: （每个街道1个）
        self.closed_aside_re = re.compile("|".join(
            f"{re.escape(o)}[^{re.escape(o + c)}]*{re.escape(c)}" for o, c in vocab["boundaries"]["brackets"]))
        self.rate_ending = tuple(nt["rate_ending"])
        self.money_re = re.compile(rf"{_alt(nt['money_word_blockers'])}|(?P<money>{_alt(nt['money_words'])})")
        self.change_from_re = re.compile(rf"(?:{_alt(nt['change_from'])})(?={numbers.NUMBER})[^{self.clause_or_item_marks}]*$")
        self.frequency_re = re.compile(_alt(nt["frequency_prefixes"]))
        self.time_nouns = tuple(nt["time_nouns"])
        self.time_noun_unit = nt["time_noun_unit"]
        self.not_counted = tuple(nt["counted_nouns"])
        self.preceded_by = tuple(nt["preceded_by"])
        self.achieved_re = re.compile(_alt(nt["achieved_markers"]))
        self.achieved_lead_re = re.compile(_alt(nt["achieved_sentence_leads"]))
        self.perfective = tuple(nt["perfective_markers"])
        self.statistic_re = re.compile(f"{_alt(nt['statistic_blockers'])}|(?P<stat>{_alt(nt['statistic_nouns'])})")
        self.unit_words = tuple(nt["unit_words"])
        self.label_nouns = frozenset(nt["label_nouns"])
        self.review_headings = tuple(nt["review_headings"])
        self.reporting_kinds = frozenset(nt["reporting_kinds"])
        self.opener_re = re.compile(
            rf"(?:{_alt(nt['achieved_sentence_opener_leads'])})?(?:{_alt(nt['achieved_sentence_openers'])})(?=[{self.clause_marks}])"
            rf"|[^{self.clause_marks}{self.hard_marks}]*(?:{_alt(nt['achieved_clause_ends'])})(?=[{self.clause_marks}])")
        self.multi_year_re = re.compile(_alt(nt["multi_year_markers"]))
        self.baseline_re = re.compile(_alt(nt["baseline_markers"]))
        self.per_unit_re = re.compile(f"{_alt(nt['per_unit_blockers'])}|(?P<per>{self._per_unit(nt)})")
        self.share_re = re.compile(fill(vocab["patterns"]["share"], share_verbs=_alt(nt["share_verbs"])))
        self.among_re = re.compile(
            rf"{_alt(nt['among_frame_blockers'])}|(?P<frame>{_alt(nt['among_frame'])})(?=[{self.clause_marks}])")
        self.age_share_re = re.compile(rf"\d(?:{_alt(nt['age_words'])}).*(?:{_alt(nt['share_nouns'])})$")
        # 5万名|40-74周岁|居民…筛查: an age range qualifying the people counted, right after the unit
        self.age_range_re = re.compile(
            rf"\d+\s*(?:(?:{self.range_separators})\s*\d+\s*)?(?:{_alt(nt['age_words'])})(?:{_alt(self.after_unit)})?")
        self.name_joiners = tuple(nt["name_joiners"])
        self.name_heads = tuple(nt["name_heads"])

    @staticmethod
    def _per_unit(nt: dict) -> str:
        """人均 / 各街镇 / 每个居民区, but not 每年 (a frequency: 每 before a period of frequency_prefixes)."""
        each = nt["per_period_marker"]
        periods = [w[len(each):] for w in nt["frequency_prefixes"] if w.startswith(each)]
        per_unit = [w for w in nt["per_unit_markers"] if w != each]
        return "|".join(filter(None, [_alt(per_unit) if per_unit else "",
                                      f"{re.escape(each)}(?!{_alt(periods)})" if each in nt["per_unit_markers"] else ""]))

    def _tables(self, vocab: dict) -> None:
        nt = vocab["not_target"]
        self.total_rows = frozenset(nt["total_rows"])
        self.review_column_re = re.compile(_alt(nt["review_columns"]))
        self.review_column_blockers_re = re.compile(_alt(nt["review_column_blockers"]))
        N = numbers.NUMBER
        cell_number = rf"(?P<lo>{N})(?:[ \t]*(?:{self.range_separators})[ \t]*(?P<hi>{N}))?"
        self.bare_cell = re.compile(rf"\|[ \t]*{cell_number}[ \t]*(?=\|)")
        # A cell opening with a number (after a comparator), not a date: | 1200 | or | ≥95% |,
        # not | 2025年12月 |.
        self.number_cell = re.compile(rf"\|[ \t]*(?:{_alt(self.before_mod)})?[ \t]*{N}(?!{_alt(nt['date_units'])})")
        opens = _char_class(o for o, _ in nt["unit_brackets"])
        closes = _char_class(c for _, c in nt["unit_brackets"])
        self.unit_in_brackets = re.compile(rf"{opens}(?P<unit>{_alt(self.unit_class)}){closes}[ \t]*$")

    def _dates(self, vocab: dict) -> None:
        patterns = vocab["patterns"]
        # Used with match() at a clause start: 2024年，… / 到2027年，… / 2023年至2024年，… / 2025—2027年，…
        self.leading_year_re = re.compile(fill(patterns["leading_year"], range_separators=self.range_separators))
        year = pattern("calendar_year")
        self.year_word_re = re.compile(fill(patterns["year_named"], calendar_year=year))   # table header, heading
        self.clause_year_re = re.compile(fill(patterns["clause_year"], calendar_year=year))
        self.titles_re = re.compile(patterns["asides"])
        self.months_so_far_re = re.compile(patterns["months_so_far"])
        self.month_of_year_re = re.compile(patterns["month_of_year"])

    # -- small helpers ------------------------------------------------------------

    def verbs_in(self, text: str, offset: int = 0) -> list[Verb]:
        """Action verbs in `text`, catalogue names masked (适老化改造 holds no verb 改造)."""
        masked = self.catalogue.names_re.sub(lambda m: MASK * len(m.group()), text)
        found = []
        for m in self.verb_re.finditer(masked):
            if m.group("verb"):
                group, kind = self.verbs[m.group("verb")]
                found.append(Verb(offset + m.start(), offset + m.end(), m.group("verb"), group, kind))
        return found

    def clean_metric(self, text: str) -> str:
        """A metric without the words around it that name nothing counted (dates, labels, 全年, 建设 …).

        Examples:
            >>> grammar().clean_metric("（3）2025年底前全区养老床位建设")
            '养老床位'
            >>> grammar().clean_metric("“养老顾问点”")
            '养老顾问点'
        """
        prev = None
        text = text.strip()
        while text != prev:
            prev = text
            text = self.strip_prefix_re.sub("", text)
            text = self.strip_suffix_re.sub("", text).strip()
            if len(text) >= 2 and text[0] in self.open_quotes and text[-1] in self.close_quotes \
                    and not any(c in self.quote_chars for c in text[1:-1]):
                text = text[1:-1]
        return text

    def names_beneficiary(self, metric: str, unit: str) -> bool:
        """老年人家庭 / 独居老人家庭: who receives a service, not what is counted.

        Examples:
            >>> grammar().names_beneficiary("老年人家庭", "户")
            True
            >>> grammar().names_beneficiary("养老床位", "张")
            False
        """
        return metric in self.beneficiaries or (
            metric.endswith(self.beneficiaries_tuple) and self.catalogue.match(metric, unit) == UNMAPPED)

    def trailing_modifiers(self, text: str) -> tuple[str, list[str]]:
        """Split modifier words standing right before the number (不少于, 约, 力争) off `text`.

        Examples:
            >>> grammar().trailing_modifiers("社区长者食堂力争不少于")
            ('社区长者食堂', ['at_least', 'aspirational'])
            >>> grammar().trailing_modifiers("新增")
            ('新增', [])
        """
        kinds = []
        text = text.rstrip()
        m = self.before_mod_re.search(text)
        while m:
            kinds.append(self.before_mod[m.group()])
            text = text[:m.start()].rstrip()
            m = self.before_mod_re.search(text)
        return text, kinds

    def same_class(self, a: str, b: str) -> bool:
        """Units counting the same kind of thing (名 and 人; 家 and 个)."""
        return self.unit_class.get(a, a) == self.unit_class.get(b, b)

    def is_percent(self, unit: str) -> bool:
        return self.unit_class.get(unit) == "percent"


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """The grammar of vocab/targets.yaml, compiled once per process."""
    return Grammar(load_vocab("targets"))


# -- boundaries -------------------------------------------------------------------

# A clause or sentence is looked for at most this far from a number: plan clauses are under a
# hundred characters and sentences a few hundred, and text without punctuation (a PDF's lost
# line ends, a flattened table) must not make every number scan, and look for verbs, back to
# the start of the text (quadratic time).
CLAUSE_REACH = 200
SENTENCE_REACH = 600


@lru_cache(maxsize=32)
def stop_positions(text: str, stops: frozenset) -> list[int]:
    """Where the chars of `stops` are in `text`, in order (once per text and set of stops)."""
    return [m.start() for m in _stops_re(stops).finditer(text)]


@cache
def _stops_re(stops: frozenset) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(stops)) + "]")


def back(text: str, pos: int, stops: frozenset, limit: int = 0, reach: int = CLAUSE_REACH) -> int:
    """Index just after the last char in `stops` before `pos` (not before `limit`, nor more than
    `reach` chars back)."""
    if pos <= limit:
        return pos
    limit = max(limit, pos - reach)
    positions = stop_positions(text, stops)
    k = bisect.bisect_left(positions, pos) - 1
    return positions[k] + 1 if k >= 0 and positions[k] >= limit else max(limit, 0)


def forward(text: str, pos: int, stops: frozenset, reach: int = CLAUSE_REACH) -> int:
    """Index of the first char in `stops` at or after `pos` (or the text's end, or `reach` chars on)."""
    positions = stop_positions(text, stops)
    k = bisect.bisect_left(positions, pos)
    end = min(len(text), pos + reach)
    return min(positions[k], end) if k < len(positions) else end


def sentence(g: Grammar, text: str, start: int, end: int) -> str:
    """The sentence around text[start:end]: the context for contextual synonyms."""
    return text[back(text, start, g.hard, reach=SENTENCE_REACH):forward(text, end, g.hard, reach=SENTENCE_REACH)]


def after_phrase(g: Grammar, text: str, start: int) -> str:
    """Text after the unit up to a separator, a digit, or a quote or bracket closed
    outside it; an aside in brackets right after the unit is no metric.

    Examples:
        >>> after_phrase(grammar(), "新增40家社区综合为老服务中心，改建3家", 5)
        '社区综合为老服务中心'
        >>> after_phrase(grammar(), "新增40家（含农村）", 5)
        ''
    """
    depth = brackets = 0
    i = start
    end = min(len(text), start + 40)
    while i < end:
        c = text[i]
        if c in g.item or c.isdigit():
            break
        if c in g.open_brackets:
            if i == start:
                break
            brackets += 1
        elif c in g.close_brackets:
            if brackets == 0:
                break
            brackets -= 1
        if c in g.open_quotes and c not in g.close_quotes:
            depth += 1
        elif c in g.close_quotes and c not in g.open_quotes:
            if depth == 0:
                break
            depth -= 1
        elif c in g.quote_chars:          # ASCII " both opens and closes
            depth = depth - 1 if depth else depth + 1
        i += 1
    return text[start:i]


def through_shared_modifiers(g: Grammar, text: str, start: int, phrase: str) -> str:
    """100个以上行业级、场景级大模型: a phrase after the unit that is only a qualifier (ending 级, 型 …)
    before 、 shares the head noun of the next item: it runs on to that head.

    Examples:
        >>> text = "培育100个行业级、场景级大模型，"
        >>> through_shared_modifiers(grammar(), text, 6, "行业级")
        '行业级、场景级大模型'
        >>> through_shared_modifiers(grammar(), "新建10个食堂、20个站点", 5, "食堂")
        '食堂'
    """
    end = start + len(phrase)
    while phrase.endswith(g.modifier_endings) and text[end:end + 1] in g.item_marks:
        more = after_phrase(g, text, end + 1)
        if not more:
            break
        phrase += text[end] + more
        end += 1 + len(more)
    return phrase


def past_an_aside(g: Grammar, text: str, start: int) -> int:
    """新增10个（每个街道1个）老年人助餐点: where the words after the unit resume past an aside in
    brackets right after it (`start` itself when there is none, or nothing but a separator follows).

    Examples:
        >>> text = "新增10个（每个街道1个）老年人助餐点"
        >>> text[past_an_aside(grammar(), text, 5):]
        '老年人助餐点'
        >>> past_an_aside(grammar(), "新增40家（含农村），", 5)
        5
    """
    if start >= len(text) or text[start] not in g.open_brackets:
        return start
    close = forward(text, start, g.close_brackets | g.hard)
    if close >= len(text) or text[close] not in g.close_brackets or not CJK.match(text, close + 1):
        return start
    return close + 1


def past_an_age_range(g: Grammar, text: str, start: int) -> int:
    """开展5万名40-74周岁居民癌症筛查: where the words after the unit resume past an age range that
    qualifies the people counted (`start` itself when there is none).

    Examples:
        >>> text = "开展5万名40-74周岁居民癌症筛查"
        >>> text[past_an_age_range(grammar(), text, 5):]
        '居民癌症筛查'
        >>> past_an_age_range(grammar(), "新增40张床位", 5)
        5
    """
    m = g.age_range_re.match(text, start)
    return m.end() if m and CJK.match(text, m.end()) else start


def cut_at_predicate(g: Grammar, phrase: str) -> str:
    """A metric written after the unit ends where a predicate begins (及时, 并, 进行 …).

    Examples:
        >>> cut_at_predicate(grammar(), "家庭照护床位并开展评估")
        '家庭照护床位'
        >>> cut_at_predicate(grammar(), "企业合并重组")
        '企业合并重组'
    """
    for m in g.stop_after_re.finditer(phrase):
        if m.group("stop"):
            return phrase[:m.start()]
    return phrase


def leaves_the_next_verb(g: Grammar, text: str, start: int, phrase: str) -> str:
    """新建10处口袋公园建成10处社区食堂: a phrase after the unit that runs into the next number ends
    before the verb stating that number (a title line may join two items without a separator).

    Examples:
        >>> text = "新建10处口袋公园建成10处社区食堂"
        >>> leaves_the_next_verb(grammar(), text, 6, "口袋公园建成")
        '口袋公园'
        >>> leaves_the_next_verb(grammar(), "新建10处口袋公园，", 6, "口袋公园")
        '口袋公园'
        >>> leaves_the_next_verb(grammar(), "培育10家企业和20个模型", 5, "企业和")
        '企业'
    """
    end = start + len(phrase)
    if not (end < len(text) and text[end].isdigit()):
        return phrase
    joiner = next((j for j in g.list_joiners if phrase.endswith(j)), "")
    if joiner:
        return phrase[:-len(joiner)]             # 培育100家特色企业和|100个大模型: the 和 joins the next item
    verbs = g.verbs_in(phrase)
    return phrase[:verbs[-1].start] if verbs and verbs[-1].end == len(phrase) else phrase


def balance_quotes(g: Grammar, text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span by the quote it opens or closes without its partner (“养老院+互联网医院”)."""
    inner = text[start:end]
    opens = sum(inner.count(q) for q in g.open_quotes if q not in g.close_quotes)
    closes = sum(inner.count(q) for q in g.close_quotes if q not in g.open_quotes)
    if opens > closes and end < len(text) and text[end] in g.close_quotes:
        end += 1
    elif closes > opens and start > 0 and text[start - 1] in g.open_quotes:
        start -= 1
    return start, end


def clause_year(g: Grammar, text: str, sent_start: int, seg_start: int) -> re.Match | None:
    """The year heading the nearest clause of the sentence up to the number's (2024年，… / 坚持…，
    到2030年，基本建成…，养老床位达到1.6万张 / 2024年新增500张，2025年新增600张)."""
    stops = stop_positions(text, g.clause)
    k = bisect.bisect_left(stops, seg_start) - 1
    starts = [seg_start]
    while k >= 0 and stops[k] >= sent_start:
        starts.append(stops[k] + 1)
        k -= 1
    starts.append(sent_start)
    for start in starts:
        m = g.leading_year_re.match(text, start)
        if m:
            return m
    return year_before_the_semicolon(g, text, sent_start)


def year_before_the_semicolon(g: Grammar, text: str, start: int) -> re.Match | None:
    """2023年，重点楼宇实现税收622亿元；亿元楼新增6幢: a part of a sentence after a semicolon, naming
    no year of its own, is dated by the year heading the part before (and so on back).

    Examples:
        >>> text = "2023年，实现税收622亿元；亿元楼新增6幢"
        >>> year_before_the_semicolon(grammar(), text, text.index("亿元楼")).group(1)
        '2023'
        >>> year_before_the_semicolon(grammar(), "实现税收622亿元。亿元楼新增6幢", 11) is None
        True
    """
    while start > 0 and text[start - 1] in g.semicolons:
        start = back(text, start - 1, g.hard, reach=SENTENCE_REACH)
        m = g.leading_year_re.match(text, start)
        if m:
            return m
    return None


def years(m: re.Match | None) -> tuple[int | None, int | None]:
    """First and last year of a leading_year_re match (2024年 → 2024, 2024; 2025—2027年 → 2025, 2027).

    Examples:
        >>> years(grammar().leading_year_re.match("2025—2027年，每年新增"))
        (2025, 2027)
        >>> years(None)
        (None, None)
    """
    if m is None:
        return None, None
    first = int(m.group(1))
    return first, int(m.group(2)) if m.group(2) else first
