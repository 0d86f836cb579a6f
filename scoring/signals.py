"""The signals other than the lookalike matcher: goods relevance, counterfeit cue words, price,
image reuse, seller and the rule packs. Each is a small function with one job and no I/O."""

from __future__ import annotations

import datetime as dt
import functools
import re
import statistics
from collections import defaultdict, deque
from dataclasses import dataclass, field, replace
from typing import Any

from scoring.lexicon import (
    cue_negated,
    cue_patterns,
    cue_words,
    goods_kinds,
    goods_parts,
    goods_table,
    negated,
    packs,
    price_not_comparable,
    straddles,
)
from scoring.matcher import MarkIndex
from scoring.text import fold, han_to_pinyin, is_han, latin_fold
from scoring.types import Brand, Listing

# ---------------------------------------------------------------- goods relevance

EXACT, RELATED, CLASS, UNKNOWN, UNRELATED = 1.0, 0.85, 0.7, 0.5, 0.0


@functools.lru_cache(maxsize=65536)
def goods_classes(text: str | None) -> frozenset[int]:
    """Nice classes named by the goods words in a category or title (longest keywords first)."""
    if not text:
        return frozenset()
    regex, table = _goods_regex()
    out: set[int] = set()
    for m in regex.finditer(fold(text)):
        out |= _classes_of(table, m.group())
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def _goods_regex() -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    items, _ = goods_table()
    return _keywords_regex([k for k, _ in items]), dict(items)


def _keywords_regex(words: list[str]) -> re.Pattern[str]:
    """Goods keywords as one pattern, longest first: an English word only as a whole word, or with its
    plural ending (bag, bags; not the bag in cabbage, nor tea in steam); Chinese words anywhere. The
    keywords are grouped by how they begin and end, so each group is one plain alternation (a
    look-around on every alternative makes the pattern several times slower)."""

    def letter(c: str) -> bool:
        return c.isascii() and c.isalpha()

    groups: dict[tuple[bool, bool], list[str]] = {}
    for w in sorted(words, key=len, reverse=True):
        groups.setdefault((letter(w[:1]), letter(w[-1:])), []).append(re.escape(w))
    parts = []
    for (starts, ends), alts in sorted(groups.items(), key=lambda kv: kv[0]):
        p = "(?:" + "|".join(alts) + ")"
        if starts:
            p = "(?<![a-z])" + p
        if ends:
            p += "(?:e?s)?(?![a-z])"
        parts.append(p)
    return re.compile("|".join(parts))


def _classes_of(table: dict[str, frozenset[int]], word: str) -> frozenset[int]:
    """The classes of a goods word found, a plural read as its keyword (bags → bag)."""
    got = table.get(word)
    if got is None:
        got = table.get(word[:-1]) or table.get(word[:-2]) or frozenset()
    return got


def _leaf(category: str) -> str:
    """The most specific level of a breadcrumb category (sports & fitness > Badminton → Badminton)."""
    return category.rsplit(">", 1)[-1]


@functools.lru_cache(maxsize=65536)
def brand_classes(brand: Brand) -> frozenset[int]:
    out = set(brand.nice_classes)
    for c in brand.categories:
        out |= goods_classes(c)
    return frozenset(out)


@functools.lru_cache(maxsize=4096)
def category_decides(category: str) -> bool:
    """Does this category alone decide relevance (known, not generic, mapped to goods classes)?"""
    _, generic = goods_table()
    cat = fold(_leaf(category)).strip()
    return bool(cat) and cat not in generic and bool(goods_classes(cat))


@functools.lru_cache(maxsize=65536)
def goods_words(text: str | None) -> tuple[str, ...]:
    """The goods words (data/goods.yaml) a category or title names, in order."""
    if not text:
        return ()
    folded = fold(text)
    if not _words_split_at_han_spaces():
        return _piece_goods_words(folded)
    return tuple(w for piece in _HAN_SPACE.split(folded) for w in _piece_goods_words(piece))


