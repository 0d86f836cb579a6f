"""The demo catalogue: deterministic Chinese listings with their true labels, generated from a seed.

The lookalike marks are made by general mechanisms applied to each registered mark (shape-similar
and homophone character swaps, insertion, transposition, separators, Latin typos and homoglyphs),
never copied from a list of known fakes, so the scorer is measured on marks it has not seen.
"""

from __future__ import annotations

import dataclasses
import functools
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from pypinyin import Style, lazy_pinyin
from stdnum.cn import uscc

from demo import BRANDS_FILE, PORTS

PLATFORMS: tuple[str, ...] = ("demo-static", "demo-spa")
platforms = PLATFORMS  # the name the issue uses

FIRST_ITEM = 10001  # listing numbers run from here: demo-static:10001, …

# Category name → URL slug (the static site's /category/<slug>).
CATEGORIES: dict[str, str] = {
    "休闲食品": "snacks",
    "饮料冲调": "drinks",
    "酒类": "liquor",
    "个护清洁": "personal-care",
    "服饰鞋包": "apparel",
    "手机数码": "digital",
    "游戏动漫": "games",
    "奢侈品": "luxury",
    "家用电器": "appliances",
    "文具": "stationery",
    "酒店旅游": "travel",
    "餐饮加盟": "franchise",
    "虚拟商品": "virtual",
    "农资农药": "agri",
    "汽车用品": "auto",
    "生鲜水果": "fruit",
    "家居日用": "home",
    "宠物用品": "pets",
    "图书文娱": "books",
    "本地生活": "local",
}


def category_slug(name: str) -> str:
    return CATEGORIES.get(name, "other")


# --------------------------------------------------------------------------------------------
# Data types


@dataclass(frozen=True)
class DemoSeller:
    id: str
    name: str
    opened: str  # ISO date
    rating: float
    licence: str | None  # 统一社会信用代码 (18 chars), None when the shop shows none
    authorized_for: str | None = None  # brand name when this is the brand's authorised shop
    address: str | None = None  # 退货地址 the shop block shows
    contact: str | None = None  # the contact line the shop block shows (phones, WeChat… with tricks)
    operation: str | None = None  # the truth: the seeded operation behind the shop (op-1, …)

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "opened": self.opened,
            "rating": self.rating,
            "licence": self.licence,
        }

    def page(self) -> dict[str, Any]:
        """What the shop block of a page shows: the record's fields, the address and the contact line."""
        return self.record() | {"address": self.address, "contact": self.contact}


@dataclass(frozen=True)
class ImageSpec:
    """What a generated product tile shows: two lines of text on a coloured ground."""

    line1: str
    line2: str
    hue: int  # 0..359


@dataclass(frozen=True)
class DemoListing:
    platform: str
    n: int  # the listing number in URLs: /item/<n>
    title: str
    price: float  # the unit price a crawler should extract (coupon price; low end of a range)
    price_display: str  # as the page shows it: ¥1,299.00 | 券后¥89 | ¥39-59
    price_orig_display: str | None  # struck-through original price next to a coupon price
    category: str
    seller: DemoSeller
    sold: int
    sold_display: str  # 156 | 1万+ | 2.3万+
    description: str
    images: tuple[ImageSpec, ...]
    label: dict[str, Any] = field(hash=False, compare=False)
    currency: str = "CNY"

    @property
    def id(self) -> str:
        return f"{self.platform}:{self.n}"

    @property
    def category_slug(self) -> str:
        return category_slug(self.category)

    def url(self, host: str = "127.0.0.1", port: int | None = None) -> str:
        if self.platform == "demo-spa":
            return f"http://{host}:{port or PORTS[self.platform]}/#/item/{self.n}"
        return f"http://{host}:{port or PORTS[self.platform]}/item/{self.n}"

    def image_urls(self, host: str = "127.0.0.1", port: int | None = None) -> list[str]:
        port = port or PORTS[self.platform]
        return [f"http://{host}:{port}/img/{self.n}-{k}.png" for k in range(1, len(self.images) + 1)]

    def record(self, host: str = "127.0.0.1", port: int | None = None) -> dict[str, Any]:
        """The listing record of DESIGN.md ("Listing record"), plus ``label``: the truth."""
        return {
            "id": self.id,
            "platform": self.platform,
            "url": self.url(host, port),
            "title": self.title,
            "price": self.price,
            "currency": self.currency,
            "category": self.category,
            "seller": self.seller.record(),
            "sold": self.sold,
            "description": self.description,
            "images": self.image_urls(host, port),
            "label": dict(self.label),
        }


# --------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015) with its check digit

# the code's 31 characters in the order of their values (python-stdnum, which computes the check
# character, keeps its table private): a wrong check character is picked from them
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code
REGIONS = (
    "110105",
    "310115",
    "330106",
    "330782",
    "440305",
    "440106",
    "320506",
    "510107",
    "420106",
    "370212",
    "350203",
    "410105",
    "610113",
    "500112",
    "130104",
    "210202",
)


