"""What a number counts (its metric) and the verb that states it.

`read_metric(q)` reads, for one `Quantity`, in this order:

1. the metric after the unit (新增40家|社区综合为老服务中心|，); after 为/对 + number, the
   object of the service verb (为200名老年人提供|家庭照护床位服务);
2. otherwise the metric before the number, after the clause's last action verb
   (新建|家门口服务站|200个); when the verb stands right before the number, the subject
   before the verb (护理员持证率|达到|80%); 各 distributes one value over the listed items;
   a bare share (占比60%) is one of the thing the clause before counts; a clause that is only
   VERB NUMBER UNIT counts what the clause before names (推进家庭照护床位建设，全年新增100张);
3. whether it is a part (其中…) of the target stated before;
4. the verb governing it, or how a number without one may still state a target.

Examples:
    >>> from policykg.loaders.extract.targets.quantity import quantities
    >>> [(r.metric, r.action.written) for r in map(read_metric, quantities("新建家门口服务站200个。"))]
    [('家门口服务站', '新建')]
    >>> [(r.metric, r.action.written) for r in map(read_metric, quantities("护理员持证率达到80%。"))]
    [('护理员持证率', '达到')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from policykg.loaders.extract.indicators import UNMAPPED
from policykg.loaders.extract.targets.grammar import (
    CJK,
    SENTENCE_REACH,
    Grammar,
    Verb,
    after_phrase,
    back,
    cut_at_predicate,
    forward,
    sentence,
)
from policykg.loaders.extract.targets.model import Statement
from policykg.loaders.extract.targets.quantity import Quantity
from policykg.loaders.extract.targets.tables import another_value_follows, label_before

__all__ = [
    "Reading", "Verbless", "read_metric", "reading_of", "distributed_items", "subject_before", "inherited_metric",
    "heads_a_title_line", "names_an_activity", "names_a_measure", "parallels_the_part_before",
    "opening_verb_of_the_part_before", "respective_item", "sized_thing_after", "takes_part_in_an_activity",
    "is_only_a_closing_verb", "names_only_the_project", "grows_the_amount_before", "names_a_bounded_count",
    "verb_of_the_measured_clause_before",
    "TITLE_REACH", "CLOSING_REACH",
]

_DIGIT = re.compile(r"\d")
TITLE_REACH = 30   # a project title runs at most this far after its number
CLOSING_REACH = 3  # a verb closing a clause stands at most this far before its end (建成|试运转)

# How a number that no verb governs may still state a target: a named or bounded rate
# (持证率85%, 不低于90%), an enumeration continued after a comma that borrows the verb before
# (新增养老床位500张，社区长者食堂5家), or a count of a catalogued thing (| 养老床位 | 600张 |,
# 社区长者食堂不少于8家).
# A project title headed by its count (a line of a project list: 10个滨江生态公园建设) states its
# target without a verb too.
# A bound the sentence strives for (力争…产业投资超过1000亿元) is one too.
# A part after a semicolon opening with the same kind of count as the part before (实施省道提升
#工程3条；农村公路4条) is parallel to it and borrows its verb.
# A measure (总里程6.7公里) of what the clause before undertakes (实施金钟路改造提升工程，) takes its verb.
Verbless = Literal["rate", "continued", "count", "title", "aspired", "parallel", "measured"]


@dataclass
class Reading:
    """What `read_metric` found for one number."""
    metric: str = ""
    start: int = 0                         # where the metric starts
    end: int | None = None                 # where it ends, when it borrows words from elsewhere
    action: Verb | None = None             # the verb stating the target (maybe borrowed)
    each: list[tuple[str, int]] | None = None   # 各: the items one value is distributed over
    lead: int = 0                          # where the statement starts before the number (为…)
    share_of_nothing: bool = False         # a bare share (占比60%) with no target before it to be one of
    part_of: Statement | None = None       # the target a 其中 part belongs to
    stated_verb: Verb | None = None        # the verb found in the text (before borrowing one)
    verbless: Verbless | None = None       # how a number without a verb states a target
    cumulative: bool = False
    needs_catalogue: bool = False

    @property
    def items(self) -> list[tuple[str, int]]:
        """Each metric the number counts, with its start."""
        return self.each if self.each is not None else [(self.metric, self.start)]


def read_metric(q: Quantity) -> Reading:
    """The metric and verb of the number `q` (see the module doc for the steps)."""
    r = _metric_after(q)
    if not r.metric:
        _metric_before(q, r)
        if r.share_of_nothing:
            return r
    _part_of(q, r)
    _governing_verb(q, r)
    return r


@lru_cache(maxsize=1)
def reading_of(q: Quantity) -> Reading:
    """`read_metric(q)`, read once for the rules that look at it and the statements made of it
    (a Quantity hashes by identity; the last one read is kept)."""
    return read_metric(q)


# -- 1. after the number --------------------------------------------------------------

def _metric_after(q: Quantity) -> Reading:
    """新增40家|社区综合为老服务中心 / 为200名老年人提供|家庭照护床位服务."""
    g = q.g
    r = Reading(start=q.end, lead=q.start)
    benefactive = g.benefactive_re.search(q.core_before.rstrip("".join(g.quote_chars)))
    if benefactive and q.raw_after:
        r.lead = q.item_start + benefactive.start()
        if not _service_object(q, r):
            r.metric, r.start = q.after_clean, q.after_start + max(q.after.find(q.after_clean), 0)
    elif q.after_clean and (q.counted is None or heads_a_title_line(q)) and not g.names_beneficiary(q.after_clean, q.unit) \
            and not is_only_a_closing_verb(g, q.after_clean) and not names_only_the_project(q):
        # 20万学生脊柱侧弯筛查项目: a title line headed by a count of people names the service after them
        r.metric, r.start = q.after_clean, q.after_start + max(q.after.find(q.after_clean), 0)
        if takes_part_in_an_activity(q):
            r.metric = g.clean_metric(q.raw_after)
            verb_at = q.after_start + len(q.after)
            r.action = next(iter(g.verbs_in(q.text[verb_at:q.clause_end], verb_at)), None)
    elif not q.raw_after:
        r.metric, r.start = sized_thing_after(q) or ("", r.start)
    return r


def takes_part_in_an_activity(q: Quantity) -> bool:
    """25万名学生参加传统文化研学实践活动 / 100个项目纳入国家用地保障范围: what is counted as it takes
    part in an activity or joins a scheme (参加, 参与, 纳入) is counted for it, not on its own.

    >>> from policykg.loaders.extract.targets.quantity import quantities
    >>> [takes_part_in_an_activity(q) for q in quantities("组织2万名学生参加研学活动，新增5家食堂并开展评估。")]
    [True, False]
    """
    return q.raw_after[len(q.after):].startswith(q.g.participation_verbs)


def sized_thing_after(q: Quantity) -> tuple[str, int] | None:
    """建设1所100张以上床位的养老机构: a count followed straight by another quantity that sizes the
    thing counted (… 的 HEAD) counts that head.

    >>> from policykg.loaders.extract.targets.quantity import quantities
    >>> [sized_thing_after(q) for q in quantities("建设1所100张以上床位的养老机构。")][0]
    ('养老机构', 13)
    >>> [sized_thing_after(q) for q in quantities("建设1所，100张以上床位。")][0] is None
    True
    """
    g, text = q.g, q.text
    size = g.quantity.match(text, q.end)
    if size is None:
        return None
    phrase = after_phrase(g, text, size.end())
    if g.possessive not in phrase:
        return None
    at = phrase.rindex(g.possessive) + len(g.possessive)
    head = g.clean_metric(cut_at_predicate(g, phrase[at:]))
    return (head, size.end() + max(phrase.find(head, at), at)) if head else None


def _service_object(q: Quantity, r: Reading) -> bool:
    """为200名老年人提供家庭照护床位服务: the service is what is counted (False: no service verb)."""
    g, raw_after, unit, base = q.g, q.raw_after, q.unit, q.after_start
    sv = g.service_re.search(raw_after)
    if not sv:
        # 为1万名困境、留守儿童进行心理健康评估干预: the recipients may be a list; the verb ends the clause.
        raw_after, base = q.text[q.end:q.clause_end], q.end
        sv = g.service_re.search(raw_after)
    if not sv or _DIGIT.search(raw_after, 0, sv.start()):
        return False
    obj = g.clean_metric(cut_at_predicate(g, raw_after[sv.end():]))
    whole = g.clean_metric(raw_after)
    if g.catalogue.match(obj, unit) == UNMAPPED:
        recipient = g.clean_metric(raw_after[:sv.start()])
        # 为200名困境儿童提供关爱服务: an uncatalogued service given to a named group counts both,
        # so the metric keeps the group too; 老年人 alone is who receives, not what is counted.
        if g.catalogue.match(whole, unit) != UNMAPPED or (recipient and not g.names_beneficiary(recipient, unit)):
            obj = whole
    r.metric, r.start = obj, base + max(raw_after.find(obj), 0)
    group, kind = g.verbs.get(sv.group(), (g.service_verb_group, "increment"))
    r.action = Verb(base + sv.start(), base + sv.end(), sv.group(), group, kind)
    return True


# -- 2. before the number -------------------------------------------------------------

def _metric_before(q: Quantity, r: Reading) -> None:
    """新建|家门口服务站|200个 / 护理员持证率|达到|80% / 养老护理员、社区工作者各培训2000名."""
    g, text = q.g, q.text
    respective = respective_item(q)
    if respective is not None:
        r.metric, r.start = respective
        return
    _metric_by_verbs(q, r)
    if not g.clean_metric(r.metric) and text[q.seg_start - 1:q.seg_start] in g.label_ends:
        # | 新增养老床位 | 600张 | / 养老床位：新增600张: the metric is in the cell or label before.
        r.metric, r.start, verb = label_before(g, text, q.seg_start - 1)
        r.action = r.action or verb
    cleaned = g.clean_metric(r.metric)
    r.start += max(r.metric.find(cleaned), 0)
    r.metric = cleaned
    if r.metric in g.bare_adverbs:
        r.metric = ""                            # 今年再新增5家: 再 names nothing
    if r.metric in g.bare_level_nouns and r.each is None:
        _share_of_the_whole_before(q, r)
    elif not r.metric and r.each is None and r.action is not None:
        _metric_of_the_item_or_clause_before(q, r)


def _metric_by_verbs(q: Quantity, r: Reading) -> None:
    """The metric before the number, read by where the item's verbs stand."""
    g, text, item_start = q.g, q.text, q.item_start
    core_end = item_start + len(q.core_before)
    verbs = g.verbs_in(q.core_before, item_start)
    tail = verbs[-1] if verbs and verbs[-1].end == core_end else None
    pre, _ = g.trailing_modifiers(text[item_start:tail.start if tail else core_end])
    if pre.endswith(g.distributive):
        # 养老护理员、社区工作者各培训2000名: one target per listed item.
        r.each = distributed_items(g, text, q.seg_start, item_start + len(pre) - 1)
        r.action = tail
    elif tail is not None and len(verbs) > 1 and tail.kind == "increment" and tail.group not in g.object_verbs \
            and text[verbs[-2].end:tail.start].strip():
        # 完成养老机构消防安全达标改造12家: 改造 heads the noun phrase counted.
        r.action = verbs[-2]
        r.metric, r.start = text[r.action.end:core_end], r.action.end
    elif tail is not None:
        _subject_of(q, r, tail)
    elif verbs:
        _object_of(q, r, verbs[-1], core_end)
    else:
        r.metric, r.start = q.core_before, item_start


