"""Precision of the lookalike matcher on ordinary traffic, mechanism by mechanism, in both directions:
the ordinary title is not flagged AND a lookalike of the same mark is still caught.

The titles reproduce kinds of false alarms seen on real marketplace titles (model numbers, other
brands' marks, dictionary words, possessives, romanised shop names); the brands are chosen apart
from the dev set.
"""

from __future__ import annotations

import pytest

from scoring import Brand, Listing, Registry, score

REG = Registry(
    [
        Brand("一加", ("OnePlus",), categories=("手机",), nice_classes=(9,)),
        Brand("诺基亚", ("Nokia",), categories=("手机",), nice_classes=(9,)),
        Brand("苹果", ("iPhone",), categories=("手机",), nice_classes=(9,)),
        Brand("欧珀", ("OPPO",), categories=("手机",), nice_classes=(9,)),
        Brand("Zorvex", categories=("耳机",), nice_classes=(9,)),
        Brand("Vexo", categories=("充电宝",), nice_classes=(9,)),
        Brand("星巴克", ("Starbucks",), categories=("咖啡",), nice_classes=(30, 43)),
        Brand("松下", ("Panasonic",), categories=("电视",), nice_classes=(9, 11)),
        Brand("雀巢", ("Nestle",), categories=("奶粉", "咖啡"), nice_classes=(29, 30)),
        Brand("佳能", ("Canon",), categories=("相机",), nice_classes=(9,)),
        Brand("大白兔", ("White Rabbit",), categories=("糖果", "奶糖"), nice_classes=(30,)),
        Brand("百草味", categories=("零食",), nice_classes=(29, 30)),
        Brand("任天堂", ("Switch",), categories=("游戏机",), nice_classes=(9, 28)),
        Brand("蒙牛", ("Mengniu",), categories=("乳制品", "牛奶"), nice_classes=(29,)),
        Brand("Super", categories=("饮料",), nice_classes=(32,)),
        Brand("欧莱雅", ("L'Oreal",), categories=("美妆",), nice_classes=(3,)),
    ]
)


def flagged(title: str, category: str | None = None) -> tuple[bool, str | None, str | None]:
    s = score(Listing("t", title, category=category), REG)
    return s.flagged, s.brand, s.violation


# ---------------------------------------------------------------- model numbers


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("手机壳 适配 p10plus r9s 硅胶软壳", "手机"),  # model numbers, not OnePlus
        ("显示器 xb271hu 27英寸 144Hz", None),
        ("诺基亚 Nokia7 手机壳 保护套", "手机"),  # the mark with a model number is the mark
        ("iPhoneX 手机 256G 国行", "手机"),  # a line letter after the mark, by its letter case
        ("OPPOReno 手机 8G+128G", "手机"),  # a line name after an upper-case mark
    ],
)
def test_model_numbers_and_model_suffixes_are_not_lookalikes(title, category):
    assert flagged(title, category)[2] != "lookalike_mark"
    assert flagged(title, category)[0] is False


@pytest.mark.parametrize(
    ("title", "category", "brand"),
    [
        ("0nePlus 手机 官方", "手机", "一加"),  # a digit standing for a letter is still an evasion
        ("N0kia 功能手机 老人机", "手机", "诺基亚"),
        ("Zorvexx wireless earbuds", "耳机", "Zorvex"),  # a repeated last letter is no model suffix
    ],
)
def test_digits_for_letters_and_repetitions_are_still_lookalikes(title, category, brand):
    assert flagged(title, category) == (True, brand, "lookalike_mark")


# ---------------------------------------------------------------- mark length


def test_one_substitution_in_a_four_letter_mark_needs_the_brands_goods():
    assert flagged("Vefo 数据线 收纳包", None)[0] is False
    assert flagged("Vefo 充电宝 20000毫安", "充电宝") == (True, "Vexo", "lookalike_mark")


def test_one_substitution_in_a_nine_letter_mark_is_strong_without_goods():
    assert flagged("Starbocks 马克杯 陶瓷", None) == (True, "星巴克", "lookalike_mark")


@pytest.mark.parametrize(
    ("title", "category", "brand"),
    [("Sunbucks 咖啡豆 500g", "咖啡", "星巴克"), ("Pamosautc 电视机 55寸", "电视", "松下")],
)
def test_two_edits_in_a_long_mark_are_caught(title, category, brand):
    assert flagged(title, category) == (True, brand, "lookalike_mark")