def _org_code(rng: random.Random) -> str:
    body = "".join(rng.choice(string.digits) for _ in range(8))
    c = 11 - sum(int(d) * w for d, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def make_uscc(rng: random.Random, valid: bool = True) -> str:
    kind = rng.choice(("91", "91", "91", "92"))  # 91 enterprise, 92 individual business (个体工商户)
    first17 = kind + rng.choice(REGIONS) + _org_code(rng)
    check = uscc.calc_check_digit(first17)
    if not valid:
        check = USCC_CHARS[(USCC_CHARS.index(check) + rng.randint(1, 30)) % 31]
    return first17 + check


# --------------------------------------------------------------------------------------------
# Brands


@functools.lru_cache(maxsize=4)
def load_brands(path: str | None = None) -> tuple[dict[str, Any], ...]:
    """The brands of the embedded default registry (``demo/brands.yaml``), or of ``path``."""
    text = Path(path or BRANDS_FILE).read_text(encoding="utf-8")
    return tuple(yaml.safe_load(text)["brands"])


def brand_marks(brand: dict[str, Any]) -> list[str]:
    return [brand["name"], *brand.get("aliases", [])]


def _is_cjk(s: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in s)


# Product lines per brand, written without the brand's own marks so a mark swap is the only cue.
PRODUCTS: dict[str, tuple[str, ...]] = {
    "PlayStation": ("游戏主机 光驱版 国行", "游戏主机 数字版 双手柄套装", "次世代 游戏机 2TB"),
    "UGG": ("经典款 雪地靴 短筒", "羊皮毛一体 雪地靴 女款", "迷你款 加绒 短靴"),
    "adidas": ("三叶草 休闲运动鞋 男女同款", "缓震 跑步鞋 透气", "经典三条纹 运动外套"),
    "三福": ("油性 记号笔 12色套装", "速干 马克笔 黑色 12支", "荧光笔 6色 盒装"),
    "乡巴佬": ("卤蛋 30枚 礼盒", "香辣 卤鸡腿 10只", "卤味 鸭脖 500g"),
    "五粮液": ("52度 浓香型白酒 500ml", "普五 第八代 500ml×2瓶", "52度 礼盒装 500ml"),
    "任天堂": ("掌上游戏机 续航增强版", "OLED 游戏机 国行", "健身环大冒险 体感套装"),
    "六个核桃": ("核桃乳 240ml×20罐", "精典型 核桃乳 礼盒", "无糖型 核桃乳 240ml×12罐"),
    "凯悦": ("豪华大床房 1晚 含双早", "行政套房 2晚 含酒廊", "亲子家庭房 周末1晚"),
    "古驰": ("双G 老花 托特包", "链条 斜挎包 小号", "真皮 腰带 男款"),
    "可口可乐": ("碳酸饮料 330ml×24罐", "零度 无糖汽水 500ml×12瓶", "经典 汽水 2L×6瓶"),
    "品客": ("薯片 原味 110g×3罐", "薯片 酸奶洋葱味 110g×6", "薯片 混合口味 礼盒"),
    "士力架": ("花生夹心 巧克力 20条 家庭装", "巧克力 能量棒 分享装 460g"),
    "奇巧": ("威化 巧克力 24条 盒装", "抹茶味 威化 12条×2"),
    "奥利奥": ("夹心饼干 原味 388g×2", "巧克力 夹心饼干 家庭装", "缤纷 饼干 礼盒"),
    "娃哈哈": ("AD钙奶 220g×24瓶", "饮用纯净水 596ml×24瓶", "营养快线 500g×15瓶"),
    "小肥羊": ("火锅底料 清汤 130g×5袋", "辣汤 火锅底料 235g×4", "火锅 蘸料 组合装"),
    "徐福记": ("酥心糖 500g×2", "新年 糖果 礼盒 1000g", "沙琪玛 家庭装 469g×2"),
    "必胜客": ("品牌加盟 整店输出", "加盟 技术培训 选址支持"),
    "摩托罗拉": ("折叠屏 5G手机 12+256G", "5G 智能手机 8+256G", "商务 折叠手机 16+512G"),
    "汇源": ("100%橙汁 1L×6盒", "桃汁 果汁饮料 1L×12盒", "苹果汁 100% 1L×6盒"),
    "汰渍": ("洗衣液 3kg×2瓶", "洗衣粉 5kg 家庭装", "洗衣凝珠 52颗×2"),
    "洽洽": ("焦糖瓜子 500g×2", "每日坚果 30包 礼盒", "山核桃味 瓜子 308g×3"),
    "清扬": ("男士 去屑 洗发水 720g", "控油 洗发露 500g×2", "多效水润 洗发水 套装"),
    "牛栏山": ("二锅头 52度 500ml×12瓶 整箱", "陈酿 42度 白酒 500ml×12"),
    "白猫": ("洗洁精 1.5kg×2瓶", "柠檬红茶 洗洁精 家庭装", "无磷 洗衣粉 2.5kg"),
    "秦时明月": ("盖聂 手办 限定版", "天明 雕像 收藏级", "动漫 周边 徽章 全套"),
    "索尼": ("头戴式 降噪耳机", "真无线 降噪耳机", "微单 相机 套机"),
    "舒肤佳": ("香皂 纯白 100g×6块", "沐浴露 1L×2瓶", "洗手液 家庭装 3瓶"),
    "苏泊尔": ("电饭煲 4L 智能预约", "不粘 炒锅 32cm", "电压力锅 5L 双胆"),
    "茅台": ("53度 飞天 500ml", "53度 酱香型 白酒 500ml", "生肖纪念酒 500ml"),
    "诺基亚": ("直板 老人机 4G", "功能机 双卡双待 4G", "5G 智能手机 8+128G"),
    "酷我音乐": ("豪华VIP 年卡 12个月", "超级会员 年卡 直充"),
    "雪碧": ("柠檬味 碳酸饮料 330ml×24罐", "零卡 无糖 汽水 500ml×12瓶", "清爽 汽水 2L×6瓶"),
    "飘柔": ("洗发水 家庭装 1L", "人参 滋养 洗发露 750ml", "护发素 400ml×2"),
}
DEFAULT_PRODUCTS = ("正品 套装", "经典款", "家庭装")

# --------------------------------------------------------------------------------------------
# Lookalike mechanisms

# Visually similar Chinese characters (形近字), both directions.
SHAPE_PAIRS = [
    "师帅",
    "雪雷",
    "碧璧",
    "娃洼",
    "哈恰",
    "茅矛",
    "台合",
    "粮梁",
    "任仼",
    "天夭",
    "堂棠",
    "桃挑",
    "凯剀",
    "驰弛",
    "客容",
    "士土",
    "架驾",
    "奇琦",
    "巧朽",
    "奥粤",
    "利刹",
    "羊洋",
    "徐涂",
    "福褔",
    "记纪",
    "必心",
    "胜性",
    "摩麾",
    "罗萝",
    "拉啦",
    "汰汏",
    "洽恰",
    "扬杨",
    "牛午",
    "栏拦",
    "白自",
    "猫描",
    "秦泰",
    "索素",
    "舒抒",
    "泊怕",
    "尔尓",
    "诺喏",
    "亚业",
    "酷酪",
    "我找",
    "乐东",
    "柔揉",
    "迪廸",
    "斯欺",
    "巴巳",
    "佬姥",
    "汇江",
    "源原",
    "口日",
    "五丑",
    "乡多",
    "液夜",
    "康庚",
    "力办",
    "品晶",
    "月丹",
    "明朋",
    "可叮",
    "阿河",
    "达込",
    "基墓",
    "肤扶",
    "佳隹",
    "苏办",
    "核该",
    "飘漂",
    "六大",
    "个仐",
    "三王",
    "肥胆",
    "小少",
    "时吋",
    "尼泥",
]
SHAPE: dict[str, list[str]] = {}
for _pair in SHAPE_PAIRS:
    SHAPE.setdefault(_pair[0], []).append(_pair[1])
    SHAPE.setdefault(_pair[1], []).append(_pair[0])

# Fallback homophones (同音字) when pypinyin is not installed.
SOUND_TABLE = {
    "碧": "璧",
    "娃": "哇",
    "茅": "矛",
    "粮": "良",
    "液": "夜",
    "力": "立",
    "奇": "琪",
    "利": "莉",
    "记": "纪",
    "胜": "圣",
    "托": "拓",
    "拉": "啦",
    "汇": "惠",
    "源": "元",
    "扬": "阳",
    "栏": "兰",
    "索": "所",
    "尼": "妮",
    "舒": "书",
    "肤": "夫",
    "佳": "家",
    "苏": "酥",
    "泊": "柏",
    "尔": "儿",
    "基": "吉",
    "亚": "雅",
    "酷": "库",
    "飘": "漂",
    "迪": "笛",
    "达": "大",
    "斯": "思",
    "福": "富",
    "徐": "许",
    "客": "克",
    "师": "狮",
    "雪": "血",
    "可": "渴",
    "乐": "勒",
    "台": "抬",
    "五": "伍",
    "六": "陆",
    "核": "合",
    "桃": "陶",
    "凯": "铠",
    "悦": "越",
    "古": "谷",
    "驰": "池",
    "品": "聘",
    "架": "驾",
    "巧": "俏",
    "奥": "澳",
    "肥": "菲",
    "羊": "洋",
    "必": "毕",
    "摩": "魔",
    "罗": "萝",
    "汰": "太",
    "洽": "恰",
    "清": "青",
    "牛": "妞",
    "山": "珊",
    "白": "百",
    "猫": "锚",
    "秦": "琴",
    "明": "名",
    "月": "悦",
    "诺": "糯",
    "我": "沃",
    "音": "因",
    "碳": "炭",
    "柔": "揉",
    "阿": "啊",
    "三": "叁",
    "乡": "香",
    "巴": "芭",
    "佬": "老",
    "任": "仁",
    "天": "添",
    "堂": "唐",
    "娃哈": "哇哈",
}
# Common characters searched for a homophone with pypinyin (any with the same toneless reading).
COMMON_CHARS = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么"
    "心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分"
    "将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重"
    "被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住"
    "员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制"
    "解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非"
    "流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量"
    "空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委"
    "早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴低器富佳丽悦哈娃奇巧奥羊"
    "徐福胜摩罗拉汇源汰渍洽扬牛栏猫秦索舒肤苏泊尔诺亚酷乐碧雪飘柔迪阿驰客粮液桃核凯古架巴佬"
)

INSERT_CHARS = "大小新老真好金正源"

