"""When a number is not a target: every rule a small named predicate, in the order they are run.

`NOT_A_TARGET` judges a number (a `Quantity`) in its sentence: the first rules read only its
surroundings (an ordinal, a period, a look back …); the last ones what `metrics` found it
counts and the verb that states it. `NOT_A_COUNTED_THING` judges each metric a number counts
(one value can count several items: 各), and `NOT_A_TARGET_BY_INDICATOR` a statement once its
indicator is known. `statements` runs them in this order; the first rule that holds drops
the number (`statements.explain` names it). `is_dated_elsewhere` and `review_spans` drop
targets at the level of the document (see `consolidate`).

Examples:
    >>> from policykg.loaders.extract.targets import explain
    >>> explain("第3个，新增养老床位100张。")
    [('3个', 'is_ordinal'), ('100张', '养老床位')]
"""
from __future__ import annotations

import re
from collections.abc import Callable

from policykg.loaders.extract.indicators import UNMAPPED
from policykg.loaders.extract.targets.grammar import CJK, SENTENCE_REACH, Grammar, back, forward, grammar
from policykg.loaders.extract.targets.metrics import reading_of
from policykg.loaders.extract.targets.model import Statement
from policykg.loaders.extract.targets.quantity import Quantity
from policykg.loaders.extract.targets.tables import another_value_follows
from policykg.loaders.model import ParsedDocument, TargetMention

__all__ = [
    "NOT_A_TARGET", "NOT_A_COUNTED_THING", "NOT_A_TARGET_BY_INDICATOR", "first_rule",
    "is_ordinal", "is_rank", "starts_a_longer_word", "is_a_period", "names_a_model", "follows_a_framing_word",
    "is_a_frequency", "is_already_achieved", "is_a_standard_per_unit", "sentence_looks_back", "reports_progress",
    "is_of_another_period", "is_a_baseline", "is_said_done_after", "is_in_a_total_or_review_column",
    "is_one_of_several_values", "counts_parts_of_the_document", "is_a_share_of_a_whole", "is_a_share_of_nothing",
    "is_a_share_in_a_composition", "is_a_growth_rate", "is_a_threshold_in_a_noun", "restates_the_listed_names",
    "has_no_governing_verb", "describes_a_state", "is_reported_done", "is_a_report_of_progress",
    "has_no_chinese_word", "is_a_label_noun", "is_a_statistic", "is_an_age_share", "is_a_funding_rule",
    "needs_a_catalogued_indicator", "is_an_enumeration_label", "builds_a_facility",
    "is_dated_elsewhere", "reviews_or_spans_years", "review_spans",
]


_ACRONYM = re.compile(r"[A-Z]{2,}")      # CPI, GDP: a metric without a Chinese word that names one


# -- the number's surroundings --------------------------------------------------------

def is_ordinal(q: Quantity) -> bool:
    """第十九届 第五轮 第12个: an ordinal, not a count.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("完成第12个社区食堂建设。")
    [('12个', 'is_ordinal')]
    >>> explain("完成12个社区食堂建设。")
    [('12个', '社区食堂')]
    """
    return q.text[max(0, q.start - 1):q.start] in q.g.ordinal


def is_rank(q: Quantity) -> bool:
    """排名前3 / 评选出前10名: a rank, not a count (after a time word 前 is "before": 年底前100%完成).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("综合评价排名前10名。")
    [('10名', 'is_rank')]
    >>> explain("确保年底前100家养老机构完成改造。")
    [('100家', '养老机构')]
    """
    g, text = q.g, q.text
    return text.endswith(g.rank, 0, q.start) and not text.endswith(g.rank_blockers, 0, q.start)


def starts_a_longer_word(q: Quantity) -> bool:
    """3单位: the unit (单) starts a longer word here.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("新增慈善信托3单位。")
    [('3单', 'starts_a_longer_word')]
    >>> explain("新增慈善信托3单。")
    [('3单', '慈善信托')]
    """
    m = q.match
    return bool(m.group("unit")) and q.text.startswith(q.g.unit_words, m.start("unit"))


