import pytest

from policykg.loaders.extract import indicators
from policykg.loaders.extract.indicators import UNMAPPED, list_unmapped, load_catalogue, match_indicator, normalise_metric
from policykg.loaders.vocabulary import load_vocab

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


@pytest.mark.parametrize("metric, unit, expected", [
    # 新增儿童之家10个 / 建设儿童服务中心5个 / 建成儿童服务站20个 / 建设区级儿童福利机构1家
    ("儿童之家", "个", "儿童之家"),
    ("儿童服务中心", "个", "儿童服务中心"),
    ("儿童服务站", "个", "儿童服务站"),
    ("儿童福利机构", "家", "儿童福利机构"),
    # 建设街镇社工站15个 / 新建社会工作服务站10个 / 建成社会工作服务室30个
    ("街镇社工站", "个", "社会工作服务站"),
    ("社会工作服务站", "个", "社会工作服务站"),
    ("社会工作服务室", "个", "社会工作服务室"),
    ("社工室", "个", "社会工作服务室"),
    # 新建宅基睦邻点50个 / 新建社区睦邻中心10个
    ("睦邻互助点", "个", "睦邻点"),
    ("宅基睦邻点", "个", "睦邻点"),
    ("社区睦邻中心", "个", "睦邻中心"),
    # 新增社区助浴点10个 / 建设助浴服务点5个
    ("社区助浴点", "个", "社区助浴点"),
    ("助浴服务点", "个", "社区助浴点"),
    ("老年人助浴点", "个", "社区助浴点"),
    # 新增社区嵌入式养老服务机构20家 / 新建社区嵌入式养老机构5家
    ("社区嵌入式养老服务机构", "家", "社区嵌入式养老服务机构"),
    ("社区嵌入式养老机构", "家", "社区嵌入式养老服务机构"),
    # 设立（社区）养老顾问点100个
    ("养老顾问点", "个", "养老顾问点"),
    ("社区养老顾问点", "个", "养老顾问点"),
    # 创建（示范性）老年友好型社区
    ("老年友好型社区", "个", "老年友好型社区"),
    ("示范性老年友好型社区", "个", "示范性老年友好型社区"),
    ("全国示范性老年友好型社区", "个", "示范性老年友好型社区"),
    # 建设智慧养老应用场景10个
    ("智慧养老应用场景", "个", "智慧养老应用场景"),
    # 新增康复辅具租赁点10个
    ("康复辅具租赁点", "个", "康复辅具社区租赁服务点"),
    # 建设阳光之家10个 / 建设阳光心园5个
    ("阳光之家", "个", "阳光之家"),
    ("阳光心园", "个", "阳光心园"),
    # 培育（区级）品牌社会组织10家
    ("品牌社会组织", "家", "品牌社会组织"),
    # 婚姻登记（服务）满意率/满意度达到98%
    ("婚姻登记满意率", "%", "婚姻登记满意率"),
    ("婚姻登记服务满意度", "%", "婚姻登记满意率"),
    # 新增婚姻登记处1个
    ("婚姻登记处", "个", "婚姻登记机关"),
    # 完成居委会换届选举100个: elections, not 居民区
    ("居委会换届选举", "个", "居委会换届选举"),
    ("居民委员会换届", "个", "居委会换届选举"),
    # 新增社区事务受理服务中心1个
    ("社区事务受理服务中心", "个", "社区事务受理服务中心"),
    # 开展老年认知障碍风险测评2万人次 / 认知障碍筛查5000人
    ("老年认知障碍风险测评", "人次", "认知障碍风险测评"),
    ("老年人认知障碍筛查", "人", "认知障碍风险测评"),
    # 新增儿童福利督导员10名
    ("儿童福利督导员", "名", "儿童主任"),
    # 新建精神障碍社区康复机构2家
    ("精神障碍社区康复机构", "家", "精神障碍社区康复机构"),
    # 设立社区基金会5家 / 建设社区慈善基金20个
    ("社区基金会", "家", "社区基金会"),
    ("社区慈善基金", "个", "社区慈善基金"),
    # 持证社会工作者达到3000名 / 新增持证社工200名
    ("持证社会工作者", "名", "持证社会工作者"),
    ("持证社工", "名", "持证社会工作者"),
    # 建设殡仪馆1座
    ("殡仪馆", "座", "殡仪馆"),
])
def test_new_indicators_map(metric, unit, expected):
    assert match_indicator(metric, unit) == expected