KEY_NEIGHBOURS = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "adw",
    "d": "sfe",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "j": "hku",
    "k": "jli",
    "l": "ko",
    "z": "xa",
    "x": "zcs",
    "c": "xvd",
    "v": "cbf",
    "b": "vng",
    "n": "bmh",
    "m": "nj",
}
VOWEL_SWAP = {"a": "e", "e": "a", "i": "e", "o": "u", "u": "o"}
HOMOGLYPHS = {
    "i": "l",
    "l": "1",
    "o": "0",
    "d": "b",
    "b": "d",
    "m": "rn",
    "w": "vv",
    "e": "c",
    "c": "e",
    "g": "q",
    "s": "5",
    "n": "h",
    "a": "o",
    "k": "x",
    "t": "f",
}

MECHANISM_NAMES = {
    "shape": "字形近似",
    "sound": "读音近似",
    "insert": "插字",
    "transpose": "字序颠倒",
    "separator": "分隔符",
    "omission": "省略字母",
    "repetition": "重复字母",
    "swap": "字母换位",
    "keyboard": "键盘邻键",
    "vowel": "元音替换",
    "homoglyph": "形似字母",
}


@functools.lru_cache(maxsize=1)
def _homophone_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for ch in dict.fromkeys(COMMON_CHARS):
        index.setdefault(lazy_pinyin(ch, style=Style.NORMAL)[0], []).append(ch)
    return index


def _homophones(ch: str) -> list[str]:
    found = [c for c in _homophone_index().get(lazy_pinyin(ch, style=Style.NORMAL)[0], []) if c != ch]
    if not found and ch in SOUND_TABLE:
        found = [SOUND_TABLE[ch]]
    return found


def _match_case(src: str, dst: str) -> str:
    return dst.upper() if src.isupper() else dst


def _mutate(mark: str, mechanism: str, rng: random.Random) -> str | None:
    """Apply one mechanism to a mark; None when it does not apply to this mark."""
    chars = list(mark)
    if mechanism in ("shape", "sound"):
        spots = [i for i, c in enumerate(chars) if (SHAPE.get(c) if mechanism == "shape" else _homophones(c))]
        if not spots:
            return None
        i = rng.choice(spots)
        pool = SHAPE[chars[i]] if mechanism == "shape" else _homophones(chars[i])
        chars[i] = rng.choice(pool)
        return "".join(chars)
    if mechanism == "insert":
        if len(chars) < 2:
            return None
        i = rng.randint(1, len(chars) - 1)
        return "".join(chars[:i]) + rng.choice(INSERT_CHARS) + "".join(chars[i:])
    if mechanism in ("transpose", "swap"):
        spots = [
            i
            for i in range(len(chars) - 1)
            if chars[i] != chars[i + 1]
            and chars[i].isalpha()
            and chars[i + 1].isalpha()
            and (mechanism == "transpose" or i > 0)
        ]
        if not spots:
            return None
        i = rng.choice(spots)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
        return "".join(chars)
    if mechanism == "separator":
        letters = [c for c in chars if not c.isspace()]
        if _is_cjk(mark):
            return rng.choice(("*", "·", " ", "-")).join(letters)
        return rng.choice(("-", ".", " ")).join(c.upper() for c in letters)
    # Latin typos: keep the first letter, as typosquatters do
    inner = [i for i in range(1, len(chars)) if chars[i].isalpha()]
    if not inner:
        return None
    i = rng.choice(inner)
    c = chars[i]
    low = c.lower()
    if mechanism == "omission":
        del chars[i]
    elif mechanism == "repetition":
        chars.insert(i, c)
    elif mechanism == "keyboard":
        chars[i] = _match_case(c, rng.choice(KEY_NEIGHBOURS.get(low, low)))
    elif mechanism == "vowel":
        spots = [j for j in inner if chars[j].lower() in VOWEL_SWAP]
        if not spots:
            return None
        j = rng.choice(spots)
        chars[j] = _match_case(chars[j], VOWEL_SWAP[chars[j].lower()])
    elif mechanism == "homoglyph":
        spots = [j for j in range(len(chars)) if chars[j].lower() in HOMOGLYPHS]
        if not spots:
            return None
        target = chars[rng.choice(spots)].lower()
        every = rng.random() < 0.5  # Abibas: every d, or just one
        done = False
        for j, ch in enumerate(chars):
            if ch.lower() == target and (every or not done):
                chars[j] = _match_case(ch, HOMOGLYPHS[target])
                done = True
    else:
        raise ValueError(mechanism)
    return "".join(chars)


CJK_MECHANISMS = ("shape", "shape", "sound", "sound", "insert", "transpose", "separator")
LATIN_MECHANISMS = (
    "omission",
    "repetition",
    "swap",
    "keyboard",
    "vowel",
    "homoglyph",
    "homoglyph",
    "separator",
)


def make_lookalike(brand: dict[str, Any], rng: random.Random) -> tuple[str, str, str]:
    """(lookalike, original mark, mechanism) for a brand; the lookalike contains none of its marks."""
    marks = [m for m in brand_marks(brand) if (_is_cjk(m) and len(m) >= 2) or len(m) >= 4]
    marks = marks or brand_marks(brand)
    all_marks = [m.lower() for m in brand_marks(brand)]
    for _ in range(50):
        mark = rng.choice(marks)
        mechanism = rng.choice(CJK_MECHANISMS if _is_cjk(mark) else LATIN_MECHANISMS)
        out = _mutate(mark, mechanism, rng)
        if not out or out == mark:
            continue
        compact = out.lower()
        if any(m in compact for m in all_marks):
            continue
        return out, mark, mechanism
    raise ValueError(f"no lookalike for {brand['name']}")


# --------------------------------------------------------------------------------------------
# Vocabulary for the other kinds

CUE_WORDS = ("高仿", "A货", "1:1", "原单", "复刻", "超A", "精仿", "尾单", "同厂", "专柜品质", "顶级版本")
FILLERS = ("包邮", "现货速发", "新款", "2026新款", "热卖", "限时特惠", "官方正品", "量大从优", "顺丰包邮", "")
GENUINE_FILLERS = ("官方正品", "品牌直供", "正品保障", "官方授权", "")

BANNED_PESTICIDES = (
    "百草枯",
    "甲胺磷",
    "氟虫腈",
    "克百威",
    "甲拌磷",
    "对硫磷",
    "涕灭威",
    "毒鼠强",
    "六六六",
    "久效磷",
)
LEGAL_PESTICIDES = (
    "吡虫啉",
    "草甘膦",
    "阿维菌素",
    "多菌灵",
    "啶虫脒",
    "苯醚甲环唑",
    "高效氯氟氰菊酯",
    "噻虫嗪",
)
PESTICIDE_FORMS = ("20%水剂", "3%颗粒剂", "5%悬浮剂", "高含量 原药", "50%乳油", "70%水分散粒剂")
PESTICIDE_USES = ("除草 烂根", "杀虫 蚜虫 飞虱", "地下害虫 一次根治", "果树 蔬菜 通用", "杀虫 杀螨")

FUEL_PRODUCTS = ("散装汽油", "非标柴油", "调和汽油", "桶装柴油 非标", "自调 甲醇汽油", "轻质燃料油 代替柴油")
FUEL_GRADES = ("92#", "95#", "0#", "-10#", "")
FUEL_EXTRAS = ("送货上门", "工地 矿山 直供", "自提 低价", "比加油站便宜", "大量现货 可开票", "桶装 50升")
AUTO_ORDINARY: tuple[tuple[str, float, float], ...] = (
    ("车用尿素 10L 国六", 39, 69),
    ("燃油宝 除积碳 6支装", 29, 59),
    ("汽车 玻璃水 2L×4", 19, 35),
    ("全合成 机油 5W-30 4L", 159, 299),
    ("车载 吸尘器 无线", 89, 169),
)

