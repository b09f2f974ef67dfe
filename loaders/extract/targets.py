"""Quantitative targets: 新增40家社区综合为老服务中心 → 40 家 社区综合为老服务中心.

Chinese plans state a target as

    [subject] [adverbs] VERB [metric] NUMBER UNIT [metric]

(新增40家社区综合为老服务中心 / 新建家门口服务站200个 / 护理员持证率达到80% /
“一键通”紧急救援服务新增覆盖10万老年人 / 为200名老年人提供家庭照护床位服务).
The grammar here reads one NUMBER UNIT at a time (`numbers.NUMBER` + the units of
`vocab/targets.yaml`) and looks for its metric:

1. after the unit, up to the next separator (新增40家|社区综合为老服务中心|，);
   after 为/对 + number, the object of the service verb (为200名老年人提供|家庭照护床位服务);
2. otherwise before the number, after the clause's last action verb
   (新建|家门口服务站|200个); when the verb stands right before the number, the
   subject before the verb (护理员持证率|达到|80%).
   Catalogue names are masked while looking for verbs, so 适老化改造 is not 改造;
3. a clause that is only VERB NUMBER UNIT takes its metric from the clause before
   (推进家庭照护床位建设，全年新增100张 / 新建长者食堂5家，改建3家).

Enumerations share the clause's verb (新增2个A、2家B; after a comma for catalogued
items: 新增A 100张，B 200张), 各 distributes one value over the listed items, a 其中
clause is a part of the target before it (never the same indicator), and a number is
not a target when it is an ordinal or a rank, a period, a frequency, a count of the
document's own parts, an enumeration label in Chinese numerals, progress already achieved
or looked back on (截至…, 去年以来，…, 超额完成, …已完成), a base built on (…的基础上), a
number over a multi-year period, a demographic statistic or a share in a composition
(占52%, …中，X占比45%), a standard per unit (每个居民区配备…), a funding rule in percent,
part of a quoted model name (“1个中心+N个站点”), a table's total row or a number under a
column of what was done, or when no action verb governs it (a rate named before its
percentage, a bounded rate, a count bounded by a requirement such as 不少于, and a
catalogued table row need none). A statement dated by a year heading its sentence's
clauses, its own clause or its table column is kept by `extract_targets` only when that
period holds the plan's year (2024年，… looks back; 到2027年，… is a later period's).

The spaCy component `policykg_targets` runs this over the Doc's text and sets
`doc.spans["targets"]` (one span per statement, labelled with the indicator);
`extract_targets` turns the statements into one TargetMention per distinct target of
the document (a repeated statement adds evidence; different values of one indicator
are all kept and flagged as a conflict) and assigns tasks.
"""
from __future__ import annotations

import bisect
import re
from copy import deepcopy
from dataclasses import asdict, dataclass
from functools import cache, lru_cache

from spacy.language import Language

from policykg.loaders import numbers
from policykg.loaders.extract.indicators import UNMAPPED, load_catalogue, normalise_metric
from policykg.loaders.extract.nlp import doc_text
from policykg.loaders.model import ParsedDocument, TargetMention
from policykg.loaders.vocabulary import alternation as _alt
from policykg.loaders.vocabulary import load_vocab

COMPONENT = "policykg_targets"
SPANS_KEY = "targets"
USER_DATA_KEY = "policykg.target_statements"

_MASK = "\u25a1"   # stands in for catalogue names while looking for verbs
_CJK = re.compile("[\u4e00-\u9fff]")


@dataclass(frozen=True)
class _Verb:
    start: int
    end: int
    written: str
    group: str
    kind: str