def _subject_of(q: Quantity, r: Reading, tail: Verb) -> None:
    """护理员持证率达到80% / “一键通”服务新增覆盖10万老年人: the subject is the metric."""
    g, text = q.g, q.text
    r.action = tail
    r.metric, r.start = subject_before(g, text, q.item_start, tail)
    change = g.change_from_re.search(text, q.seg_start, q.item_start)
    if not g.clean_metric(r.metric) and change and q.item_start == q.prev_end:
        # 护理员持证率由85%提高到90%: the level before 由 is no target (preceded_by), the
        # subject of the change is named before it.
        r.metric, r.start = text[q.seg_start:change.start()], q.seg_start
    if g.unit_class.get(q.unit) == "person_times" and tail.group in g.activity_verbs:
        # 养老机构从业人员培训3000人次 / 全年培训40万人次: 人次 counts the training, not the trainees.
        r.metric = text[r.start:tail.end]


def _object_of(q: Quantity, r: Reading, verb: Verb, core_end: int) -> None:
    """新建|家门口服务站|200个: the object of the last verb."""
    g, text = q.g, q.text
    r.action = verb
    r.metric, r.start = text[verb.end:core_end], verb.end
    if g.names_beneficiary(g.clean_metric(r.metric), q.unit):
        # 智能水表安全监测服务覆盖老年人家庭600户: the service, not the households.
        r.metric, r.start = subject_before(g, text, q.item_start, verb)
    elif g.clean_metric(r.metric) in g.bare_level_nouns:
        # 社区救助顾问配备率100%: the verb is part of the rate's name, with what it measures.
        subject, r.start = subject_before(g, text, q.item_start, verb)
        r.metric = subject + text[verb.start:core_end]