# ---------------------------------------------------------------- known words, names and brands


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Granite pestle and mortar set 研钵", "厨具"),  # pestle ≈ Nestle
        ("Royal Canin 成犬粮 2kg", "宠物食品"),  # canin ≈ Canon
        ("大白菜 新鲜蔬菜 5斤装", "蔬菜"),  # a dictionary word sharing the mark's head
        ("百草园 鲁迅 散文集", "图书"),
        ("pestle 咖啡 研磨", "咖啡"),  # even in the brand's own goods, a known word alone
    ],
)
def test_known_words_are_not_lookalikes_on_their_own(title, category):
    assert flagged(title, category)[0] is False


def test_a_known_word_in_the_brands_own_goods_with_a_second_signal_is_flagged():
    assert flagged("pestle 咖啡 高仿 1:1", "咖啡")[0] is True


@pytest.mark.parametrize(
    ("title", "category", "brand"),
    [
        ("Nestel 奶粉 800g", "奶粉", "雀巢"),  # a made-up word, not in the dictionary
        ("Canom 单反相机 套机", "相机", "佳能"),
        ("大白免 奶糖 500g", "奶糖", "大白兔"),  # 免/兔 by shape, not a word
    ],
)
def test_made_up_lookalikes_of_the_same_marks_are_still_caught(title, category, brand):
    assert flagged(title, category) == (True, brand, "lookalike_mark")


# ---------------------------------------------------------------- what is not a word to compare


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Titan Women's Watch 石英手表", "游戏机"),  # the s of a possessive beside watch ≈ Switch
        ("Diabetes Care | Amla Juice", None),  # a pipe between spaces is no letter l
        ("猛世（mengshi）冷藏柜 商用", "乳制品"),  # the pinyin of the shop's own Chinese name
        ("superstar sneakers 运动鞋", "饮料"),  # a known word with the mark inside
        ("L'OREAL欧莱雅 复颜 柔肤水", "美妆"),  # an apostrophe inside the registered mark
        ("L＇oreal/欧莱雅 卸妆油", "美妆"),  # full-width punctuation is no evasion
    ],
)
def test_possessives_punctuation_romanisations_and_compounds_are_not_lookalikes(title, category):
    assert flagged(title, category)[2] != "lookalike_mark"


@pytest.mark.parametrize(
    ("title", "category", "brand"),
    [
        ("Swich 游戏机 掌机", "游戏机", "任天堂"),
        ("Mengnui 纯牛奶 250ml", "牛奶", "蒙牛"),
        ("L'Orea1 精华 30ml", "美妆", "欧莱雅"),
    ],
)
def test_the_same_marks_imitated_are_still_caught(title, category, brand):
    assert flagged(title, category) == (True, brand, "lookalike_mark")


# ---------------------------------------------------------------- homoglyphs from Unicode TR39

HOMO = Registry(
    [
        Brand("金龙鱼", ("Arawana",), categories=("食用油",), nice_classes=(29,)),
        Brand("星球大战", ("Starwars",), categories=("玩具",), nice_classes=(28,)),
    ]
)


@pytest.mark.parametrize(
    ("title", "category", "brand"),
    [
        ("Arəwaṉa 食用油 5L", "食用油", "金龙鱼"),  # schwa (a turned e in TR39) and n with a line below
        ("Sṭaɽwars 乐高 积木", "玩具", "星球大战"),  # t with a dot below and r with a tail
        ("Ѕtаrwаrs 积木 拼装", "玩具", "星球大战"),  # Cyrillic Ѕ and а
    ],
)
def test_homoglyphs_from_the_tr39_data_are_caught(title, category, brand):
    s = score(Listing("t", title, category=category), HOMO)
    assert (s.flagged, s.brand, s.violation) == (True, brand, "lookalike_mark")


@pytest.mark.parametrize(
    "title",
    [
        "Arawana 食用油 5L",  # the genuine mark
        "زيت الطهي 食用油 5L",  # Arabic letters that TR39 lists beside Latin ones stay Arabic
    ],
)
def test_genuine_marks_and_other_scripts_are_not_homoglyph_lookalikes(title):
    s = score(Listing("t", title, category="食用油"), HOMO)
    assert s.violation != "lookalike_mark" and not s.flagged


# ---------------------------------------------------------------- other brands' marks and compounds

