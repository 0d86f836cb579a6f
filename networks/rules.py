"""The evidence rules: which shared identity signals join two sellers (docs/cases.md, "Evidence rules").

- **Strong** (one is enough): the same valid USCC, phone, WeChat id, QQ number or e-mail address.
- **Weak** (two different kinds are needed, or a strong one beside them): the same product photo
  (perceptual hash), the same return or shop address, the same shop name once generic shop words are
  taken off.
- **Not evidence at all**: a photo that is one of a brand's official images, or that sellers of
  ``STOCK_GROUPS`` or more unrelated groups (sharing no other evidence: licence, contact, address or
  name) use (a stock photo); any
  value shown by more than ``MAX_SHARERS`` sellers (a platform hotline, a market's address, a template);
  a shop name that is nothing but generic shop words (``networks.signals`` never makes one); an invalid
  USCC (never made a signal either).

Pure: sightings in, edges out; the incremental path (``networks.build``) and the bench call the same
``decide``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from storage.networks import Edge

STRONG = frozenset({"uscc", "phone", "wechat", "qq", "email"})
WEAK = frozenset({"image_phash", "address", "shop_name"})
MAX_SHARERS = {"strong": 30, "weak": 12}  # sellers showing one value; more: a common value, no evidence
STOCK_GROUPS = 3  # a photo at sellers of this many groups sharing no other evidence is a stock photo
WEAK_KINDS_TO_JOIN = 2
MAX_EVIDENCE_IDS = 50  # listing (and snapshot) ids kept per edge

Pair = tuple[int, int]
Key = tuple[str, str]


@dataclass(frozen=True)
class Sighting:
    """Where a signal was seen: the seller, the kind and normalised value, the listing and snapshot."""

    seller_id: int
    kind: str
    value: str
    listing_id: int | None = None
    snapshot_id: int | None = None


@dataclass
class Decision:
    """The edges of the pairs that join, and every pair examined (the others do not join)."""

    edges: list[Edge] = field(default_factory=list)
    examined: set[Pair] = field(default_factory=set)

    @property
    def joined(self) -> set[Pair]:
        return {(e.seller_a_id, e.seller_b_id) for e in self.edges}


def strength(kind: str) -> str:
    return "strong" if kind in STRONG else "weak"


def is_common(kind: str, sharers: int) -> bool:
    """Shown by so many sellers that it says nothing about any two of them."""
    return sharers > MAX_SHARERS[strength(kind)]


class _Groups:
    """Union-find over sellers sharing evidence other than photos: who is "unrelated" for the
    stock-photo test."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent.get(x, x)
        return root

    def union(self, members: Iterable[int]) -> None:
        it = iter(members)
        first = next(it, None)
        if first is None:
            return
        root = self.find(first)
        for other in it:
            other_root = self.find(other)
            if other_root != root:
                self.parent[other_root] = root


Where = list[tuple[int | None, int | None]]  # (listing id, snapshot id) sightings of one seller


def _collect(sightings: Iterable[Sighting]) -> dict[Key, dict[int, Where]]:
    """(kind, value) → seller → where seen, for values seen more than once (a value seen once joins no
    one). A value seen once so far is held as one small tuple: most values (a listing's own photos)
    are never seen again, and a million listings' worth must fit in memory."""
    single: dict[Key, tuple[int, int | None, int | None]] = {}
    shared: dict[Key, dict[int, Where]] = {}
    for s in sightings:
        key = (s.kind, s.value)
        sellers = shared.get(key)
        if sellers is None:
            first = single.get(key)
            if first is None:
                single[key] = (s.seller_id, s.listing_id, s.snapshot_id)
                continue
            del single[key]
            sellers = shared[key] = {first[0]: [(first[1], first[2])]}
        where = sellers.setdefault(s.seller_id, [])
        if len(where) < MAX_EVIDENCE_IDS:
            where.append((s.listing_id, s.snapshot_id))
    return shared


def decide(
    sightings: Iterable[Sighting],
    *,
    sharers: Mapping[Key, Collection[int]] | None = None,
    official: Collection[str] = (),
    pairs: Collection[Pair] | None = None,
) -> Decision:
    """The edges between sellers that the rules join.

    ``sharers``: every seller known to show each value (from the database), when ``sightings`` are only
    part of them; by default the sightings' own. ``official``: the brands' official image hashes.
    ``pairs``: decide only these pairs (smaller id first); by default every pair sharing a value.
    """
    seen = _collect(sightings)
    official = set(official)

    def sellers_of(key: Key) -> Collection[int]:
        if sharers is not None and key in sharers:
            return sharers[key]
        return seen[key].keys()  # only values at two or more sellers are kept

    evidence = [
        key for key in seen if len(sellers_of(key)) >= 2 and not is_common(key[0], len(sellers_of(key)))
    ]
    groups = _Groups()
    for key in evidence:
        if key[0] != "image_phash":  # related: sharing any other evidence (a licence, an address…)
            groups.union(sellers_of(key))
    by_pair: dict[Pair, dict[str, list[Key]]] = defaultdict(lambda: defaultdict(list))
    for key in evidence:
        kind, value = key
        if kind == "image_phash" and (
            value in official or len({groups.find(s) for s in sellers_of(key)}) >= STOCK_GROUPS
        ):
            continue
        known = sorted(seen[key])
        for pair in itertools.combinations(known, 2):
            if pairs is None or pair in pairs:
                by_pair[pair][kind].append(key)
    decision = Decision(examined=set(by_pair) | set(pairs or ()))
    for pair, kinds in sorted(by_pair.items()):
        strong = [k for k in kinds if k in STRONG]
        weak = [k for k in kinds if k in WEAK]
        if not strong and len(weak) < WEAK_KINDS_TO_JOIN:
            continue
        for kind, keys in sorted(kinds.items()):
            listings: set[int] = set()
            snapshots: set[int] = set()
            for key in keys:
                for seller in pair:
                    for listing_id, snapshot_id in seen[key].get(seller, []):
                        if listing_id is not None:
                            listings.add(listing_id)
                        if snapshot_id is not None:
                            snapshots.add(snapshot_id)
            decision.edges.append(
                Edge(
                    pair[0],
                    pair[1],
                    kind,
                    strength(kind),
                    tuple(sorted(value for _, value in keys)),
                    tuple(sorted(listings)[:MAX_EVIDENCE_IDS]),
                    tuple(sorted(snapshots)[:MAX_EVIDENCE_IDS]),
                )
            )
    return decision