def _share_of_the_whole_before(q: Quantity, r: Reading) -> None:
    """新增养老床位1000张，其中护理型床位600张，占比60%: a bare share is one of the thing the
    clause before counts; with no such target (全区现有床位8000张，占比60% / 受理业务12万件，
    办结率100%) it measures nothing the plan sets (`share_of_nothing`)."""
    whole = q.prev_in_clause_before(q.opens)
    if not (whole is not None and whole.metric and q.g.unit_class.get(whole.unit) not in ("percent", "points")):
        r.share_of_nothing = True
        return
    r.end = r.start + len(r.metric)
    r.metric = whole.metric + r.metric


def _metric_of_the_item_or_clause_before(q: Quantity, r: Reading) -> None:
    """新增床位500张、改造300张: an item that is only VERB NUMBER UNIT counts the item before it;
    a clause that is only that counts what the clause before names (inherited_metric)."""
    g, text, prev = q.g, q.text, q.prev
    if (q.item_start > q.seg_start and text[q.item_start - 1] in g.item and prev is not None and prev.metric
            and q.seg_start <= prev.at < q.item_start and (g.same_class(prev.unit, q.unit) or grows_the_amount_before(q))):
        r.metric, r.start = prev.metric, prev.metric_span[0]
        return
    inherited = inherited_metric(q, q.opens)
    if inherited:
        r.metric, r.start = inherited


