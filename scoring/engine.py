"""score() and score_many(): one listing and a registry in, a Score out. No I/O."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from scoring import latin, signals
from scoring.brand_signals import BrandEvidence, ListingFacts, brand_features
from scoring.combiner import DEFAULT_MODEL, CombinerModel
from scoring.matcher import Match, inner_insertion
from scoring.registry import Registry
from scoring.signals import ScoringContext
from scoring.text import NUMERALS, fold, latin_fold, segment
from scoring.types import MODEL_VERSION, Brand, Listing, Reason, Score

DEFAULT_THRESHOLD = 0.5
DEFAULT_DEPARTMENTS: dict[str, str] = {
    "counterfeit_mark": "商标处",
    "lookalike_mark": "公平交易处",
    "false_advertising": "广告处",
    "banned_agri_input": "市场处",
    "substandard_fuel": "消保处",
    "other": "网监分局",
}

# how much a relevance level adjusts a fuzzy match, and gates an exact one
_REL_ADJ = {signals.EXACT: 0.10, signals.RELATED: 0.05, signals.CLASS: -0.10, signals.UNKNOWN: -0.12}
# a lookalike that is a known word reaches at most this alone: below the threshold without a second signal
KNOWN_WORD_CAP = 0.6
# a run of everyday words (pop station for PlayStation) reads as the mark only this close to it, unless
# it imitates a mark of as many words word by word (kat kot, pizza huh); ordinary phrases (and shower,
# range up, micro sd) are everywhere
KNOWN_RUN_MIN = 0.8
_REL_GATE = {signals.EXACT: 1.0, signals.RELATED: 1.0, signals.CLASS: 0.9, signals.UNKNOWN: 0.75}
# a run of single characters between separators: 高-仿, 百 草 枯, 1 : 1 (but not 原 单价)
_C = r"[\u4e00-\u9fff0-9a-z:]"
_SPACED = re.compile(rf"(?<!{_C}){_C}(?:[\s\-*.·_/|~+]{{1,3}}{_C})+(?!{_C})")
_COMPAT = (
    "适用于",
    "适用",
    "兼容",
    "适配",
    "通用",
    "用于",
    "配件",
    "替换",
    "for ",
    "fits ",
    "compatible with ",
)


def _lookalike_value(m: Match, rel: float) -> float:
    if rel == signals.UNRELATED or (m.kind == "initials" and rel < signals.RELATED):
        return 0.0
    if m.kind == "evasion":
        v = 0.95 if m.aligned else 0.75
        if m.embedded:
            v -= 0.3
        return max(0.0, v * _REL_GATE[rel])
    v = m.sim + _REL_ADJ[rel]
    if m.aligned and not m.common_word and rel >= signals.RELATED:
        v += 0.08  # a word of its own, in the brand's own goods
    if not m.aligned:
        v -= 0.12
    if m.common_word:
        # an ordinary word (清场, play station) is a lookalike only in the brand's own goods
        v -= (0.06 if rel >= signals.RELATED else 0.2) if m.aligned else 0.25
        if m.word_freq >= 40:
            v -= 0.15  # the more ordinary the word, the less likely it was made to imitate
        compact = re.sub(r"[^0-9a-z]", "", m.found)
        if (
            m.mark.script == "latin"
            and " " not in m.found
            and compact != m.mark.form
            and not (rel >= signals.RELATED and inner_insertion(compact, m.mark.form))
        ):
            v -= 0.35  # a different real word (clean for Clear, sprint for Sprite)
    if m.embedded:
        v -= 0.25
    if m.kind in ("insertion", "omission") and rel < signals.RELATED:
        # an added or dropped character collides with ordinary phrases (蓝色月亮 for 蓝月亮): outside
        # the brand's own goods it needs more, and less still when the added character makes a word
        v -= 0.1
        if "phrase" in m.tags:
            v -= 0.15
    if "known_parts" in m.tags and m.sim < KNOWN_RUN_MIN and not _word_by_word(m):
        return 0.0  # a run of everyday words loosely like the mark (and shower, range up, lace-up)
    if "known" in m.tags or "known_parts" in m.tags:
        # a known word, name or brand (pestle, Samson, 大白菜) counts only in the brand's own goods; a
        # single word only beside a second signal (it cannot flag alone)
        if rel < signals.RELATED:
            return 0.0
        if "known" in m.tags:
            v = min(v, KNOWN_WORD_CAP)
    return max(0.0, min(1.0, v))


# a Latin name in brackets or glued right after a Chinese name: 穗凌（SUILING）, 雷柏（Rapoo）, 东菱Donlim
_LATIN_AFTER = re.compile(r"\s?[(（]\s?([a-z][a-z0-9&'.\- ]{1,30}?)\s?[)）]|([a-z]{3,})")


# a Latin name right before a Chinese name, glued or with a slash or bracket: H3C华三, snsir/申士
_LATIN_BEFORE = re.compile(r"(?:^|[^a-z0-9])([a-z][a-z0-9&'.\-]{2,30})\s?[/(（]?\s?$")
# a model code after a name: letters and digits (T800, NX2000, HD-I6580E), not a quantity (330ml)
_MODEL_AFTER = re.compile(r"\s?([a-z]{1,4}[\-]?[a-z]?\d[0-9a-z\-]*)")
_UNIT = re.compile(r"\d+(?:\.\d+)?(?:ml|l|g|kg|mg|mm|cm|m|w|v|mah|gb|tb|p|k|x|寸)?$")


# a Chinese name right before a Latin word, glued or with an opening bracket: 山泽（SAMZHE）, 莱卡LAICA
_HAN_BEFORE = re.compile(r"(?:^|[\s(（\[【])([\u4e00-\u9fff]{2,4})(\s?[(（]\s?)?$")


# a Chinese name right after a Latin word, glued or after a slash or bracket: Hion/北恩, SENSSUN香山
_HAN_AFTER = re.compile(r"([)）]?\s?[/(（]\s?)?([\u4e00-\u9fff]{2,})")


def _another_name(m: Match, folded: str, brand: Brand, registry: Registry) -> bool:
    """Is the lookalike one half of a bilingual name of its own, the way a brand presents its
    registered name: a Chinese name with a Latin name beside it (穗凌（SUILING）, 雷柏（Rapoo）), or a
    Latin name after a Chinese one (山泽（SAMZHE）, 万人迷（manovo）)? Not when the other half is the
    mark's own (a form of the brand, or the mark's pinyin): 华伪（HUAWEI） and 耐克（Nlke） still
    imitate their marks."""
    if m.kind in ("exact", "evasion"):
        return False
    if m.mark.script != "han":
        names = []
        before = _HAN_BEFORE.search(folded[: m.start])
        if before is not None:
            names.append((before.group(1), before.group(2)))
        after = _HAN_AFTER.match(folded, m.end)
        if after is not None:
            names.append((after.group(2), after.group(1)))
        for name, sep in names:
            if any(k in name for k in brand.marks):
                continue
            # glued without a bracket or slash, the Chinese must be a name, not goods (跑鞋Abibas)
            if sep or not signals.goods_words(name):
                return True
        return False
    end = m.end
    while end < len(folded) and end - m.end < 2 and "\u4e00" <= folded[end] <= "\u9fff":
        end += 1  # the rest of the Chinese name (互视达（HUSHIDA） for 互视)
    got = _LATIN_AFTER.match(folded, end)
    before = _LATIN_BEFORE.search(folded[: m.start])
    if got is not None:
        name = re.sub(r"[^a-z0-9]", "", got.group(1) or got.group(2))
    elif before is not None:
        name = re.sub(r"[^a-z0-9]", "", before.group(1))
    else:
        return False
    if len(name) < 3:
        return False
    own = {registry.mark_pinyin(m.mark.form)} | {
        re.sub(r"[^a-z0-9]", "", latin_fold(fold(k))) for k in brand.marks
    }
    return not any(o and latin.similarity(name, o) >= 0.85 for o in own)


_PAIRING = frozenset("/()（）[]【】 ")


def _same_mark_loosely(m: Match, ex: Match, folded: str) -> bool:
    """With the brand's genuine mark named in the title, the same mark written loosely elsewhere is
    that mark, not an imitation: its pinyin (红米 … hongmi), cut short (华为 … huawe), split into words
    (三星 … Sam sung), or misspelt as the other half of a bilingual pair with it (innsfree/悦诗风吟)."""
    if m.kind == "evasion":
        return False
    if m.mark.derived:
        return True
    compact = re.sub(r"[^0-9a-z]", "", m.found)
    if m.mark.script == "latin" and (
        compact == m.mark.form or (len(compact) >= 4 and m.mark.form.startswith(compact))
    ):
        return True
    between = folded[m.end : ex.start] if m.end <= ex.start else folded[ex.end : m.start]
    if not between:
        return ex.mark.script != m.mark.script  # glued, in the other script (Staedtler施徳楼)
    return len(between) <= 3 and set(between) <= _PAIRING and bool(set(between) - {" "})


def _written_with_own_latin(m: Match, brand: Brand) -> bool:
    """A Chinese mark 'spaced out' by the brand's own Latin mark is the genuine bilingual name
    (晨光(M&G)文具), not an evasion."""
    if m.kind != "evasion" or m.mark.script != "han":
        return False
    inserted = re.sub(r"[^0-9a-z]", "", m.found)
    own = {re.sub(r"[^0-9a-z]", "", latin_fold(fold(k))) for k in brand.marks}
    return bool(inserted) and inserted in own


def _other_brands_line(
    m: Match, bi: int, marks_named: list[tuple[int, int, int]], registry: Registry
) -> bool:
    """A Latin lookalike in a title that names another registered brand's genuine mark for the same
    goods is that brand's product line or model (华为 … MateBook, 联想 … GeekPro), not an imitation of
    the mark it resembles (MacBook, GoPro); a clear imitation (one cheap edit) still counts."""
    if m.mark.script != "latin" or m.kind != "latin" or m.sim >= 0.9 or not marks_named:
        return False
    classes = signals.brand_classes(registry.index.brands[bi])
    return any(
        other != bi and signals.brand_classes(registry.index.brands[other]) & classes
        for _, _, other in marks_named
    )


def _one_character_kept(
    m: Match,
    folded: str,
    listing: Listing,
    bi: int,
    marks_named: list[tuple[int, int, int]],
    registry: Registry,
) -> bool:
    """A two-character mark found with one character kept and the other unlike it in shape and sound
    (魅声 for 魅族) is weak evidence: it needs a second signal when the kept character is a numeral
    (3黑, 三栏: a quantity and a measure word), when a model code follows it (a maker's name and its
    model: 雷柏N19), when the listing sells a part or accessory (a phone case maker's own name
    sharing a character with a phone brand), or when the title names another registered brand's
    genuine mark (米力 … 华为p30 手机膜: the goods are that brand's)."""
    if m.mark.script != "han" or len(m.mark.form) != 2 or m.kind != "partial":
        return False
    kept = [c for c in m.found if c in m.mark.form]
    if any(c in NUMERALS for c in kept) or any(c.isdigit() for c in m.found):
        return True
    model = _MODEL_AFTER.match(folded, m.end)
    if model is not None and not _UNIT.match(model.group(1)):
        return True  # a maker's name and its model code (雷柏N19, 鸿合 HD-I6580E)
    return signals.sells_parts(listing.title) or any(other != bi for _, _, other in marks_named)


def _names_another_brand(bi: int, marks_named: list[tuple[int, int, int]], registry: Registry) -> bool:
    """Does the title name another registered brand's genuine mark for goods of the same class?"""
    classes = signals.brand_classes(registry.index.brands[bi])
    return any(
        other != bi and signals.brand_classes(registry.index.brands[other]) & classes
        for _, _, other in marks_named
    )


def _glued_into_a_name(m: Match, folded: str) -> bool:
    """A Chinese lookalike of a short mark glued into a longer run of characters is part of another
    word or name: with one character right before it (爱惠浦, 普乐仕), or right after it when the rest of
    the run names no goods (得丽珑, 博格利诺, 惠尔普斯). A brand glued to its goods (康帅傅红烧牛肉面)
    is still read."""
    if m.mark.script != "han" or len(m.mark.form) > 3 or m.aligned or m.kind in ("exact", "evasion"):
        return False
    if m.start > 0 and _is_han(folded[m.start - 1]):
        # one character before it makes a name of three (爱惠浦); two or more are a word of their own
        # glued on (新品易泉, 正品雷碧: still read)
        return m.start == 1 or not _is_han(folded[m.start - 2])
    rest = re.match(r"[\u4e00-\u9fff]+", folded[m.end :])
    return rest is not None and not signals.goods_words(rest.group())


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


# measure words (量词): after a number they make a quantity (50支芯, 10本装, 1.7米+夹), not a mark
MEASURE_WORDS = frozenset("个只支件套本张片盒袋瓶罐条付副双对包箱台块粒颗根把米寸号层色款种组")


def _quantity(m: Match, folded: str) -> bool:
    """A numeral mark written with a digit (9号 for 九号) or numbers spaced apart (3-6-12 for 361°) is
    how anyone writes a number and a measure word, or a list of numbers: not evasion on its own; and a
    Chinese lookalike that starts with a measure word right after a number (50支芯 for 齐心, 10本装
    for 本田) is a quantity."""
    if (
        m.mark.script == "han"
        and m.kind not in ("exact", "evasion")
        and m.start > 0
        and folded[m.start - 1].isdigit()
        and m.found[:1] in MEASURE_WORDS
    ):
        return True
    if m.kind != "evasion" or not any(c.isdigit() for c in m.found):
        return False
    numeral_and_measure = len(m.mark.form) == 2 and m.mark.form[0] in NUMERALS  # 九号, not 六个核桃
    return numeral_and_measure or not re.search(r"[a-z\u4e00-\u9fff]", m.mark.form)


def _word_by_word(m: Match) -> bool:
    """Does a run of words imitate a mark of as many words, each word at most one edit from the
    mark's (Kat Kot for Kit Kat, Pizza Huh for Pizza Hut)?"""
    found = re.findall(r"[a-z0-9]+", m.found)
    words = re.findall(r"[a-z0-9]+", latin_fold(fold(m.mark.text)))
    return len(found) == len(words) > 1 and all(
        latin.distance(a, b) <= 1.0 for a, b in zip(found, words, strict=True)
    )


def _relevance_reader(registry: Registry, listing: Listing) -> Callable[[Brand], float]:
    """signals.relevance of the listing and a brand. When the category alone names goods
    (signals.category_decides), relevance reads nothing else of the brand than its categories and
    classes, which many brands share, and mostly nothing of the title (signals.category_verdict):
    cached per (category, brand goods), then per (category, the title's goods words, brand goods), the
    title's goods words read only when the category leaves it open."""
    category = listing.category
    if not (category and signals.category_decides(category)):
        return functools.partial(signals.relevance, listing)
    cache = registry.relevance_cache
    verdicts = cache.verdicts(category)
    values: dict[tuple[tuple[str, ...], tuple[int, ...]], float] | None = None

    def relevance(brand: Brand) -> float:
        nonlocal values
        key = (brand.categories, brand.nice_classes)
        if key in verdicts:
            verdict = verdicts[key]
        else:
            verdict = signals.category_verdict(category, brand)
            cache.put(verdicts, key, verdict)
        if verdict is not None:
            return verdict
        if values is None:
            values = cache.values((category, signals.goods_words(listing.title)))
        got = values.get(key)
        if got is None:
            got = signals.relevance(listing, brand)
            cache.put(values, key, got)
        return got

    return relevance


# any of the compatibility words, searched for at once
_COMPAT_WORDS = re.compile("|".join(map(re.escape, _COMPAT)))


def _compat(folded: str, m: Match) -> bool:
    """A compatibility statement (适用于 iPhone, for Nike) that does not lead the title."""
    return m.start > 0 and _COMPAT_WORDS.search(folded, max(0, m.start - 8), m.start) is not None


def _on_registered_mark(m: Match, marks_named: list[tuple[int, int, int]], text: str) -> bool:
    """Does a lookalike overlap a registered mark named in the title (华为荣耀 is 华为 and 荣耀, not 王者荣耀;
    红米 is Xiaomi's own 红米, not a 小米 lookalike), or follow another brand's mark without a break
    without a break or across one space (华为MateBook, 华为 MateBook: that brand's product line)?"""
    for start, end, bi in marks_named:
        if (start, end) == (m.start, m.end):
            continue  # the same text (the engine weighs a mark against its own lookalike below)
        if start < m.end and m.start < end:
            return True
        if bi != m.mark.brand and (end == m.start or (end + 1 == m.start and text[end].isspace())):
            return True
    return False


# what the matcher found of each brand in one listing (brands of other goods left out)
Evidence = list[BrandEvidence]


def evidence_of(listing: Listing, registry: Registry) -> Evidence:
    """The brands a listing names or imitates, read against its goods: the costly part of scoring and
    the part that reads nothing learned from other listings, so that worker processes may compute it
    for ``score_many(..., evidence=...)`` (``scoring.parallel``)."""
    return _evidence(listing, registry, fold(listing.title))


def _evidence(listing: Listing, registry: Registry, folded: str) -> list[BrandEvidence]:
    seg = segment(listing.title)
    matches = registry.index.match(listing.title, seg)
    if not matches:
        return []
    marks_named = [(m.start, m.end, m.mark.brand) for m in matches if m.kind == "exact" and not m.embedded]
    brands = registry.index.brands
    relevance = _relevance_reader(registry, listing)
    relevances: dict[int, float] = {}  # of each brand found, in the order found
    exact: dict[int, Match] = {}  # each brand's genuine mark named
    # the brands of the listing's goods: the genuine mark of a brand of other goods counts only for
    # the check below (a lookalike that is another brand's own mark), a lookalike of it nowhere, so
    # it can neither flag the listing nor learn its price and is left out
    by_brand: dict[int, BrandEvidence] = {}
    for m in matches:
        kind = m.kind
        if (
            kind != "exact"
            and kind != "evasion"
            and marks_named
            and _on_registered_mark(m, marks_named, seg.folded)
        ):
            continue
        bi = m.mark.brand
        rel = relevances.get(bi)
        if rel is None:
            rel = relevances[bi] = relevance(brands[bi])
            if rel != signals.UNRELATED:
                by_brand[bi] = BrandEvidence(brands[bi], rel)
        if kind == "exact":
            if bi not in exact or (m.aligned and not m.embedded):
                exact[bi] = m
        elif rel != signals.UNRELATED:  # no lookalike outside the brand's goods (_lookalike_value)
            ev = by_brand[bi]
            if ev.fuzzy is None or _lookalike_value(m, rel) > _lookalike_value(ev.fuzzy, rel):
                ev.fuzzy = m
    # a token that is another registered brand's own mark is that brand (索爱 is not a 索尼 lookalike
    # when both are registered)
    genuine = {(exact[bi].start, exact[bi].end): bi for bi in relevances if bi in exact}
    out = []
    for bi, ev in by_brand.items():
        rel = ev.relevance
        ev.exact = exact.get(bi)
        ex = ev.exact
        f = ev.fuzzy
        if f is not None and f.kind != "evasion" and genuine.get((f.start, f.end), bi) != bi:
            ev.fuzzy = f = None
        # a lookalike overlapping the genuine mark is the genuine mark (汇源 in 汇源果汁), and text that
        # is one of the brand's registered forms is no evasion of another (Nestlé beside Nestle)
        if ex is not None and f is not None and not ex.embedded and _same_mark_loosely(f, ex, folded):
            ev.fuzzy = f = None
        if f is not None and (
            _other_brands_line(f, bi, marks_named, registry) or _written_with_own_latin(f, ev.brand)
        ):
            ev.fuzzy = f = None
        if (
            ex is not None
            and f is not None
            and f.start < ex.end
            and ex.start < f.end
            and (
                (f.start, f.end) == (ex.start, ex.end)
                or (f.kind != "evasion" and (f.sim < 0.8 or f.mark.derived or f.found == ex.found))
            )
        ):
            ev.fuzzy = None
        if ex is not None and not ex.embedded and rel != signals.UNRELATED and not _compat(folded, ex):
            gate = _REL_GATE[rel]
            if ex.common_word and rel < signals.RELATED:
                gate *= 0.3  # an ordinary word (switch, tide) outside the brand's own goods
            ev.presence = gate
        if ev.fuzzy is not None:
            f = ev.fuzzy
            ev.lookalike = _lookalike_value(f, rel)
            if f.kind != "evasion" and _compat(folded, f):
                ev.lookalike *= 0.5
            if ev.lookalike > KNOWN_WORD_CAP and (
                _one_character_kept(f, folded, listing, bi, marks_named, registry)
                or _another_name(f, folded, ev.brand, registry)
                or _glued_into_a_name(f, folded)
                or _quantity(f, folded)
                # a two-character mark imitated with no goods evidence at all: ordinary words sound
                # like two-character marks everywhere (横式, 被面, 码牌)
                or (f.mark.script == "han" and len(f.mark.form) == 2 and rel <= signals.UNKNOWN)
            ):
                # weak evidence (see each test): it cannot flag alone
                ev.lookalike = KNOWN_WORD_CAP
        out.append(ev)
    return _attribute_shared_marks(out, registry)


def _attribute_shared_marks(evidence: list[BrandEvidence], registry: Registry) -> list[BrandEvidence]:
    """One mark, several owners (Dove: 德芙 chocolate, 多芬 soap; 长城: wine, cars, computers): the
    mark found is the brand whose goods the listing is about. When the goods do not tell (no brand's
    goods match better than another's), the listing is attributed to none of them on the mark alone."""
    by_mark: dict[tuple[str, int, int], list[BrandEvidence]] = {}
    for ev in evidence:
        m = ev.exact if ev.presence > 0 else ev.fuzzy if ev.lookalike > 0 else None
        if m is not None and len(registry.owners(m.mark.text)) > 1:
            by_mark.setdefault((registry.mark_key(m.mark.text), m.start, m.end), []).append(ev)
    for group in by_mark.values():
        if len(group) < 2:
            continue
        top = max(ev.relevance for ev in group)
        for ev in group:
            if ev.relevance < top or sum(1 for other in group if other.relevance == top) > 1:
                ev.presence = ev.lookalike = 0.0
                ev.exact = ev.fuzzy = None
    return evidence


def score(
    listing: Listing,
    registry: Registry,
    *,
    context: ScoringContext | None = None,
    threshold: float | None = None,
    model: CombinerModel | None = None,
) -> Score:
    """Score one listing against the registry.

    ``context`` supplies price statistics, seller history and the blacklist (it is read, not
    updated; score_many updates it). ``threshold`` defaults to the model's, else DEFAULT_THRESHOLD.
    ``model`` is a fitted CombinerModel (scoring.calibration.fit); default weights without one.
    """
    return _score(listing, registry, context, threshold, model)[0]


@dataclass
class _BrandVerdict:
    """The strongest brand finding of a listing: its risk, features, reasons and violation."""

    risk: float
    features: dict[str, float]
    reasons: list[Reason]
    brand: Brand
    violation: str


@dataclass
class _RuleFindings:
    """Rule-pack hits, strongest per violation."""

    features: dict[str, float] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)