class Grammar:
    """Everything compiled once from vocab/targets.yaml and the indicator catalogue."""

    def __init__(self, vocab: dict):
        self.catalogue = load_catalogue()
        self.unit_class = {str(u): c for u, c in vocab["units"].items()}
        self.counted_nouns = dict(vocab["counted_nouns"])
        mods = vocab["modifiers"]
        self.modifier_priority = list(vocab["modifier_priority"])
        self.after_number = {w: kind for kind, m in mods.items() for w in m.get("after_number", ())}
        self.after_unit = {w: kind for kind, m in mods.items() for w in m.get("after_unit", ())}
        self.before_mod = {w: kind for kind, m in mods.items() for w in m.get("before", ())}
        self.before_mod_re = re.compile(f"(?:{_alt(self.before_mod)})$")
        units = _alt(list(self.unit_class) + list(self.counted_nouns))
        seps = _alt(vocab["range_separators"])
        N = numbers.NUMBER
        self.quantity = re.compile(
            rf"(?:百分之(?P<pct>{numbers.CHINESE}|{numbers.ARABIC}|百(?![分万千]))"
            rf"|(?P<lo>{N})(?:\s*(?:{seps})\s*(?P<hi>{N}))?\s*(?P<more>{_alt(self.after_number)})?"
            rf"\s*(?P<unit>{units}))"
            rf"(?P<mod>{_alt(self.after_unit)})?")

        self.verbs: dict[str, tuple[str, str]] = {}
        for kind, groups in vocab["actions"].items():
            for group, words in groups.items():
                for w in words:
                    self.verbs[w] = (group, kind)
        blockers = list(vocab["verb_blockers"])
        self.verb_re = re.compile(f"{_alt(blockers)}|(?P<verb>{_alt(self.verbs)})")
        self.object_verbs = frozenset(vocab["object_verb_groups"])
        self.activity_verbs = frozenset(vocab["activity_verb_groups"])

        b = vocab["boundaries"]
        self.hard = frozenset(b["hard"])
        self.clause = self.hard | frozenset(b["clause"])
        self.item = self.clause | frozenset(b["item"])
        self.open_quotes = frozenset(o for o, _ in b["quotes"])
        self.close_quotes = frozenset(c for _, c in b["quotes"])
        self.quote_chars = self.open_quotes | self.close_quotes
        self.open_brackets = frozenset(o for o, _ in b["brackets"])
        self.close_brackets = frozenset(c for _, c in b["brackets"])

        mt = vocab["metric"]
        self.stop_after_re = re.compile(f"{_alt(mt['stop_blockers'])}|(?P<stop>{_alt(mt['stop_after'])})")
        self.benefactive = tuple(mt["benefactive_markers"])
        self.benefactive_re = re.compile(f"(?:{_alt(self.benefactive)})(?:{_alt(mt['benefactive_scope'])})?$")
        self.service_re = re.compile(_alt(mt["service_verbs"]))
        self.beneficiaries = frozenset(mt["beneficiaries"])
        self.beneficiaries_tuple = tuple(self.beneficiaries)
        self.continuation = tuple(mt["continuation_markers"])
        self.bare_adverbs = frozenset(mt["bare_adverbs"])
        self.together_markers = tuple(mt["together_markers"])
        self.joiners = tuple(mt["joiners"])
        self.bare_level_nouns = frozenset(mt["bare_level_nouns"])
        self.rate_nouns = tuple(self.bare_level_nouns)
        self.aspirational_re = re.compile(_alt(w for w, k in self.before_mod.items() if k == "aspirational"))
        self.cumulative_re = re.compile(_alt(w for w, (_, k) in self.verbs.items() if k == "cumulative"))
        # 2025年底前 / 12月底前 / 2025年6月底前: a deadline names nothing counted.
        date = (r"(?:到|至|在|于)?(?:\d{4}年(?:底|末|内|前|度)?(?:\d{1,2}月(?:底|末|份|中旬|上旬|下旬)?)?"
                r"|\d{1,2}月(?:底|末|份|中旬|上旬|下旬)?)(?:前|以前|之前)?")
        # 9.节地生态安葬率达到55% / （3）… / 二是…: an item's number is no part of its metric.
        # 第二批认定5家: a batch's ordinal names no thing counted either.
        label = (r"(?:\d{1,2}[.．、](?!\d)|[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]|[一二三四五六七八九十]{1,3}[、是]"
                 r"|第[一二三四五六七八九十\d]{1,3}[批轮])")
        self.strip_prefix_re = re.compile(f"^(?:{date}|{label}|{_alt(mt['strip_prefixes'])})+")
        self.strip_suffix_re = re.compile(f"(?:{_alt(mt['strip_suffixes'])})+$")

        nt = vocab["not_target"]
        self.ordinal = tuple(nt["ordinal_prefixes"])
        self.rank = tuple(nt["rank_prefixes"])
        self.rank_blockers = tuple(nt["rank_prefix_blockers"])
        self.achieved_after_re = re.compile(_alt(nt["achieved_after"]))
        self.money_rates = tuple(nt["money_rates"])
        self.money_re = re.compile(rf"{_alt(nt['money_word_blockers'])}|(?P<money>{_alt(nt['money_words'])})")
        self.required_bound_re = re.compile(rf"(?:{_alt(mods['at_least']['required'] + mods['at_most']['required'])})\s*$")
        self.change_from_re = re.compile(rf"(?:{_alt(nt['change_from'])})(?={N})[^，,：:、]*$")
        self.frequency_re = re.compile(_alt(nt["frequency_prefixes"]))
        self.time_nouns = tuple(nt["time_nouns"])
        self.not_counted = tuple(nt["counted_nouns"])
        self.preceded_by = tuple(nt["preceded_by"])
        self.achieved_re = re.compile(_alt(nt["achieved_markers"]))
        self.achieved_lead_re = re.compile(_alt(nt["achieved_sentence_leads"]))
        self.perfective = tuple(nt["perfective_markers"])
        self.statistic_re = re.compile(_alt(nt["statistic_nouns"]))
        self.unit_words = tuple(nt["unit_words"])
        self.label_nouns = frozenset(nt["label_nouns"])
        self.review_headings = tuple(nt["review_headings"])
        self.full_coverage_re = re.compile(_alt(vocab["full_coverage"]))
        self.label_ends = frozenset(b["label_ends"])
        cell_number = rf"(?P<lo>{N})(?:[ \t]*(?:{seps})[ \t]*(?P<hi>{N}))?"
        self.bare_cell = re.compile(rf"\|[ \t]*{cell_number}[ \t]*(?=\|)")
        # A cell opening with a number (after a comparator), not a date: | 1200 | or | ≥95% |,
        # not | 2025年12月 |.
        self.number_cell = re.compile(rf"\|[ \t]*(?:{_alt(self.before_mod)})?[ \t]*{N}(?![年月日号时])")
        self.unit_in_brackets = re.compile(rf"[（(](?P<unit>{_alt(self.unit_class)})[）)][ \t]*$")
        # Used with match() at a clause start: 2024年，… / 到2027年，… / 2023年至2024年，… / 2025—2027年，…
        self.leading_year_re = re.compile(
            rf"(?:(?:力争|争取|预计)?(?:到|至|在))?(\d{{4}})(?:年?(?:{seps})(\d{{4}}))?年")
        clause_marks = re.escape("".join(b["clause"]))
        self.opener_re = re.compile(rf"(?:在|从)?(?:{_alt(nt['achieved_sentence_openers'])})(?=[{clause_marks}])"
                                    rf"|[^{clause_marks}{re.escape(''.join(b['hard']))}]*(?:{_alt(nt['achieved_clause_ends'])})(?=[{clause_marks}])")
        self.multi_year_re = re.compile(_alt(nt["multi_year_markers"]))
        self.baseline_re = re.compile(_alt(nt["baseline_markers"]))
        periods = [w[1:] for w in nt["frequency_prefixes"] if w.startswith("每")]
        per_unit = [w for w in nt["per_unit_markers"] if w != "每"]
        self.per_unit_re = re.compile(
            "|".join(filter(None, [_alt(per_unit) if per_unit else "",
                                   f"每(?!{_alt(periods)})" if "每" in nt["per_unit_markers"] else ""])))
        self.share_re = re.compile(rf"(?:{_alt(nt['share_verbs'])})(?:[^，。；]{{0,12}}的)?$")
        self.among_re = re.compile(rf"{_alt(nt['among_frame_blockers'])}|(?P<frame>{_alt(nt['among_frame'])})(?=[{clause_marks}])")
        self.age_share_re = re.compile(rf"\d(?:{_alt(nt['age_words'])}).*(?:{_alt(nt['share_nouns'])})$")
        self.total_rows = frozenset(nt["total_rows"])
        self.review_column_re = re.compile(_alt(nt["review_columns"]))
        self.review_column_blockers_re = re.compile(_alt(nt["review_column_blockers"]))
        self.year_word_re = re.compile(r"((?:19|20)\d{2})\s*年")     # in a table header or a section heading
        self.clause_year_re = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
        self.titles_re = re.compile(r"《[^》]*》|（[^）]*）|\([^)]*\)|“[^”]*”")
        self.name_joiners = tuple(nt["name_joiners"])
        self.name_heads = tuple(nt["name_heads"])
        self.quote_ends = self.close_quotes | self.hard
        cc = vocab["chinese_counts"]
        self.facility_verb_groups = frozenset(cc["verb_groups"])
        self.facility_heads = tuple(cc["facility_heads"])

    # -- small helpers ------------------------------------------------------------

    def verbs_in(self, text: str, offset: int = 0) -> list[_Verb]:
        """Action verbs in `text`, catalogue names masked (适老化改造 holds no verb 改造)."""
        masked = self.catalogue.names_re.sub(lambda m: _MASK * len(m.group()), text)
        found = []
        for m in self.verb_re.finditer(masked):
            if m.group("verb"):
                group, kind = self.verbs[m.group("verb")]
                found.append(_Verb(offset + m.start(), offset + m.end(), m.group("verb"), group, kind))
        return found

    def clean_metric(self, text: str) -> str:
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

    def builds_a_facility(self, text: str, st: _Statement, number_start: int) -> bool:
        """新建三个助浴点: a building verb right before the number, outside quotes, counting a facility."""
        verb = st.action
        if verb is None or verb.group not in self.facility_verb_groups or verb.end != number_start:
            return False
        sentence = text[_back(text, number_start, self.hard, reach=_SENTENCE_REACH):number_start]
        opened = sum(sentence.count(c) for c in self.open_quotes - self.close_quotes)
        closed = sum(sentence.count(c) for c in self.close_quotes - self.open_quotes)
        return opened == closed and st.metric.endswith(self.facility_heads)

    def names_beneficiary(self, metric: str, unit: str) -> bool:
        """老年人家庭 / 独居老人家庭: who receives a service, not what is counted."""
        return metric in self.beneficiaries or (
            metric.endswith(self.beneficiaries_tuple) and self.catalogue.match(metric, unit) == UNMAPPED)

    def trailing_modifiers(self, text: str) -> tuple[str, list[str]]:
        """Split modifier words standing right before the number (不少于, 约, 力争) off `text`."""
        kinds = []
        text = text.rstrip()
        m = self.before_mod_re.search(text)
        while m:
            kinds.append(self.before_mod[m.group()])
            text = text[:m.start()].rstrip()
            m = self.before_mod_re.search(text)
        return text, kinds


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    return Grammar(load_vocab("targets"))