MARKS = Registry(
    [
        Brand("华为", ("HUAWEI",), categories=("手机", "笔记本电脑"), nice_classes=(9,)),
        Brand(
            "苹果",
            ("Apple", "MacBook", "Apple Watch"),
            categories=("笔记本电脑", "手表"),
            nice_classes=(9, 14),
        ),
        Brand("王者荣耀", categories=("游戏",), nice_classes=(9, 41)),
        Brand("荣耀", ("Honor",), categories=("手机",), nice_classes=(9,)),
        Brand("联想", ("ThinkBook",), categories=("笔记本电脑",), nice_classes=(9,)),
        Brand("珀莱雅", categories=("护肤品",), nice_classes=(3,)),
        Brand("中国长城", categories=("电脑",), nice_classes=(9,)),
        Brand("博士", ("Bose",), categories=("耳机",), nice_classes=(9,)),
    ]
)


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("华为MateBook X Pro 笔记本保护套", "笔记本电脑"),  # another brand's product line, attached
        ("华为荣耀8 手机壳 软胶", "手机"),  # 华为 and 荣耀, not 王者荣耀
        ("联想ThinkCentre M720Q 台式机", "笔记本电脑"),  # another compound: think + centre
        ("三星 Galaxy Watch 表带 42mm", "手表"),  # galaxy watch is not apple watch
        ("欧珀莱补水保湿精华露 30ml", "护肤品"),  # two characters of 珀莱雅 inside another name
        ("安卓数据线 中国红 1米", "电脑"),  # an everyday head (中国) kept, the rest changed
        ("Huawei/华为 MateBook 14 贴膜", "笔记本电脑"),  # the other brand's line across one space
        ("蓝牙耳机 无线挂脖式跑步耳塞", "手机"),  # 脖式 ≈ 博士 cut out of the middle of a run
    ],
)
def test_other_brands_marks_and_compounds_are_not_lookalikes(title, category):
    s = score(Listing("t", title, category=category), MARKS)
    assert s.violation != "lookalike_mark" and not s.flagged


@pytest.mark.parametrize(
    ("title", "category", "brand"),
    [
        ("MacBok Pro 笔记本电脑 13寸", "笔记本电脑", "苹果"),
        ("王者荣耰 游戏 点卡", "游戏", "王者荣耀"),
        ("珀莱稚 精华露 30ml", "护肤品", "珀莱雅"),
        ("ThinkBooc 14 笔记本电脑", "笔记本电脑", "联想"),
        ("搏士 蓝牙耳机 降噪", "耳机", "博士"),
    ],
)
def test_the_same_marks_imitated_alone_are_caught(title, category, brand):
    s = score(Listing("t", title, category=category), MARKS)
    assert (s.flagged, s.brand, s.violation) == (True, brand, "lookalike_mark")


# ---------------------------------------------------------------- how ordinary titles differ from a mark

FLOOD = Registry(
    [
        Brand("Lumora", categories=("护肤",), nice_classes=(3,)),
        Brand("魅途", categories=("手机",), nice_classes=(9,)),
        Brand("三禾", categories=("文具", "笔"), nice_classes=(16,)),
        Brand("华岭", categories=("冰箱", "冰柜"), nice_classes=(11,)),
        Brand("晨星文具", categories=("文具",), nice_classes=(16,)),
        Brand("伊泉", categories=("牛奶", "乳制品"), nice_classes=(29,)),
    ]
)


def flood(title: str, category: str | None = None) -> tuple[bool, str | None]:
    s = score(Listing("t", title, category=category), FLOOD)
    return s.flagged, s.brand


@pytest.mark.parametrize(
    ("title", "category"),
    [
        # an English marketplace category names other goods than the brand's (a sports brand, not
        # the cosmetics mark it resembles)
        ("Lumara Thunder Aluminium Badminton Racket (Black)", "sports & fitness > Badminton"),
        ("LUMARA Gym Duffle Bag, Polyester", "bags & luggage > Travel Duffles"),
        # a two-character mark with one character kept and the other unlike it: a quantity, an
        # accessory maker's own name, a name with its own Latin name
        ("中性笔 0.5mm 黑色 学生考试 3黑1红", "文具"),
        ("桌面文件架 收纳筐 三栏/灰色", "文具"),
        ("魅声 苹果手机壳 硅胶全包防摔", None),
        ("穗岭（SUILING）冰柜 商用卧式 不锈钢", None),
        # only the generic tail of the mark kept, its distinctive head replaced
        ("A4 亚克力台签 办公文具 桌面展示牌", None),
        ("少女心 手账本 开学文具 笔记本子", None),
        # a two-character window glued into a longer name, outside the brand's goods
        ("易泉丰 强力磁铁 吸铁石 100个装", None),
    ],
)
def test_ordinary_names_sharing_part_of_a_mark_are_not_lookalikes(title, category):
    assert flood(title, category)[0] is False