CLAIMS = (
    "治疗糖尿病",
    "根治三高",
    "降血压 可停药",
    "抗癌 防癌",
    "7天见效 永不反弹",
    "国家级 最高级",
    "全网第一 最好的",
    "包治百病",
    "孕妇 婴儿 100%安全 无任何副作用",
)
CLAIM_PRODUCTS: tuple[tuple[str, str, float, float], ...] = (
    ("苦瓜 降糖 饼干", "休闲食品", 19, 49),
    ("桑叶茶 袋泡", "饮料冲调", 29, 69),
    ("土蜂蜜 500g", "饮料冲调", 39, 99),
    ("生发 洗发水", "个护清洁", 49, 129),
    ("美白 祛斑霜", "个护清洁", 59, 199),
    ("人参 鹿鞭 保健酒", "酒类", 99, 299),
    ("量子 能量 水杯", "家用电器", 69, 299),
    ("负离子 空气净化器", "家用电器", 199, 599),
    ("纳豆 红曲 软胶囊", "休闲食品", 49, 159),
)

ORDINARY: tuple[tuple[str, str, float, float], ...] = (
    ("纯棉 毛巾 3条装", "家居日用", 19, 39),
    ("不锈钢 保温杯 500ml", "家居日用", 29, 89),
    ("加厚 收纳箱 大号", "家居日用", 25, 59),
    ("竹纤维 抹布 10片", "家居日用", 9.9, 19.9),
    ("记忆棉 枕头 护颈", "家居日用", 59, 159),
    ("手工 红糖 姜茶", "休闲食品", 15, 35),
    ("东北 开口松子 500g", "休闲食品", 49, 89),
    ("新疆 若羌 红枣 1kg", "休闲食品", 29, 59),
    ("麻辣 牛肉干 250g", "休闲食品", 35, 69),
    ("云南 小粒咖啡 挂耳 50片", "饮料冲调", 39, 79),
    ("信阳毛尖 绿茶 250g", "饮料冲调", 59, 199),
    ("冻干 柠檬片 200g", "饮料冲调", 15, 29),
    ("无患子 洗衣液 2kg", "个护清洁", 29, 49),
    ("竹炭 软毛牙刷 10支", "个护清洁", 12, 25),
    ("氨基酸 洗面奶 120g", "个护清洁", 19, 59),
    ("Type-C 数据线 1米 2条", "手机数码", 9.9, 25),
    ("65W 氮化镓 充电器", "手机数码", 59, 129),
    ("便携 蓝牙音箱 防水", "手机数码", 69, 199),
    ("20000mAh 充电宝 快充", "手机数码", 79, 149),
    ("纯棉 短袖T恤 男", "服饰鞋包", 29, 79),
    ("加厚 羽绒服 女 中长款", "服饰鞋包", 299, 699),
    ("帆布包 大容量 通勤", "服饰鞋包", 29, 69),
    ("老北京 布鞋 千层底", "服饰鞋包", 39, 99),
    ("电热水壶 1.7L 304不锈钢", "家用电器", 59, 129),
    ("迷你 加湿器 静音", "家用电器", 39, 99),
    ("手持 挂烫机", "家用电器", 89, 199),
    ("中性笔 0.5mm 12支", "文具", 9.9, 19.9),
    ("A5 笔记本 4本装", "文具", 12, 29),
    ("绍兴 花雕 黄酒 5年 500ml", "酒类", 29, 69),
    ("自酿 糯米酒 2.5L", "酒类", 39, 79),
    ("冻干 猫粮 2kg", "宠物用品", 69, 159),
    ("狗狗 磨牙棒 30支", "宠物用品", 19, 39),
    ("复合肥 50kg 氮磷钾", "农资农药", 139, 219),
    ("有机肥 羊粪 40斤", "农资农药", 29, 59),
)

HARD_NEGATIVES: tuple[tuple[str, str, float, float, str], ...] = (  # title, category, low, high, why innocent
    ("烟台 红富士苹果 5斤装 新鲜水果", "生鲜水果", 29, 59, "水果 苹果 不是商标"),
    ("阿克苏 冰糖心苹果 10斤 当季", "生鲜水果", 49, 89, "水果 苹果 不是商标"),
    ("纯白猫咪专用 全封闭 猫砂盆", "宠物用品", 59, 129, "白猫咪: 动物, 不是商标 白猫"),
    ("清扬婉兮 古风汉服 刺绣 齐胸襦裙", "服饰鞋包", 159, 329, "清扬婉兮: 诗经用语"),
    ("秦时明月汉时关 书法 字画 客厅挂画", "图书文娱", 89, 299, "诗句, 不是动漫 秦时明月"),
    ("三福临门 春联 福字 新年大礼包", "文具", 9.9, 25, "三福临门: 吉祥语"),
    ("北欧精品客厅 装饰画 三联", "家居日用", 69, 199, "精品客厅: 含 品客 的另一词"),
    ("考研政治 必胜客观题 1000题", "图书文娱", 39, 59, "必胜 + 客观题, 不是 必胜客"),
    ("逗娃哈哈笑 儿童 笑话绘本 全6册", "图书文娱", 29, 49, "逗娃哈哈笑: 童书书名"),
    ("奇巧玲珑 鲁班锁 益智玩具 12件套", "游戏动漫", 19, 39, "奇巧玲珑: 成语, 不是 奇巧 巧克力"),
    ("牛栏山村 农家 散养土鸡蛋 30枚", "生鲜水果", 39, 69, "牛栏山: 地名"),
    ("千兆 网络交换机 Switch 8口", "手机数码", 79, 159, "Switch: 交换机, 不是 任天堂"),
    ("健康师傅上门 推拿 按摩 到家服务", "本地生活", 99, 199, "健康师傅: 含商标样字的服务名"),
    ("适用于PS5 手柄 硅胶保护套 防滑", "游戏动漫", 19, 39, "适用于: 配件兼容说明"),
    ("适用于任天堂Switch 钢化膜 2片装", "游戏动漫", 12, 25, "适用于: 配件兼容说明"),
    ("适用于索尼 降噪耳机 收纳包", "手机数码", 25, 49, "适用于: 配件兼容说明"),
    ("适用于iPhone 15 手机壳 透明 防摔", "手机数码", 15, 39, "适用于: 配件兼容说明"),
    ("兼容 诺基亚 BL-5C 电池 老人机", "手机数码", 15, 29, "兼容: 配件兼容说明"),
    ("适用于苏泊尔 电饭煲 密封圈 配件", "家用电器", 9.9, 19.9, "适用于: 配件兼容说明"),
    ("可口 可乐鸡翅 调料 家用 200g", "休闲食品", 9.9, 19.9, "菜名 可乐鸡翅"),
)

SHOP_PREFIXES = (
    "好味",
    "优品",
    "鑫源",
    "晨光",
    "惠民",
    "佳佳",
    "乐购",
    "百汇",
    "金牌",
    "诚信",
    "老街",
    "小鹿",
    "星辰",
    "云端",
    "福满",
    "顺发",
    "宏达",
    "天天",
    "悦享",
    "匠心",
    "青禾",
    "木子",
    "南山",
    "阿杰",
)
SHOP_SUFFIXES = (
    "食品店",
    "百货",
    "数码专营店",
    "日用品店",
    "生活馆",
    "小铺",
    "商行",
    "严选",
    "专营店",
    "贸易商行",
    "精品店",
    "批发部",
    "优选",
    "家居馆",
    "农资店",
    "土特产",
)
SKETCHY_NAMES = (
    "潮牌折扣仓",
    "工厂直营店",
    "尾货清仓处",
    "海外代购小铺",
    "品牌折扣店",
    "外贸原单店",
    "一手货源",
    "低价好货",
    "源头工厂",
    "清仓甩卖",
)

HOSTILE_TITLE = "<script>alert(1)</script> 纯棉 浴巾 加厚 吸水"
HOSTILE_SELLER = '"><img src=x onerror=alert(1)>'
HOSTILE_DESCRIPTION = (
    '质检报告见 <a href="javascript:alert(document.cookie)">点击查看质检报告</a> ，支持七天无理由退货。'
)