# a space beside a Chinese character: titles are read piece by piece between such spaces, each piece
# remembered (titles repeat their words)
_HAN_SPACE = re.compile(r"(?<=[\u3400-\u9fff]) | (?=[\u3400-\u9fff])")


@functools.lru_cache(maxsize=1)
def _words_split_at_han_spaces() -> bool:
    """Can no goods word hold such a space (the goods words with a space in them are written without
    Chinese characters)? Then no goods word found straddles one, and a space is no letter for the
    English words' edges: the words found piece by piece are those found in the whole."""
    items, _ = goods_table()
    return not any(" " in k and re.search("[\u3400-\u9fff]", k) for k, _ in items)


@functools.lru_cache(maxsize=65536)
def _piece_goods_words(text: str) -> tuple[str, ...]:
    regex, _ = _goods_regex()
    return tuple(m.group() for m in regex.finditer(text))


_TOKEN = re.compile(r"[^\s,，、/|()（）\[\]【】<>《》+*~!！:：;；。.·_-]+")


@functools.lru_cache(maxsize=1)
def _heads_regex() -> re.Pattern[str]:
    items, _ = goods_table()
    words = {k for k, _ in items} | goods_parts()
    return _keywords_regex(list(words))


@functools.lru_cache(maxsize=65536)
def title_heads(title: str) -> tuple[str, ...]:
    """The goods words a title's words end in: in each word of the title the goods (or part) word
    that ends last (the head of a Chinese noun compound: 红烧牛肉面 is noodles, not beef;
    格力空调遥控器 is a remote control)."""
    regex = _heads_regex()
    out: dict[str, None] = {}
    for token in _TOKEN.findall(fold(title)):
        heads = list(regex.finditer(token))
        if heads:
            out.setdefault(max(heads, key=lambda m: (m.end(), len(m.group()))).group(), None)
            if len(out) >= 4:
                break
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def title_goods(title: str) -> tuple[str, ...]:
    """The goods a title names, read as a category would name them: each head goods word followed by
    its kind and marketplace categories (牛肉面, 方便面, 方便速食, 休闲食品)."""
    kinds = goods_kinds()
    out: dict[str, None] = {}
    for head in title_heads(title):
        out.setdefault(head, None)
        for c in kinds.get(head, ()):
            out.setdefault(c, None)
    return tuple(out)


def listing_goods(listing: Listing) -> tuple[frozenset[int] | None, tuple[str, ...]]:
    """The Nice classes of what a listing sells (None when unknown) and, when they were read from the
    title because the listing has no category that names goods, the goods words they came from."""
    if listing.category and category_decides(listing.category):
        return goods_classes(_leaf(listing.category)), ()
    heads = title_heads(listing.title)
    if not heads:
        return None, ()
    return goods_classes(" ".join(heads)) or None, heads


def _names_same(c: str, b: str) -> bool:
    return c == b or (len(c) >= 2 and len(b) >= 2 and (c in b or b in c))


def sells_parts(title: str) -> bool:
    """Does a word of the title end in a part, accessory or consumable (苹果手机壳, 格力空调遥控器)?"""
    parts = goods_parts()
    return any(h in parts for h in title_heads(title))


def sells_main_goods(listing: Listing, brand: Brand) -> bool:
    """Does the listing sell the brand's main goods, the goods its price floor is for? Not when a word
    of the title ends in a part, accessory or consumable (格力空调遥控器, 海尔冰箱门封条), nor when the
    goods the title names are other goods than the brand's categories, however close in class (a
    Samsung memory card is not a Samsung phone; 老板椅 is no range hood)."""
    if sells_parts(listing.title):
        return False
    parts = goods_parts()
    goods = [h for h in title_heads(listing.title) if h not in parts]
    if not goods:
        return True  # the title names no goods: the category (or its absence) decides, as before
    bcats = [fold(c) for c in brand.categories]
    if not bcats:
        return True
    kinds = goods_kinds()
    for h in goods:
        cats = kinds.get(h, ())
        specific = (h, *cats[:1])
        if any(_names_same(c, b) for c in specific for b in bcats):
            return True
        if _goods_level((h,), bcats, brand_classes(brand)) >= RELATED:
            return True
        # a marketplace category counts when it is the brand's own category or a part of it (服饰鞋包
        # for a brand registered under 服饰鞋包), not when it only holds it (手机数码 holds 手机 and 存储卡)
        if any(p == b or p in b for p in cats[1:] for b in bcats):
            return True
    return False


