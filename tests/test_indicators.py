import pytest

from loaders.extract import indicators
from loaders.extract.indicators import UNMAPPED, list_unmapped, load_catalogue, match_indicator, normalise_metric
from loaders.vocabulary import load_vocab

THEMES = {"养老服务", "社会救助", "儿童福利", "残疾人福利", "慈善", "社会组织", "婚姻登记", "殡葬",
          "区划地名", "社区治理", "社区事务受理", "自身建设"}


def test_catalogue_is_well_formed():
    cat = load_catalogue()
    assert len(cat.indicators) >= 40
    for ind in cat.indicators.values():
        assert ind.theme in THEMES, ind.name
        assert ind.synonyms or ind.patterns, ind.name
        assert ind.units, ind.name


def test_every_unit_family_unit_is_read_by_the_grammar():
    grammar_units = set(map(str, load_vocab("targets")["units"]))
    for family, units in load_catalogue().unit_families.items():
        assert units <= grammar_units, family


def test_a_canonical_name_maps_to_itself():
    cat = load_catalogue()
    for name, ind in cat.indicators.items():
        if name in ind.synonyms:
            assert cat.match(name) == name


def test_duplicate_synonym_is_rejected():
    data = {"unit_families": {"count_beds": ["张"]},
            "indicators": [{"name": "A", "theme": "养老服务", "units": ["count_beds"], "synonyms": ["床位"]},
                           {"name": "B", "theme": "养老服务", "units": ["count_beds"], "synonyms": ["床位"]}]}
    with pytest.raises(ValueError):
        indicators.Catalogue(data)


@pytest.mark.parametrize("metric, unit, expected", [
    # variants map together
    ("家门口服务站", "个", "家门口养老服务站"),
    ("家门口养老服务站", "个", "家门口养老服务站"),
    ("重残养护床位", "张", "重度残疾人养护床位"),
    ("困难重度残疾人养护床位", "张", "重度残疾人养护床位"),
    ("重度残疾人养护床位", "张", "重度残疾人养护床位"),
    ("认知障碍床位", "张", "认知障碍照护床位"),
    ("“养老院+互联网”医院", "家", "养老院+互联网医院"),
    ("养老院＋互联网医院", "家", "养老院+互联网医院"),
    ("一键通", "人", "为老服务一键通"),
    ("为老服务“一键通”用户", "名", "为老服务一键通"),
    ("家庭养老（照护）床位", "张", "家庭照护床位"),
    ("日间照料服务中心", "家", "老年人日间照护机构"),
    ("年检年报率", "%", "社会组织年检率"),
    ("社会组织中获得评估等级占比", "%", "社会组织评估等级占比"),
    ("全区护理员技能等级证书持证率", "%", "养老护理员持证率"),
    ("养老护理员持证上岗率", "%", "养老护理员持证率"),
    ("老年助餐场所", "个", "老年助餐服务场所"),
    ("认知症床位", "张", "认知障碍照护床位"),
    ("社区日间照料机构", "家", "老年人日间照护机构"),
    ("未保工作站", "个", "未成年人保护工作站"),
    ("生态葬比例", "%", "节地生态安葬率"),
    ("节地生态葬比例", "%", "节地生态安葬率"),
    ("婚姻登记特色颁证点", "个", "特色颁证场所"),
    ("农村长者照护之家", "个", "乡村长者照护之家"),
    # things counted in 单 块 颗
    ("慈善信托备案", "单", "慈善信托"),
    ("地名标志牌", "块", "地名标志"),
    ("界桩", "颗", "界桩"),
    # subtypes stay apart
    ("护理型床位", "张", "护理型床位"),
    ("家庭照护床位", "张", "家庭照护床位"),
    ("中高级护理员持证比例", "%", "中高级养老护理员持证比例"),
    ("中级及以上养老护理员占比", "%", "中高级养老护理员持证比例"),
    ("中级及以上养老护理员", "名", "中级及以上养老护理员"),
    ("老年人日间照护中心", "个", "老年人日间照护机构"),
    ("社区综合为老服务中心", "个", "社区综合为老服务中心"),
    ("精神障碍社区康复规范服务率", "%", "精神障碍社区康复规范服务率"),
    ("长者照护之家", "家", "长者照护之家"),               # the urban kind; 乡村 is its subtype
    ("乡村长者照护之家", "个", "乡村长者照护之家"),
    # the head (rightmost) wins, then the longest
    ("老年助餐服务点为社区长者食堂", "家", "社区长者食堂"),
    ("智慧养老院", "家", "智慧养老院"),
    ("养老院", "家", "养老机构"),
    ("老年人家庭照护床位", "张", "家庭照护床位"),
    ("中级及以上技能等级养老护理员", "名", "中级及以上养老护理员"),
    ("养老护理员职业技能等级常规培训", "名", "养老护理员培训"),
    # a head noun of its own after the match names another thing counted
    ("居民区“美丽家园”示范项目", "个", UNMAPPED),
    ("孵化基地入驻组织", "家", UNMAPPED),
    ("养老机构从业人员", "名", UNMAPPED),
    ("公益创投项目", "个", "公益创投项目"),                 # the head inside the synonym itself
    ("为老服务“一键通”用户", "户", "为老服务一键通"),        # 用户 is who receives it
    # unknown → unmapped
    ("助浴服务", "名", UNMAPPED),
    ("", "个", UNMAPPED),
])
def test_match_indicator(metric, unit, expected):
    assert match_indicator(metric, unit) == expected


def test_unit_family_must_fit():
    assert match_indicator("养老护理员", "名") == "养老护理员"
    assert match_indicator("养老护理员", "张") == UNMAPPED
    assert match_indicator("社区长者食堂", "%") == UNMAPPED
    assert match_indicator("养老床位", None) == "养老床位"          # no unit: any family


def test_person_times_are_not_a_head_count():
    # 人次 counts services or training given, so a staff indicator counted in people does not fit …
    assert match_indicator("养老顾问服务", "人次") == UNMAPPED
    assert match_indicator("养老护理员", "人次") == UNMAPPED
    # … but the training of care workers does (培训养老护理员2000人次), while 2000名 stays a head count
    assert match_indicator("养老护理员", "人次", context="培训养老护理员2000人次") == "养老护理员培训"
    assert match_indicator("养老护理员", "名", context="培训养老护理员2000名") == "养老护理员"


def test_contextual_synonyms_need_their_context():
    assert match_indicator("街镇覆盖率", "%") == UNMAPPED
    assert match_indicator("街镇覆盖率", "%", context="推进精神障碍社区康复服务，年内达到65%街镇覆盖率") \
        == "精神障碍社区康复服务街镇覆盖率"
    assert match_indicator("规范服务率", "%", context="精神障碍社区康复服务登记对象规范服务率达60%") \
        == "精神障碍社区康复规范服务率"


def test_normalise_metric():
    assert normalise_metric(" “养老院+互联网”医院 ") == "养老院+互联网医院"


def test_list_unmapped():
    rows = [{"metric": "助浴服务", "unit": "名", "indicator": UNMAPPED},
            {"metric": "助浴服务", "unit": "名", "indicator": UNMAPPED},
            {"metric": "养老床位", "unit": "张", "indicator": "养老床位"},
            {"metric": "陪诊服务", "unit": "人", "indicator": UNMAPPED}]
    assert list_unmapped(rows) == [{"metric": "助浴服务", "unit": "名", "count": 2},
                                   {"metric": "陪诊服务", "unit": "人", "count": 1}]
