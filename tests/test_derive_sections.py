"""Section alignment (SECTION_ALIGNS), text reuse (REUSES) and the text similarity they use."""
from __future__ import annotations

import random

import pytest

from policykg.graph.derive.reuse import derive_reuse
from policykg.graph.derive.rules import ReuseRules, load_rules
from policykg.graph.derive.snapshot import Doc, Snapshot, Tsk
from policykg.graph.derive.text import jaccard, sentences, shared_phrases, shingles, tfidf_vectors, cosine
from tests.test_derive_builders import Plan, city_2024, district, load, store  # noqa: F401  (store is a fixture)

COPIED = "落实特殊儿童各项保障政策，确保特殊儿童基本生活费每月足额发放到位。"


# -- text utilities ---------------------------------------------------------------------

def test_sentences_split_on_sentence_ends_and_normalise_punctuation():
    assert sentences("一是加强保障，做好服务。二是推进改革；三是\n落实责任") == ["一是加强保障,做好服务", "二是推进改革", "三是", "落实责任"]


def test_shingles_ignore_punctuation_and_spacing():
    assert shingles("保障政策，确保", 4) == shingles("保障 政策,确保", 4)


def test_shared_phrases_are_the_longest_common_runs_without_punctuation():
    a = "加强困境儿童等特殊儿童群体保障和关爱保护。推进社区养老服务。"
    b = "进一步加强困境儿童等特殊儿童群体保障，推进社区养老服务设施建设。"
    assert shared_phrases(a, b, 4, 5) == ["加强困境儿童等特殊儿童群体保障", "推进社区养老服务"]
    assert shared_phrases(a, "完全不同的文字内容", 4, 5) == []


def test_tfidf_cosine_prefers_specific_shared_words():
    texts = ["推进养老服务设施建设，新增养老床位", "推进养老服务质量提升，新增养老床位", "推进婚姻登记服务改革"]
    v = tfidf_vectors(texts)
    assert cosine(v[0], v[1]) > cosine(v[0], v[2]) >= 0
    assert cosine(v[0], v[0]) == pytest.approx(1.0)


def test_the_prefix_filtered_join_finds_exactly_the_pairs_brute_force_finds():
    rng = random.Random(7)
    alphabet = "养老服务推进加强社区建设儿童保障救助慈善组织婚姻殡葬"
    city_sentences = ["".join(rng.choice(alphabet) for _ in range(rng.randint(12, 30))) for _ in range(60)]
    district_sentences = []
    for s in city_sentences[:30]:   # near copies with a few characters changed
        chars = list(s)
        for _ in range(rng.randint(0, 4)):
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        district_sentences.append("".join(chars))
    district_sentences += ["".join(rng.choice(alphabet) for _ in range(20)) for _ in range(30)]
    docs = {"c": Doc("c", "c", None, None, 2024, "上海市", "city", False),
            "d": Doc("d", "d", None, None, 2024, "R", "district", False, ["上海市"])}   # R: a district of 上海市
    tasks = {f"c{i}": Tsk(f"c{i}", "c", s + "。", i) for i, s in enumerate(city_sentences)}
    tasks.update({f"d{i}": Tsk(f"d{i}", "d", s + "。", i) for i, s in enumerate(district_sentences)})
    rules = load_rules()
    conf = ReuseRules(ngram=3, threshold=0.5, min_chars=12)
    rules = type(rules)(**{**rules.__dict__, "reuse": conf})
    found = {(e.from_id, e.to_id): e.props["similarity"] for e in derive_reuse(Snapshot(docs, [], {}, tasks), rules)}
    expected = {}
    for i, a in enumerate(district_sentences):
        for j, b in enumerate(city_sentences):
            sim = jaccard(shingles(a, 3), shingles(b, 3))
            if sim >= conf.threshold:
                expected[(f"d{i}", f"c{j}")] = round(sim, 4)
    assert found == expected
    assert len(expected) >= 20


# -- on a store -------------------------------------------------------------------------