@pytest.mark.parametrize(
    ("title", "category", "brand"),
    [
        ("Lumara Face Cream 50 g, Moisturiser", "beauty & health > Luxury Beauty", "Lumora"),
        ("三未 中性笔 0.5mm 黑色 办公", "文具", "三禾"),  # a look-alike character beside the numeral
        ("魅图 手机壳 硅胶全包防摔", None, "魅途"),  # a sound-alike on the brand's accessory
        ("华龄（HUALING）冰柜 商用卧式", None, "华岭"),  # the Latin name is the mark's own pinyin
        ("辰星文具 中性笔 笔记本子", None, "晨星文具"),  # the head imitated character by character
        ("晨昱文具 中性笔 0.5mm", None, "晨星文具"),  # the head kept in part
        ("易泉 纯牛奶 250ml*24盒", None, "伊泉"),
    ],
)
def test_lookalikes_of_the_same_marks_are_still_caught(title, category, brand):
    assert flood(title, category) == (True, brand)


NAMES = Registry(
    [
        Brand("Kelvora", categories=("冰箱",), nice_classes=(11,)),
        Brand("红岩", categories=("手机",), nice_classes=(9,)),
        Brand("Vexo", categories=("充电宝",), nice_classes=(9,)),
        Brand("Dermaceutix", categories=("护肤",), nice_classes=(3,)),
        Brand("Sand Rover", categories=("汽车",), nice_classes=(12,)),
        Brand("Microsat", categories=("存储卡",), nice_classes=(9,)),
        Brand("Roborack", categories=("扫地机",), nice_classes=(7,)),
        Brand("MacLite", categories=("笔记本电脑",), nice_classes=(9,)),
        Brand("华瑞", categories=("笔记本电脑",), nice_classes=(9,)),
        Brand("悦诗", ("Lumisa",), categories=("护肤",), nice_classes=(3,)),
    ]
)


def named(title: str, category: str | None = None) -> tuple[bool, str | None]:
    s = score(Listing("t", title, category=category), NAMES)
    return s.flagged, s.brand


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("凯度（KELVARA）冰箱 双门 家用", None),  # a Latin name beside its own Chinese name
        ("红岩 手机壳 hongyan 6 保护套", None),  # the genuine mark named, and its pinyin
        ("Lumiza/悦诗 保湿面霜 50ml", None),  # a misspelling paired with the genuine Chinese mark
        ("vexopro 充电宝 20000毫安", None),  # the mark and a product-line word
        # one part of a compound mark kept, the rest unlike it
        ("Cosmoceutix Face Cream 50 g", "beauty & health > Luxury Beauty"),
        ("Bioceutix 面霜 50g", None),
        # runs of everyday words loosely like a mark
        ("tf卡 Micro SD 手机内存卡 32G", None),
        ("Robot Arm 机械臂 开源", None),
        ("MateLite 笔记本电脑 贴膜 华瑞 14英寸", None),  # another brand's product line, that brand named
    ],
)
def test_other_names_lines_and_phrases_are_not_lookalikes(title, category):
    assert named(title, category)[0] is False


@pytest.mark.parametrize(
    ("title", "brand"),
    [
        ("KELVARA 冰箱 双门 家用", "Kelvora"),
        ("hongyan 智能手机 5G", "红岩"),
        ("Lumiza 保湿面霜 50ml", "悦诗"),
        ("vexxo 充电宝 20000毫安", "Vexo"),
        ("Dermaceutex 面霜 50g", "Dermaceutix"),
        ("Mikrosat 存储卡 32G", "Microsat"),
        ("Sand Rovar 汽车 SUV 越野", "Sand Rover"),
        ("MateLite 笔记本电脑 14英寸", "MacLite"),
    ],
)
def test_the_same_lookalikes_alone_are_caught(title, brand):
    assert named(title) == (True, brand)