# characters that say "goods" rather than which goods (化妆品 and 护肤品 share only 品)
_GENERIC_GOODS_CHARS = frozenset("品类用具器件物产货商")


def _han(s: str) -> set[str]:
    return {c for c in s if "\u4e00" <= c <= "\u9fff" and c not in _GENERIC_GOODS_CHARS}


def _goods_level(words: tuple[str, ...], bcats: list[str], bc: frozenset[int]) -> float:
    """How closely goods words match a brand's categories: 1 one names the other (运动鞋, 手机 in
    手机数码), 0.85 related (a shared character and a shared Nice class: 跑鞋 and 运动鞋, 服饰鞋包 and
    服装), else 0."""
    _, table = _goods_regex()
    best = 0.0
    for w in words:
        for b in bcats:
            if len(w) >= 2 and len(b) >= 2 and (w == b or w in b or b in w):
                return EXACT
            if best < RELATED and _classes_of(table, w) & bc and _han(w) & _han(b):
                best = RELATED
    return best


def _inferred_relevance(listing: Listing, brand: Brand, head: str) -> float:
    """Relevance of a goods word read from the title, as a category: the word itself by the usual
    rules; its kind (牛肉面 → 方便面) when the kind is one of the brand's categories in one of its
    classes; the marketplace department it sits under (休闲食品) as related when the brand registered
    that very department: a department holds the brand's goods beside others (手机数码 holds phones,
    speakers and memory cards), so sharing a character with it says nothing."""
    best = relevance(replace(listing, category=head), brand)
    cats = goods_kinds().get(head, ())
    if not cats or best >= EXACT:
        return best
    bcats = [fold(c) for c in brand.categories]
    if goods_classes(head) & brand_classes(brand) and any(_names_same(cats[0], b) for b in bcats):
        return EXACT
    if any(d == b for d in cats[1:] for b in bcats):
        best = max(best, RELATED)
    return best


def relevance(
    listing: Listing, brand: Brand, classes_cache: dict[int, frozenset[int]] | None = None
) -> float:
    """How surely the listing is about the goods the brand covers: 1 same category, 0.85 related
    category, 0.7 same Nice class, 0.5 unknown, 0 other goods (苹果 the fruit vs Apple phones).

    The platform's category wording varies (服饰鞋包, 运动户外, 手机数码), so it is compared fuzzily
    (a shared character and a shared Nice class make it related), and the goods words of the title
    count too: a title naming the brand's goods (Nike 运动鞋) is about them whatever the category
    says, unless the category clearly names other goods."""
    _, generic = goods_table()
    cat = fold(_leaf(listing.category)).strip() if listing.category else ""
    if not cat or cat in generic:
        # no category that names goods: the goods the title names stand in for one, exactly
        heads = title_heads(listing.title)
        if heads:
            return max(_inferred_relevance(listing, brand, h) for h in heads)
    bcats = [fold(c) for c in brand.categories]
    bc = brand_classes(brand)
    title_words = goods_words(listing.title)
    title_level = _goods_level(title_words, bcats, bc) if bc or bcats else 0.0
    if cat and cat not in generic:
        for b in bcats:
            if cat == b or (len(cat) >= 2 and (cat in b or b in cat)):
                return EXACT
        for b in bcats:
            if any(cat[i : i + 2] in b for i in range(len(cat) - 1)):
                return RELATED
        lc = goods_classes(cat)
        if lc and bc and not lc & bc:
            return UNRELATED  # the category names other goods
        level = max(title_level, _goods_level(goods_words(cat), bcats, bc))
        if level:
            return level
        if not lc:
            lc = goods_classes(listing.title)
            if not lc:
                return UNKNOWN
    else:
        if title_level:
            return title_level
        lc = goods_classes(listing.title)
        if not lc:
            return UNKNOWN
    if not bc:
        return UNKNOWN
    return CLASS if lc & bc else UNRELATED