def _score(
    listing: Listing,
    registry: Registry,
    context: ScoringContext | None,
    threshold: float | None,
    model: CombinerModel | None,
    evidence: Evidence | None = None,
) -> tuple[Score, Brand | None]:
    model = model or DEFAULT_MODEL
    if threshold is None:
        threshold = model.threshold if model.threshold is not None else DEFAULT_THRESHOLD
    facts = _listing_facts(listing, context, registry)
    if evidence is None:
        evidence = _evidence(listing, registry, fold(listing.title))
    best = _strongest_brand(facts, evidence, model)
    rules = _rule_findings(facts)
    return _verdict(listing, facts, best, rules, model, threshold), _named_brand(evidence)


def _listing_facts(listing: Listing, context: ScoringContext | None, registry: Registry) -> ListingFacts:
    """Fold the listing's text once and read what every brand signal needs from it."""
    text = fold(listing.title + " " + (listing.description or "")[:5000])
    # cue words and rule terms spaced out to dodge filters (高-仿, 百 草 枯, 1 : 1) are read whole
    spaced = [re.sub(r"[^\u4e00-\u9fff0-9a-z:]", "", m.group()) for m in _SPACED.finditer(text)]
    if spaced:
        text = text + " " + " ".join(spaced)
    cue, cues_found = signals.cue_strength(text)
    return ListingFacts(listing, context, text, cue, cues_found, registry.cue_index)