def grows_the_amount_before(q: Quantity) -> bool:
    """重点文旅产业收入超1万亿元、增长8%: an item that is only a word of change and a percentage is the
    rate the amount counted in the item before it is to grow by (it takes that item's metric).

    >>> from policykg.loaders.extract.targets.quantity import quantities
    >>> [grows_the_amount_before(q) for q in quantities("收入超1万亿元、增长8%，覆盖率90%。")]
    [False, True, False]
    """
    return q.percent and q.core_before in q.g.growth_words


def subject_before(g: Grammar, text: str, start: int, verb: Verb) -> tuple[str, int]:
    """The noun phrase before `verb` in text[start:verb.start], after any earlier verb (a bare rate
    such as 覆盖率 takes in the verb phrase before it: 困难群众救助覆盖率).

    Examples:
        >>> from policykg.loaders.extract.targets.grammar import grammar
        >>> text = "困难群众救助覆盖率达到100%"
        >>> subject_before(grammar(), text, 0, grammar().verbs_in(text)[-1])
        ('困难群众救助覆盖率', 0)
    """
    verbs = g.verbs_in(text[start:verb.start], start)
    s = verbs[-1].end if verbs else start
    if verbs and verb.kind == "level" and g.clean_metric(text[s:verb.start]) in g.bare_level_nouns:
        s = verbs[-2].end if len(verbs) > 1 else start
    return text[s:verb.start], s