# ---------------------------------------------------------------- cue words


def cue_strength(text: str) -> tuple[float, list[str]]:
    """Strongest counterfeit cue word in the folded text (0..1) and the words found."""
    regex, weights = _cue_regex()
    best, found = 0.0, []
    for m in regex.finditer(text):
        if cue_negated(text, m.start(), m.end()) or straddles(text, m.start(), m.end()):
            continue
        found.append(m.group())
        best = max(best, weights[m.group()])
    for pattern, weight in cue_patterns():
        for m in pattern.finditer(text):
            if not cue_negated(text, m.start(), m.end()):
                found.append(m.group())
                best = max(best, weight)
                break
    return best, found


@dataclass(frozen=True)
class CueIndex:
    """What the search for cue words written in pinyin (pinyin_cues) reads: the matcher's index over
    the Chinese cue words, their weights, and a pattern of their syllables in Latin letters. Building it
    takes pypinyin's phrase dictionary and the whole shape table, so a compiled registry keeps it
    (scoring.registry)."""

    index: MarkIndex
    weights: dict[str, float]
    syllables: re.Pattern[str]


def cue_index() -> CueIndex:
    """Build the CueIndex (the lexicon's strong cue words of two Chinese characters or more)."""
    weights = {w: wt for w, wt in cue_words() if wt >= 0.8 and len(w) >= 2 and all(is_han(c) for c in w)}
    syllables = sorted({han_to_pinyin(c) for w in weights for c in w}, key=len, reverse=True)
    index = MarkIndex([Brand(w) for w in weights]).with_close_marks()
    return CueIndex(index, weights, re.compile("|".join(syllables)))


@functools.lru_cache(maxsize=1)
def shared_cue_index() -> CueIndex:
    """The CueIndex of callers that keep none (a registry that was not compiled), built once."""
    return cue_index()


def pinyin_cues(title: str, cues: CueIndex | None = None) -> tuple[float, list[str]]:
    """Cue words written (partly) in pinyin to slip past filters (gaofang, 高fang for 高仿): found by
    the lookalike matcher over the Chinese cue words; homophones in Han script are not counted (高防
    is an ordinary word)."""
    if cues is None:
        cues = shared_cue_index()
    folded = latin_fold(fold(title))
    if not cues.syllables.search(folded):  # no syllable of any cue word in Latin letters: nothing to find
        return 0.0, []
    best, found = 0.0, []
    for m in cues.index.match(title):
        if m.kind == "exact" or m.sim < 0.9 or not any("a" <= c <= "z" for c in m.found):
            continue
        if negated(folded, m.start, m.end):
            continue
        found.append(m.found)
        best = max(best, cues.weights[m.mark.text])
    return best, found


def _alternation(words: list[str]) -> re.Pattern[str]:
    parts = []
    for w in sorted(words, key=len, reverse=True):
        e = re.escape(w)
        if w[:1].isascii() and w[:1].isalnum():
            # the word boundary is tested after the first letter (is the character before that letter
            # one?), the same test: every branch then starts with a plain character, and the regex
            # engine skips the positions where none of those characters stands instead of trying
            # every branch there (several times faster on a title without any of the words)
            e = w[0] + r"(?<![a-z0-9]" + w[0] + ")" + re.escape(w[1:])
        if w[-1:].isascii() and w[-1:].isalnum():
            e = e + r"(?![a-z0-9])"
        parts.append(e)
    return re.compile("|".join(parts))


def price_comparable(text: str) -> bool:
    """False when the listing is second-hand, a service, a sample, a deposit or a price-difference link."""
    return _price_regex().search(text) is None


@functools.lru_cache(maxsize=1)
def _price_regex() -> re.Pattern[str]:
    return _alternation(list(price_not_comparable()))