def _named_brand(evidence: list[BrandEvidence]) -> Brand | None:
    """The last brand whose genuine mark the listing names in its own goods (its price teaches the
    brand's price statistics)."""
    named = None
    for ev in evidence:
        if ev.presence >= 0.99 and ev.lookalike == 0 and ev.relevance >= signals.RELATED:
            named = ev.brand
    return named


def _strongest_brand(
    facts: ListingFacts, evidence: list[BrandEvidence], model: CombinerModel
) -> _BrandVerdict | None:
    """Ask every brand signal for every brand involved; keep the brand with the highest risk."""
    best: _BrandVerdict | None = None
    for ev in evidence:
        # a brand neither named nor imitated has no features (brand_features): most brands the matcher
        # finds are gated away by their goods
        if ev.involved <= 0 or signals.is_authorized(facts.listing, ev.brand):
            continue
        feats, details = brand_features(facts, ev)
        if not feats:
            continue
        r = model.risk(feats)
        if best is None or r > best.risk:
            contrib = model.contributions(feats)
            reasons = [Reason(k, v, details[k]) for k, v in sorted(contrib.items(), key=lambda kv: -kv[1])]
            # imitating the mark is lookalike_mark; naming the genuine mark with counterfeit
            # signals (cue words, price, image, seller) is counterfeit_mark
            imitates = "lookalike" in feats and (
                ev.presence == 0 or contrib.get("lookalike", 0.0) >= max(contrib.values())
            )
            violation = "lookalike_mark" if imitates else "counterfeit_mark"
            best = _BrandVerdict(r, feats, reasons, ev.brand, violation)
    return best


