"""Counterfeit signals beside the name: cue words, price, image reuse, sellers, goods relevance."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring import Brand, Listing, Registry, ScoringContext, Seller, score, score_many
from scoring.signals import cue_strength, goods_classes, relevance
from scoring.text import fold

OFFICIAL = "c3d4e5f60718293a"
REG = Registry(
    [
        Brand(
            "欧丽雅",
            ("Oliya",),
            categories=("护肤品",),
            nice_classes=(3,),
            price_floor=120.0,
            authorized_sellers=("欧丽雅官方旗舰店",),
            official_image_hashes=(OFFICIAL,),
        ),
        Brand("Apple", ("苹果", "iPhone"), categories=("手机",), nice_classes=(9,), price_floor=2000.0),
    ]
)


def run(title, category="护肤品", price=None, **kw):
    return score(Listing("s", title, category=category, price=price, **kw), REG)


@pytest.mark.parametrize("word", ["高仿", "A货", "1:1", "原单", "复刻", "精仿", "莆田", "replica", "超A"])
def test_cue_words_with_the_genuine_mark_are_counterfeit(word):
    s = run(f"欧丽雅 精华液 30ml {word}", price=150)
    assert (s.flagged, s.brand, s.violation, s.department) == (True, "欧丽雅", "counterfeit_mark", "商标处")
    assert any(r.signal == "counterfeit_cue" for r in s.reasons)


@pytest.mark.parametrize("text", ["不是高仿 假一赔十", "拒绝A货 正品保障", "非复刻"])
def test_negated_cue_words_do_not_count(text):
    assert cue_strength(fold(text))[0] == 0.0


def test_weak_cue_alone_is_not_enough():
    assert not run("欧丽雅 精华液 30ml 专柜同款", price=150).flagged


def test_price_far_below_the_floor_is_counterfeit():
    s = run("欧丽雅 精华液 30ml", price=25)
    assert (s.flagged, s.violation) == (True, "counterfeit_mark")
    assert "价格下限" in s.reasons[0].detail


def test_price_near_the_floor_is_not_flagged():
    assert not run("欧丽雅 精华液 30ml", price=110).flagged


def test_price_signal_needs_the_listing_to_be_about_the_brands_goods():
    """A ¥39 bag of apples says nothing about Apple."""
    s = score(Listing("a", "烟台红富士苹果 5斤", category="水果", price=39), REG)
    assert not s.flagged


def test_median_mad_outlier_learned_from_the_stream():
    listings = [Listing(f"g{i}", "欧丽雅 精华液 30ml", category="护肤品", price=300 + i) for i in range(20)]
    listings.append(Listing("cheap", "欧丽雅 精华液 30ml", category="护肤品", price=130))
    reg = Registry([Brand("欧丽雅", categories=("护肤品",), nice_classes=(3,))])  # no floor: only statistics
    scores = list(score_many(listings, reg))
    assert [s.id for s in scores] == [x.id for x in listings]
    assert not any(s.flagged for s in scores[:-1])
    assert scores[-1].flagged and any(r.signal == "price_outlier" for r in scores[-1].reasons)


def test_context_can_be_prefilled_by_the_caller():
    ctx = ScoringContext()
    for p in (300, 310, 290, 305, 295, 300, 298, 302, 301, 299):
        ctx.add_price("欧丽雅", "护肤品", p)
    reg = Registry([Brand("欧丽雅", categories=("护肤品",), nice_classes=(3,))])
    s = score(Listing("x", "欧丽雅 精华液", category="护肤品", price=99), reg, context=ctx)
    assert s.flagged and s.features["price_outlier"] > 0


def test_official_image_reused_by_a_stranger():
    s = run("欧丽雅 精华液 30ml 特价", price=100, image_hashes=("c3d4e5f60718293b",))
    assert s.flagged and any(r.signal == "image_reuse" for r in s.reasons)


def test_official_image_in_the_brands_own_shop_is_fine():
    s = run("欧丽雅 精华液 30ml", price=100, image_hashes=(OFFICIAL,), seller=Seller("o", "欧丽雅官方旗舰店"))
    assert not s.flagged


def test_blacklisted_seller_tips_a_weak_case():
    plain = run("欧丽雅 精华液 30ml 专柜同款", price=100)
    black = run("欧丽雅 精华液 30ml 专柜同款", price=100, seller=Seller("b1", "某店", blacklisted=True))
    assert black.risk > plain.risk
    ctx = ScoringContext(blacklisted_sellers={"b2"})
    s = score(
        Listing("x", "欧丽雅 精华液 30ml 专柜同款", category="护肤品", price=100, seller=Seller("b2", "店")),
        REG,
        context=ctx,
    )
    assert s.features.get("seller_blacklisted") == 1.0


def test_new_shop_adds_to_the_risk():
    seen = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    old = run(
        "欧丽雅 精华液 原单", price=150, seller=Seller("s", "店", opened=dt.date(2015, 1, 1)), seen_at=seen
    )
    new = run(
        "欧丽雅 精华液 原单", price=150, seller=Seller("s", "店", opened=dt.date(2026, 11, 1)), seen_at=seen
    )
    assert new.risk > old.risk and "seller_new" in new.features


def test_seller_with_many_unrelated_brands():
    brands = [
        Brand(n, categories=("护肤品",), nice_classes=(3,))
        for n in ("欧丽雅", "兰诗黛", "雅诗琳", "香奈雅", "娇兰诗")
    ]
    reg = Registry(brands)
    seller = Seller("multi", "小店")
    listings = [
        Listing(f"m{i}", f"{b.name} 面霜", category="护肤品", price=200, seller=seller)
        for i, b in enumerate(brands)
    ]
    listings.append(Listing("last", "欧丽雅 面霜 专柜同款", category="护肤品", price=200, seller=seller))
    last = list(score_many(listings, reg))[-1]
    assert last.features.get("seller_many_brands") == 1.0


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("护肤品", 1.0),
        ("护肤", 1.0),
        ("护肤彩妆", 0.85),
        ("化妆品", 0.7),
        ("其他", 0.5),
        (None, 0.5),
        ("水果", 0.0),
    ],
)
def test_goods_relevance_levels(category, expected):
    assert relevance(Listing("x", "新品 30ml", category=category), REG.brands[0]) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("精华液 30ml", 1.0),  # 精华液 is skincare: as if the category were 护肤
        ("补水保湿 面霜 50g", 1.0),
        ("新鲜 红富士 水果 5斤", 0.0),  # as if the category were 水果
        ("新品 30ml", 0.5),
    ],
)
def test_without_a_category_the_goods_the_title_names_stand_in_for_one(title, expected):
    for category in (None, "其他"):
        assert relevance(Listing("x", title, category=category), REG.brands[0]) == expected


def test_goods_words_map_to_nice_classes():
    assert (
        25 in goods_classes("男子跑步鞋")
        and 9 in goods_classes("手机数码")
        and 31 in goods_classes("活体 观赏鱼")
    )


@pytest.mark.parametrize("title", ["欧丽雅 精华液 高-仿", "欧丽雅 精华液 1 : 1", "欧丽雅 精华液 A 货"])
def test_spaced_out_cue_words_are_read_whole(title):
    assert run(title, price=150).flagged


@pytest.mark.parametrize("title", ["欧丽雅 精华液 jingfang", "欧丽雅 精华液 复ke 版", "欧丽雅 精华液 jiahuo"])
def test_cue_words_written_in_pinyin_are_read(title):
    s = run(title, price=150)
    assert (s.flagged, s.violation) == (True, "counterfeit_mark")


@pytest.mark.parametrize(
    "title",
    [
        "欧丽雅 防晒霜 高防护 SPF50",  # a Han homophone of a cue word (高防/高仿) is an ordinary word
        "欧丽雅 精华液 不是jingfang",  # negated
        "精华液 jingfang 同款",  # no brand involved
    ],
)
def test_pinyin_cue_words_are_not_read_into_ordinary_text(title):
    assert not run(title, price=150).flagged


def test_words_next_to_each_other_are_not_glued_into_cues():
    assert not run("欧丽雅 精华液 原 单价 199 现价 159", price=159).flagged


@pytest.mark.parametrize(
    "title",
    ["二手 欧丽雅 精华液 九成新", "补差价 专拍 欧丽雅", "高价回收 欧丽雅 精华液", "欧丽雅 精华液 小样 5ml"],
)
def test_price_says_nothing_for_second_hand_services_samples_and_price_links(title):
    assert not run(title, price=10).flagged


def test_accessories_for_a_brands_products_are_not_priced_against_it():
    reg = Registry([Brand("小米", ("Xiaomi",), categories=("手机",), nice_classes=(9,), price_floor=500)])
    for title in ("小米 手机壳 硅胶 防摔", "Xiaomi 14 case", "适用于小米14 钢化膜"):
        assert not score(Listing("a", title, category="手机配件", price=9), reg).flagged, title
    assert score(Listing("b", "小米 14 手机 全网通", category="手机", price=99), reg).flagged


# goods relevance from the title's goods words and related category wording (synthetic brands)
SHOES = Brand("Vortexa", ("沃特霞",), categories=("运动鞋", "服装"), nice_classes=(25,), price_floor=300.0)
SHOE_REG = Registry([SHOES])


@pytest.mark.parametrize(
    ("title", "category", "expected"),
    [
        ("Vortexa 运动鞋 男", "服饰鞋包", 1.0),  # the title names the brand's goods
        ("Vortexa 跑鞋 男", "服饰鞋包", 0.85),  # a related goods word: shared 鞋, class 25
        ("Vortexa 新款", "服饰鞋包", 0.85),  # category wording shares 服 and class 25
        ("Vortexa 运动鞋", None, 1.0),
        ("Vortexa 运动鞋 手机壳", "手机数码", 0.0),  # the category names other goods
        ("沃特霞 矿泉水", "饮料", 0.0),
    ],
)
def test_relevance_reads_title_goods_and_related_categories(title, category, expected):
    assert relevance(Listing("x", title, category=category), SHOES) == expected


def test_price_floor_counts_when_the_title_names_the_goods_in_a_differently_worded_category():
    s = score(Listing("x", "Vortexa 运动鞋 正品", category="服饰鞋包", price=59), SHOE_REG)
    assert s.flagged and s.brand == "Vortexa" and s.features["price_floor"] == 1.0
    # at a normal price the genuine mark in its goods stays quiet
    assert not score(Listing("y", "Vortexa 运动鞋 正品", category="服饰鞋包", price=499), SHOE_REG).flagged
    # other goods in the category: no price signal
    s = score(Listing("z", "沃特霞 保温杯", category="厨具", price=19), SHOE_REG)
    assert not s.flagged


def test_price_floor_strength_is_full_below_forty_percent():
    from scoring.signals import price_floor_strength

    assert price_floor_strength(40, 100) == 1.0
    assert price_floor_strength(90, 100) == 0.0
    assert 0.5 < price_floor_strength(60, 100) < 0.7
    # the genuine mark in its goods at 40% of the floor is a lead; at 80% it is not
    assert score(Listing("x", "Vortexa 运动鞋", category="运动鞋", price=120), SHOE_REG).flagged
    assert not score(Listing("y", "Vortexa 运动鞋", category="运动鞋", price=240), SHOE_REG).flagged


def test_goods_vocabulary_reads_compound_goods_words_before_their_parts():
    drink = Brand("青泉乐", categories=("饮料",), nice_classes=(32,))
    sauce = Brand("辣婆婆", categories=("调味品",), nice_classes=(30,))
    # 凉茶 and 钙奶 are drinks (not tea leaves, not milk alone); 辣椒酱 and 豆豉 are condiments
    assert relevance(Listing("x", "青泉乐 凉茶 24罐"), drink) >= 0.7
    assert relevance(Listing("x", "青泉乐 AD钙奶 220g"), drink) >= 0.7
    assert relevance(Listing("x", "辣婆婆 辣椒酱 280g"), sauce) >= 0.7
    assert relevance(Listing("x", "辣婆婆 装饰画 客厅"), sauce) == 0.0


@pytest.mark.parametrize("word", ["配件", "鞋带", "充电器"])
def test_accessories_named_with_the_brands_goods_are_not_priced_against_the_floor(word):
    s = score(Listing("x", f"Vortexa 运动鞋 {word}", category="服饰鞋包", price=9.9), SHOE_REG)
    assert not s.flagged


def test_every_registered_brand_signal_is_weighed_by_the_combiner_and_explained():
    from scoring.brand_signals import BRAND_SIGNALS
    from scoring.combiner import DEFAULT_WEIGHTS

    assert set(BRAND_SIGNALS) <= set(DEFAULT_WEIGHTS)
    ctx = ScoringContext(blacklisted_sellers={"s1"})
    s = score(
        Listing(
            "x",
            "欧丽雅 精华液 高仿",
            category="护肤品",
            price=20.0,
            seller=Seller("s1", "某店", opened=dt.date(2026, 11, 1)),
            image_hashes=(OFFICIAL,),
            seen_at=dt.datetime(2026, 11, 20),
        ),
        REG,
        context=ctx,
    )
    fired = {r.signal for r in s.reasons}
    assert {"counterfeit_cue", "price_floor", "image_reuse", "seller_new", "seller_blacklisted"} <= fired
    assert all(r.detail for r in s.reasons)


APPLIANCES = Registry(
    [
        Brand("三星", ("Samsung",), categories=("手机", "电视"), nice_classes=(9,), price_floor=1000.0),
        Brand("海尔", ("Haier",), categories=("冰箱", "洗衣机"), nice_classes=(7, 11), price_floor=1000.0),
        Brand("老板", ("Robam",), categories=("油烟机", "燃气灶"), nice_classes=(11,), price_floor=1500.0),
        Brand("格力", ("Gree",), categories=("空调",), nice_classes=(11,), price_floor=1500.0),
    ]
)


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("三星 存储卡 128G TF卡 手机内存卡", None),
        ("三星 存储卡 128G TF卡 手机内存卡", "手机数码"),
        ("海尔冰箱门封条 密封条 磁性", None),
        ("海尔冰箱温控器 通用", "家用电器"),
        ("老板椅 真皮 办公椅 大班椅", None),
        ("格力空调遥控器 原装 通用", None),
    ],
)
def test_price_floors_are_for_the_brands_main_goods_not_parts_accessories_or_other_goods(title, category):
    s = score(Listing("x", title, category=category, price=25.0), APPLIANCES)
    assert not s.flagged and "price_floor" not in s.features


@pytest.mark.parametrize(
    "title", ["三星 Galaxy S23 5G手机 全网通", "海尔 对开门冰箱 家用 风冷无霜", "格力 空调 1.5匹 变频 挂机"]
)
def test_the_main_goods_far_under_the_floor_are_still_flagged(title):
    s = score(Listing("x", title, price=300.0), APPLIANCES)
    assert s.flagged and "price_floor" in s.features


def test_goods_read_from_the_title_stand_in_for_a_category_and_are_shown():
    reg = Registry([Brand("康师傅", categories=("方便面", "饮料"), nice_classes=(30, 32))])
    for title in ("康帅傅 红烧牛肉面 5连包", "康师傅 红烧牛肉面 高仿"):
        bare = score(Listing("x", title), reg)
        given = score(Listing("x", title, category="方便面"), reg)
        assert bare.flagged and given.flagged and bare.brand == "康师傅"
        assert bare.features.get("goods_from_title") == 1.0 and "goods_from_title" not in given.features
        shown = [r for r in bare.reasons if r.signal == "goods_from_title"]
        assert shown and "牛肉面" in shown[0].detail


@pytest.mark.parametrize(
    "cue",
    ["工厂货", "原厂品质", "尾单", "跟单", "外贸原单", "专柜级做工", "品质同正品", "和专柜一样", "原单质量"],
)
def test_counterfeit_cues_as_sellers_write_them_flag_the_genuine_mark(cue):
    s = run(f"欧丽雅 精华液 30ml {cue} 包邮", price=150)
    assert s.flagged and s.violation == "counterfeit_mark" and "counterfeit_cue" in s.features


@pytest.mark.parametrize(
    "text",
    [
        "非高仿 假一赔十",
        "拒绝高仿、A货、复刻",
        "不含高仿/原单",
        "假货必究 正品保障",
        "不卖假货 支持验货",
        "正品质量保证 官方授权",
        "杜绝高仿和原单",
    ],
)
def test_negated_cues_and_guarantees_against_fakes_are_no_cue(text):
    s = run(f"欧丽雅 精华液 30ml {text}", price=150)
    assert not s.flagged and "counterfeit_cue" not in s.features


SHARED = Registry(
    [
        Brand("德芙", ("Dove",), categories=("巧克力", "糖果"), nice_classes=(30,)),
        Brand("多芬", ("Dove",), categories=("沐浴露", "洗发水", "香皂"), nice_classes=(3,)),
        Brand("长城", categories=("葡萄酒",), nice_classes=(33,)),
        Brand("Great Wall Motor", ("长城",), categories=("汽车",), nice_classes=(12,)),
        Brand("Great Wall Computer", ("長城",), categories=("电脑", "显示器"), nice_classes=(9,)),
    ]
)


@pytest.mark.parametrize(
    ("title", "category", "brand"),
    [
        ("Dove 丝滑牛奶巧克力 252g 高仿", None, "德芙"),
        ("Dove 深层营润沐浴露 1kg 高仿", None, "多芬"),
        ("Dove 丝滑牛奶 252g 高仿", "巧克力", "德芙"),
        ("Dovee 滋养沐浴露 1kg", None, "多芬"),
        ("长城 干红 750ml 原单", "葡萄酒", "长城"),
        ("长城 27寸 显示器 高仿", None, "Great Wall Computer"),
        ("长城 哈弗 SUV 原单", "汽车", "Great Wall Motor"),
    ],
)
def test_a_mark_of_several_owners_is_attributed_to_the_owner_of_the_listings_goods(title, category, brand):
    s = score(Listing("x", title, category=category), SHARED)
    assert s.flagged and s.brand == brand


@pytest.mark.parametrize(
    ("title", "category"), [("长城 高仿 包邮", None), ("长城 高仿 包邮", "其他"), ("Dove 高仿", None)]
)
def test_without_goods_evidence_a_shared_mark_is_attributed_to_no_owner_and_not_flagged(title, category):
    s = score(Listing("x", title, category=category), SHARED)
    assert not s.flagged and s.brand is None


def test_the_registry_knows_every_owner_of_a_mark_in_any_spelling():
    assert len(SHARED.owners("dove")) == 2 and len(SHARED.owners("長城")) == 3
    assert SHARED.owners("德芙") == (0,)


@pytest.mark.parametrize("text", ["网红同款", "抖音同款 送指环", "明星同款"])
def test_same_style_as_a_celebrity_is_no_counterfeit_cue(text):
    assert "counterfeit_cue" not in run(f"欧丽雅 精华液 30ml {text}", price=150).features


def test_a_cue_on_an_accessory_named_after_the_goods_it_fits_does_not_flag_their_brand():
    s = score(Listing("x", "【专柜品质】苹果手机壳 iPhone 玻璃保护壳", price=29.0), REG)
    assert not s.flagged


def test_one_to_one_as_a_scale_is_no_replica_cue():
    assert "counterfeit_cue" not in run("欧丽雅 精华液 30ml 包装盒 1:1真机匹配", price=150).features


def test_cue_words_in_another_sense_are_no_cue():
    reg = Registry(
        [Brand("Clinique", categories=("护肤",), nice_classes=(3,)), Brand("纯甄", categories=("酸奶",))]
    )
    assert not score(
        Listing("x", "Clinique style Artificial Leaf Money Plant Fake Hanging plant"), reg
    ).flagged
    assert "counterfeit_cue" not in run("欧丽雅 精华液 fake fur 收纳包").features
    assert "counterfeit_cue" not in run("欧丽雅 精华液 fake hanging plant").features
    assert "counterfeit_cue" not in run("欧丽雅 精华液 基诺山寨景区 纪念").features
    assert "counterfeit_cue" in run("欧丽雅 精华液 fake").features