def inherited_metric(q: Quantity, seg_start: int) -> tuple[str, int] | None:
    """推进家庭照护床位建设，全年新增100张 / 新增认知障碍照护床位1000张，累计达到5000张: a clause
    that is only VERB NUMBER UNIT counts what the clause before it names: the target stated
    there in a unit of the same class, or else the object of its verb, if that is a catalogued
    indicator counted in this unit (an uncatalogued object is too often not what is counted)."""
    g, text, sent_start, unit = q.g, q.text, q.sent_start, q.unit
    if seg_start <= sent_start or text[seg_start - 1] in g.label_ends:
        return None
    prev = q.prev_in_clause_before(seg_start)
    if prev is not None and prev.metric and g.same_class(prev.unit, unit):
        return prev.metric, prev.metric_span[0]
    start = back(text, seg_start - 1, g.clause, sent_start)
    end = seg_start - 1
    digit = _DIGIT.search(text, start, end)
    if digit:
        end = digit.start()                       # 已累计建成社区长者食堂50家 → up to the number
    verbs = g.verbs_in(text[start:end], start)
    obj_start = next((v.end for v in reversed(verbs) if g.clean_metric(text[v.end:end])), start)
    raw = text[obj_start:end]
    obj = g.clean_metric(raw)
    if not CJK.search(obj) or g.catalogue.match(obj, unit, sentence(g, text, start, end)) == UNMAPPED:
        return None
    return obj, obj_start + max(raw.find(obj), 0)


def respective_item(q: Quantity) -> tuple[str, int] | None:
    """美丽河湖、美丽海湾建成率分别达到30%、50%: with 分别, the n-th value listed after the verb
    counts the n-th thing listed before it (None when the number is not in such a pairing).

    >>> from policykg.loaders.extract.targets.quantity import quantities
    >>> [respective_item(q) for q in quantities("人参、食用菌产值分别达到1230亿元、120亿元。")]
    [('人参', 0), ('食用菌产值', 3)]
    >>> [respective_item(q) for q in quantities("人参、食用菌产值达到1230亿元。")]
    [None]
    """
    g, text = q.g, q.text
    at = text.rfind(g.respective, q.seg_start, q.start)
    if at < 0:
        return None
    values_from = at + len(g.respective)
    verbs = g.verbs_in(text[values_from:q.start], values_from)
    if verbs and verbs[0].start == values_from:
        values_from = verbs[0].end
    earlier = text[values_from:q.start].split(g.item_marks[0])
    if earlier[-1] or not all(_DIGIT.search(v) for v in earlier[:-1]):
        return None                              # something other than values stands between
    items = distributed_items(g, text, q.seg_start, at)
    index = len(earlier) - 1
    return items[index] if len(items) > 1 and index < len(items) else None


def distributed_items(g: Grammar, text: str, seg_start: int, end: int) -> list[tuple[str, int]]:
    """培训养老护理员、社区工作者各2000名 → the listed items (with their starts): the
    enumeration between the clause's verbs (or a leading 为/对) and 各.

    Examples:
        >>> from policykg.loaders.extract.targets.grammar import grammar
        >>> text = "培训养老护理员、社区工作者各2000名"
        >>> distributed_items(grammar(), text, 0, text.index("各"))
        [('养老护理员', 2), ('社区工作者', 8)]
    """
    verbs = g.verbs_in(text[seg_start:end], seg_start)
    stop = verbs[-1].start if verbs and verbs[-1].end == end else end      # 养老护理员、社区工作者培训各
    lead = [v for v in verbs if v.end <= stop and v.start < stop]            # 培训养老护理员、社区工作者各
    start = lead[-1].end if lead else seg_start
    start += len(next((b for b in g.benefactive if text.startswith(b, start)), ""))
    items = []
    pos = start
    for part in g.item_split_re.split(text[start:stop]):
        if part and not g.item_split_re.fullmatch(part):
            cleaned = g.clean_metric(part)
            if cleaned:
                items.append((cleaned, pos + part.find(cleaned)))
        pos += len(part)
    return items


# -- 3. a part of the target before ---------------------------------------------------

