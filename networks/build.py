"""Networks kept up to date as listings arrive: ``observe`` is what the one path calls.

``observe(session, listings)`` reads each stored listing's identity signals (its texts, its shop's
name, licence, address and contact lines from the newest snapshot, its image hashes), keeps them
(``storage.networks.record_signals``) and calls ``update`` for its sellers. ``update`` looks only at
the neighbourhood of those sellers: every seller sharing a value with them, decides the pairs among
them with ``networks.rules.decide``, stores or withdraws their edges, and regroups the networks those
sellers belong to as networkx connected components (``storage.networks.assign_networks``: stable
ids, merges recorded, a case per new network).

``components`` is the same grouping over edges held in memory (the bench builds networks with it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import networkx as nx
from sqlalchemy.orm import Session

from networks import signals as extract
from networks.rules import Key, Pair, Sighting, decide, is_common
from storage.models import Listing, SignalKind
from storage.networks import (
    NetworkChange,
    SignalSeen,
    assign_networks,
    drop_edges,
    edges_touching,
    latest_snapshots,
    listing_phashes,
    members_of,
    networks_of,
    official_phashes,
    record_signals,
    save_edges,
    sellers_sharing,
    signals_of,
)


def components(pairs: Iterable[Pair], nodes: Iterable[int] = ()) -> list[set[int]]:
    """Connected groups of two or more sellers (networkx), largest first, then by smallest id."""
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(pairs)
    groups = [set(c) for c in nx.connected_components(graph) if len(c) >= 2]
    return sorted(groups, key=lambda g: (-len(g), min(g)))


def listing_signals(
    listing: Listing, *, shop: dict[str, Any] | None, phashes: Iterable[str]
) -> list[extract.Found]:
    """What one stored listing shows (its seller loaded): ``networks.signals.of_listing`` on it."""
    seller = listing.seller
    return extract.of_listing(
        title=listing.title,
        description=listing.description,
        seller_name=seller.name if seller else None,
        seller_licence=seller.licence if seller else None,
        shop=shop,
        image_hashes=[*phashes, *(listing.image_hashes or [])],
    )


def observe(session: Session, listings: Sequence[Listing]) -> list[NetworkChange]:
    """Keep the identity signals of these stored listings and bring their sellers' networks up to
    date. Listings without a seller are skipped. Returns the networks that changed (created, grown,
    merged into, or split)."""
    listings = [row for row in listings if row.seller_id is not None]
    if not listings:
        return []
    ids = [row.id for row in listings]
    snapshots = latest_snapshots(session=session, listing_ids=ids)
    phashes = listing_phashes(session=session, listing_ids=ids)
    seen: list[SignalSeen] = []
    for row in listings:
        assert row.seller_id is not None
        snapshot_id, extracted = snapshots.get(row.id, (None, {}))
        shop = extracted.get("seller") if isinstance(extracted.get("seller"), dict) else None
        for found in listing_signals(row, shop=shop, phashes=phashes.get(row.id, ())):
            seen.append(
                SignalSeen(
                    seller_id=row.seller_id,
                    kind=found.kind,
                    value=found.value,
                    raw=found.raw,
                    source=found.source,
                    listing_id=row.id,
                    snapshot_id=snapshot_id,
                    detail=found.detail,
                    seen_at=row.last_seen,
                )
            )
    record_signals(session=session, signals=seen)
    changes = update(session, {row.seller_id for row in listings if row.seller_id is not None})
    return [change for change in changes if change.changed]


def _sightings(rows: Iterable[Any]) -> list[Sighting]:
    return [Sighting(r.seller_id, r.kind, r.value, r.listing_id, r.snapshot_id) for r in rows]


def update(session: Session, seller_ids: Collection[int]) -> list[NetworkChange]:
    """Re-decide the evidence around these sellers and regroup the networks it touches."""
    own = signals_of(session=session, seller_ids=seller_ids)
    keys: set[Key] = {(r.kind, r.value) for r in own}
    sharers: dict[Key, set[int]] = sellers_sharing(session=session, keys=keys)
    pairs: set[Pair] = set()
    nearby = set(seller_ids)
    for key, sellers in sharers.items():
        if len(sellers) >= 2 and not is_common(key[0], len(sellers)):
            nearby |= sellers
            ordered = sorted(sellers)
            pairs |= {(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]}
    rows = signals_of(session=session, seller_ids=nearby - set(seller_ids)) + own
    others = {(r.kind, r.value) for r in rows} - keys
    sharers |= sellers_sharing(session=session, keys=others)
    # who else shows the photos: their other signals tell a stock photo from an operation's own
    photo_sharers = set().union(
        *(s for k, s in sharers.items() if k[0] == "image_phash" and not is_common(k[0], len(s)))
    )
    extra = [
        r for r in signals_of(session=session, seller_ids=photo_sharers - nearby) if r.kind != "image_phash"
    ]
    if extra:
        sharers |= sellers_sharing(session=session, keys={(r.kind, r.value) for r in extra} - set(sharers))
    decision = decide(
        _sightings([*rows, *extra]),
        sharers=sharers,
        official=official_phashes(session=session),
        pairs=pairs,
    )
    # evidence that no longer holds goes (a photo found to be a stock photo); a reviewer's edge stays
    drop_edges(
        session=session,
        pairs=decision.examined,
        kinds=[kind.value for kind in SignalKind],
        keep={(e.seller_a_id, e.seller_b_id, e.kind) for e in decision.edges},
    )
    save_edges(session=session, edges=decision.edges)
    return _regroup(session, nearby | {s for pair in decision.examined for s in pair})


def _regroup(session: Session, sellers: set[int]) -> list[NetworkChange]:
    """The connected components around these sellers and every network they reach (stable ids)."""
    affected: set[int] = set()
    nodes = set(sellers)
    pairs: set[Pair] = set()
    frontier = set(sellers)
    while frontier:  # whole networks and the ends of their edges, until nothing new is reached
        networks = set(networks_of(session=session, seller_ids=frontier).values()) - affected
        affected |= networks
        reached = frontier.union(*members_of(session=session, network_ids=networks).values())
        for row in edges_touching(session=session, seller_ids=reached - (nodes - frontier)):
            pairs.add((row.seller_a_id, row.seller_b_id))
            reached |= {row.seller_a_id, row.seller_b_id}
        frontier = reached - nodes
        nodes |= reached
    return assign_networks(session=session, groups=components(pairs, nodes), affected=affected)