def is_a_period(q: Quantity) -> bool:
    """5个工作日, 3个月: a period of time, not a count.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("在5个工作日内办结。")
    [('5个', 'is_a_period')]
    >>> explain("新建5个日间照护中心。")
    [('5个', '日间照护中心')]
    """
    return q.unit == q.g.time_noun_unit and q.text.startswith(q.g.time_nouns, q.end)


def names_a_model(q: Quantity) -> bool:
    """“1个中心+N个站点”, “1个社区1名社工”模式: a count inside quotes whose text joins parts with +,
    or closed right before a name's head noun, names a model.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("推广“1个中心+N个站点”模式。")
    [('1个', 'names_a_model')]
    >>> explain("新建“长者食堂”3个。")[0][1]
    '长者食堂'
    """
    g, text, sent_start, pos = q.g, q.text, q.sent_start, q.start
    opened = max(text.rfind(c, sent_start, pos) for c in g.open_quotes - g.close_quotes)
    if opened < 0 or opened < max(text.rfind(c, sent_start, pos) for c in g.close_quotes - g.open_quotes):
        return False
    close = forward(text, pos, g.quote_ends)
    return any(j in text[opened + 1:close] for j in g.name_joiners) or (
        text[close:close + 1] in g.close_quotes and text.startswith(g.name_heads, close + 1))


def follows_a_framing_word(q: Quantity) -> bool:
    """7方面32项 / 完成…任务的120% / 由20个部门组成 / 由85%提高到90% / 完成“十件实事”中的3件: right
    after these words a number counts parts of the document, a share of a task, what makes up a
    body, the level a change starts from, or a part of a list named before.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("养老服务联席会议由20个部门组成。")
    [('20个', 'follows_a_framing_word')]
    >>> explain("养老服务联席会议新增20个部门。")
    [('20个', '部门')]
    """
    return q.before_number.endswith(q.g.preceded_by)


def is_a_frequency(q: Quantity) -> bool:
    """每月开展2次: how often, not how much (for counts of events: 次 场 期).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("每月开展2次巡访。")
    [('2次', 'is_a_frequency')]
    >>> explain("全年开展2次巡访。")
    [('2次', '巡访')]
    """
    g = q.g
    return g.unit_class.get(q.unit) == "events" and bool(g.frequency_re.search(q.text, max(q.seg_start, q.start - 6), q.start))


def is_already_achieved(q: Quantity) -> bool:
    """已完成20张 / 同比增长5% / 目前全区养老床位1.2万张: progress achieved, a reported change, or what
    there is now (a marker in the number's clause before it).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("已新增养老床位200张。")
    [('200张', 'is_already_achieved')]
    >>> explain("再新增养老床位200张。")
    [('200张', '养老床位')]
    """
    return bool(q.g.achieved_re.search(q.clause_before))


def is_a_standard_per_unit(q: Quantity) -> bool:
    """每个居民区配备5至9名社区工作者 / 人均… / 各街镇配备1-2名: a number per unit (a standard or a
    ratio), not an amount to deliver (每年新增600张 is a yearly target: see is_a_frequency).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("每个居民区配备5名社区工作者。")
    [('5名', 'is_a_standard_per_unit')]
    >>> explain("新增10个（每个街道1个）老年人助餐点、20个睦邻点。")
    [('10个', '老年人助餐点'), ('1个', 'is_a_standard_per_unit'), ('20个', '睦邻点')]
    >>> explain("全区配备5名社区工作者。")
    [('5名', '社区工作者')]
    >>> explain("居民人均可支配收入增长5%左右。")
    [('5%左右', '居民人均可支配收入')]
    >>> explain("研发投入增速比全省平均提高2个百分点。")
    [('2个百分点', '研发投入增速比全省平均')]
    """
    g = q.g
    said = g.closed_aside_re.sub("", q.clause_before)
    return any(m.group("per") for m in g.per_unit_re.finditer(said)) and not is_a_growth_rate(q)