@functools.lru_cache(maxsize=1)
def _cue_regex() -> tuple[re.Pattern[str], dict[str, float]]:
    weights = dict(cue_words())
    return _alternation(list(weights)), weights


# ---------------------------------------------------------------- price


@dataclass
class ScoringContext:
    """What is learned across listings. Callers may pre-fill it from the database; score_many
    updates it as it goes. ``prices`` keeps the last ``window`` prices per (brand, category)."""

    prices: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    seller_brands: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    blacklisted_sellers: set[str] = field(default_factory=set)
    window: int = 200
    min_prices: int = 8

    def add_price(self, brand: str, category: str | None, price: float) -> None:
        key = (brand, fold(category or ""))
        q = self.prices.get(key)
        if q is None:
            q = self.prices[key] = deque(maxlen=self.window)
        q.append(price)

    def price_stats(self, brand: str, category: str | None) -> tuple[float, float, int] | None:
        """(median, MAD, n) of the prices seen for a brand in a category, if enough were seen."""
        q = self.prices.get((brand, fold(category or "")))
        if not q or len(q) < self.min_prices:
            return None
        med = statistics.median(q)
        mad = statistics.median(abs(p - med) for p in q)
        return med, mad, len(q)

    max_sellers: int = 500_000

    def add_seller_brand(self, seller_id: str, brand: str) -> None:
        if seller_id not in self.seller_brands and len(self.seller_brands) >= self.max_sellers:
            self.seller_brands.pop(next(iter(self.seller_brands)))  # forget the oldest seller
        brands = self.seller_brands[seller_id]
        if len(brands) < 50:
            brands.add(brand)


def price_floor_strength(price: float | None, floor: float | None) -> float:
    """0 at or above 90% of the floor, rising to 1 at 40% of it (less than half the lowest genuine
    price is already a strong sign)."""
    if price is None or not floor or floor <= 0 or price <= 0:
        return 0.0
    r = price / floor
    return max(0.0, min(1.0, (0.9 - r) / 0.5))


def price_outlier_strength(price: float | None, stats: tuple[float, float, int] | None) -> float:
    """Robust z-score below the median of the same brand and category (median/MAD)."""
    if price is None or stats is None or price <= 0:
        return 0.0
    med, mad, _ = stats
    if med <= 0 or price >= 0.6 * med:
        return 0.0
    scale = max(1.4826 * mad, 0.1 * med)
    z = (med - price) / scale
    return max(0.0, min(1.0, (z - 2.5) / 3.0))


# ---------------------------------------------------------------- images


def hamming_hex(a: str, b: str) -> int:
    try:
        return bin(int(a, 16) ^ int(b, 16)).count("1")
    except ValueError:
        return 64


def image_reuse(listing: Listing, brand: Brand, max_distance: int = 8) -> float:
    """1 when a listing image is (nearly) an official product photo of the brand."""
    if not listing.image_hashes or not brand.official_image_hashes:
        return 0.0
    best = min(hamming_hex(a, b) for a in listing.image_hashes for b in brand.official_image_hashes)
    if best <= max_distance:
        return 1.0 - 0.5 * best / max_distance
    return 0.0


# ---------------------------------------------------------------- sellers


@functools.lru_cache(maxsize=65536)
def _authorized_names(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(a).strip() for a in names)


def is_authorized(listing: Listing, brand: Brand) -> bool:
    """Is the listing's shop (name or id) one of the brand's authorised sellers?"""
    s = listing.seller
    if s is None or not brand.authorized_sellers:
        return False
    names = _authorized_names(brand.authorized_sellers)
    return (s.name is not None and fold(s.name).strip() in names) or (
        s.id is not None and fold(s.id) in names
    )


def seller_new(listing: Listing, days: int = 90) -> float:
    s = listing.seller
    if s is None or s.opened is None:
        return 0.0
    ref = listing.seen_at.date() if listing.seen_at else dt.date.today()
    age = (ref - s.opened).days
    return 1.0 if 0 <= age < days else 0.0


# ---------------------------------------------------------------- rule packs


