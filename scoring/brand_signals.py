"""The signals read for each brand a listing involves, registered by name (the way dnstwist names its
fuzzers). Each is a small function of what is known about the listing (``ListingFacts``) and about
one brand (``BrandEvidence``) that returns its strength (0..1) with the reason in Chinese, or None.
The engine asks each registered signal in turn and hands the strengths to the combiner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scoring import signals
from scoring.matcher import Match
from scoring.signals import ScoringContext
from scoring.types import Brand, Listing

Found = tuple[float, str]  # (strength 0..1, reason in Chinese)


@dataclass
class BrandEvidence:
    """What the matcher found of one brand in a listing, read against the listing's goods."""

    brand: Brand
    relevance: float
    presence: float = 0.0  # the genuine mark is named (exact), gated by relevance
    lookalike: float = 0.0
    exact: Match | None = None
    fuzzy: Match | None = None

    @property
    def involved(self) -> float:
        """How surely the listing is about this brand at all (genuine mark or lookalike)."""
        return max(self.presence, self.lookalike)


class ListingFacts:
    """What every brand signal may read about the listing, computed once per listing."""

    def __init__(
        self,
        listing: Listing,
        context: ScoringContext | None,
        text: str,
        cue: float,
        cues_found: list[str],
        cue_index: signals.CueIndex | None = None,
    ) -> None:
        self.listing = listing
        self.context = context
        self.text = text  # folded title and description, with spaced-out words read whole
        self.cue = cue
        self.cues_found = cues_found
        self._pinyin_tried = cue > 0
        self._cue_index = cue_index
        seller = listing.seller
        self.blacklisted = bool(
            seller and (seller.blacklisted or (context and seller.id in context.blacklisted_sellers))
        )
        self.seller_new = signals.seller_new(listing)
        self.price_comparable = signals.price_comparable(text)
        # the Nice classes of what the listing sells (None: unknown) and, when they were read from the
        # title for want of a category, the goods words they came from
        self.goods, self.goods_from_title = signals.listing_goods(listing)

    def counterfeit_cues(self) -> tuple[float, list[str]]:
        """The cue words, with those written in pinyin looked for on first asking (only once a brand
        is involved: the pinyin search is the costly part)."""
        if not self._pinyin_tried:
            self.cue, self.cues_found = signals.pinyin_cues(self.listing.title, self._cue_index)
            self._pinyin_tried = True
        return self.cue, self.cues_found


BrandSignal = Callable[[ListingFacts, BrandEvidence], "Found | None"]
BRAND_SIGNALS: dict[str, BrandSignal] = {}


def brand_signal(name: str) -> Callable[[BrandSignal], BrandSignal]:
    """Register a brand signal under its feature name (the order of registration is the order asked)."""

    def register(fn: BrandSignal) -> BrandSignal:
        BRAND_SIGNALS[name] = fn
        return fn

    return register


def _price_gate(facts: ListingFacts, ev: BrandEvidence) -> float:
    """Price only says something when the genuine mark is named on the brand's main goods, and little
    about second-hand goods, samples or deposits."""
    gate = ev.presence if ev.relevance >= signals.CLASS else 0.0
    if gate and not signals.sells_main_goods(facts.listing, ev.brand):
        return 0.0  # a part, an accessory or other goods of the brand: the floor is for its main goods
    return gate if facts.price_comparable else gate * 0.1


@brand_signal("lookalike")
def lookalike(facts: ListingFacts, ev: BrandEvidence) -> Found | None:
    if ev.lookalike > 0 and ev.fuzzy is not None:
        return ev.lookalike, ev.fuzzy.detail
    return None


@brand_signal("counterfeit_cue")
def counterfeit_cue(facts: ListingFacts, ev: BrandEvidence) -> Found | None:
    cue, found = facts.counterfeit_cues()
    if cue <= 0:
        return None
    strength = cue * ev.involved
    if ev.lookalike == 0 and signals.sells_parts(facts.listing.title):
        # a part or accessory named after the goods it fits (苹果手机壳 专柜品质): the cue is about the
        # case, the mark about the phone it fits
        strength *= 0.5
    return strength, f"含售假暗语：{'、'.join(list(dict.fromkeys(found))[:4])}"  # each cue once


@brand_signal("price_floor")
def price_floor(facts: ListingFacts, ev: BrandEvidence) -> Found | None:
    b, price = ev.brand, facts.listing.price
    pf = signals.price_floor_strength(price, b.price_floor) * _price_gate(facts, ev)
    if pf > 0 and price is not None and b.price_floor is not None:
        return pf, f"售价 {price:g} 元，远低于{b.name}的价格下限 {b.price_floor:g} 元"
    return None


@brand_signal("price_outlier")
def price_outlier(facts: ListingFacts, ev: BrandEvidence) -> Found | None:
    if facts.context is None:
        return None
    b, price = ev.brand, facts.listing.price
    stats = facts.context.price_stats(b.name, facts.listing.category)
    po = signals.price_outlier_strength(price, stats) * _price_gate(facts, ev)
    if po > 0 and stats and price is not None:
        return po, f"售价 {price:g} 元，远低于同类{b.name}商品中位价 {stats[0]:g} 元（{stats[2]} 件）"
    return None


@brand_signal("image_reuse")
def image_reuse(facts: ListingFacts, ev: BrandEvidence) -> Found | None:
    ir = signals.image_reuse(facts.listing, ev.brand) * ev.involved
    return (ir, f"盗用{ev.brand.name}官方商品图片") if ir > 0 else None


@brand_signal("seller_new")
def seller_new(facts: ListingFacts, ev: BrandEvidence) -> Found | None:
    return (facts.seller_new * ev.involved, "新开店铺（不足90天）") if facts.seller_new else None


@brand_signal("seller_blacklisted")
def seller_blacklisted(facts: ListingFacts, ev: BrandEvidence) -> Found | None:
    return (ev.involved, "店铺在黑名单上") if facts.blacklisted else None


@brand_signal("seller_many_brands")
def seller_many_brands(facts: ListingFacts, ev: BrandEvidence) -> Found | None:
    seller = facts.listing.seller
    if facts.context is None or seller is None or not seller.id:
        return None
    others = facts.context.seller_brands.get(seller.id, set()) - {ev.brand.name}
    if len(others) >= 4:
        return ev.involved, f"同一店铺涉及{len(others) + 1}个不同品牌"
    return None


def brand_features(facts: ListingFacts, ev: BrandEvidence) -> tuple[dict[str, float], dict[str, str]]:
    """Ask every registered brand signal: (feature strengths, reasons) of those that fired."""
    feats: dict[str, float] = {}
    details: dict[str, str] = {}
    if ev.involved <= 0:
        return feats, details
    for name, signal in BRAND_SIGNALS.items():
        got = signal(facts, ev)
        if got is not None:
            feats[name], details[name] = got
    return feats, details