def sentence_looks_back(q: Quantity) -> bool:
    """截至目前，全区建成… / 过去一年，新增…: the sentence's first clause announces a look back (followed
    by a year, 截至2024年底，…, it dates the sentence instead: see consolidate).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("截至目前，全区建成社区长者食堂200家。")
    [('200家', 'sentence_looks_back')]
    >>> explain("截至2025年底，全区建成社区长者食堂200家。")
    [('200家', '社区长者食堂')]
    >>> explain("截至2025年6月底，全区建成社区长者食堂200家。")
    [('200家', 'sentence_looks_back')]
    """
    return q.looks_back is not None and (q.as_of is None or bool(q.g.month_of_year_re.match(q.text, q.as_of.end())))


def reports_progress(q: Quantity) -> bool:
    """1-8月，18个项目累计完成投资19.83亿元 / 长寿公园完成98% / 截至2025年6月底，…: a progress report
    states what is done so far (the months so far head the sentence, 累计完成 stands before the
    number in its clause, or a percentage says how much of a project is done), not a target.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("1-8月，累计完成投资19.83亿元，长寿公园完成98%。")
    [('19.83亿元', 'reports_progress'), ('98%', 'reports_progress')]
    >>> explain("全年完成投资19.83亿元，审批完成率100%。")
    [('19.83亿元', '投资'), ('100%', '审批完成率')]
    """
    g, text = q.g, q.text
    completion_share = q.percent and q.core_before.endswith(g.progress_before_percent)
    return bool(g.months_so_far_re.match(text, q.sent_start) or g.progress_re.search(q.clause_before)) or completion_share


def is_of_another_period(q: Quantity) -> bool:
    """去年，… / 去年以来，… / “十四五”期间累计新增…: a first clause dating the sentence in the past or
    present, or a number over a multi-year period: not the plan year's target.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("“十四五”期间累计新增养老床位2000张。")
    [('2000张', 'is_of_another_period')]
    >>> explain("全年累计新增养老床位2000张。")
    [('2000张', '养老床位')]
    """
    g, text = q.g, q.text
    return bool(g.opener_re.match(text, q.sent_start) or g.multi_year_re.search(text, q.sent_start, q.start))


def is_a_baseline(q: Quantity) -> bool:
    """在新增500张养老床位的基础上，…: the base a clause builds on was stated before.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("在新增500张养老床位的基础上，优化床位结构。")
    [('500张', 'is_a_baseline')]
    >>> explain("新增500张养老床位，优化床位结构。")
    [('500张', '养老床位')]
    """
    return bool(q.g.baseline_re.search(q.text, q.end, q.clause_end))


def is_said_done_after(q: Quantity) -> bool:
    """新增养老床位500张的任务已全面完成: the rest of the number's clause says it is done (an aside in
    brackets, （已列入实事项目）, says nothing of that).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("新增养老床位500张的任务已全面完成。")
    [('500张', 'is_said_done_after')]
    >>> explain("新增养老床位500张（已列入实事项目）。")
    [('500张', '养老床位')]
    """
    g = q.g
    return bool(g.achieved_after_re.search(g.titles_re.sub("", q.text[q.end:q.clause_end])))


def is_in_a_total_or_review_column(q: Quantity) -> bool:
    """| 合计 | 1200张 | / | 2024年完成 |: a total row sums the rows that state the targets; a column of
    what was done or there is states no target.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("| 指标 | 2024年完成 |\\n| 新增养老床位 | 500张 |")
    [('500张', 'is_in_a_total_or_review_column')]
    >>> explain("| 指标 | 2025年目标 |\\n| 新增养老床位 | 500张 |")
    [('500张', '养老床位')]
    """
    return q.column is not None and q.column.skip


def is_one_of_several_values(q: Quantity) -> bool:
    """| 新增养老床位 | 520张 | 600张 |: which value is the target, the row alone does not say (a
    header naming the columns' years does).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("| 新增养老床位 | 520张 | 600张 |")[0]
    ('520张', 'is_one_of_several_values')
    >>> explain("| 新增养老床位 | 600张 |")
    [('600张', '养老床位')]
    """
    column = q.column
    return (column is None or column.last_year is None) and q.text[q.seg_start - 1:q.seg_start] == "|" \
        and another_value_follows(q.g, q.text, q.end)


