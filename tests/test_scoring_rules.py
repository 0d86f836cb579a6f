"""Rule packs: banned pesticides, veterinary drugs, advertising law, vehicle fuel; with negation."""

from __future__ import annotations

import pytest

from scoring import DEFAULT_DEPARTMENTS, Listing, Registry, score
from scoring.lexicon import packs

EMPTY = Registry([])


def verdict(title: str, category: str | None = None, description: str | None = None):
    s = score(Listing("r", title, category=category, description=description), EMPTY)
    return s.flagged, s.violation, s.department


@pytest.mark.parametrize(
    "title",
    [
        "甲胺磷 农药 乳油 500ml",
        "百草枯 20%水剂 5L 除草",
        "克无踪 除草剂 5L",  # trade name of 百草枯
        "氟虫腈 悬浮剂 杀虫",
        "高效 1605 杀虫剂 农用",  # code name of 对硫磷, with pesticide context
        "毒鼠强 灭鼠 特效",
        "甲拌磷 颗粒剂 地下害虫",  # banned since 2024-09-01
        "克百威 呋喃丹 颗粒剂",
    ],
)
def test_banned_pesticides_are_flagged_for_the_market_department(title):
    assert verdict(title, "农资") == (True, "banned_agri_input", "市场处")


@pytest.mark.parametrize(
    "title", ["吡虫啉 杀虫粉剂 1kg 农用", "草甘膦 除草剂 5L", "阿维菌素 杀虫剂", "敌敌畏 乳油"]
)
def test_legal_pesticides_are_not_flagged(title):
    assert verdict(title, "农资")[0] is False


@pytest.mark.parametrize(
    "title",
    [
        "不含百草枯 新型除草剂 草铵膦",
        "百草枯替代品 草铵膦 水剂",
        "百草枯快速检测卡 农残",
        "拒绝高毒 不含甲胺磷 生物农药",
    ],
)
def test_negated_or_tested_for_terms_are_not_an_offer(title):
    assert verdict(title, "农资")[0] is False


def test_short_names_and_codes_need_pesticide_context():
    assert verdict("林丹同款 羽毛球拍", "体育用品")[0] is False  # 林丹 the player
    assert verdict("1080P 高清摄像头", "数码")[0] is False
    assert verdict("快乐果 零食", "零食")[0] is False  # 乐果 inside another word, no pesticide context


def test_restricted_pesticide_counts_only_for_a_forbidden_use():
    assert verdict("毒死蜱 乳油 蔬菜 蚜虫 专用", "农资") == (True, "banned_agri_input", "市场处")
    assert verdict("毒死蜱 乳油 小麦 地下害虫", "农资")[0] is False


@pytest.mark.parametrize(
    "title", ["盐酸克伦特罗 饲料添加剂 育肥", "瘦肉精 猪饲料", "莱克多巴胺 预混料", "孔雀石绿 鱼塘 水产"]
)
def test_banned_veterinary_drugs_and_feed_additives(title):
    assert verdict(title, "饲料兽药")[:2] == (True, "banned_agri_input")


def test_human_medicine_names_need_an_animal_context():
    assert verdict("氯霉素滴眼液 10ml", "药品")[0] is False
    assert verdict("氯霉素 兽用 鸡 拌料", "兽药")[0] is True


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("降血压 茶 纯天然 三高克星", "茶叶"),
        ("抗癌 蜂蜜 野生", "食品"),
        ("祛痘面霜 根治痘痘 七天治愈", "护肤"),
        ("国家级 白酒 最佳口感", "酒类"),
        ("全网第一 销量第一 面膜", "美妆"),
        ("驰名商标 大米 10kg", "粮油"),
    ],
)
def test_advertising_violations_go_to_the_advertising_department(title, category):
    assert verdict(title, category) == (True, "false_advertising", "广告处")


def test_medical_terms_are_allowed_for_drugs_and_medical_devices():
    assert verdict("医用冷敷贴 械字号 治疗 术后修复", "医疗器械")[0] is False
    assert verdict("布洛芬缓释胶囊 治疗 头痛 OTC", "药品")[0] is False


@pytest.mark.parametrize(
    "title",
    [
        "散装汽油 92# 桶装 可送",
        "非标柴油 工地专用 低价",
        "国三柴油 当国六 车用 批发",
        "无票油 柴油 大量供应",
        "调和油 车用 柴油车 省油",
    ],
)
def test_substandard_fuel_offers(title):
    assert verdict(title, "汽车用品") == (True, "substandard_fuel", "消保处")


def test_cooking_blend_oil_is_not_fuel():
    assert verdict("金龙鱼 食用调和油 5L 炒菜", "粮油")[0] is False
    assert verdict("国六汽油 加油卡 充值", "充值")[0] is False


def test_every_rule_names_its_violation_and_department():
    for pack in packs():
        assert pack.version
        for rule in pack.rules:
            assert rule.violation in DEFAULT_DEPARTMENTS
            assert rule.department in {
                "商标处",
                "公平交易处",
                "广告处",
                "市场处",
                "消保处",
                "经检处",
                "网监分局",
            }