# -- boundaries -------------------------------------------------------------------

# A clause or sentence is looked for at most this far from a number: plan clauses are under a
# hundred characters and sentences a few hundred, and text without punctuation (a PDF's lost
# line ends, a flattened table) must not make every number scan, and look for verbs, back to
# the start of the text (quadratic time).
_CLAUSE_REACH = 200
_SENTENCE_REACH = 600


@lru_cache(maxsize=32)
def _stop_positions(text: str, stops: frozenset) -> list[int]:
    """Where the chars of `stops` are in `text`, in order (once per text and set of stops)."""
    return [m.start() for m in _stops_re(stops).finditer(text)]


@cache
def _stops_re(stops: frozenset) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(stops)) + "]")


def _back(text: str, pos: int, stops: frozenset, limit: int = 0, reach: int = _CLAUSE_REACH) -> int:
    """Index just after the last char in `stops` before `pos` (not before `limit`, nor more than
    `reach` chars back)."""
    if pos <= limit:
        return pos
    limit = max(limit, pos - reach)
    positions = _stop_positions(text, stops)
    k = bisect.bisect_left(positions, pos) - 1
    return positions[k] + 1 if k >= 0 and positions[k] >= limit else max(limit, 0)


def _forward(text: str, pos: int, stops: frozenset, reach: int = _CLAUSE_REACH) -> int:
    """Index of the first char in `stops` at or after `pos` (or the text's end, or `reach` chars on)."""
    positions = _stop_positions(text, stops)
    k = bisect.bisect_left(positions, pos)
    end = min(len(text), pos + reach)
    return min(positions[k], end) if k < len(positions) else end


def _sentence(g: Grammar, text: str, start: int, end: int) -> str:
    """The sentence around text[start:end]: the context for contextual synonyms."""
    return text[_back(text, start, g.hard, reach=_SENTENCE_REACH):_forward(text, end, g.hard, reach=_SENTENCE_REACH)]


def _after_phrase(g: Grammar, text: str, start: int) -> str:
    """Text after the unit up to a separator, a digit, or a quote or bracket closed
    outside it; an aside in brackets right after the unit is no metric."""
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


def _cut_at_predicate(g: Grammar, phrase: str) -> str:
    """A metric written after the unit ends where a predicate begins (及时, 并, 进行 …)."""
    for m in g.stop_after_re.finditer(phrase):
        if m.group("stop"):
            return phrase[:m.start()]
    return phrase


# -- one statement ------------------------------------------------------------------

@dataclass
class _Statement:
    """One NUMBER UNIT of the text read as a target (before document-level merging)."""
    value: float
    value_max: float | None
    value_min: float | None
    unit: str
    metric: str
    metric_span: tuple[int, int]
    action: _Verb | None
    modifiers: list[str]
    span: tuple[int, int]
    written: str
    chinese: bool
    counted: str | None = None
    as_of_year: int | None = None         # the year a statement is dated (a range's last year)
    from_year: int | None = None          # a range's first year (2025—2027年，…)
    each: list[str] | None = None
    cumulative: bool = False
    at: int = -1                          # where the number starts
    # Kept only when its metric is a catalogued indicator (a verbless table row, an item after
    # a comma that borrows the verb of the clause before).
    needs_catalogue: bool = False
    # The target stated just before that a 其中 clause is a part of (never the same indicator).
    part_of: _Statement | None = None
    together: bool = False                # 新增A及B共20个: several things counted as one


def _read_quantity(g: Grammar, m: re.Match) -> tuple[float, float | None, str, list[str], str | None, bool] | None:
    """value, lower bound of a range, unit, modifiers, counted noun, written in Chinese."""
    mods: list[str] = []
    if m.group("pct") is not None:
        # 百分之百: 百 alone is no numeral to numbers.parse_number (百户 is a word, not 100 户).
        value = 100.0 if m.group("pct") == "百" else numbers.parse_number(m.group("pct"))
        unit, counted, lo, chinese = "%", None, None, numbers.is_chinese_numeral(m.group("pct"))
    else:
        unit, counted = m.group("unit"), None
        if unit in g.counted_nouns:
            counted, unit = unit, g.counted_nouns[unit]
        chinese = numbers.is_chinese_numeral(m.group("lo"))
        if m.group("hi"):
            rng = numbers.parse_range(m.group("lo"), m.group("hi"))
            if rng is None:
                return None
            lo, value = rng
        else:
            lo, value = None, numbers.parse_number(m.group("lo"))
        if m.group("more"):
            mods.append(g.after_number[m.group("more")])
    if value is None:
        return None
    if m.group("mod"):
        mods.append(g.after_unit[m.group("mod")])
    return value, lo, unit, mods, counted, chinese


def _subject_before(g: Grammar, text: str, start: int, verb: _Verb) -> tuple[str, int]:
    """The noun phrase before `verb` in text[start:verb.start], after any earlier verb (a bare rate
    such as 覆盖率 takes in the verb phrase before it: 困难群众救助覆盖率)."""
    verbs = g.verbs_in(text[start:verb.start], start)
    s = verbs[-1].end if verbs else start
    if verbs and verb.kind == "level" and g.clean_metric(text[s:verb.start]) in g.bare_level_nouns:
        s = verbs[-2].end if len(verbs) > 1 else start
    return text[s:verb.start], s


def _same_class(g: Grammar, a: str, b: str) -> bool:
    return g.unit_class.get(a, a) == g.unit_class.get(b, b)


def _in_previous_clause(g: Grammar, text: str, st: _Statement | None, seg_start: int, sent_start: int) -> bool:
    """`st` was stated in the clause just before the one starting at `seg_start` (same sentence)."""
    if st is None or seg_start <= sent_start:
        return False
    return _back(text, seg_start - 1, g.clause, sent_start) <= st.at < seg_start


def _another_value_follows(g: Grammar, text: str, end: int) -> bool:
    """The table cell ending at `end` is followed by another cell holding a number: | 30家 | 35家 |
    (this year's value and last year's, or two years' targets) — which one is the target the row
    alone does not say."""
    cell_end = _forward(text, end, g.hard, reach=_SENTENCE_REACH)
    return text[cell_end:cell_end + 1] == "|" and bool(g.number_cell.match(text, cell_end))