def counts_parts_of_the_document(q: Quantity) -> bool:
    """7方面32项重点工作, 90项指标: a count of the document's own parts or of a monitoring scheme.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("今年安排32项重点工作。")
    [('32项', 'counts_parts_of_the_document')]
    >>> explain("今年完成32项适老化改造。")
    [('32项', '适老化改造')]
    """
    return q.after.startswith(q.g.not_counted)


def is_a_share_of_a_whole(q: Quantity) -> bool:
    """其中女性占52% / 占户籍人口的38.5%: a share in a composition, described.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("培训养老护理员500名，其中女性占52%。")[1]
    ('52%', 'is_a_share_of_a_whole')
    >>> explain("护理员持证率达到52%。")
    [('52%', '护理员持证率')]
    """
    return q.percent and bool(q.g.share_re.search(q.core_before))


def is_a_threshold_in_a_noun(q: Quantity) -> bool:
    """投资2000万元以上的技改项目 / 经营性收入50万元以上的行政村: a bound on an amount (money, length,
    area …) followed by a word, not a separator, describes the things counted.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("支持投资2000万元以上的技改项目。")
    [('2000万元以上', 'is_a_threshold_in_a_noun')]
    >>> explain("完成投资9800亿元以上。")
    [('9800亿元以上', '投资')]
    """
    g, text = q.g, q.text
    return bool(q.match.group("mod")) and g.unit_class.get(q.unit) in g.threshold_unit_classes \
        and bool(CJK.match(text, q.end))


def restates_the_listed_names(q: Quantity) -> bool:
    """济南、青岛、淄博、济宁4大基地 / 新能源、新材料等2个产业: a count right after the names it counts
    restates the list (fewer names than the count, 宝鸡、延安等4个基地, is a target).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("推进长春、白山2个城市示范项目。")
    [('2个', 'restates_the_listed_names')]
    >>> explain("完成秣陵和淳化2个街道卫生服务中心改扩建。")
    [('2个', 'restates_the_listed_names')]
    >>> explain("建设宝鸡、延安等4个基地。")
    [('4个', '基地')]
    >>> explain("指导甲镇、乙镇完成2名孤儿安置。")
    [('2名', '孤儿安置')]
    """
    g = q.g
    verbs = g.verbs_in(q.core_before)
    listed = q.core_before[verbs[-1].end:] if verbs else q.core_before    # 指导A镇、B镇完成2名: no list
    for closer in g.list_closers:
        listed = listed.removesuffix(closer)
    names = g.list_split_re.split(listed)
    return len(names) > 1 and q.value == len(names) and q.lo is None


# -- what the number counts and the verb that states it ---------------------------------

def is_a_share_of_nothing(q: Quantity) -> bool:
    """全区现有床位8000张，占比60% / 受理业务12万件，办结率100%: a bare share (占比, 率) that is not one
    of a target stated in the clause before measures nothing the plan sets.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("受理业务12万件，办结率100%。")
    [('12万件', 'has_no_governing_verb'), ('100%', 'is_a_share_of_nothing')]
    >>> explain("新增养老床位1000张，其中护理型床位600张，占比60%。")[-1]
    ('60%', '护理型床位占比')
    """
    return reading_of(q).share_of_nothing


def is_a_share_in_a_composition(q: Quantity) -> bool:
    """全区社会组织中，社会服务类占比45%: a verbless percentage after a clause framing a whole (…中，)
    is a share of it, not a target.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("全区社会组织中，社会服务类占比45%。")
    [('45%', 'is_a_share_in_a_composition')]
    >>> explain("社区社会组织中，社会服务类占比提高到45%。")
    [('45%', '社会服务类占比')]
    """
    g = q.g
    return reading_of(q).stated_verb is None and q.percent and any(
        f.group("frame") for f in g.among_re.finditer(q.text, q.sent_start, q.seg_start))