def _rule_findings(facts: ListingFacts) -> _RuleFindings:
    found = _RuleFindings()
    for hit in signals.rule_hits(facts.text, facts.listing.category, facts.goods):
        if hit.strength > found.features.get(hit.violation, 0.0):
            found.features[hit.violation] = hit.strength
            found.details[hit.violation] = hit.detail
            found.departments[hit.violation] = hit.department
    return found


def _verdict(
    listing: Listing,
    facts: ListingFacts,
    best: _BrandVerdict | None,
    rules: _RuleFindings,
    model: CombinerModel,
    threshold: float,
) -> Score:
    """Combine the strongest brand finding with the rule packs into the listing's Score."""
    rule_feats = rules.features
    features: dict[str, float] = dict(best.features) if best else {}
    features.update(rule_feats)
    if not best and not rule_feats:
        if facts.cue > 0:
            features["counterfeit_cue"] = facts.cue * 0.3  # a cue word without a brand says little
        risk = model.risk(features) if features else model.risk({})
        return Score(
            listing.id, round(risk, 6), risk >= threshold, None, None, (), None, model.version, features
        )
    brand_risk = best.risk if best else 0.0
    rule_risk = model.risk(rule_feats) if rule_feats else 0.0
    brand: str | None
    if rule_feats and rule_risk >= brand_risk:
        violation = max(rule_feats, key=lambda k: rule_feats[k])
        contrib = model.contributions(rule_feats)
        reasons = [Reason(k, v, rules.details[k]) for k, v in sorted(contrib.items(), key=lambda kv: -kv[1])]
        risk = rule_risk
        brand = best.brand.name if best and best.risk >= threshold else None
        dept = rules.departments.get(violation, DEFAULT_DEPARTMENTS.get(violation))
        if best and brand:
            reasons += best.reasons
    else:
        assert best is not None
        risk, reasons, violation = best.risk, best.reasons, best.violation
        brand = best.brand.name
        dept = DEFAULT_DEPARTMENTS.get(violation or "other")
        for k in rule_feats:
            reasons.append(Reason(k, 0.0, rules.details[k]))
    if facts.goods_from_title:
        # what the listing sells was read from its title: say so beside the evidence it shaped
        features["goods_from_title"] = 1.0
        reasons = [
            *reasons,
            Reason("goods_from_title", 0.0, f"商品类别由标题推断：{'、'.join(facts.goods_from_title[:4])}"),
        ]
    flagged = risk >= threshold
    return Score(
        id=listing.id,
        risk=round(risk, 6),
        flagged=flagged,
        brand=brand,
        violation=violation if flagged or risk >= 0.2 else None,
        reasons=tuple(reasons),
        department=dept if flagged else None,
        model_version=model.version if model is not DEFAULT_MODEL else MODEL_VERSION,
        features=features,
    )