def sections_of(store):
    rows = store.query("""
        MATCH (a:Section)-[r:SECTION_ALIGNS]->(b:Section), (d:Document), (c:Document)
        WHERE d.id = a.doc_id AND c.id = b.doc_id
        RETURN d.source AS district, a.title AS section, c.source AS city, b.title AS city_section,
               r.theme AS theme, r.score AS score, r.shared AS shared""").records()
    return sorted(rows, key=lambda r: (r["district"], r["section"], -r["score"]))


def test_district_sections_align_with_city_sections_of_their_theme(store):
    ja = district("ja-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位")}, extra_sentence=COPIED)
    load(store, city_2024(), ja)
    rows = sections_of(store)
    assert [(r["district"], r["section"], r["city_section"], r["theme"]) for r in rows] == [
        ("ja-2025", "兜牢民生底线", "切实兜住兜准兜牢民生底线", "社会救助"),
        ("ja-2025", "提升养老服务质量", "推进养老服务高质量发展", "养老服务"),
    ]
    relief = rows[0]
    assert relief["score"] > 0.3
    assert relief["shared"][:2] == ["确保特殊儿童基本生活费每月足额发放到位", "落实特殊儿童各项保障政策"]
    assert all(len(p) >= 4 for r in rows for p in r["shared"])


def test_sections_without_a_theme_or_a_city_counterpart_do_not_align(store):
    ja = district("ja-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位")})
    ja.section("三", "社会组织", theme="社会组织")
    ja.task("三", "1", "加强社会组织登记管理。")
    ja.section("四", "其他")
    ja.task("四", "1", "加强困境儿童等特殊儿童群体保障和关爱保护。")
    load(store, city_2024(), ja)
    assert {r["section"] for r in sections_of(store)} == {"提升养老服务质量"}


def test_a_city_section_and_its_parent_are_not_both_kept(store):
    city = city_2024()
    city.section("二/（一）", "完成民心工程", theme="养老服务", parent="二")
    city.task("二/（一）", "1", "新增30个社区长者食堂，建设家门口服务站200个。")
    ja = district("ja-2025", "静安区", 2025, {"社区长者食堂": (6, "个", "社区长者食堂")})
    load(store, city, ja)
    kept = [r["city_section"] for r in sections_of(store) if r["section"] == "提升养老服务质量"]
    assert len(kept) == 1


def test_a_district_task_copying_a_city_sentence_reuses_it(store):
    ja = district("ja-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位")},
                  extra_sentence="做好困难群众帮扶。" + COPIED.replace("，", ","))
    load(store, city_2024(), ja)
    rows = store.query("""
        MATCH (a:Task)-[r:REUSES]->(b:Task) RETURN a.text AS district, b.text AS city, r.similarity AS similarity""").records()
    assert len(rows) == 1
    assert rows[0]["similarity"] == 1.0
    assert COPIED in rows[0]["city"]


def test_reworded_or_short_sentences_are_not_reuse(store):
    ja = district("ja-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位")},
                  extra_sentence="加强困境儿童关爱。全面落实儿童福利各项制度，按时发放儿童生活补贴。")
    load(store, city_2024(), ja)
    assert store.query("MATCH ()-[r:REUSES]->() RETURN count(r)").rows == [[0]]


def test_a_city_plan_later_than_the_district_plan_is_not_copied_from(store):
    early = district("ja-2023", "静安区", 2023, {"养老床位": (600, "张", "养老床位")}, extra_sentence=COPIED)
    load(store, city_2024(), early)
    assert store.query("MATCH ()-[r:REUSES]->() RETURN count(r)").rows == [[0]]


def test_a_county_plan_copying_a_city_sentence_reuses_it_and_a_town_plan_does_not(store):
    county = district("tc-2025", "静安区", 2025, {"养老床位": (600, "张", "养老床位")}, extra_sentence=COPIED)
    county.meta["level"] = "county"
    town = district("town-2025", "静安区", 2025, {"养老床位": (60, "张", "养老床位")}, extra_sentence=COPIED)
    town.meta["level"] = "town"
    load(store, city_2024(), county, town)
    rows = store.query("MATCH (a:Task)-[r:REUSES]->(b:Task) RETURN a.doc_id AS doc").records()
    assert [r["doc"].split("@")[0] for r in rows] == ["tc-2025"]