def _inherited_metric(g: Grammar, text: str, seg_start: int, sent_start: int, unit: str,
                      prev: _Statement | None) -> tuple[str, int] | None:
    """推进家庭照护床位建设，全年新增100张 / 新增认知障碍照护床位1000张，累计达到5000张: a clause
    that is only VERB NUMBER UNIT counts what the clause before it names: the target stated
    there in a unit of the same class, or else the object of its verb, if that is a catalogued
    indicator counted in this unit (an uncatalogued object is too often not what is counted)."""
    if seg_start <= sent_start or text[seg_start - 1] in g.label_ends:
        return None
    if _in_previous_clause(g, text, prev, seg_start, sent_start) and prev.metric and _same_class(g, prev.unit, unit):
        return prev.metric, prev.metric_span[0]
    start = _back(text, seg_start - 1, g.clause, sent_start)
    end = seg_start - 1
    digit = re.search(r"\d", text[start:end])
    if digit:
        end = start + digit.start()               # 已累计建成社区长者食堂50家 → up to the number
    verbs = g.verbs_in(text[start:end], start)
    obj_start = next((v.end for v in reversed(verbs) if g.clean_metric(text[v.end:end])), start)
    raw = text[obj_start:end]
    obj = g.clean_metric(raw)
    if not _CJK.search(obj) or g.catalogue.match(obj, unit, _sentence(g, text, start, end)) == UNMAPPED:
        return None
    return obj, obj_start + max(raw.find(obj), 0)