def _part_of(q: Quantity, r: Reading) -> None:
    """新增养老床位1000张，其中护理型床位600张: a part of the target stated just before."""
    g = q.g
    whole = _whole_before(q)
    if not (r.metric and whole is not None and g.same_class(whole.unit, q.unit)):
        return
    r.part_of = whole
    metric = r.metric
    if whole.metric not in metric and metric[-1] != whole.metric[-1:] and g.catalogue.match(metric, q.unit) == UNMAPPED:
        # 培训养老护理员500名，其中中级及以上技能等级150名 / 新建社区长者食堂10家（其中农村地区3家）:
        # a part that names only how it differs takes the words of the whole, once
        # (困难老年人家庭 + 老年人家庭适老化改造 → 困难老年人家庭适老化改造).
        shared = next((k for k in range(min(len(metric), len(whole.metric)), 0, -1)
                       if metric.endswith(whole.metric[:k])), 0)
        r.metric = metric + whole.metric[shared:]


def _whole_before(q: Quantity) -> Statement | None:
    """The target a clause or bracket opening with 其中 (包括, 含) continues: the one stated in the
    clause before, or before the bracket (A 10家（其中B 3家）)."""
    g, text, prev = q.g, q.text, q.prev
    if not (text.startswith(g.continuation, q.opens) or text.startswith(g.continuation, q.item_start)):
        return None
    if q.prev_in_clause_before(q.opens) is not None:
        return prev
    bracketed = q.item_start > q.seg_start and text[q.item_start - 1] in g.open_brackets
    return prev if bracketed and prev is not None and q.seg_start <= prev.at < q.item_start else None


# -- 4. the verb ---------------------------------------------------------------------

def _governing_verb(q: Quantity, r: Reading) -> None:
    """The verb governing an enumeration item or a metric after the unit; without one, how the
    number may still state a target (`Verbless`)."""
    g, text = q.g, q.text
    if r.action is None:
        verb_start = q.seg_start
        if text.startswith(g.continuation, q.opens) and q.opens > q.sent_start:
            verb_start = back(text, q.opens - 1, g.clause, q.sent_start)
        verbs = g.verbs_in(text[verb_start:q.start], verb_start) or _verb_of_the_benefactive(q, r) or _verb_closing_the_clause(q)
        if verbs:
            r.action = verbs[-1]
            if r.start < r.action.start < r.start + len(r.metric):
                r.metric = g.clean_metric(text[r.start:r.action.start])    # …创新发展区|提能升级
    r.stated_verb = r.action
    r.cumulative = bool(g.cumulative_re.search(text, q.seg_start, q.start))
    if r.action is None:
        r.verbless = _verbless(q, r)
        if r.verbless == "continued" and q.prev is not None:
            r.action, r.cumulative = q.prev.action, q.prev.cumulative
        elif r.verbless == "parallel":
            r.action = opening_verb_of_the_part_before(q)
        elif r.verbless == "measured":
            r.action = verb_of_the_measured_clause_before(q)
        r.needs_catalogue = r.verbless == "count" or (
            r.verbless == "continued" and not (names_an_activity(q.g, r.metric) or names_a_measure(q.g, r.metric)))


def _verb_of_the_benefactive(q: Quantity, r: Reading) -> list[Verb]:
    """为1万名困境儿童进行心理健康评估干预 / 为1000家卫生院配备支付终端: after 为/对 + number the verb
    follows what is counted, in the rest of the clause (the first one there governs it)."""
    if r.lead >= q.start:
        return []
    verbs = q.g.verbs_in(q.text[q.end:q.clause_end], q.end)
    return verbs[:1]


def names_only_the_project(q: Quantity) -> bool:
    """改造城市生活污水管网5公里项目: after a measure (length, area, money …) a bare 项目 or 工程 names the
    project, not what is measured (that is named before the number).

    >>> from policykg.loaders.extract.targets.quantity import quantities
    >>> [names_only_the_project(q) for q in quantities("改造污水管网5公里项目，新建3个项目。")]
    [True, False]
    """
    g = q.g
    return q.after_clean in g.project_heads and g.unit_class.get(q.unit) in g.threshold_unit_classes