@pytest.mark.parametrize("metric, unit, expected", [
    # levels and kinds of children's places stay apart
    ("儿童服务站", "个", "儿童服务站"),                       # not 儿童之家
    ("儿童服务中心", "个", "儿童服务中心"),                   # not 未成年人保护工作站
    ("未保站", "个", "未成年人保护工作站"),
    ("儿童之家覆盖率", "%", UNMAPPED),                        # a rate is not a facility count
    ("儿童福利社工", "名", "儿童福利社工"),                   # staff, not 儿童福利机构
    # social-work station (街镇) vs room (居村) vs the workers
    ("社会工作服务室", "个", "社会工作服务室"),
    ("社工站覆盖率", "%", UNMAPPED),
    ("社工持证率", "%", "社区工作者持证率"),
    ("社区工作者", "名", "社区工作者"),
    # 睦邻点 is not 睦邻中心; the bare words name the facility itself
    ("睦邻中心", "个", "睦邻中心"),
    ("睦邻点", "个", "睦邻点"),
    ("助浴点", "个", "社区助浴点"),
    # bathing point is not the meal point, nor the bathing service
    ("助餐点", "个", "老年助餐服务点"),
    ("助浴服务", "名", UNMAPPED),
    # embedded community institutions are not 养老机构, and 养老服务机构 is not either
    ("养老机构", "家", "养老机构"),
    ("养老服务机构", "家", UNMAPPED),
    # the consultant (a person) is not the consultant point
    ("养老顾问", "名", "养老顾问"),
    ("养老顾问", "个", UNMAPPED),
    # 老年友好型社区 vs its 示范性 subtype vs 认知障碍友好社区
    ("老年认知障碍友好社区", "个", "认知障碍友好社区"),
    # 智慧养老院 is a home, not a scene
    ("智慧养老院", "家", "智慧养老院"),
    # a brand organisation is not any 社区社会组织
    ("社区社会组织", "家", "社区社会组织"),
    # satisfaction elsewhere is not marriage registration's
    ("殡葬服务满意率", "%", UNMAPPED),
    ("婚姻登记满意率", "个", UNMAPPED),
    ("婚姻登记特色颁证点", "个", "特色颁证场所"),
    # a 居委会 rate of the elections is not counted, and 居委会 alone is still 居民区
    ("居委会换届选举参选率", "%", UNMAPPED),
    ("居委会", "个", "居民区"),
    ("村委会", "个", UNMAPPED),
    # the accept centre's coverage rate is not the centre
    ("社区事务受理服务中心标准化建设覆盖率", "%", UNMAPPED),
    ("受理服务延伸点", "个", "受理服务延伸点"),
    # screening counted in people or times is not a 认知障碍 bed or friendly community
    ("认知障碍照护床位", "张", "认知障碍照护床位"),
    ("认知障碍风险测评", "个", UNMAPPED),
    # the 精神障碍 service coverage rate is not the facility
    ("精神障碍社区康复服务街镇覆盖率", "%", "精神障碍社区康复服务街镇覆盖率"),
    ("精神障碍社区康复机构", "%", UNMAPPED),
    # a community foundation is not its fund, nor a 慈善超市
    ("社区慈善基金", "家", UNMAPPED),
    ("慈善超市", "家", "慈善超市"),
    # certified social workers are not 社区工作者, nor child-welfare social workers
    ("儿童福利社会工作者", "名", "儿童福利社工"),
    ("持证社会工作者", "%", UNMAPPED),
    # a 骨灰堂 is counted with 公益性公墓, not as 殡仪馆
    ("骨灰堂", "座", "公益性公墓"),
])
def test_new_indicators_near_misses_stay_apart(metric, unit, expected):
    assert match_indicator(metric, unit) == expected