def _statement(g: Grammar, text: str, m: re.Match, prev_end: int, prev: _Statement | None = None) -> list[_Statement]:
    qs, qe = m.start(), m.end()
    read = _read_quantity(g, m)
    if read is None:
        return []
    value, lo, unit, mods, counted, chinese = read

    # Not targets, judged from the number's immediate surroundings.
    if text[max(0, qs - 1):qs] in g.ordinal:
        return []
    if text.endswith(g.rank, 0, qs) and not text.endswith(g.rank_blockers, 0, qs):
        return []                                # 排名前3: a rank
    if m.group("unit") and text.startswith(g.unit_words, m.start("unit")):
        return []                                # 3单位: 单 starts a word here
    if unit == "个" and text.startswith(g.time_nouns, qe):
        return []
    seg_start = _back(text, qs, g.clause)
    sent_start = _back(text, qs, g.hard, reach=_SENTENCE_REACH)
    # 其中，护理型床位200张: a marker standing as a clause of its own opens the clause after it.
    opens = seg_start
    if seg_start > sent_start:
        marker_start = _back(text, seg_start - 1, g.clause, sent_start)
        if text[marker_start:seg_start - 1].strip() in g.continuation:
            opens = marker_start
    # 、 separates items each with its own number (新增2个A、2家B); before the first
    # number of the clause it lists things counted together (新增A、B共10个).
    item_start = seg_start
    if seg_start < prev_end <= qs:
        item_start = max(prev_end, _back(text, qs, g.item, prev_end))
    if _in_quoted_model_name(g, text, sent_start, qs):
        return []                                # “1个中心+N个站点”: a model's name
    opened = max(text.rfind(o, item_start, qs) for o in g.open_brackets)
    if opened >= 0 and not any(text.find(c, opened, qs) >= 0 for c in g.close_brackets):
        item_start = opened + 1                  # inside （其中护理型床位不低于60%）
    before_num = text[item_start:qs]
    if before_num.endswith(g.preceded_by):
        return []
    if g.unit_class.get(unit) == "events" and g.frequency_re.search(text, max(seg_start, qs - 6), qs):
        return []                                # 每月开展2次: how often, not how much
    seg_before = text[seg_start:qs]
    if g.achieved_re.search(seg_before):
        return []
    if g.per_unit_re.search(seg_before):
        return []                                # 每个居民区配备5至9名: a standard per unit
    looks_back = g.achieved_lead_re.search(text, sent_start, min(qs, _forward(text, sent_start, g.clause)))
    as_of = g.leading_year_re.match(text, looks_back.end()) if looks_back else None
    if looks_back and not as_of:
        return []                                # 截至目前，全区建成…: the sentence looks back
    if g.opener_re.match(text, sent_start) or g.multi_year_re.search(text, sent_start, qs):
        return []                                # 去年，… / “十四五”期间，…: not this year
    clause_end = _forward(text, qe, g.clause)
    if g.baseline_re.search(text, qe, clause_end):
        return []                                # 在新增500张养老床位的基础上: the base
    if g.achieved_after_re.search(g.titles_re.sub("", text[qe:clause_end])):
        return []                                # …500张的任务已全面完成: done (an aside in brackets,
                                                 # （已列入实事项目）, says nothing of that)
    column = _table_column(g, text, qs)
    if column is not None and column.skip:
        return []                                # | 合计 | … / | 2024年完成 |: not a target
    if (column is None or column.last_year is None) and text[seg_start - 1:seg_start] == "|" \
            and _another_value_follows(g, text, qe):
        return []                                # | 新增养老床位 | 520张 | 600张 |: which one is the target?
    raw_after = _after_phrase(g, text, qe)
    after = _cut_at_predicate(g, raw_after)
    if after.startswith(g.not_counted):
        return []

    core_before, before_kinds = g.trailing_modifiers(before_num)
    mods += before_kinds
    if g.unit_class.get(unit) == "percent" and g.share_re.search(core_before):
        return []                                # 其中女性占52%: a share of a whole, described
    # 不低于30%的福彩公益金用于养老服务: a funding rule (see the metrics below)
    about_money = g.unit_class.get(unit) == "percent" and any(
        w.group("money") for w in g.money_re.finditer(text, seg_start, clause_end))
    together = core_before.endswith(g.together_markers)
    if g.aspirational_re.search(text, sent_start, qs):   # 力争 scopes over its sentence
        mods.append("aspirational")

    # -- the metric ---------------------------------------------------------------
    bare_before = core_before.rstrip("".join(g.quote_chars))
    action: _Verb | None = None
    metric, mstart = "", qe
    metric_end: int | None = None                # set when the metric borrows words from elsewhere
    each: list[tuple[str, int]] | None = None
    after_clean = g.clean_metric(after.lstrip("的"))
    if g.full_coverage_re.fullmatch(after_clean):
        # 实现精神障碍社区康复服务100%全覆盖: 全覆盖 restates the number; the metric is before it.
        after_clean = ""
        mods.append("full_coverage")

    lead = qs                                     # where the statement starts, before the number
    benefactive = g.benefactive_re.search(bare_before)
    if benefactive and raw_after:
        lead = item_start + benefactive.start()
        # 为200名老年人提供家庭照护床位服务: the service is what is counted.
        sv = g.service_re.search(raw_after)
        if sv:
            obj = g.clean_metric(_cut_at_predicate(g, raw_after[sv.end():]))
            whole = g.clean_metric(raw_after)
            if g.catalogue.match(obj, unit) == UNMAPPED:
                recipient = g.clean_metric(raw_after[:sv.start()])
                # 为200名困境儿童提供关爱服务: an uncatalogued service given to a named group counts both,
                # so the metric keeps the group too; 老年人 alone is who receives, not what is counted.
                if g.catalogue.match(whole, unit) != UNMAPPED or (recipient and not g.names_beneficiary(recipient, unit)):
                    obj = whole
            metric, mstart = obj, qe + max(raw_after.find(obj), 0)
            group, kind = g.verbs.get(sv.group(), ("提供", "increment"))
            action = _Verb(qe + sv.start(), qe + sv.end(), sv.group(), group, kind)
        else:
            metric, mstart = after_clean, qe + max(after.find(after_clean), 0)
    elif after_clean and counted is None and not g.names_beneficiary(after_clean, unit):
        metric, mstart = after_clean, qe + max(after.find(after_clean), 0)

    if not metric:
        core_end = item_start + len(core_before)
        verbs = g.verbs_in(core_before, item_start)
        tail = verbs[-1] if verbs and verbs[-1].end == core_end else None
        pre, _ = g.trailing_modifiers(text[item_start:tail.start if tail else core_end])
        if pre.endswith("各"):
            # 养老护理员、社区工作者各培训2000名: one target per listed item.
            each = _distributed_items(g, text, seg_start, item_start + len(pre) - 1)
            action = tail
        elif tail is not None and len(verbs) > 1 and tail.kind == "increment" and tail.group not in g.object_verbs \
                and text[verbs[-2].end:tail.start].strip():
            # 完成养老机构消防安全达标改造12家: 改造 heads the noun phrase counted.
            action = verbs[-2]
            metric, mstart = text[action.end:core_end], action.end
        elif tail is not None:
            # 护理员持证率达到80% / “一键通”服务新增覆盖10万老年人: the subject is the metric.
            action = tail
            metric, mstart = _subject_before(g, text, item_start, tail)
            change = g.change_from_re.search(text, seg_start, item_start)
            if not g.clean_metric(metric) and change and item_start == prev_end:
                # 护理员持证率由85%提高到90%: the level before 由 is no target (preceded_by), the
                # subject of the change is named before it.
                metric, mstart = text[seg_start:change.start()], seg_start
            if g.unit_class.get(unit) == "person_times" and tail.group in g.activity_verbs and g.clean_metric(metric):
                # 养老机构从业人员培训3000人次: 人次 counts the training, not the trainees.
                metric = text[mstart:tail.end]
        elif verbs:
            action = verbs[-1]
            metric, mstart = text[action.end:core_end], action.end
            if g.names_beneficiary(g.clean_metric(metric), unit):
                # 智能水表安全监测服务覆盖老年人家庭600户: the service, not the households.
                metric, mstart = _subject_before(g, text, item_start, action)
            elif g.clean_metric(metric) in g.bare_level_nouns:
                # 社区救助顾问配备率100%: the verb is part of the rate's name, with what it measures.
                subject, mstart = _subject_before(g, text, item_start, action)
                metric = subject + text[action.start:core_end]
        else:
            metric, mstart = core_before, item_start
        if not g.clean_metric(metric) and text[seg_start - 1:seg_start] in g.label_ends:
            # | 新增养老床位 | 600张 | / 养老床位：新增600张: the metric is in the cell or label before.
            metric, mstart, verb = _label_before(g, text, seg_start - 1)
            action = action or verb
        cleaned = g.clean_metric(metric)
        mstart += max(metric.find(cleaned), 0)
        metric = cleaned
        if metric in g.bare_adverbs:
            metric = ""                          # 今年再新增5家: 再 names nothing
        if metric in g.bare_level_nouns and each is None:
            # 新增养老床位1000张，其中护理型床位600张，占比60%: a bare share is one of the thing the
            # clause before counts; with no such target (全区现有床位8000张，占比60% / 受理业务12万件，
            # 办结率100%) it measures nothing the plan sets.
            if not (_in_previous_clause(g, text, prev, opens, sent_start) and prev.metric
                    and g.unit_class.get(prev.unit) not in ("percent", "points")):
                return []
            metric_end = mstart + len(metric)
            metric = prev.metric + metric
        if not metric and each is None and action is not None:
            if (item_start > seg_start and text[item_start - 1] in g.item and prev is not None and prev.metric
                    and seg_start <= prev.at < item_start and _same_class(g, prev.unit, unit)):
                # 新增床位500张、改造300张: an item that is only VERB NUMBER UNIT counts the item before it.
                metric, mstart = prev.metric, prev.metric_span[0]
            else:
                inherited = _inherited_metric(g, text, opens, sent_start, unit, prev)
                if inherited:
                    metric, mstart = inherited

    # 新增养老床位1000张，其中护理型床位600张: a part of the target stated just before.
    part_of = None
    continues = text.startswith(g.continuation, opens) or text.startswith(g.continuation, item_start)
    bracketed = item_start > seg_start and text[item_start - 1] in g.open_brackets
    whole_before = _in_previous_clause(g, text, prev, opens, sent_start) or (
        bracketed and prev is not None and seg_start <= prev.at < item_start)   # A 10家（其中B 3家）
    if continues and metric and whole_before and _same_class(g, prev.unit, unit):
        part_of = prev
        if prev.metric not in metric and metric[-1] != prev.metric[-1:] and g.catalogue.match(metric, unit) == UNMAPPED:
            # 培训养老护理员500名，其中中级及以上技能等级150名 / 新建社区长者食堂10家（其中农村地区3家）:
            # a part that names only how it differs takes the words of the whole, once
            # (困难老年人家庭 + 老年人家庭适老化改造 → 困难老年人家庭适老化改造).
            shared = next((k for k in range(min(len(metric), len(prev.metric)), 0, -1)
                           if metric.endswith(prev.metric[:k])), 0)
            metric += prev.metric[shared:]

    # The verb governing an enumeration item or a metric after the unit.
    if action is None:
        verb_start = seg_start
        if text.startswith(g.continuation, opens) and opens > sent_start:
            verb_start = _back(text, opens - 1, g.clause, sent_start)
        verbs = g.verbs_in(text[verb_start:qs], verb_start)
        if verbs:
            action = verbs[-1]
    needs_catalogue = False
    cumulative = bool(g.cumulative_re.search(text, seg_start, qs))
    if action is None:
        bounded = bool(set(mods) & {"at_least", "at_most"})
        in_cell = text[seg_start - 1:seg_start] == "|" and not text[qe:_forward(text, qe, g.hard, reach=_SENTENCE_REACH)].strip()
        percent = g.unit_class.get(unit) == "percent"
        # 低保审核审批按时办结率100%: a rate named right before its percentage states its level.
        rate = percent and mstart < qs and each is None and metric.endswith(g.rate_nouns)
        if percent and any(f.group("frame") for f in g.among_re.finditer(text, sent_start, seg_start)):
            return []                            # 全区社会组织中，社会服务类占比45%: a composition
        if percent and (bounded or rate) and not _another_value_follows(g, text, qe):
            pass                                 # a named or bounded rate states a target by itself
                                                 # (| 持证率 | 85% | 90% | does not say which one)
        elif _in_previous_clause(g, text, prev, seg_start, sent_start) and prev.action is not None \
                and not _CJK.search(text[prev.span[1]:seg_start - 1]):
            # 新增认知障碍照护床位100张，家庭照护床位200张 / 新增养老床位500张，社区长者食堂5家:
            # an enumeration continued after a comma, of catalogued things.
            action, cumulative, needs_catalogue = prev.action, prev.cumulative, True
        elif (in_cell or percent or g.required_bound_re.search(text, max(item_start, qs - 8), qs)) \
                and not _another_value_follows(g, text, qe):
            # Without a verb, a count (| 养老床位 | 600张 |, 社区长者食堂不少于8家) is a target only
            # for a catalogued indicator. Outside a table the count must be bounded by a requirement
            # (不少于, 至少 …): 全区社区工作者3800余名 / 长者食堂超过200家 describe what there is.
            needs_catalogue = True
        else:
            return []
        if action is None and g.achieved_re.search(text, sent_start, qs):
            return []                            # 全区现有养老机构50家，护理型床位占比60%: a state
    if action is not None and text.startswith(g.perfective, action.end):
        return []                                # 建成了10家: done, not planned

    metrics = each if each is not None else [(metric, mstart)]
    out = []
    # 2024年，… / 截至2024年底，…: stated as of a year, which may be before the plan's (extract_targets).
    year = as_of or _clause_year(g, text, sent_start, seg_start)
    first_year, last_year = _years(year)
    if year is None:
        # 圆满完成2024年度新增养老床位500张的目标任务: a year in the clause before the number dates it
        # too (not one inside a title or brackets: 落实《…（2024—2027年）》).
        dated = g.clause_year_re.search(g.titles_re.sub(lambda t: _MASK * len(t.group()), seg_before))
        if dated:
            first_year = last_year = int(dated.group(1))
    if column is not None and column.last_year:  # | 2025年目标 |: the column's year
        first_year, last_year = column.first_year, column.last_year
    percent = g.unit_class.get(unit) == "percent"
    for metric, mstart in metrics:
        if not _CJK.search(metric) or metric in g.label_nouns or g.statistic_re.search(metric):
            continue
        if percent and g.age_share_re.search(metric):
            continue                             # 60岁及以上老年人占比: a demographic statistic
        if about_money and not (metric.endswith("率") and not metric.endswith(g.money_rates)):
            continue                             # a funding or pricing rule, unless a rate is named:
                                                 # 养老服务补贴申请按时办结率100% is a target
        mend = metric_end if metric_end is not None and each is None else mstart + len(metric)
        # Evidence: this item's verb (if inside the item), metric and number.
        start = min(qs, mstart, lead, action.start if action and action.start >= item_start else qs)
        start, end = _balance_quotes(g, text, start, max(qe, mend))
        out.append(_Statement(
            value=value, value_max=value if lo is not None else None, value_min=lo,
            unit=unit, metric=metric, metric_span=(mstart, mend), action=action,
            modifiers=mods, span=(start, end), written=m.group(0), chinese=chinese,
            counted=counted, as_of_year=last_year, from_year=first_year, cumulative=cumulative,
            each=[x for x, _ in each] if each else None, at=qs, needs_catalogue=needs_catalogue,
            part_of=part_of, together=together))
    return out