MORE = Registry(
    [
        Brand("伊泉", categories=("牛奶", "乳制品"), nice_classes=(29,)),
        Brand("九号", categories=("电动车",), nice_classes=(12,)),
        Brand("361°", categories=("运动鞋",), nice_classes=(25,)),
        Brand("魅途", categories=("手机",), nice_classes=(9,)),
        Brand("华瑞", categories=("手机",), nice_classes=(9,)),
        Brand("施泰乐", ("Stelora",), categories=("铅笔", "文具"), nice_classes=(16,)),
        Brand("阳光堂", categories=("护肤", "眼线笔"), nice_classes=(3,)),
        Brand("保时达", categories=("手机壳",), nice_classes=(9,)),
        Brand("大印良品", categories=("文具",), nice_classes=(16,)),
        Brand("Nikora", categories=("耳机",), nice_classes=(9,)),
        Brand("Torvex", categories=("电视",), nice_classes=(9,)),
        Brand("枝新", categories=("中性笔", "笔芯"), nice_classes=(16,)),
    ]
)


def more(title: str) -> tuple[bool, str | None]:
    s = score(Listing("t", title), MORE)
    return s.flagged, s.brand


@pytest.mark.parametrize(
    "title",
    [
        "爱易泉 纯牛奶 250ml",  # one character glued before it: a three-character name of its own
        "A4 信封 9号 黄色 100个",  # a number and a measure word written as anyone writes them
        "婴儿帽子 3-6-12个月 纯棉",  # a list of numbers, not a spaced-out numeric mark
        "魅声 华瑞P30 手机 专用麦克风",  # one character shared, another brand's phone named
        "Stelora施秦乐 素描铅笔 套装",  # the brand's own Latin mark glued to a variant of its Chinese one
        "眼线液笔 深邃黑 阳光棕",  # only the everyday head of the mark kept (a colour)
        "手机壳 宝石蓝 硅胶",  # three characters, none kept, faint likenesses only
        "水彩笔 大印章 儿童",  # the kept head reads into an ordinary word (大+印章)
        "Nikoa/北恩 话务耳机 客服",  # a Latin name paired with its own Chinese name
        "魅声 T800 手机 麦克风 声卡",  # one character shared, a maker's name and its model code
        "snsir/魅声 手机 麦克风",  # one character shared, the name with its own Latin name before it
        "iTORVEX 108 cm 4K Smart LED TV",  # the mark after a lower-case line prefix is the mark
        "中性笔 8支笔+50支芯 黑色",  # a measure word after a number: a quantity (50支 芯)
        "易泉 收藏 怀旧 老物件",  # a two-character sound-alike with no goods evidence at all
    ],
)
def test_ordinary_words_and_names_in_the_brands_goods_are_not_lookalikes(title):
    assert more(title)[0] is False


@pytest.mark.parametrize(
    ("title", "brand"),
    [
        ("新品易泉 纯牛奶 250ml", "伊泉"),  # a word glued before the lookalike is still read past
        ("易泉纯牛奶 250ml", "伊泉"),  # a lookalike glued to its goods
        ("9号 电动车 滑板车 高仿", "九号"),  # the digit form with a second signal
        ("魅声 手机 专用麦克风", "魅途"),
        ("魅声 手机 麦克风 330ml", "魅途"),  # a quantity is no model code
        ("ITORVEX 4K 电视 55英寸", "Torvex"),  # no letter case to set a prefix off: a letter added
        ("支芯 中性笔 黑色 0.5mm", "枝新"),
        ("施秦乐 素描铅笔 套装", "施泰乐"),
        ("阳光糖 眼线笔 黑色", "阳光堂"),  # the distinctive character imitated by sound
        ("宝时达 手机壳 硅胶", "保时达"),
        ("大印之家 文具 笔袋", "大印良品"),
        ("Nikoa 话务耳机 客服", "Nikora"),
    ],
)
def test_lookalikes_beside_the_same_words_are_still_caught(title, brand):
    assert more(title) == (True, brand)


def test_a_word_that_starts_with_a_mark_is_that_word_not_the_mark_and_a_suffix():
    reg = Registry([Brand("格力", ("Gree",), categories=("空调",), nice_classes=(11,), price_floor=1000)])
    lamp = Listing(
        "t", "Dark Green Sun Shade Sail Canopy", category="home & kitchen > Indoor Lighting", price=277.0
    )
    assert not score(lamp, reg).flagged  # green is not Gree + n: no price floor to compare with
    assert score(
        Listing("t", "GreeX 空调 1.5匹 变频", price=277.0), reg
    ).flagged  # the mark and a model letter