def has_no_governing_verb(q: Quantity) -> bool:
    """全区社区工作者3800余名 / 长者食堂超过200家: no action verb governs the number, and it is neither
    a named or bounded rate, nor an enumeration continued after a comma, nor a count a table
    or a requirement (不少于) states (see metrics.Verbless): it describes what there is.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("全区社区长者食堂超过200家。")
    [('200家', 'has_no_governing_verb')]
    >>> explain("全区社区长者食堂不少于200家。")
    [('200家', '社区长者食堂')]
    >>> explain("力争全区社区长者食堂超过200家。")
    [('200家', '社区长者食堂')]
    """
    r = reading_of(q)
    return r.stated_verb is None and r.verbless is None


def describes_a_state(q: Quantity) -> bool:
    """全区现有养老机构50家，护理型床位占比60%: a verbless rate or count in a sentence that reports
    what there is (现有, 目前 …) describes a state.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("全区现有养老机构50家，护理员持证率85%。")[1]
    ('85%', 'describes_a_state')
    >>> explain("全区护理员持证率85%。")
    [('85%', '护理员持证率')]
    """
    r = reading_of(q)
    return r.stated_verb is None and r.verbless in ("rate", "count") and bool(
        q.g.achieved_re.search(q.text, q.sent_start, q.start))


def is_reported_done(q: Quantity) -> bool:
    """建成了10家: a verb with the perfective 了 reports what is done, not planned.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("全区建成了10家社区长者食堂。")
    [('10家', 'is_reported_done')]
    >>> explain("全区建成10家社区长者食堂。")
    [('10家', '社区长者食堂')]
    """
    action = reading_of(q).action
    return action is not None and q.text.startswith(q.g.perfective, action.end)


NOT_A_TARGET: tuple[Callable[[Quantity], bool], ...] = (
    is_ordinal, is_rank, starts_a_longer_word, is_a_period, names_a_model, follows_a_framing_word,
    is_a_frequency, is_already_achieved, is_a_standard_per_unit, sentence_looks_back, reports_progress,
    is_of_another_period,
    is_a_baseline, is_said_done_after, is_in_a_total_or_review_column, is_one_of_several_values,
    counts_parts_of_the_document, is_a_share_of_a_whole, is_a_threshold_in_a_noun, restates_the_listed_names,
    # these read what metrics found (reading_of)
    is_a_share_of_nothing, is_a_share_in_a_composition, has_no_governing_verb, describes_a_state, is_reported_done,
)


# -- each metric a number counts ---------------------------------------------------------

def has_no_chinese_word(q: Quantity, metric: str) -> bool:
    """A metric without a Chinese word (empty, or only symbols and letters) names nothing counted,
    unless it is an acronym (CPI, GDP).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("新增100张。")
    [('100张', 'has_no_chinese_word')]
    >>> explain("新增100张床位。"), explain("CPI涨幅2%左右。")
    ([('100张', '床位')], [('2%左右', 'CPI')])
    """
    return not CJK.search(metric) and not _ACRONYM.fullmatch(metric)


def is_a_label_noun(q: Quantity, metric: str) -> bool:
    """四个体系 两张清单 三支队伍: a noun that labels an enumeration is never a thing counted.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("建立100项机制。")
    [('100项', 'is_a_label_noun')]
    >>> explain("建立100项服务项目。")
    [('100项', '服务项目')]
    """
    return metric in q.g.label_nouns


def is_a_statistic(q: Quantity, metric: str) -> bool:
    """户籍老年人口达到58万人, 老年人口占比达到37%: a demographic statistic, not a target.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("户籍老年人口达到58万人。")
    [('58万人', 'is_a_statistic')]
    >>> explain("服务老年人达到58万人。")
    [('58万人', '服务老年人')]
    """
    return any(m.group("stat") for m in q.g.statistic_re.finditer(metric))