def _clause_year(g: Grammar, text: str, sent_start: int, seg_start: int) -> re.Match | None:
    """The year heading the nearest clause of the sentence up to the number's (2024年，… / 坚持…，
    到2030年，基本建成…，养老床位达到1.6万张 / 2024年新增500张，2025年新增600张)."""
    stops = _stop_positions(text, g.clause)
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
    return None


def _years(m: re.Match | None) -> tuple[int | None, int | None]:
    """First and last year of a leading_year_re match (2024年 → 2024, 2024; 2025—2027年 → 2025, 2027)."""
    if m is None:
        return None, None
    first = int(m.group(1))
    return first, int(m.group(2)) if m.group(2) else first


def _in_quoted_model_name(g: Grammar, text: str, sent_start: int, pos: int) -> bool:
    """`pos` lies inside quotes whose text joins parts with + (“1个中心+N个站点”, “1+3+N”) or that
    a name's head noun follows (“1个社区1名社工”模式)."""
    opened = max(text.rfind(q, sent_start, pos) for q in g.open_quotes - g.close_quotes)
    if opened < 0 or opened < max(text.rfind(q, sent_start, pos) for q in g.close_quotes - g.open_quotes):
        return False
    close = _forward(text, pos, g.quote_ends)
    return any(j in text[opened + 1:close] for j in g.name_joiners) or (
        text[close:close + 1] in g.close_quotes and text.startswith(g.name_heads, close + 1))


_NEWLINE = frozenset("\n")


@dataclass(frozen=True)
class _Column:
    skip: bool                       # a total row, or a column of what was done or there is
    first_year: int | None = None    # the years the column's header names
    last_year: int | None = None


@lru_cache(maxsize=8)
def _table_headers(text: str) -> dict[int, tuple[int, int]]:
    """The start of every table line (a line holding |) → (start, end) of the first line of its table."""
    out: dict[int, tuple[int, int]] = {}
    header = None
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if "|" in line:
            header = header or (start, end)
            out[start] = header
        else:
            header = None
        start = end + 1
    return out


def _cells_before(line: str, offset: int) -> tuple[list[str], int]:
    """The cells of a table line before `offset`, and the index of the cell holding it."""
    head = line[:offset]
    lead = 1 if line.lstrip().startswith("|") else 0
    cells = head.split("|")[lead:]
    return [c.strip() for c in cells[:-1]], len(cells) - 1


def _table_column(g: Grammar, text: str, pos: int) -> _Column | None:
    """What the table around `pos` says of the number there: a row of totals (| 合计 | … |) sums the
    rows that state the targets; a header over the number's column (| 2024年完成 | 2025年目标 |)
    says whether it was done (or there is) or which year it is for. None outside tables."""
    line_start = _back(text, pos, _NEWLINE, reach=len(text))
    header = _table_headers(text).get(line_start)
    if header is None:
        return None
    line = text[line_start:_forward(text, pos, _NEWLINE, reach=len(text))]
    before, index = _cells_before(line, pos - line_start)
    if any(c in g.total_rows for c in before):
        return _Column(skip=True)
    if header[0] == line_start:
        return None                              # the number is in the header row itself
    head_line = text[header[0]:header[1]]
    lead = 1 if head_line.lstrip().startswith("|") else 0
    head_cells = head_line.split("|")[lead:]
    if index >= len(head_cells):
        return None
    cell = head_cells[index].strip()
    if g.review_column_re.search(cell) and not g.review_column_blockers_re.search(cell):
        return _Column(skip=True)
    years = [int(y) for y in g.year_word_re.findall(cell)]
    return _Column(skip=False, first_year=min(years), last_year=max(years)) if years else None


def _label_before(g: Grammar, text: str, end: int) -> tuple[str, int, _Verb | None]:
    """The table cell or label ending at `end`, after its last verb: (metric, start, verb)."""
    start = _back(text, end, g.clause)
    verbs = g.verbs_in(text[start:end], start)
    mstart = verbs[-1].end if verbs else start
    return text[mstart:end], mstart, verbs[-1] if verbs else None