# (kind, share of the catalogue); flagged kinds add up to 40%
MIX: tuple[tuple[str, float], ...] = (
    ("genuine", 0.13),
    ("reseller", 0.13),
    ("lookalike", 0.17),
    ("counterfeit", 0.09),
    ("price_only", 0.03),
    ("trade_dress", 0.02),
    ("false_advertising", 0.04),
    ("banned_agri", 0.03),
    ("substandard_fuel", 0.03),
    ("hard_negative", 0.15),
    ("ordinary", 0.18),
)


# --------------------------------------------------------------------------------------------
# Generation


def _label(
    flagged: bool, brand: str | None, violation: str | None, kind: str, detail: str | None = None
) -> dict[str, Any]:
    return {"flagged": flagged, "brand": brand, "violation": violation, "kind": kind, "detail": detail}


def _round_price(p: float, rng: random.Random) -> float:
    if p >= 100:
        whole = int(p)
        return float(whole - whole % 10 + rng.choice((9, 9, 0, 8)))
    if p >= 10:
        return float(int(p)) + rng.choice((0.9, 0.0, 0.8, 0.5))
    return round(max(p, 0.5), 1)


def _fmt_amount(p: float) -> str:
    return str(int(p)) if p == int(p) else f"{p:.2f}".rstrip("0").rstrip(".")


def _price_forms(price: float, rng: random.Random) -> tuple[float, str, str | None]:
    """(price to extract, display, struck-through original) in the forms real sites use."""
    form = rng.random()
    if form < 0.6 or price < 2:
        return price, f"¥{price:,.2f}", None
    if form < 0.85:
        coupon = float(max(1, round(price)))
        orig = _round_price(coupon * rng.uniform(1.1, 1.4), rng)
        return coupon, f"券后¥{_fmt_amount(coupon)}", f"¥{orig:,.2f}"
    low = max(1, int(price))
    high = int(low * rng.uniform(1.2, 1.8)) + 1
    return float(low), f"¥{low}-{high}", None


def _sold(rng: random.Random, popular: bool) -> tuple[int, str]:
    if popular and rng.random() < 0.5:
        sold = rng.choice((10, 12, 15, 23, 31, 46, 58, 100)) * 1000  # shown as 1万+, 2.3万+, 10万+
    else:
        sold = int(rng.paretovariate(1.3) * (30 if popular else 5)) - (30 if popular else 5)
        sold = min(sold, 9999)
    if sold >= 10000:
        return sold, f"{sold / 10000:g}万+"
    return sold, str(sold)


class _Sellers:
    """The platform's shops: one authorised shop per brand, ordinary shops, sketchy shops."""

    def __init__(self, rng: random.Random, brands: tuple[dict[str, Any], ...]) -> None:
        self.rng = rng
        self.authorised: dict[str, DemoSeller] = {}
        next_id = iter(range(1001, 100000, 7))
        for b in brands:
            for name in b.get("authorized_sellers", [])[:1]:
                make_uscc(rng)  # drawn as before, so the rest of the catalogue stays the same for a seed
                self.authorised[b["name"]] = DemoSeller(
                    f"s-{next(next_id)}",
                    name,
                    self._date(2010, 2018),
                    round(rng.uniform(4.7, 4.9), 1),
                    # the brand's own company runs its flagship shop on every platform: one licence
                    make_uscc(random.Random(f"markwatch-demo-brand-licence:{b['name']}")),
                    authorized_for=b["name"],
                    operation=f"brand:{b['name']}",
                )
        names = [p + s for p in SHOP_PREFIXES for s in SHOP_SUFFIXES]
        rng.shuffle(names)
        self.ordinary = [
            DemoSeller(
                f"s-{next(next_id)}",
                name,
                self._date(2010, 2024),
                round(rng.uniform(4.2, 5.0), 1),
                make_uscc(rng, valid=rng.random() < 0.97),
            )
            for name in names[:45]
        ]
        sketchy_names = list(SKETCHY_NAMES) + names[45:60]
        self.sketchy = []
        for name in sketchy_names:
            r = rng.random()
            licence = make_uscc(rng) if r < 0.75 else make_uscc(rng, valid=False) if r < 0.9 else None
            self.sketchy.append(
                DemoSeller(
                    f"s-{next(next_id)}",
                    name,
                    self._date(2025, 2026),
                    round(rng.uniform(3.2, 4.6), 1),
                    licence,
                )
            )
        self.hostile = DemoSeller(f"s-{next(next_id)}", HOSTILE_SELLER, "2024-05-20", 4.5, make_uscc(rng))

    def _date(self, y0: int, y1: int) -> str:
        start = date(y0, 1, 1)
        end = min(date(y1, 12, 31), date(2026, 10, 31))
        return (start + timedelta(days=self.rng.randint(0, (end - start).days))).isoformat()

    def any_ordinary(self) -> DemoSeller:
        return self.rng.choice(self.ordinary)

    def any_sketchy(self) -> DemoSeller:
        # a third of the bad listings come from ordinary-looking shops: the seller is a hint, not proof
        return self.rng.choice(self.sketchy) if self.rng.random() < 0.67 else self.any_ordinary()


def _filler(rng: random.Random, pool: tuple[str, ...] = FILLERS) -> str:
    return rng.choice(pool)