def test_pesticide_pack_has_the_whole_banned_list():
    (pest,) = [p for p in packs() if p.name == "pesticides"]
    names = {r.title.split("：", 1)[1].split("（")[0] for r in pest.rules if ".banned." in r.id}
    assert len(names) >= 46 + 8
    for must in (
        "六六六",
        "滴滴涕",
        "甲胺磷",
        "对硫磷",
        "百草枯",
        "氟虫腈",
        "2,4-滴丁酯",
        "溴甲烷",
        "杀扑磷",
    ):
        assert must in names


def test_spaced_out_banned_name_and_reversed_fuel_phrases():
    assert verdict("百 草 枯 20%水剂", "农资")[1] == "banned_agri_input"
    assert verdict("92#汽油 散装 送货上门", "汽车用品")[1] == "substandard_fuel"
    assert verdict("0#柴油 非标 工地用", "汽车用品")[1] == "substandard_fuel"


def test_lexicon_entries_are_read_as_text():
    """YAML reads 1:1 as the number 61 unless quoted; every entry must stay the text written."""
    from scoring.lexicon import cue_words

    words = dict(cue_words())
    assert "1:1" in words and "61" not in words


# Each advertising rule keeps its legal basis and its context. Negatives are written like ordinary
# marketplace titles.
@pytest.mark.parametrize(
    "title",
    [
        "国家机关特供 53度 酱香型白酒 500ml",
        "军队特供 茅台镇 白酒 整箱",
        "部队专供 香烟 礼盒",
        "特供中南海 贡茶 礼盒装",
        "政府内供 野生 普洱茶 饼",
    ],
)
def test_special_supply_is_a_violation_with_state_organ_context(title):
    flagged, violation, _ = verdict(title)
    assert flagged and violation == "false_advertising"


@pytest.mark.parametrize(
    "title",
    [
        "【11.11特供】兰芝 睫毛膏 7g 浓密纤长",
        "天猫专供 护肤品套装 补水保湿 礼盒",
        "限量特供套装 精华液 50ml 保湿",
        "【京东专供】格兰仕 微波炉 家用 小型",
        "企业采购专供 服务器 机架式 2U",
        "真男人专供 洁面皂 深层清洁",
    ],
)
def test_special_supply_as_shop_marketing_is_not_a_violation(title):
    assert verdict(title)[0] is False


@pytest.mark.parametrize(
    "title",
    [
        "免钉胶 陶瓷强力胶 万能胶 超级防水",
        "万能遥控器 空调 电视 通用",
        "数字万能表 高精度 电工",
        "电木万能板 18*30cm 洞洞板",
        "车载手机支架 万能通用 汽车用",
        "林肯 车载充电器 双usb 万能车充",
    ],
)
def test_wanneng_inside_a_product_type_word_is_not_an_absolute_claim(title):
    assert verdict(title)[0] is False


def test_wanneng_as_a_claim_is_an_absolute_term():
    assert verdict("万能神膏 一抹见效 家中常备")[1] == "false_advertising"


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("左旋肉碱 减肥 胶囊 男女通用", None),
        ("减肥茶 排油 刮油 花草茶", None),
        ("燃脂 紧致凝露 200ml 塑身", None),
        ("生姜 洗发水 防脱 生发 500ml", None),
        ("纤体 瘦身 代餐奶昔 饱腹", "保健品"),
    ],
)
def test_body_claims_on_food_supplements_and_cosmetics_are_violations(title, category):
    assert verdict(title, category)[:2] == (True, "false_advertising")


@pytest.mark.parametrize(
    "title",
    [
        "智能体脂秤 家用 精准 减肥 电子秤",
        "三年二班 文具 30天计划表 学习 减肥 健身 打卡",
        "塑身衣 连体 收腹 瘦身 美体内衣",
        "无线甩脂机 瘦身 减肥 运动器材",
        "有线游戏鼠标 静音 男女生发光 usb",
        "加热鼠标垫 学生发热 暖手 桌垫",
        "图说生活 14天减肥瑜伽 上海科学普及出版社",
        "眼底病诊断与治疗（第3版）正版书籍",
        "百字过关 最佳书法入门系列丛书",
        "颈椎按摩器 治疗仪 颈部 腰部 家用",
        "免砸砖 卫生间 堵漏王 无效退款",
    ],
)
def test_claim_words_on_goods_where_they_are_no_claim_are_not_violations(title):
    assert verdict(title)[0] is False


def test_a_body_claim_with_goods_unknown_counts_but_does_not_flag_alone():
    s = score(Listing("r", "减肥 瘦身 神器 一周见效"), EMPTY)
    assert not s.flagged and s.features.get("false_advertising", 0) > 0


@pytest.mark.parametrize("title", ["保赐利万能防锈润滑剂 门锁 除锈", "wifi放大器 万能家用路由器 迷你便携"])
def test_wanneng_before_a_longer_product_name_is_a_product_type(title):
    assert verdict(title)[0] is False


@pytest.mark.parametrize("title", ["万能神药 包治百病", "这款面霜万能 修护一切"])
def test_wanneng_as_a_claim_on_its_own_is_still_a_violation(title):
    assert verdict(title)[1] == "false_advertising"