def _table_cells(g: Grammar, text: str) -> list[_Statement]:
    """A number alone in a table cell, its unit in a cell of its own or in brackets
    after the metric: | 新增养老床位（张） | 600 | or | 养老床位 | 张 | 600 |."""
    out = []
    for m in g.bare_cell.finditer(text):
        lo_text, hi_text = m.group("lo"), m.group("hi")
        if hi_text:
            rng = numbers.parse_range(lo_text, hi_text)
            if rng is None:
                continue
            lo, value = rng
        else:
            lo, value = None, numbers.parse_number(lo_text)
        if value is None or numbers.is_chinese_numeral(lo_text):
            continue
        if _another_value_follows(g, text, m.end()):
            continue
        column = _table_column(g, text, m.start("lo"))
        if column is not None and column.skip:
            continue                             # | 合计 | … / | 2024年完成 |: not a target
        cell_end = m.start()                     # the | before the number
        cell_start = _back(text, cell_end, g.hard, reach=_SENTENCE_REACH)
        cell = text[cell_start:cell_end].strip()
        unit = None
        if cell in g.unit_class:                 # | 养老床位 | 张 | 600 |
            if text[cell_start - 1:cell_start] != "|":
                continue
            unit, cell_end = cell, cell_start - 1
        else:                                    # | 新增养老床位（张） | 600 |
            bracketed = g.unit_in_brackets.search(text, cell_start, cell_end)
            if bracketed:
                unit, cell_end = bracketed.group("unit"), bracketed.start()
        if unit is None:
            continue
        metric, mstart, verb = _label_before(g, text, cell_end)
        cleaned = g.clean_metric(metric)
        if not _CJK.search(cleaned):
            continue
        mstart += max(metric.find(cleaned), 0)
        span_start = verb.start if verb else mstart
        out.append(_Statement(
            value=value, value_max=value if lo is not None else None, value_min=lo, unit=unit,
            metric=cleaned, metric_span=(mstart, mstart + len(cleaned)), action=verb, modifiers=[],
            span=(span_start, m.end("hi") if hi_text else m.end("lo")), written=m.group().strip("| \t"),
            chinese=False, as_of_year=column.last_year if column else None,
            from_year=column.first_year if column else None))
    return out


