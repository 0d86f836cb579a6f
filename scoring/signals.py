"""The signals other than the lookalike matcher: goods relevance, counterfeit cue words, price,
image reuse, seller and the rule packs. Each is a small function with one job and no I/O."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict, deque
from dataclasses import dataclass, field

from scoring.lexicon import cue_words, find_terms, goods_table, negated, packs
from scoring.text import fold
from scoring.types import Brand, Listing

# ---------------------------------------------------------------- goods relevance

EXACT, RELATED, CLASS, UNKNOWN, UNRELATED = 1.0, 0.85, 0.7, 0.5, 0.0


def goods_classes(text: str | None) -> frozenset[int]:
    """Nice classes named by the goods words in a category or title (longest keywords first)."""
    if not text:
        return frozenset()
    t = fold(text)
    table, _ = goods_table()
    out: set[int] = set()
    used = [False] * len(t)
    for kw, classes in table:
        start = 0
        while (i := t.find(kw, start)) >= 0:
            if not any(used[i : i + len(kw)]):
                out |= classes
                for k in range(i, i + len(kw)):
                    used[k] = True
            start = i + 1
    return frozenset(out)


def brand_classes(brand: Brand) -> frozenset[int]:
    out = set(brand.nice_classes)
    for c in brand.categories:
        out |= goods_classes(c)
    return frozenset(out)


def relevance(
    listing: Listing, brand: Brand, classes_cache: dict[int, frozenset[int]] | None = None
) -> float:
    """How surely the listing is about the goods the brand covers: 1 same category, 0.85 related
    category, 0.7 same Nice class, 0.5 unknown, 0 other goods (苹果 the fruit vs Apple phones)."""
    _, generic = goods_table()
    cat = fold(listing.category).strip() if listing.category else ""
    bcats = [fold(c) for c in brand.categories]
    if cat and cat not in generic:
        for b in bcats:
            if cat == b or (len(cat) >= 2 and (cat in b or b in cat)):
                return EXACT
        for b in bcats:
            if any(cat[i : i + 2] in b for i in range(len(cat) - 1)):
                return RELATED
        lc = goods_classes(cat)
        if not lc:
            lc = goods_classes(listing.title)
            if not lc:
                return UNKNOWN
    else:
        lc = goods_classes(listing.title)
        if not lc:
            return UNKNOWN
    bc = brand_classes(brand)
    if not bc:
        return UNKNOWN
    return CLASS if lc & bc else UNRELATED


# ---------------------------------------------------------------- cue words


def cue_strength(text: str) -> tuple[float, list[str]]:
    """Strongest counterfeit cue word in the folded text (0..1) and the words found."""
    best, found = 0.0, []
    taken: list[tuple[int, int]] = []
    for word, w in cue_words():
        for i, j in find_terms(text, word):
            if any(a < j and i < b for a, b in taken):
                continue
            taken.append((i, j))
            if negated(text, i, j):
                continue
            found.append(word)
            best = max(best, w)
    return best, found


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

    def add_seller_brand(self, seller_id: str, brand: str) -> None:
        self.seller_brands[seller_id].add(brand)


def price_floor_strength(price: float | None, floor: float | None) -> float:
    """0 at or above 90% of the floor, rising to 1 at 30% of it."""
    if price is None or not floor or floor <= 0 or price <= 0:
        return 0.0
    r = price / floor
    return max(0.0, min(1.0, (0.9 - r) / 0.6))


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


def is_authorized(listing: Listing, brand: Brand) -> bool:
    s = listing.seller
    if s is None or not brand.authorized_sellers:
        return False
    names = {fold(a).strip() for a in brand.authorized_sellers}
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


def rule_hits(text: str, category: str | None) -> list[RuleHit]:
    """Every rule of every pack that the folded listing text triggers (negations excluded)."""
    hits: list[RuleHit] = []
    cat = fold(category or "")
    whole = text + " " + cat
    for pack in packs():
        has_context = any(c in whole for c in pack.context) if pack.context else True
        if pack.exclude and any(x in whole for x in pack.exclude):
            excluded = True
        else:
            excluded = False
        for rule in pack.rules:
            if rule.needs_context and not has_context:
                continue
            if rule.scope == "ordinary" and any(x in whole for x in pack.exempt):
                continue
            found = None
            for term in rule.terms:
                for i, j in find_terms(text, term):
                    if not negated(text, i, j):
                        found = term
                        break
                if found:
                    break
            if found is None:
                for pat in rule.patterns:
                    m = pat.search(text)
                    if m and not negated(text, m.start(), m.end()):
                        if (
                            excluded
                            and pack.name == "fuel"
                            and not any(w in m.group() for w in ("汽油", "柴油"))
                        ):
                            continue
                        found = m.group()
                        break
            if found is None:
                continue
            strength = rule.weight
            detail = f"{rule.title}：“{found}”"
            if rule.forbidden_uses:
                uses = [u for u in rule.forbidden_uses if u in whole]
                if uses:
                    detail += f"，用于{('、'.join(uses[:3]))}"
                else:
                    strength = rule.restricted_weight
            hits.append(RuleHit(rule.id, pack.name, rule.violation, rule.department, strength, detail))
    return hits