def score_many(
    listings: Iterable[Listing],
    registry: Registry,
    *,
    context: ScoringContext | None = None,
    threshold: float | None = None,
    model: CombinerModel | None = None,
    evidence: Iterable[Evidence] | None = None,
) -> Iterator[Score]:
    """Score a stream of listings in input order, learning prices and seller brands as it goes.

    ``evidence``: each listing's ``evidence_of``, in the same order, when it was computed elsewhere
    (worker processes); the scores are the same. Memory stays flat: the context keeps a bounded window
    of prices per brand and category."""
    ctx = context if context is not None else ScoringContext()
    if evidence is None:
        for listing in listings:
            yield score_and_learn(listing, registry, ctx, threshold=threshold, model=model)
        return
    for listing, found in zip(listings, evidence, strict=True):
        yield score_and_learn(listing, registry, ctx, threshold=threshold, model=model, evidence=found)


def score_and_learn(
    listing: Listing,
    registry: Registry,
    context: ScoringContext,
    *,
    threshold: float | None = None,
    model: CombinerModel | None = None,
    evidence: Evidence | None = None,
) -> Score:
    """Score one listing and update the context with what it teaches (one step of score_many).
    ``evidence``: the listing's ``evidence_of``, when it was computed already."""
    s, named = _score(listing, registry, context, threshold, model, evidence)
    seller_id = listing.seller.id if listing.seller else None
    brand_name = s.brand or (named.name if named else None)
    if seller_id and brand_name:
        context.add_seller_brand(seller_id, brand_name)
    if named is not None and not s.flagged and listing.price is not None:
        # only prices of unflagged listings naming the genuine mark feed the statistics
        context.add_price(named.name, listing.category, listing.price)
    return s