def _balance_quotes(g: Grammar, text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span by the quote it opens or closes without its partner (“养老院+互联网医院”)."""
    inner = text[start:end]
    opens = sum(inner.count(q) for q in g.open_quotes if q not in g.close_quotes)
    closes = sum(inner.count(q) for q in g.close_quotes if q not in g.open_quotes)
    if opens > closes and end < len(text) and text[end] in g.close_quotes:
        end += 1
    elif closes > opens and start > 0 and text[start - 1] in g.open_quotes:
        start -= 1
    return start, end


def _distributed_items(g: Grammar, text: str, seg_start: int, end: int) -> list[tuple[str, int]]:
    """培训养老护理员、社区工作者各2000名 → the listed items (with their starts): the
    enumeration between the clause's verbs (or a leading 为/对) and 各."""
    verbs = g.verbs_in(text[seg_start:end], seg_start)
    stop = verbs[-1].start if verbs and verbs[-1].end == end else end      # 养老护理员、社区工作者培训各
    lead = [v for v in verbs if v.end <= stop and v.start < stop]            # 培训养老护理员、社区工作者各
    start = lead[-1].end if lead else seg_start
    start += len(next((b for b in g.benefactive if text.startswith(b, start)), ""))
    items = []
    pos = start
    for part in re.split(r"([、和及与])", text[start:stop]):
        if part and part not in "、和及与":
            cleaned = g.clean_metric(part)
            if cleaned:
                items.append((cleaned, pos + part.find(cleaned)))
        pos += len(part)
    return items


def _full_coverage(g: Grammar, text: str) -> list[tuple[_Statement, str]]:
    """实现精神障碍社区康复服务街镇全覆盖 → 100% of a catalogued coverage indicator."""
    out = []
    percent = tuple(u for u, c in g.unit_class.items() if c == "percent")
    for m in g.full_coverage_re.finditer(text):
        if text[max(0, m.start() - 4):m.start()].rstrip().endswith(percent):
            continue                             # 100%全覆盖: the number is read by the grammar
        seg_start = _back(text, m.start(), g.item)
        verbs = g.verbs_in(text[seg_start:m.start()], seg_start)
        if not verbs:
            continue
        action = verbs[-1]
        np = g.clean_metric(text[action.end:m.start()])
        if not np:
            continue
        name = g.catalogue.match(np, "%", _sentence(g, text, m.start(), m.end()))
        if name == UNMAPPED:
            continue
        mstart = text.index(np, action.end)
        out.append((_Statement(
            value=100.0, value_max=None, value_min=None, unit="%", metric=np + m.group(),
            metric_span=(mstart, m.end()), action=action, modifiers=["full_coverage"],
            span=(action.start, m.end()), written=m.group(), chinese=False), name))
    return out


def find_statements(text: str) -> list[tuple[_Statement, str]]:
    """Every target statement of a normalised text, with its indicator, in text order."""
    g = grammar()
    out: list[tuple[_Statement, str]] = []
    prev_end = 0
    prev: tuple[_Statement, str] | None = None
    for m in g.quantity.finditer(text):
        stmts = _statement(g, text, m, prev_end, prev[0] if prev else None)
        prev_end = m.end()
        for st in stmts:
            context = _sentence(g, text, m.start(), m.end())
            # 新增社区长者食堂、助餐点共10个 / 长者食堂及助餐点共10个 counts several things
            # together: no one indicator (及以上 joins nothing).
            words = st.metric
            for w in sorted(g.after_unit, key=len, reverse=True):
                words = words.replace(w, "")
            joined = "、" in st.metric or (st.together and any(j in words for j in g.joiners))
            name = UNMAPPED if joined else g.catalogue.match(st.metric, st.unit, context)
            if st.part_of is not None and prev and st.part_of is prev[0] and name == prev[1]:
                name = UNMAPPED                  # a part of a catalogued target is a subtype of it, not it
            if st.needs_catalogue and name == UNMAPPED:
                continue
            # A count in Chinese numerals below 100 is a target only for a catalogued thing or a
            # facility being built: 四个体系 两张清单 三支队伍 六件事 label enumerations.
            if st.chinese and st.value < 100 and name == UNMAPPED and not g.builds_a_facility(text, st, m.start()):
                continue
            out.append((st, name))
            prev = (st, name)
    for st in _table_cells(g, text):
        name = g.catalogue.match(st.metric, st.unit, _sentence(g, text, *st.span))
        if st.action is not None or name != UNMAPPED:   # a table of what is planned, or of known things
            out.append((st, name))
    out += _full_coverage(g, text)
    out.sort(key=lambda pair: pair[0].span)
    return out


# -- TargetMention ------------------------------------------------------------------

def _kind(g: Grammar, st: _Statement) -> str:
    if g.unit_class.get(st.unit) in ("percent", "points"):
        return "ratio"
    if st.cumulative:
        return "cumulative"
    if st.action is not None and st.action.kind == "level":
        return "level"
    return "increment"


def _modifier(g: Grammar, mods: list[str]) -> str | None:
    for kind in g.modifier_priority:
        if kind in mods:
            return kind
    return None


def _mention(g: Grammar, st: _Statement, indicator: str) -> TargetMention:
    props = {
        "written": st.written,
        "metric_span": list(st.metric_span),
        "unit_class": g.unit_class.get(st.unit, st.unit),
        "theme": g.catalogue.theme(indicator),
        "modifiers": sorted(set(st.modifiers)),
        "evidence": [list(st.span)],
    }
    if st.value_min is not None:
        props["range"] = [st.value_min, st.value]
    if st.action is not None:
        props["action_group"] = st.action.group
    if st.counted:
        props["counted"] = st.counted
    if st.each:
        props["each"] = st.each
    if st.as_of_year:
        props["as_of_year"] = st.as_of_year
    if st.from_year and st.from_year != st.as_of_year:
        props["from_year"] = st.from_year
    if "at_least" in st.modifiers:
        props["comparator"] = ">="
    elif "at_most" in st.modifiers:
        props["comparator"] = "<="
    return TargetMention(
        task=None, value=st.value, value_max=st.value_max, unit=st.unit, metric=st.metric,
        indicator=indicator, action=st.action.written if st.action else None, kind=_kind(g, st),
        modifier=_modifier(g, st.modifiers), span=st.span, props=props)


def find_targets(text: str) -> list[TargetMention]:
    """One TargetMention per statement in `text` (not merged; task=None)."""
    g = grammar()
    return [_mention(g, st, name) for st, name in find_statements(text)]


def consolidate(mentions: list[TargetMention]) -> list[TargetMention]:
    """One target per distinct target: repeats add evidence; different values of one
    indicator stated with the same action are all kept and flagged `conflict`."""
    merged: dict[tuple, TargetMention] = {}
    for t in mentions:
        thing = t.indicator if t.indicator != UNMAPPED else normalise_metric(t.metric)
        key = (thing, t.value, t.value_max, t.props.get("unit_class"), t.kind)
        if key in merged:
            kept = merged[key]
            kept.props["evidence"].append(list(t.span))
            if t.metric != kept.metric:
                kept.props.setdefault("also_written", [])
                if t.metric not in kept.props["also_written"]:
                    kept.props["also_written"].append(t.metric)
            for mod in t.props.get("modifiers", []):
                if mod not in kept.props["modifiers"]:
                    kept.props["modifiers"].append(mod)
        else:
            merged[key] = t
    out = list(merged.values())
    by_indicator: dict[tuple, list[TargetMention]] = {}
    for t in out:
        if t.indicator != UNMAPPED:
            by_indicator.setdefault((t.indicator, t.props.get("unit_class"), t.props.get("action_group"), t.kind), []).append(t)
    for group in by_indicator.values():
        if len({(t.value, t.value_max) for t in group}) > 1:
            for t in group:
                t.props["conflict"] = True
                t.props["conflicting_values"] = sorted({t2.value for t2 in group})
    return out


def _assign_tasks(targets: list[TargetMention], parsed: ParsedDocument | None) -> None:
    """Each target goes to the smallest task whose span holds its first evidence; a target
    stated in several tasks (body text and key-project table) lists them all in props["tasks"]."""
    tasks = sorted(getattr(parsed, "tasks", None) or [], key=lambda t: t.span[0])
    if not tasks:
        return
    starts = [t.span[0] for t in tasks]

    def task_at(pos: int) -> str | None:
        holding = [t for t in tasks[:bisect.bisect_right(starts, pos)] if t.span[0] <= pos < t.span[1]]
        return min(holding, key=lambda t: t.span[1] - t.span[0]).path if holding else None

    for target in targets:
        paths = [task_at(start) for start, _ in target.props["evidence"]]
        target.task = paths[0]
        if len(set(paths)) > 1:
            target.props["tasks"] = paths


def to_record(t: TargetMention, text: str) -> dict:
    """A target as a reviewable record (the golden files): the fields a reader checks,
    with the evidence as text of the normalised view."""
    rec = {"value": t.value, "unit": t.unit, "metric": t.metric, "indicator": t.indicator,
           "action": t.action, "kind": t.kind, "modifier": t.modifier, "text": text[t.span[0]:t.span[1]]}
    if "range" in t.props:
        rec["range"] = t.props["range"]
    if t.props.get("conflict"):
        rec["conflict"] = True
    if len(t.props["evidence"]) > 1:
        rec["evidence"] = [text[s:e] for s, e in t.props["evidence"]]
    if t.task:
        rec["task"] = t.task
    return rec


# -- spaCy ----------------------------------------------------------------------------

if not Language.has_factory(COMPONENT):
    @Language.component(COMPONENT)
    def targets_component(doc):
        """Sets doc.spans["targets"]: one span per target statement, labelled with its indicator."""
        mentions = find_targets(doc_text(doc))
        spans = []
        for t in mentions:
            span = doc.char_span(t.span[0], t.span[1], label=t.indicator, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        # Plain data, so that the Doc still serialises (DocBin, to_bytes).
        doc.user_data[USER_DATA_KEY] = [asdict(t) for t in mentions]
        return doc


def add_to_pipeline(nlp) -> None:
    grammar()                                  # compile the vocabularies once, up front
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True)


def extract_targets(doc, parsed: ParsedDocument | None) -> list[TargetMention]:
    """The document's distinct targets (see module doc), with tasks assigned.

    Spans are in normalised coordinates. `props` holds: evidence (every [start, end]
    stating the target), metric_span, written (the number as written), unit_class,
    theme, modifiers (all that apply), comparator (>= / <=), range ([low, high]),
    action_group, counted (老年人 in 10万老年人), each (the items 各 distributes over),
    conflict + conflicting_values, also_written (other metrics of a repeat),
    tasks (when the evidence lies in several tasks), as_of_year (from_year for a range of years).
    """
    stored = doc.user_data.get(USER_DATA_KEY)
    if stored is None:                         # Doc made without the component
        mentions = find_targets(doc_text(doc))
    else:
        mentions = [TargetMention(**{**d, "span": tuple(d["span"])}) for d in deepcopy(stored)]
    year = getattr(getattr(parsed, "meta", None), "year", None)
    if year:
        # 2023年新增养老床位600张 in a plan for 2024 looks back; 到2027年，养老床位达到2万张 in a plan
        # for 2025 is a later period's: neither is a target of the plan year. A range of years
        # holding the plan year (2025—2027年，每年新增…) is kept.
        mentions = [t for t in mentions if not _dated_elsewhere(t, year)]
    reviews = _review_spans(parsed, year)
    mentions = [t for t in mentions if not any(s <= t.span[0] < e for s, e in reviews)]
    targets = consolidate(mentions)
    _assign_tasks(targets, parsed)
    return targets


def _dated_elsewhere(t: TargetMention, year: int) -> bool:
    last = t.props.get("as_of_year")
    first = t.props.get("from_year", last)
    return bool(last) and (last < year or first > year)


def _review_spans(parsed: ParsedDocument | None, year: int | None) -> list[tuple[int, int]]:
    """Bodies of the sections whose heading reviews the past (一、2024年工作总结; in a plan for 2025
    also 一、2024年主要工作): what is stated there was done, it is not a target."""
    g = grammar()
    spans = []
    for section in getattr(parsed, "sections", None) or []:
        named = [int(y) for y in g.year_word_re.findall(section.title)]
        if any(w in section.title for w in g.review_headings) or (year and named and max(named) < year):
            spans.append(section.body_span)
    return spans