def is_an_age_share(q: Quantity, metric: str) -> bool:
    """60岁及以上老年人占比达到37%: the share of an age group is a demographic statistic.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("60岁及以上老年人占比达到37%。")
    [('37%', 'is_an_age_share')]
    >>> explain("高龄老人体检率达到37%。")
    [('37%', '高龄老人体检率')]
    """
    return q.percent and bool(q.g.age_share_re.search(metric))


def is_a_funding_rule(q: Quantity, metric: str) -> bool:
    """不低于30%的福彩公益金用于养老服务 / 个人自付比例不超过20%: a percentage in a clause about money or
    a standard is a funding or pricing rule, unless a rate of the service is named
    (养老服务补贴申请按时办结率100% is a target).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("个人自付比例不超过20%。")
    [('20%', 'is_a_funding_rule')]
    >>> explain("养老服务补贴申请按时办结率100%。")
    [('100%', '养老服务补贴申请按时办结率')]
    """
    g = q.g
    return q.about_money and not (metric.endswith(g.rate_ending) and not metric.endswith(g.money_rates)) \
        and not is_a_growth_rate(q)


def is_a_growth_rate(q: Quantity) -> bool:
    """一般公共预算收入增长2% / 居民消费价格涨幅2%左右: a percentage right after a word of change is
    the rate an amount is to grow or fall by (a growth target, even of money).

    >>> from policykg.loaders.extract.targets.quantity import quantities
    >>> [is_a_growth_rate(q) for q in quantities("一般公共预算收入增长2%，补贴标准提高10%。")]
    [True, False]
    """
    return q.percent and q.core_before.endswith(q.g.growth_words)


NOT_A_COUNTED_THING: tuple[Callable[[Quantity, str], bool], ...] = (
    has_no_chinese_word, is_a_label_noun, is_a_statistic, is_an_age_share, is_a_funding_rule,
)


# -- a statement and its indicator ----------------------------------------------------------

def needs_a_catalogued_indicator(st: Statement, indicator: str, text: str) -> bool:
    """A verbless table row or a count bounded by a requirement, and an item after a comma that
    borrows the verb before, are targets only for a catalogued indicator.

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("新增养老床位500张，助浴服务20次。")[1]
    ('20次', 'needs_a_catalogued_indicator')
    >>> explain("新增养老床位500张，社区长者食堂5家。")[1]
    ('5家', '社区长者食堂')
    """
    return st.needs_catalogue and indicator == UNMAPPED


def is_an_enumeration_label(st: Statement, indicator: str, text: str) -> bool:
    """四个体系 两张清单 三支队伍 六件事: a count in Chinese numerals below 100 is a target only for a
    catalogued thing or a facility being built (builds_a_facility).

    >>> from policykg.loaders.extract.targets import explain
    >>> explain("打造三支专业队伍。")
    [('三支', 'is_an_enumeration_label')]
    >>> explain("新建三个助浴点。")
    [('三个', '助浴点')]
    """
    return st.chinese and st.value < 100 and indicator == UNMAPPED and not builds_a_facility(grammar(), text, st)


def builds_a_facility(g: Grammar, text: str, st: Statement) -> bool:
    """新建三个助浴点: a building verb right before the number, outside quotes, counting a facility.

    >>> from policykg.loaders.extract.targets import find_statements
    >>> [builds_a_facility(grammar(), "新建三个助浴点。", st) for st, _ in find_statements("新建三个助浴点。")]
    [True]
    >>> [builds_a_facility(grammar(), "培训五十名养老护理员。", st) for st, _ in find_statements("培训五十名养老护理员。")]
    [False]
    """
    verb = st.action
    if verb is None or verb.group not in g.facility_verb_groups or verb.end != st.at:
        return False
    said = text[back(text, st.at, g.hard, reach=SENTENCE_REACH):st.at]
    opened = sum(said.count(c) for c in g.open_quotes - g.close_quotes)
    closed = sum(said.count(c) for c in g.close_quotes - g.open_quotes)
    return opened == closed and st.metric.endswith(g.facility_heads)


