"""Bundled rule packs and lexicons (YAML in scoring/rules/ and scoring/data/), loaded once.

A rule pack names its violation kind and department; each rule a list of terms or regular
expressions. Matching is on folded text (see scoring.text.fold); a term preceded by a negation
(不含百草枯, 拒绝高仿) or followed by a substitute/test word (百草枯替代, 百草枯检测卡) does not count.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scoring.text import fold, word_info

RULES_DIR = Path(__file__).resolve().parent / "rules"
DATA_DIR = Path(__file__).resolve().parent / "data"

NEGATION_BEFORE = (
    "不含",
    "不含有",
    "无",
    "非",
    "不是",
    "并非",
    "拒绝",
    "禁用",
    "不用",
    "不使用",
    "未使用",
    "零添加",
    "0添加",
    "不添加",
    "无添加",
    "杜绝",
    "远离",
    "替代",
    "代替",
    "取代",
    "告别",
    "没有",
    "绝非",
    "不卖",
    "不售",
    "严禁",
    "禁止",
    "不能",
    "不可",
    "不得",
    "谨防",
    "警惕",
    "识别",
    "辨别",
    "鉴别",
    "打击",
    "举报",
    "查处",
    "no ",
    "not ",
    "non-",
    "free of ",
    "without ",
    "anti-",
    "anti ",
)
NEGATION_AFTER = (
    "替代",
    "替代品",
    "代替品",
    "检测",
    "试纸",
    "快检",
    "检测卡",
    "测试",
    "残留检测",
    "解毒",
    "中毒",
    "鉴别",
    "举报",
    "free",
    "-free",
    "禁用",
    "已禁",
    "被禁",
)


@dataclass(frozen=True)
class Rule:
    id: str
    pack: str
    title: str
    violation: str
    department: str
    terms: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    weight: float = 1.0
    needs_context: bool = False
    scope: str = "any"  # "ordinary": medical claims, not for drugs/devices
    forbidden_uses: tuple[str, ...] = ()
    restriction: str = ""
    restricted_weight: float = 1.0
    basis: str = ""  # the law or announcement the rule applies
    # a term counts only with one of these words close to it (特供 beside 国家机关 or 军队)
    near: tuple[str, ...] = ()
    near_before: int = 8
    near_after: int = 6
    # the rule is about these goods (Nice classes): elsewhere it does not apply, and where the
    # listing's goods are unknown it counts at unknown_goods_weight (not flagged on its own)
    goods_classes: frozenset[int] = frozenset()
    unknown_goods_weight: float = 0.35
    # a term directly followed by one of these heads names a product type (万能胶, 万能遥控器)
    product_heads: tuple[str, ...] = ()
    not_in_media: bool = False  # a book's or a course's title names its subject (眼底病诊断与治疗)


@dataclass(frozen=True)
class Pack:
    name: str
    version: str
    violation: str
    department: str
    context: tuple[str, ...]
    exclude: tuple[str, ...]
    exempt: tuple[str, ...]
    rules: tuple[Rule, ...]
    media: tuple[str, ...] = ()
    media_patterns: tuple[re.Pattern[str], ...] = ()


@functools.lru_cache(maxsize=16)
def _bundled(path: Path) -> Any:
    """A bundled YAML file, read once (with libyaml's parser when it is there)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader


def _f(words: Any) -> tuple[str, ...]:
    return tuple(fold(str(w)) for w in words or ())


def _load(path: Path) -> Pack:
    d = _bundled(path)
    name, viol, dept = d["pack"], d["violation"], d["department"]
    rules: list[Rule] = []
    for terms in d.get("banned") or []:
        t = _f(terms)
        # the chemical name (3+ Han characters) counts anywhere; short names (林丹, 乐果), trade names
        # and numeric codes (1605) only where the listing is about pesticides or animal farming
        head = t[:1] if len(t[0]) >= 3 and not t[0].isascii() else ()
        rest = tuple(x for x in t if x not in head)
        title = f"禁用：{terms[0]}"
        if head:
            rules.append(Rule(f"{name}.banned.{terms[0]}", name, title, viol, dept, terms=head))
        if rest:
            rules.append(
                Rule(
                    f"{name}.banned.{terms[0]}.alias", name, title, viol, dept, terms=rest, needs_context=True
                )
            )
    for terms in d.get("needs_context") or []:
        rules.append(
            Rule(
                f"{name}.context.{terms[0]}",
                name,
                f"禁用：{terms[0]}",
                viol,
                dept,
                terms=_f(terms),
                needs_context=True,
            )
        )
    for r in d.get("restricted") or []:
        terms = r["terms"]
        rules.append(
            Rule(
                f"{name}.restricted.{terms[0]}",
                name,
                f"限用：{terms[0]}（{r['restriction']}）",
                viol,
                dept,
                terms=_f(terms),
                forbidden_uses=_f(r.get("forbidden_uses")),
                restriction=r["restriction"],
                restricted_weight=float(d.get("restricted_weight", 0.35)),
                needs_context=len(terms[0]) < 3,
            )
        )
    for r in d.get("rules") or []:
        rules.append(
            Rule(
                r["id"],
                name,
                r["title"],
                r.get("violation", viol),
                r.get("department", dept),
                terms=_f(r.get("terms")),
                patterns=tuple(re.compile(p) for p in r.get("patterns") or ()),
                weight=float(r.get("weight", 1.0)),
                scope=r.get("scope", "any"),
                basis=str(r.get("basis", "")),
                near=_f((r.get("near") or {}).get("words")),
                near_before=int((r.get("near") or {}).get("before", 8)),
                near_after=int((r.get("near") or {}).get("after", 6)),
                goods_classes=frozenset(int(c) for c in r.get("goods_classes") or ()),
                unknown_goods_weight=float(r.get("unknown_goods_weight", 0.35)),
                product_heads=_f(r.get("product_heads")),
                not_in_media=bool(r.get("not_in_media", False)),
            )
        )
    return Pack(
        name,
        str(d["version"]),
        viol,
        dept,
        _f(d.get("context")),
        _f(d.get("exclude")),
        _f(d.get("medical_exempt")),
        tuple(rules),
        _f(d.get("media")),
        tuple(re.compile(p) for p in d.get("media_patterns") or ()),
    )


@functools.lru_cache(maxsize=1)
def packs() -> tuple[Pack, ...]:
    """Every rule pack bundled in scoring/rules/ (except the cue-word lexicon)."""
    return tuple(_load(p) for p in sorted(RULES_DIR.glob("*.yaml")) if p.name != "cue_words.yaml")


@functools.lru_cache(maxsize=1)
def cue_words() -> tuple[tuple[str, float], ...]:
    """(folded cue word, weight), longest first."""
    d = _bundled(RULES_DIR / "cue_words.yaml")
    out: dict[str, float] = {}
    for w, words in d["cues"].items():
        for word in words:
            f = fold(str(word))
            out[f] = max(out.get(f, 0.0), float(w))
    return tuple(sorted(out.items(), key=lambda kv: -len(kv[0])))


@functools.lru_cache(maxsize=1)
def cue_patterns() -> tuple[tuple[re.Pattern[str], float], ...]:
    """(regular expression on folded text, weight): cue words built from parts (原厂品质, 品质同正品)."""
    d = _bundled(RULES_DIR / "cue_words.yaml")
    return tuple(
        (re.compile(str(p)), float(w)) for w, pats in (d.get("patterns") or {}).items() for p in pats or ()
    )


@functools.lru_cache(maxsize=1)
def price_not_comparable() -> tuple[str, ...]:
    """Words that make a listing's price say nothing about the genuine article's (二手, 补差价, 小样)."""
    d = _bundled(RULES_DIR / "cue_words.yaml")
    return tuple(fold(str(w)) for w in d.get("price_not_comparable") or ())


@functools.lru_cache(maxsize=1)
def goods_table() -> tuple[tuple[tuple[str, frozenset[int]], ...], frozenset[str]]:
    """(keyword, Nice classes) longest first, and the generic category names."""
    d = _bundled(DATA_DIR / "goods.yaml")
    kw: dict[str, set[int]] = {}
    for cls, words in d["classes"].items():
        for w in words:
            kw.setdefault(fold(str(w)), set()).add(int(cls))
    for kind in (d.get("kinds") or {}).values():
        for w in kind["words"]:
            kw.setdefault(fold(str(w)), set()).add(int(kind["class"]))
    items = tuple(sorted(((k, frozenset(v)) for k, v in kw.items()), key=lambda kv: -len(kv[0])))
    return items, frozenset(fold(str(g)) for g in d.get("generic") or ())


@functools.lru_cache(maxsize=1)
def goods_kinds() -> dict[str, tuple[str, ...]]:
    """A goods word titles use → the categories it belongs to: its kind, then the marketplace
    categories the kind sits under (牛肉面 → 方便面, 方便速食, 休闲食品 …)."""
    d = _bundled(DATA_DIR / "goods.yaml")
    out: dict[str, tuple[str, ...]] = {}
    for name, kind in (d.get("kinds") or {}).items():
        cats = (fold(str(name)), *(fold(str(p)) for p in kind.get("platform") or ()))
        for w in kind["words"]:
            out.setdefault(fold(str(w)), cats)
    return out


@functools.lru_cache(maxsize=1)
def goods_parts() -> frozenset[str]:
    """Words naming parts, accessories and consumables (遥控器, 滤芯, 存储卡, 手机壳)."""
    d = _bundled(DATA_DIR / "goods.yaml")
    return frozenset(fold(str(w)) for w in d.get("parts") or ())


def negated(text: str, start: int, end: int) -> bool:
    """Is the term text[start:end] negated or named only as something to avoid or test for?"""
    before = text[max(0, start - 6) : start]
    after = text[end : end + 5]
    if any(before.endswith(n) for n in NEGATION_BEFORE):
        return True
    # a negation a little further back, separated by at most two characters (不含任何百草枯)
    if any(
        n in before
        for n in ("不含", "不添加", "零添加", "无添加", "拒绝", "杜绝", "禁用", "严禁", "不是", "并非")
    ):
        return True
    if any(after.startswith(n) for n in NEGATION_AFTER):
        return True
    if any(n in text[end : end + 8] for n in ("检测", "试纸", "测试卡", "快检", "替代")):
        return True
    return _negated_list().search(text[max(0, start - 24) : start]) is not None


@functools.lru_cache(maxsize=1)
def _negated_list() -> re.Pattern[str]:
    """A negation whose scope runs over a list the term ends (拒绝高仿、A货、复刻; 不含百草枯、甲胺磷):
    the negation, then items of up to eight characters each closed by a list separator (、/ 和 或 及
    与), up to the term. A space, a comma or a bracket ends the scope."""
    negations = "|".join(
        re.escape(n) for n in sorted(set(NEGATION_BEFORE), key=len, reverse=True) if n.strip()
    )
    return re.compile(
        rf"(?:{negations})(?:[^\s,，。！!？?；;【】\[\]()（）、/和或及与]{{1,8}}[、/和或及与])+$"
    )


# a cue word followed by a guarantee is a promise against fakes, not a confession (假货必究, 假货一赔十)
GUARANTEE_AFTER = ("赔", "包赔", "必究", "十倍", "假一", "全额退")


# 1:1 followed by what it measures is a scale, not a replica (1:1真机匹配, 1:1比例还原, 1:1尺寸)
SCALE_AFTER = ("真机", "比例", "尺寸", "大小", "还原", "匹配", "贴合", "开孔")


OTHER_SENSE_AFTER = (
    "plant", "flower", "leaves", "leaf", "vine", "greenery", "grass", "tree", "moss", "fruit", "fur",
    "leather", "eyelash", "lashes", "nails", "snow", "blood", "tattoo", "景区", "旅游", "风情", "民宿",
)  # fmt: skip


def cue_negated(text: str, start: int, end: int) -> bool:
    """Is a counterfeit cue word negated, or named in a guarantee against fakes?"""
    if negated(text, start, end):
        return True
    after = text[end : end + 6].lstrip(" ，,!！")
    if any(after.startswith(g) or after[1:].startswith(g) for g in GUARANTEE_AFTER):
        return True
    if any(after.startswith(w) for w in SCALE_AFTER):
        return True
    # "fake" before what is made to look real is a material, not a replica (fake plant, fake fur); 山寨
    # before 景区 is a mountain village
    near = text[end : end + 24]
    return any(w in near if w.isascii() else after.startswith(w) for w in OTHER_SENSE_AFTER)


def straddles(text: str, start: int, end: int) -> bool:
    """Is the Han term text[start:end] only where two words meet (女生|发光 holds 生发, 学生|发热 too)?
    Its first character then ends a word begun before it, and its last begins a word going on after it."""
    if end - start < 2 or start == 0 or end >= len(text):
        return False
    left = any(word_info(text[i : start + 1]) for i in range(max(0, start - 3), start))
    return left and any(word_info(text[end - 1 : j]) for j in range(end + 1, min(len(text), end + 3) + 1))


def find_terms(text: str, term: str) -> list[tuple[int, int]]:
    """Positions of a term; Latin terms only on word boundaries."""
    out: list[tuple[int, int]] = []
    start = 0
    latin = term[:1].isascii() and term[:1].isalnum()
    while True:
        i = text.find(term, start)
        if i < 0:
            return out
        j = i + len(term)
        if latin:
            left_ok = i == 0 or not (text[i - 1].isascii() and text[i - 1].isalnum())
            right_ok = j >= len(text) or not (text[j].isascii() and text[j].isalnum())
            if not (left_ok and right_ok):
                start = i + 1
                continue
        out.append((i, j))
        start = j