def is_only_a_closing_verb(g: Grammar, phrase: str) -> bool:
    """产能1400万吨/年|建成试运转: a phrase after the unit that is only a building verb (and a few
    characters after it) states what happens to the thing counted before the number; it names
    nothing counted.

    >>> from policykg.loaders.extract.targets.grammar import grammar
    >>> is_only_a_closing_verb(grammar(), "建成试运转"), is_only_a_closing_verb(grammar(), "建设项目用地")
    (True, False)
    """
    verbs = g.verbs_in(phrase)
    return bool(verbs) and verbs[0].start == 0 and verbs[-1].group in g.facility_verb_groups \
        and len(phrase) - verbs[-1].end <= CLOSING_REACH


def _verb_closing_the_clause(q: Quantity) -> list[Verb]:
    """加快6个抽水蓄能电站建设 / 黄蒿界等6处煤矿建成试运转: with no verb before the number, a building
    verb closing its clause (a few characters at most after it: 投运, 试运转) states what is built."""
    g, text, end = q.g, q.text, q.clause_end
    verbs = g.verbs_in(text[q.end:end], q.end)
    last = verbs[-1] if verbs else None
    if last is None or last.group not in g.facility_verb_groups or end - last.end > CLOSING_REACH:
        return []
    return [last]


def _verbless(q: Quantity, r: Reading) -> Verbless | None:
    """How a number that no verb governs still states a target, if it does."""
    g, text, qe = q.g, q.text, q.end
    if heads_a_title_line(q):
        return "title"
    bounded = bool(set(q.modifiers) & {"at_least", "at_most"})
    if bounded and "aspirational" in q.modifiers and r.metric and not another_value_follows(g, text, qe):
        return "aspired"                         # 力争…收入超1万亿元 (长者食堂超过200家 describes)
    # 低保审核审批按时办结率100%: a rate named right before its percentage states its level.
    rate = q.percent and r.start < q.start and r.each is None and r.metric.endswith(g.rate_nouns)
    if q.percent and (bounded or rate) and not another_value_follows(g, text, qe):
        return "rate"                            # (| 持证率 | 85% | 90% | does not say which one)
    if names_a_bounded_count(q, r) and not another_value_follows(g, text, qe):
        return "rate"                            # 待遇享受人数23万人以上: a named count, bounded
    borrowed = _borrows_a_verb(q, r)
    if borrowed is not None:
        return borrowed
    in_cell = text[q.seg_start - 1:q.seg_start] == "|" and not text[qe:forward(text, qe, g.hard, reach=SENTENCE_REACH)].strip()
    if (in_cell or q.percent or g.required_bound_re.search(text, max(q.item_start, q.start - 8), q.start)) \
            and not another_value_follows(g, text, qe):
        # Without a verb, a count (| 养老床位 | 600张 |, 社区长者食堂不少于8家) is a target only
        # for a catalogued indicator. Outside a table the count must be bounded by a requirement
        # (不少于, 至少 …): 全区社区工作者3800余名 / 长者食堂超过200家 describe what there is.
        return "count"
    return None


def _borrows_a_verb(q: Quantity, r: Reading) -> Verbless | None:
    """How a number with no verb of its own borrows one from the statement or clause before."""
    text = q.text
    prev = q.prev_in_clause_before(q.seg_start)
    if prev is not None and prev.action is not None and not CJK.search(text[prev.span[1]:q.seg_start - 1]):
        # 新增认知障碍照护床位100张，家庭照护床位200张 / 新增养老床位500张，社区长者食堂5家:
        # an enumeration continued after a comma, of catalogued things.
        return "continued"
    if parallels_the_part_before(q):
        return "parallel"
    if r.metric and names_a_measure(q.g, r.metric) and verb_of_the_measured_clause_before(q) is not None:
        return "measured"
    return None


def names_an_activity(g: Grammar, metric: str) -> bool:
    """农村劳动力转移就业 / 药品抽检: a metric ending with the name of an activity carries its own
    predicate, so an enumeration continued with it after a comma is a target of its own, catalogued
    or not (`activity_heads` in targets.yaml).

    >>> from policykg.loaders.extract.targets.grammar import grammar
    >>> names_an_activity(grammar(), "农村劳动力转移就业"), names_an_activity(grammar(), "修鞋服务点")
    (True, False)
    """
    return metric.endswith(g.activity_heads)