NOT_A_TARGET_BY_INDICATOR: tuple[Callable[[Statement, str, str], bool], ...] = (
    needs_a_catalogued_indicator, is_an_enumeration_label,
)


def first_rule(rules: tuple[Callable[..., bool], ...], *args) -> str | None:
    """The name of the first of `rules` that holds for `args` (None when none does).

    >>> first_rule((str.isdigit, str.isalpha), "abc")
    'isalpha'
    >>> first_rule((str.isdigit,), "abc") is None
    True
    """
    return next((rule.__name__ for rule in rules if rule(*args)), None)


# -- the document ------------------------------------------------------------------------

def is_dated_elsewhere(t: TargetMention, year: int) -> bool:
    """2023年新增养老床位600张 in a plan for 2024 looks back; 到2027年，养老床位达到2万张 in a plan for
    2025 is a later period's: neither is a target of the plan year. A range of years holding the
    plan year (2025—2027年，每年新增…) is kept.

    >>> from policykg.loaders.extract.targets import find_targets
    >>> [is_dated_elsewhere(t, 2025) for t in find_targets("2024年，新增养老床位600张。")]
    [True]
    >>> [is_dated_elsewhere(t, 2025) for t in find_targets("2025—2027年，每年新增养老床位600张。")]
    [False]
    """
    last = t.props.get("as_of_year")
    if not last:
        return False
    first = t.props.get("from_year", last)
    return last < year or first > year


def reviews_or_spans_years(g: Grammar, title: str, year: int | None) -> bool:
    """A section heading that reviews the past (2024年工作总结, 工作回顾; in a plan for 2025 also
    2024年主要工作) or sets goals over several years (“十五五”时期主要目标任务): what its body
    states is no target of the plan year.

    >>> reviews_or_spans_years(grammar(), "“十四五”时期经济社会发展回顾", None)
    True
    >>> reviews_or_spans_years(grammar(), "“十五五”时期的主要目标任务", 2026)
    True
    >>> reviews_or_spans_years(grammar(), "2026年重点工作", 2026)
    False
    """
    named = [int(y) for y in g.year_word_re.findall(title)]
    return any(w in title for w in g.review_headings) or bool(g.multi_year_re.search(title)) or bool(
        year and named and max(named) < year)


def is_a_report_of_progress(parsed: ParsedDocument | None) -> bool:
    """A progress or completion report (进展情况, 完成情况 …, the document kinds listed under
    `reporting_kinds` in targets.yaml) states what was done against a plan's targets: its
    numbers are achievements, not targets of their own.

    >>> from types import SimpleNamespace as NS
    >>> is_a_report_of_progress(NS(meta=NS(kind="progress report")))
    True
    >>> is_a_report_of_progress(NS(meta=NS(kind="work plan"))), is_a_report_of_progress(None)
    (False, False)
    """
    kind = getattr(getattr(parsed, "meta", None), "kind", None)
    return kind in grammar().reporting_kinds


def review_spans(parsed: ParsedDocument | None, year: int | None) -> list[tuple[int, int]]:
    """Bodies of the sections whose heading reviews the past (一、2024年工作总结; in a plan for 2025
    also 一、2024年主要工作) or spans several years (二、“十五五”时期主要目标任务): what is stated
    there was done, or is a later period's, it is not a target (reviews_or_spans_years).

    >>> from policykg.loaders.model import Section
    >>> class Plan:
    ...     sections = [Section("一", "一、", 1, "2024年工作总结", (0, 9), (0, 40)),
    ...                 Section("二", "二、", 1, "2025年工作计划", (40, 49), (40, 90))]
    >>> review_spans(Plan(), 2025)
    [(0, 40)]
    >>> review_spans(Plan(), None)
    [(0, 40)]
    >>> Plan.sections[0].title = "2024年主要工作"
    >>> review_spans(Plan(), 2025), review_spans(Plan(), 2024)
    ([(0, 40)], [])
    """
    g = grammar()
    return [section.body_span for section in getattr(parsed, "sections", None) or []
            if reviews_or_spans_years(g, section.title, year)]