@dataclass(frozen=True)
class RuleHit:
    rule_id: str
    pack: str
    violation: str
    department: str
    strength: float
    detail: str


@functools.lru_cache(maxsize=1)
def _term_index() -> tuple[re.Pattern[str], dict[str, list[tuple[Any, Any]]]]:
    index: dict[str, list[tuple[Any, Any]]] = {}
    for pack in packs():
        for rule in pack.rules:
            for t in rule.terms:
                index.setdefault(t, []).append((pack, rule))
    return _alternation(list(index)), index


def rule_hits(text: str, category: str | None, goods: frozenset[int] | None = None) -> list[RuleHit]:
    """Every rule of every pack that the folded listing text triggers (negations excluded).

    ``goods``: the Nice classes of the listing's goods (from its category, or inferred from its
    title), None when unknown; rules about certain goods (减肥 on food and cosmetics) read them."""
    cat = fold(category or "")
    whole = text + " " + cat
    found: dict[str, tuple[Any, Any, str]] = {}
    regex, index = _term_index()
    for m in regex.finditer(text):
        if negated(text, m.start(), m.end()) or straddles(text, m.start(), m.end()):
            continue
        for pack, rule in index[m.group()]:
            if rule.id not in found and _term_in_context(rule, text, m.start(), m.end()):
                found[rule.id] = (pack, rule, m.group())
    if "油" in text:  # pattern rules are about fuel; skip their regexes otherwise
        for pack in packs():
            for rule in pack.rules:
                for pat in rule.patterns:
                    pm = pat.search(text)
                    if pm and not negated(text, pm.start(), pm.end()):
                        found.setdefault(rule.id, (pack, rule, pm.group()))
                        break
    hits: list[RuleHit] = []
    for pack, rule, term in found.values():
        if rule.needs_context and not any(c in whole for c in pack.context):
            continue
        if rule.scope == "ordinary" and any(x in whole for x in pack.exempt):
            continue
        if rule.not_in_media and _is_media(pack, whole):
            continue
        if (
            rule.patterns
            and pack.exclude
            and any(x in whole for x in pack.exclude)
            and not any(w in term for w in ("汽油", "柴油"))
        ):
            continue  # 调和油 next to 食用/炒菜 is cooking oil
        strength = rule.weight
        detail = f"{rule.title}：“{term}”"
        if rule.goods_classes:
            if goods and not goods & rule.goods_classes:
                continue  # 减肥 on a bathroom scale or a study planner is not a claim about the body
            if not goods:
                strength = min(strength, rule.unknown_goods_weight)
        if rule.forbidden_uses:
            uses = [u for u in rule.forbidden_uses if u in whole]
            if uses:
                detail += f"，用于{'、'.join(uses[:3])}"
            else:
                strength = rule.restricted_weight
        if rule.basis:
            detail += f"（{rule.basis}）"
        hits.append(RuleHit(rule.id, pack.name, rule.violation, rule.department, strength, detail))
    return hits


def _term_in_context(rule: Any, text: str, start: int, end: int) -> bool:
    """A rule's term where the rule says it must stand: beside a qualifying word (特供 with 国家机关),
    and not as the first part of a product-type name (万能胶, 万能遥控器)."""
    if rule.near:
        window = text[max(0, start - rule.near_before) : end + rule.near_after]
        if not any(w in window for w in rule.near):
            return False
    if rule.product_heads:
        # the rest of the word (up to six characters, to the next separator) ending in a product noun
        # makes the term part of a product-type name: 万能胶, 万能防锈润滑剂, 万能家用路由器
        rest = _TOKEN.match(text, end)
        after = rest.group()[:6] if rest else ""
        if any(h in after for h in rule.product_heads) or _holds_goods_word(after):
            return False
    return True


def _holds_goods_word(text: str) -> bool:
    regex, _ = _goods_regex()
    return regex.search(text) is not None


def _is_media(pack: Any, whole: str) -> bool:
    return any(w in whole for w in pack.media) or any(p.search(whole) for p in pack.media_patterns)