def parallels_the_part_before(q: Quantity) -> bool:
    """实施省道提升工程3条，总里程51.4公里；农村公路4条，总里程6.65公里: a part of a sentence after a
    semicolon that opens with a count, in the unit the part before opened with counting under a
    verb, repeats that statement for another thing.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("实施省道提升工程3条，总里程5公里；农村公路4条。")[-1]
    ('4条', '农村公路')
    >>> explain("实施省道提升工程3条；农村公路40公里。")[1]
    ('40公里', 'has_no_governing_verb')
    """
    return opening_verb_of_the_part_before(q) is not None


def opening_verb_of_the_part_before(q: Quantity) -> Verb | None:
    """The verb of the count the part before a semicolon opens with, when the number `q` opens its
    own part and counts in the same unit (see parallels_the_part_before)."""
    g, text, part = q.g, q.text, q.sent_start
    if part == 0 or text[part - 1] not in g.semicolons or q.item_start != part or q.counted is not None:
        return None
    part_before = back(text, part - 1, g.hard, reach=SENTENCE_REACH)
    first = g.quantity.search(text, part_before, forward(text, part_before, g.clause))
    if first is None or first.group("unit") != q.unit:
        return None
    verbs = g.verbs_in(text[part_before:first.start()], part_before)
    return verbs[-1] if verbs else None


def verb_of_the_measured_clause_before(q: Quantity) -> Verb | None:
    """实施金钟路改造提升工程，总里程6.7公里: the verb of the clause before the number's, when that clause
    states no number of its own (what it undertakes is what the measure measures).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("实施金钟路改造提升工程，总里程6.7公里。")
    [('6.7公里', '总里程')]
    >>> explain("金钟路风貌较好，总里程6.7公里。")
    [('6.7公里', 'has_no_governing_verb')]
    """
    g, text, seg = q.g, q.text, q.seg_start
    if seg <= q.sent_start:
        return None
    before = back(text, seg - 1, g.clause, q.sent_start)
    if _DIGIT.search(text, before, seg - 1):
        return None
    verbs = g.verbs_in(text[before:seg - 1], before)
    return verbs[-1] if verbs else None


def names_a_measure(g: Grammar, metric: str) -> bool:
    """实施省道提升工程3条，总里程51.4公里: an item continued after a comma that names a measure (里程,
    面积 …) of the thing counted before it is a target of its own (`measure_heads` in targets.yaml).

    >>> from policykg.loaders.extract.targets.grammar import grammar
    >>> names_a_measure(grammar(), "总里程"), names_a_measure(grammar(), "修鞋服务点")
    (True, False)
    """
    return metric.endswith(g.measure_heads)


def names_a_bounded_count(q: Quantity, r: Reading) -> bool:
    """待遇享受人数23万人以上: a count named right before its number (人数, 户数 …: `count_nouns`) and
    bounded after its unit states a level to reach, like a named rate (全区老年人数超过50万人,
    bounded before the number, describes what there is).

    >>> from policykg.loaders.extract.targets.quantity import quantities
    >>> [names_a_bounded_count(q, read_metric(q)) for q in quantities("待遇享受人数23万人以上，老年人数超过50万人。")]
    [True, False]
    """
    return r.start < q.start and r.each is None and r.metric.endswith(q.g.count_nouns) and bool(q.match.group("mod"))


def heads_a_title_line(q: Quantity) -> bool:
    """10个滨江生态公园建设 / 5万人入住公共租赁住房: a short line of its own, with no punctuation, that
    opens with the number is a project's title, which counts what the project delivers.

    >>> from policykg.loaders.extract.targets.quantity import quantities
    >>> [heads_a_title_line(q) for q in quantities("十大民生实事\\n10个滨江生态公园建设\\n")]
    [True]
    >>> [heads_a_title_line(q) for q in quantities("全区现有10个滨江生态公园。\\n")]
    [False]
    """
    g, text = q.g, q.text
    if q.start > 0 and text[q.start - 1] != "\n":
        return False
    line_end = text.find("\n", q.end)
    line = text[q.end:line_end if line_end >= 0 else len(text)]
    return 0 < len(line) <= TITLE_REACH and not any(c in g.item or c in g.quote_ends - g.close_quotes for c in line)
