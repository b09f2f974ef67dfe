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
items, or items naming an activity or a measure of their own: 新增A 100张，B 200张 /
城镇新增就业21万人，农村劳动力转移就业240万人 / …3条，总里程51.4公里; after a semicolon
for a part opening with a count in the unit the part before opened with), 分别 pairs
listed things with listed values in order, a building verb closing the clause governs a
number with none before it (加快6个抽水蓄能电站建设), 各 distributes one value over the listed items, a 其中
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

The package, in the order data flows:

    grammar      the vocabulary compiled (Grammar) and the walking of clauses and sentences
    model        Statement: one NUMBER UNIT read as a target
    quantity     one NUMBER UNIT in its sentence (Quantity)
    tables       what a table says of a number; numbers alone in a cell
    metrics      what a number counts and the verb that states it (read_metric)
    exclusions   when a number is not a target: named rules, run in order
    statements   the driver: numbers read, judged and kept (find_statements, explain)
    consolidate  TargetMentions, merged per document (find_targets, consolidate, to_record)
    component    the contract of the spaCy component `policykg_targets` (registered by
                 `policykg.loaders.extract.components`), which sets `doc.spans["targets"]`
                 (one span per statement, labelled with the indicator); `extract_targets`
                 turns the statements into one TargetMention per distinct target of the
                 document (a repeated statement adds evidence; different values of one
                 indicator are all kept and flagged as a conflict) and assigns tasks.

Examples:
    >>> [(t.value, t.unit, t.metric) for t in find_targets("新增40家社区综合为老服务中心。")]
    [(40.0, '家', '社区综合为老服务中心')]
    >>> explain("每月开展2次巡访，全年新增养老床位100张。")
    [('2次', 'is_a_frequency'), ('100张', '养老床位')]
"""

from __future__ import annotations

from policykg.loaders.extract.targets.component import (
    COMPONENT,
    SPANS_KEY,
    USER_DATA_KEY,
    add_to_pipeline,
    extract_targets,
)
from policykg.loaders.extract.targets.consolidate import consolidate, document_targets, find_targets, to_record
from policykg.loaders.extract.targets.grammar import Grammar, grammar
from policykg.loaders.extract.targets.model import Statement
from policykg.loaders.extract.targets.statements import explain, find_statements

__all__ = [
    "COMPONENT", "SPANS_KEY", "USER_DATA_KEY", "add_to_pipeline", "extract_targets",
    "find_targets", "find_statements", "explain", "consolidate", "document_targets", "to_record",
    "Grammar", "grammar", "Statement",
]