def _title(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _images(rng: random.Random, specs: list[ImageSpec]) -> tuple[ImageSpec, ...]:
    return tuple(specs[: rng.randint(1, len(specs))])


def _brand_images(brand: dict[str, Any], product: str) -> list[ImageSpec]:
    # the same tiles for every listing that shows the genuine product: counterfeits reuse official photos
    hue = sum(map(ord, brand["name"])) % 360
    return [
        ImageSpec(brand["name"], product.split()[0], hue),
        ImageSpec(brand["name"], "细节图", (hue + 30) % 360),
        ImageSpec(brand["name"], "包装", (hue + 60) % 360),
    ]


def _plain_images(text: str, rng: random.Random) -> list[ImageSpec]:
    hue = rng.randrange(360)
    head = text.split()[0][:8]
    return [
        ImageSpec(head, "实拍图", hue),
        ImageSpec(head, "细节", (hue + 40) % 360),
        ImageSpec(head, "包装", (hue + 80) % 360),
    ]


@dataclass(frozen=True)
class _Draw:
    """What every listing kind draws first (in this order, so a seed gives the same catalogue)."""

    brand: dict[str, Any]
    name: str
    product: str
    category: str
    floor: float
    fair: float
    rng: random.Random
    sellers: _Sellers


def _genuine(d: _Draw) -> dict[str, Any]:
    """A genuine listing."""
    seller = d.sellers.authorised.get(d.name) or d.sellers.any_ordinary()
    return dict(
        title=_title(d.name, d.product, _filler(d.rng, GENUINE_FILLERS)),
        price=d.fair,
        category=d.category,
        seller=seller,
        popular=True,
        images=_brand_images(d.brand, d.product),
        description=f"{d.name}官方授权，正品保障，支持专柜验货，七天无理由退换。{d.product}。",
        label=_label(False, d.name, None, "genuine", "品牌授权店铺"),
    )


def _reseller(d: _Draw) -> dict[str, Any]:
    """A reseller listing."""
    mark = d.rng.choice(brand_marks(d.brand))
    return dict(
        title=_title(mark, d.product, _filler(d.rng)),
        price=d.fair * d.rng.uniform(0.85, 1.1),
        category=d.category,
        seller=d.sellers.any_ordinary(),
        popular=d.rng.random() < 0.5,
        images=_brand_images(d.brand, d.product),
        description=f"正规渠道进货，可开发票，假一赔十。{mark} {d.product}，下单48小时内发货。",
        label=_label(False, d.name, None, "reseller", "普通店铺 正常价格"),
    )


def _lookalike(d: _Draw) -> dict[str, Any]:
    """A lookalike listing."""
    fake, mark, mechanism = make_lookalike(d.brand, d.rng)
    head = [fake, d.product] if d.rng.random() < 0.7 else [d.product, fake]
    return dict(
        title=_title(*head, _filler(d.rng)),
        price=d.fair * d.rng.uniform(0.3, 0.9),
        category=d.category,
        seller=d.sellers.any_sketchy(),
        popular=d.rng.random() < 0.4,
        images=[
            ImageSpec(fake, d.product.split()[0], d.rng.randrange(360)),
            ImageSpec(fake, "实拍", d.rng.randrange(360)),
        ],
        description=f"{fake}，厂家直销，品质保证，{d.product}，和大牌一个味道，价格实惠。",
        label=_label(
            True, d.name, "lookalike_mark", "lookalike", f"{fake} ≈ {mark} ({MECHANISM_NAMES[mechanism]})"
        ),
    )


def _counterfeit(d: _Draw) -> dict[str, Any]:
    """A counterfeit listing."""
    mark = d.rng.choice(brand_marks(d.brand))
    cues = d.rng.sample(CUE_WORDS, 2)
    return dict(
        title=_title(mark, d.product, cues[0], cues[1] if d.rng.random() < 0.5 else ""),
        price=d.floor * d.rng.uniform(0.06, 0.14),
        category=d.category,
        seller=d.sellers.any_sketchy(),
        popular=d.rng.random() < 0.3,
        images=_brand_images(d.brand, d.product),
        description=f"{cues[0]}品质，细节做工对比专柜，懂的来，不支持专柜验货。{d.product}。",
        label=_label(True, d.name, "counterfeit_mark", "counterfeit", f"暗语 {'/'.join(cues)} + 低价"),
    )


def _price_only(d: _Draw) -> dict[str, Any]:
    """A price only listing."""
    mark = d.rng.choice(brand_marks(d.brand))
    return dict(
        title=_title(mark, d.product, d.rng.choice(("正品", "清仓", "特价", "官方"))),
        price=d.floor * d.rng.uniform(0.08, 0.2),
        category=d.category,
        seller=d.sellers.any_sketchy(),
        popular=False,
        images=_brand_images(d.brand, d.product),
        description=f"清仓特价，{d.product}，数量有限，先到先得。",
        label=_label(True, d.name, "counterfeit_mark", "price_only", "正品商标 + 不合理低价"),
    )


def _trade_dress(d: _Draw) -> dict[str, Any]:
    """A trade dress listing."""
    return dict(
        title=_title(f"{d.name}平替", d.product, "同款包装 同款瓶型"),
        price=d.fair * d.rng.uniform(0.2, 0.5),
        category=d.category,
        seller=d.sellers.any_sketchy(),
        popular=d.rng.random() < 0.5,
        images=_brand_images(d.brand, d.product),
        description=f"包装和{d.name}一模一样，送礼有面子，{d.product}。",
        label=_label(True, d.name, "other", "trade_dress", "擅自使用知名商品包装装潢"),
    )


def _false_advertising(d: _Draw) -> dict[str, Any]:
    """A false advertising listing."""
    prod, cat, lo, hi = d.rng.choice(CLAIM_PRODUCTS)
    claim = d.rng.choice(CLAIMS)
    return dict(
        title=_title(prod, claim, _filler(d.rng)),
        price=d.rng.uniform(lo, hi),
        category=cat,
        seller=d.sellers.any_sketchy(),
        popular=d.rng.random() < 0.4,
        images=_plain_images(prod, d.rng),
        description=f"{claim}，老中医祖传配方，无效退款。{prod}。",
        label=_label(True, None, "false_advertising", "false_advertising", claim),
    )


def _banned_agri(d: _Draw) -> dict[str, Any]:
    """A banned agri listing."""
    active = d.rng.choice(BANNED_PESTICIDES)
    return dict(
        title=_title(active, d.rng.choice(PESTICIDE_FORMS), d.rng.choice(PESTICIDE_USES), _filler(d.rng)),
        price=d.rng.uniform(15, 120),
        category="农资农药",
        seller=d.sellers.any_sketchy(),
        popular=d.rng.random() < 0.3,
        images=_plain_images(active, d.rng),
        description=f"{active}，老药效果好，见效快，量大从优，物流代收。",
        label=_label(True, None, "banned_agri_input", "banned_agri", f"禁限用农药 {active}"),
    )


def _substandard_fuel(d: _Draw) -> dict[str, Any]:
    """A substandard fuel listing."""
    prod = d.rng.choice(FUEL_PRODUCTS)
    return dict(
        title=_title(prod, d.rng.choice(FUEL_GRADES), d.rng.choice(FUEL_EXTRAS)),
        price=d.rng.uniform(4.5, 7.5) * d.rng.choice((1, 50, 200)),
        category="汽车用品",
        seller=d.sellers.any_sketchy(),
        popular=d.rng.random() < 0.3,
        images=_plain_images(prod, d.rng),
        description=f"{prod}，价格比加油站便宜，自带油桶，量大可送货。",
        label=_label(True, None, "substandard_fuel", "substandard_fuel", prod),
    )


def _hard_negative(d: _Draw) -> dict[str, Any]:
    """A hard negative listing."""
    r = d.rng.random()
    if r < 0.25:
        active = d.rng.choice(LEGAL_PESTICIDES)
        title = _title(
            active, d.rng.choice(PESTICIDE_FORMS[-3:]), d.rng.choice(PESTICIDE_USES[1:]), "登记证齐全"
        )
        return dict(
            title=title,
            price=d.rng.uniform(12, 60),
            category="农资农药",
            seller=d.sellers.any_ordinary(),
            popular=d.rng.random() < 0.5,
            images=_plain_images(active, d.rng),
            description=f"{active}，农药登记证、生产许可证齐全，按标签说明使用。",
            label=_label(False, None, None, "hard_negative", f"合法农药 {active}"),
        )
    if r < 0.35:
        prod, lo, hi = d.rng.choice(AUTO_ORDINARY)
        return dict(
            title=_title(prod, _filler(d.rng)),
            price=d.rng.uniform(lo, hi),
            category="汽车用品",
            seller=d.sellers.any_ordinary(),
            popular=d.rng.random() < 0.5,
            images=_plain_images(prod, d.rng),
            description=f"{prod}，正规厂家生产，符合国家标准。",
            label=_label(False, None, None, "hard_negative", "合法汽车用品"),
        )
    title, cat, lo, hi, why = d.rng.choice(HARD_NEGATIVES)
    return dict(
        title=_title(title, _filler(d.rng)),
        price=d.rng.uniform(lo, hi),
        category=cat,
        seller=d.sellers.any_ordinary(),
        popular=d.rng.random() < 0.5,
        images=_plain_images(title, d.rng),
        description=f"{title}，实物拍摄，放心购买。",
        label=_label(False, None, None, "hard_negative", why),
    )


def _ordinary(d: _Draw) -> dict[str, Any]:
    """An ordinary listing."""
    prod, cat, lo, hi = d.rng.choice(ORDINARY)
    return dict(
        title=_title(prod, _filler(d.rng)),
        price=d.rng.uniform(lo, hi),
        category=cat,
        seller=d.sellers.any_ordinary(),
        popular=d.rng.random() < 0.5,
        images=_plain_images(prod, d.rng),
        description=f"{prod}，品质好物，支持七天无理由退换。",
        label=_label(False, None, None, "ordinary", None),
    )


KINDS: dict[str, Callable[[_Draw], dict[str, Any]]] = {
    "genuine": _genuine,
    "reseller": _reseller,
    "lookalike": _lookalike,
    "counterfeit": _counterfeit,
    "price_only": _price_only,
    "trade_dress": _trade_dress,
    "false_advertising": _false_advertising,
    "banned_agri": _banned_agri,
    "substandard_fuel": _substandard_fuel,
    "hard_negative": _hard_negative,
    "ordinary": _ordinary,
}


def _listing(
    platform: str, kind: str, rng: random.Random, brands: tuple[dict[str, Any], ...], sellers: _Sellers
) -> dict[str, Any]:
    """One listing's fields (without its number) for a kind."""
    if kind not in KINDS:
        raise ValueError(kind)
    brand = rng.choice(brands)
    product = rng.choice(PRODUCTS.get(brand["name"], DEFAULT_PRODUCTS))
    category = (brand.get("categories") or ["家居日用"])[0]
    floor = float(brand.get("price_floor") or 50.0)
    fair = floor * rng.uniform(1.05, 1.8)
    return KINDS[kind](_Draw(brand, brand["name"], product, category, floor, fair, rng, sellers))


def _hostile(i: int, rng: random.Random, sellers: _Sellers) -> dict[str, Any]:
    base = dict(
        category="家居日用", popular=False, label=_label(False, None, None, "hostile", "恶意文本: 测试转义")
    )
    if i == 0:
        return base | dict(
            title=HOSTILE_TITLE,
            price=39.9,
            seller=sellers.any_ordinary(),
            images=_plain_images("纯棉浴巾", rng),
            description="加厚纯棉，吸水不掉毛。",
        )
    if i == 1:
        return base | dict(
            title="304不锈钢 真空 保温杯 大容量",
            price=59.0,
            seller=sellers.hostile,
            images=_plain_images("保温杯", rng),
            description="304不锈钢内胆，12小时保温。",
        )
    return base | dict(
        title="竹纤维 洗碗布 20片装",
        price=12.9,
        seller=sellers.any_ordinary(),
        images=_plain_images("洗碗布", rng),
        description=HOSTILE_DESCRIPTION,
    )


# --------------------------------------------------------------------------------------------
# Seeded operations: several shops across both platforms run by one operation, tied by a shared
# licence, phone, WeChat, QQ or e-mail (written with the tricks sellers use), or by a shared own photo
# and return address together; and decoy shops that share only weak signals (a market's address, a
# near-identical name, a stock photo). Truth: ``label["operation"]``: ``op-N`` for a seeded operation,
# ``brand:NAME`` for a brand's authorised shops (one company, one licence, on both platforms), None for a
# shop that stands alone.

OPERATION_COUNT = 6
OPERATION_NAMES = (
    "臻品阁",
    "尚品汇",
    "名品速递",
    "潮流前线",
    "鞋都精品",
    "奢品仓",
    "靓货铺",
    "爆款集",
    "欧美买手",
    "精工坊",
    "名表行",
    "好货多",
)  # fmt: skip, two names per operation
OPERATION_SUFFIXES = ("旗舰店", "专营店", "精品店", "小店", "二店", "官方店")
PROVINCES = (
    ("广东省", "广州市", ("白云区", "番禺区")),
    ("广东省", "深圳市", ("龙岗区", "宝安区")),
    ("福建省", "莆田市", ("荔城区", "城厢区")),
    ("浙江省", "温州市", ("鹿城区", "瓯海区")),
    ("江苏省", "苏州市", ("吴中区", "相城区")),
    ("河北省", "石家庄市", ("新华区", "桥西区")),
)
ROADS = ("工业大道", "兴业路", "鞋城路", "民营科技园", "商贸街", "环城北路", "物流园一路", "创业路")
MARKET_ADDRESS = "浙江省金华市义乌市福田街道国际商贸城二区东17号门"  # a market thousands of shops give
DECOY_NAMES = (("晨曦鞋业旗舰店", "晨曦鞋业专营店"),)
STOCK_PHOTO = ImageSpec("实拍图", "同款现货", 200)  # a generic photo many unrelated shops use


@dataclass(frozen=True)
class Operation:
    """A seeded operation: its identity and its shops, each with what it shows."""

    id: str
    licence: str
    phone: str
    wechat: str
    qq: str
    email: str
    address: str
    photo: ImageSpec
    shops: tuple[tuple[str, DemoSeller, frozenset[str]], ...]  # (platform, shop, what it shows)


def _address(rng: random.Random) -> str:
    province, city, districts = rng.choice(PROVINCES)
    number = f"{rng.randint(2, 388)}号{rng.randint(1, 9)}栋"
    return f"{province}{city}{rng.choice(districts)}{rng.choice(ROADS)}{number}"


def _phone_number(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice(string.digits) for _ in range(9))


CN_NUMERALS = "〇一二三四五六七八九"


def _written_phone(phone: str, rng: random.Random) -> str:
    """A phone number as a seller hides it from the platform's filter."""
    forms = (
        lambda p: f"电话 {' '.join(p[:3])}-{p[3:7]}-{p[7:]}",
        lambda p: "手机：" + p.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        lambda p: "电话 " + "".join(CN_NUMERALS[int(c)] for c in p),
        lambda p: f"☎ {p[:3]}❤{p[3:7]}❤{p[7:]}",
        lambda p: f"联系 +86 {p[:3]} {p[3:7]} {p[7:]}",
    )
    return rng.choice(forms)(phone)


def _written_wechat(wechat: str, rng: random.Random) -> str:
    return rng.choice(("微❤：{}", "薇信 {}", "V信: {}", "加威 {}", "vx：{}")).format(wechat)


def _written_qq(qq: str, rng: random.Random) -> str:
    spaced = " ".join(qq[i : i + 3] for i in range(0, len(qq), 3))
    return rng.choice((f"扣扣 {spaced}", f"企鹅：{qq}", f"Q号 {qq}"))


def _written_email(email: str, rng: random.Random) -> str:
    local, domain = email.split("@")
    name, tld = domain.rsplit(".", 1)
    return rng.choice((f"邮箱 {local} at {name} dot {tld}", f"mail: {local}(at){name}(dot){tld}"))


def _contact_line(op: Operation, shows: frozenset[str], rng: random.Random) -> str | None:
    parts = []
    if "phone" in shows:
        parts.append(_written_phone(op.phone, rng))
    if "wechat" in shows:
        parts.append(_written_wechat(op.wechat, rng))
    if "qq" in shows:
        parts.append(_written_qq(op.qq, rng))
    if "email" in shows:
        parts.append(_written_email(op.email, rng))
    return "，".join(parts) or None


LINKS = ("licence", "phone", "wechat", "wechat", "qq", "email", "photo+address")


def _operation(k: int, rng: random.Random, names: list[str]) -> Operation:
    """Operation ``op-k``: 2–4 shops on both platforms, each pair of neighbours sharing one link."""
    wechat = (
        rng.choice(("zp", "hx", "mp", "jp", "xq", "lh")) + rng.choice(("_kf", "-shop", "vip", "888")) + str(k)
    )
    base = Operation(
        id=f"op-{k}",
        licence=make_uscc(rng),
        phone=_phone_number(rng),
        wechat=wechat + str(rng.randint(10, 99)),
        qq=str(rng.randint(10_000_000, 2_999_999_999)),
        email=f"{wechat}{rng.randint(1, 99)}@{rng.choice(('163.com', '126.com', 'qq.com'))}",
        address=_address(rng),
        photo=ImageSpec(f"{names[0]}实拍", f"货号{rng.randint(100, 999)}", rng.randrange(360)),
        shops=(),
    )
    size = rng.randint(2, 4)
    links = [rng.choice(LINKS) for _ in range(size - 1)]
    platforms = [PLATFORMS[(k + i) % 2] if i < 2 else rng.choice(PLATFORMS) for i in range(size)]
    shops = []
    for i, platform in enumerate(platforms):
        shows = set()
        for link in links[max(0, i - 1) : i + 1]:
            shows |= set(link.split("+"))
        name = names[0] if i == 0 or rng.random() < 0.5 else names[1]
        seller = DemoSeller(
            f"s-{90001 + 10 * k + i}",
            name + rng.choice(OPERATION_SUFFIXES),
            f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            round(rng.uniform(3.6, 4.8), 1),
            base.licence if "licence" in shows else make_uscc(rng) if rng.random() < 0.7 else None,
            address=base.address if "address" in shows else None,
            operation=base.id,
        )
        contact = _contact_line(base, frozenset(shows), rng)
        if contact and rng.random() < 0.5:  # on the shop block; else in every listing's description
            seller = dataclasses.replace(seller, contact=contact)
            shows.add("contact_on_shop")
        shops.append((platform, seller, frozenset(shows)))
    return dataclasses.replace(base, shops=tuple(shops))


@functools.lru_cache(maxsize=8)
def operations(seed: int = 7) -> tuple[Operation, ...]:
    """The seeded operations of a seed (the same on both platforms' catalogues)."""
    rng = random.Random(f"markwatch-demo-operations:{seed}")
    names = list(OPERATION_NAMES)
    rng.shuffle(names)
    return tuple(
        _operation(k, rng, names[2 * (k - 1) % len(names) :][:2] or names[:2])
        for k in range(1, OPERATION_COUNT + 1)
    )


@functools.lru_cache(maxsize=8)
def decoys(seed: int = 7) -> tuple[tuple[str, DemoSeller, bool], ...]:
    """Shops that share only weak signals: (platform, shop, uses the stock photo)."""
    rng = random.Random(f"markwatch-demo-decoys:{seed}")
    shared_address = _address(rng)
    out: list[tuple[str, DemoSeller, bool]] = []

    def shop(n: int, platform: str, name: str, *, address: str | None = None, stock: bool = False) -> None:
        seller = DemoSeller(
            f"s-{95001 + n}", name, f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            round(rng.uniform(4.2, 4.9), 1), make_uscc(rng), address=address,
        )  # fmt: skip
        out.append((platform, seller, stock))

    shop(1, "demo-static", "万家福日用", address=MARKET_ADDRESS)  # the same market address only
    shop(2, "demo-spa", "金秋百货", address=MARKET_ADDRESS)
    shop(3, "demo-static", DECOY_NAMES[0][0])  # near-identical names only
    shop(4, "demo-spa", DECOY_NAMES[0][1])
    shop(5, "demo-static", "绿源家居", address=shared_address, stock=True)  # a stock photo, and an address
    shop(6, "demo-spa", "美家生活馆", address=shared_address, stock=True)
    shop(7, "demo-static", "小熊居家", stock=True)
    shop(8, "demo-spa", "橙子优选", stock=True)
    return tuple(out)


OPERATION_KINDS = ("counterfeit", "lookalike", "price_only", "trade_dress")
DECOY_KINDS = ("ordinary", "hard_negative")


def _with_operations(platform: str, listings: list[DemoListing], seed: int) -> list[DemoListing]:
    """The listings with some of the bad ones moved to the seeded operations' shops (contact lines and
    own photos added) and some ordinary ones to the decoy shops; every label names its operation."""
    rng = random.Random(f"markwatch-demo-operations:{seed}:{platform}")
    out = [dataclasses.replace(x, label=x.label | {"operation": x.seller.operation}) for x in listings]
    bad = [i for i, x in enumerate(out) if x.label.get("kind") in OPERATION_KINDS]
    plain = [i for i, x in enumerate(out) if x.label.get("kind") in DECOY_KINDS]
    rng.shuffle(bad)
    rng.shuffle(plain)
    for op in operations(seed):
        for shop_platform, seller, shows in op.shops:
            if shop_platform != platform:
                continue
            for _ in range(2):
                if not bad:
                    break
                i = bad.pop()
                x = out[i]
                description = x.description
                if not seller.contact and (line := _contact_line(op, shows, rng)):
                    description = f"{description}｜{line}"
                if "address" in shows and rng.random() < 0.5:
                    description = f"{description}｜退货地址：{op.address}"
                images = (op.photo, *x.images[:1]) if "photo" in shows else x.images
                out[i] = dataclasses.replace(
                    x,
                    seller=seller,
                    description=description,
                    images=images,
                    label=x.label | {"operation": op.id},
                )
    for shop_platform, seller, stock in decoys(seed):
        if shop_platform != platform:
            continue
        for _ in range(2):
            if not plain:
                break
            i = plain.pop()
            images = (STOCK_PHOTO, *out[i].images[:1]) if stock else out[i].images
            out[i] = dataclasses.replace(out[i], seller=seller, images=images)
    return out


@functools.lru_cache(maxsize=16)
def _platform_catalogue(platform: str, size: int, seed: int) -> tuple[DemoListing, ...]:
    if platform not in PLATFORMS:
        raise ValueError(f"unknown demo platform {platform!r}; known: {', '.join(PLATFORMS)}")
    rng = random.Random(f"markwatch-demo:{seed}:{platform}")  # str seeds are stable across runs
    brands = load_brands()
    sellers = _Sellers(rng, brands)
    hostile = min(3, size // 10)
    rest = size - hostile
    kinds: list[str] = []
    for kind, share in MIX:
        kinds += [kind] * int(rest * share)
    kinds += ["ordinary"] * (rest - len(kinds))
    kinds += ["hostile"] * hostile
    rng.shuffle(kinds)
    out: list[DemoListing] = []
    hostile_seen = 0
    for i, kind in enumerate(kinds):
        if kind == "hostile":
            f = _hostile(hostile_seen, rng, sellers)
            hostile_seen += 1
        else:
            f = _listing(platform, kind, rng, brands, sellers)
        raw = _round_price(f["price"], rng)
        price, display, orig = _price_forms(raw, rng)
        sold, sold_display = _sold(rng, f["popular"])
        out.append(
            DemoListing(
                platform=platform,
                n=FIRST_ITEM + i,
                title=f["title"],
                price=price,
                price_display=display,
                price_orig_display=orig,
                category=f["category"],
                seller=f["seller"],
                sold=sold,
                sold_display=sold_display,
                description=f["description"],
                images=_images(rng, f["images"]),
                label=f["label"],
            )
        )
    return tuple(_with_operations(platform, out, seed))


def build_catalogue(size: int = 300, seed: int = 7, platform: str | None = None) -> list[DemoListing]:
    """Every demo listing: ``size`` per platform (both platforms, or only ``platform``), same for a seed."""
    names = PLATFORMS if platform is None else (platform,)
    return [x for p in names for x in _platform_catalogue(p, size, seed)]


def catalogue_records(
    platform: str | None = None,
    size: int = 300,
    seed: int = 7,
    *,
    host: str = "127.0.0.1",
    static_port: int = PORTS["demo-static"],
    spa_port: int = PORTS["demo-spa"],
) -> Iterator[dict[str, Any]]:
    """Listing records (DESIGN.md "Listing record") with a ``label`` key: the demo's ground truth."""
    for listing in build_catalogue(size, seed, platform):
        port = spa_port if listing.platform == "demo-spa" else static_port
        yield listing.record(host, port)


class Catalogue:
    """One platform's listings with the indexes the sites serve from."""

    def __init__(self, platform: str, size: int = 300, seed: int = 7) -> None:
        self.platform = platform
        self.listings = _platform_catalogue(platform, size, seed)
        self.by_n = {x.n: x for x in self.listings}
        self.by_category: dict[str, list[DemoListing]] = {}
        self.by_seller: dict[str, list[DemoListing]] = {}
        self.sellers: dict[str, DemoSeller] = {}
        for x in self.listings:
            self.by_category.setdefault(x.category_slug, []).append(x)
            self.by_seller.setdefault(x.seller.id, []).append(x)
            self.sellers[x.seller.id] = x.seller
        self.category_names = {x.category_slug: x.category for x in self.listings}

    def categories(self) -> list[tuple[str, str, int]]:
        """(slug, name, count) in the order of CATEGORIES."""
        order = list(CATEGORIES.values())
        slugs = sorted(self.by_category, key=lambda s: order.index(s) if s in order else 99)
        return [(s, self.category_names[s], len(self.by_category[s])) for s in slugs]

    def search(self, q: str) -> list[DemoListing]:
        """Listings whose title contains every space-separated term of q (case-insensitive)."""
        terms = [t.lower() for t in q.split()]
        if not terms:
            return []
        return [x for x in self.listings if all(t in x.title.lower() for t in terms)]
