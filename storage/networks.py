"""Repository functions for seller networks and cases (案件线索).

Write side (the ``networks`` package calls these; it decides what is evidence, storage only keeps it):
what a listing showed (``latest_snapshots``, ``listing_phashes``), identity signals as seen
(``record_signals``), who shares a value (``sellers_sharing``), evidence edges
(``save_edges``, ``drop_edges``), and the networks themselves (``assign_networks``: connected groups of
sellers in, stable ids out — a network keeps its id while it grows, a merge keeps the larger network's
id and is recorded, and each new network opens one case).

Read side (case pages, documents, the API): ``list_cases`` with counts, ``get_case``, ``case_sellers``
by platform, ``case_edges`` with their evidence, ``case_leads``, ``case_sales`` (per listing, through
``storage.queue.estimated_sales``), ``case_signals``, ``case_of_seller`` and ``network_history``.
A brand owner's ``brand_ids`` limits leads and sales to those brands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, tuple_
from sqlalchemy.orm import Session, joinedload

from storage.errors import NotFound
from storage.models import (
    Case,
    CaseStatus,
    IdentitySignal,
    Lead,
    Listing,
    ListingImage,
    Network,
    NetworkEdge,
    NetworkMember,
    NetworkMerge,
    NetworkStatus,
    OfficialImage,
    Platform,
    Seller,
    Snapshot,
    utcnow,
)
from storage.queue import estimated_sales

RAW_LIMIT = 300  # characters of a signal's raw text kept (identity_signals.raw)
VALUE_LIMIT = 200
CHUNK = 500  # ids per IN (...) list


def _chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- identity signals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalSeen:
    """One sighting of an identity signal: ``value`` normalised, ``raw`` as written (both bounded here)."""

    seller_id: int
    kind: str
    value: str
    raw: str | None = None
    source: str | None = None
    listing_id: int | None = None
    snapshot_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    seen_at: datetime | None = None


def record_signals(*, session: Session, signals: Iterable[SignalSeen]) -> int:
    """Keep each sighting: a new row per (seller, kind, value, listing), else ``last_seen`` (and the
    snapshot) moved on. Returns how many rows were new."""
    now = utcnow()
    wanted: dict[tuple[int, str, str, int | None], SignalSeen] = {}
    for signal in signals:
        value = signal.value[:VALUE_LIMIT]
        wanted[(signal.seller_id, signal.kind, value, signal.listing_id)] = signal
    if not wanted:
        return 0
    existing: dict[tuple[int, str, str, int | None], IdentitySignal] = {}
    for batch in _chunks(sorted({key[0] for key in wanted})):
        for row in session.scalars(select(IdentitySignal).where(IdentitySignal.seller_id.in_(batch))):
            existing[(row.seller_id, row.kind, row.value, row.listing_id)] = row
    new = 0
    for key, signal in wanted.items():
        seen = signal.seen_at or now
        found = existing.get(key)
        if found is not None:
            found.last_seen = max(found.last_seen, seen)
            found.snapshot_id = signal.snapshot_id or found.snapshot_id
            continue
        session.add(
            IdentitySignal(
                seller_id=signal.seller_id,
                kind=signal.kind,
                value=key[2],
                raw=signal.raw[:RAW_LIMIT] if signal.raw is not None else None,
                source=signal.source,
                detail=dict(signal.detail),
                listing_id=signal.listing_id,
                snapshot_id=signal.snapshot_id,
                first_seen=seen,
                last_seen=seen,
            )
        )
        new += 1
    session.flush()
    return new


def signals_of(*, session: Session, seller_ids: Collection[int]) -> list[IdentitySignal]:
    """Every signal seen at these sellers."""
    rows: list[IdentitySignal] = []
    for batch in _chunks(sorted(seller_ids)):
        rows.extend(session.scalars(select(IdentitySignal).where(IdentitySignal.seller_id.in_(batch))))
    return rows


def sellers_sharing(
    *, session: Session, keys: Collection[tuple[str, str]]
) -> dict[tuple[str, str], set[int]]:
    """(kind, value) → the sellers that showed it."""
    found: dict[tuple[str, str], set[int]] = defaultdict(set)
    for batch in _chunks(sorted(keys)):
        statement = select(IdentitySignal.kind, IdentitySignal.value, IdentitySignal.seller_id).where(
            tuple_(IdentitySignal.kind, IdentitySignal.value).in_(batch)
        )
        for kind, value, seller_id in session.execute(statement.distinct()):
            found[(kind, value)].add(seller_id)
    return dict(found)


def latest_snapshots(
    *, session: Session, listing_ids: Collection[int]
) -> dict[int, tuple[int, dict[str, Any]]]:
    """listing id → (its newest snapshot's id, the field texts that page showed), for those with one."""
    found: dict[int, tuple[int, dict[str, Any]]] = {}
    for batch in _chunks(sorted(set(listing_ids))):
        newest = (
            select(func.max(Snapshot.id)).where(Snapshot.listing_id.in_(batch)).group_by(Snapshot.listing_id)
        )
        statement = select(Snapshot.listing_id, Snapshot.id, Snapshot.extracted).where(
            Snapshot.id.in_(newest)
        )
        for listing_id, snapshot_id, extracted in session.execute(statement):
            found[listing_id] = (snapshot_id, extracted if isinstance(extracted, dict) else {})
    return found


def listing_phashes(*, session: Session, listing_ids: Collection[int]) -> dict[int, set[str]]:
    """listing id → the perceptual hashes of the images the crawler fetched for it."""
    found: dict[int, set[str]] = defaultdict(set)
    for batch in _chunks(sorted(set(listing_ids))):
        statement = select(ListingImage.listing_id, ListingImage.phash).where(
            ListingImage.listing_id.in_(batch)
        )
        for listing_id, phash in session.execute(statement):
            found[listing_id].add(phash)
    return dict(found)


def official_phashes(*, session: Session) -> set[str]:
    """The perceptual hashes of every brand's official images: never evidence between sellers."""
    return set(session.scalars(select(OfficialImage.phash)))


# --- edges ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """Evidence between two sellers of one kind, as the ``networks`` rules decided it."""

    seller_a_id: int
    seller_b_id: int
    kind: str
    strength: str  # strong | weak
    values: tuple[str, ...]
    listing_ids: tuple[int, ...] = ()
    snapshot_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.seller_a_id > self.seller_b_id:
            a, b = self.seller_b_id, self.seller_a_id
            object.__setattr__(self, "seller_a_id", a)
            object.__setattr__(self, "seller_b_id", b)


def save_edges(*, session: Session, edges: Iterable[Edge], now: datetime | None = None) -> None:
    """Insert or refresh edges, one row per (pair, kind): values and evidence replaced, ``last_seen`` now."""
    now = now or utcnow()
    wanted = {(e.seller_a_id, e.seller_b_id, e.kind): e for e in edges}
    if not wanted:
        return
    # a pair a reviewer split apart (storage.casework.split_case) is never joined again by evidence;
    # only a reviewer's own merge edge may join it
    severed = severed_pairs(session=session, seller_ids={s for key in wanted for s in key[:2]})
    wanted = {k: e for k, e in wanted.items() if k[:2] not in severed or e.kind == "reviewer"}
    existing: dict[tuple[int, int, str], NetworkEdge] = {}
    for batch in _chunks(sorted({key[0] for key in wanted})):
        for stored in session.scalars(select(NetworkEdge).where(NetworkEdge.seller_a_id.in_(batch))):
            existing[(stored.seller_a_id, stored.seller_b_id, stored.kind)] = stored
    for key, edge in wanted.items():
        row = existing.get(key)
        if row is None:
            row = NetworkEdge(
                seller_a_id=edge.seller_a_id, seller_b_id=edge.seller_b_id, kind=edge.kind, first_seen=now
            )
            session.add(row)
        row.strength = edge.strength
        row.values = sorted(edge.values)
        row.listing_ids = sorted(edge.listing_ids)
        row.snapshot_ids = sorted(edge.snapshot_ids)
        row.last_seen = now
    session.flush()


def severed_pairs(*, session: Session, seller_ids: Collection[int]) -> set[tuple[int, int]]:
    """The pairs of these sellers (smaller id first) that a reviewer split apart: never joined again."""
    from storage.models import NetworkSeverance

    found: set[tuple[int, int]] = set()
    for batch in _chunks(sorted(seller_ids)):
        statement = select(NetworkSeverance.seller_a_id, NetworkSeverance.seller_b_id).where(
            NetworkSeverance.seller_a_id.in_(batch)
        )
        found.update((a, b) for a, b in session.execute(statement))
    return found


def drop_edges(
    *,
    session: Session,
    pairs: Collection[tuple[int, int]],
    kinds: Collection[str] | None = None,
    keep: Collection[tuple[int, int, str]] = (),
) -> None:
    """Remove the edges between these pairs (their evidence no longer joins them), except a reviewer's
    merge edge (storage.casework.merge_cases): recomputed evidence does not undo a reviewer's decision.
    ``kinds``: only edges of these kinds; ``keep``: not these (pair, kind)s."""
    keep = set(keep)
    for batch in _chunks(sorted({(min(p), max(p)) for p in pairs})):
        where = [
            tuple_(NetworkEdge.seller_a_id, NetworkEdge.seller_b_id).in_(batch),
            NetworkEdge.kind != "reviewer",
        ]
        if kinds is not None:
            where.append(NetworkEdge.kind.in_(sorted(kinds)))
        if not keep:
            session.execute(delete(NetworkEdge).where(*where))
            continue
        columns = (NetworkEdge.id, NetworkEdge.seller_a_id, NetworkEdge.seller_b_id, NetworkEdge.kind)
        rows = session.execute(select(*columns).where(*where))
        gone = [row_id for row_id, a, b, kind in rows if (a, b, kind) not in keep]
        for ids in _chunks(gone):
            session.execute(delete(NetworkEdge).where(NetworkEdge.id.in_(ids)))


def edges_touching(*, session: Session, seller_ids: Collection[int]) -> list[NetworkEdge]:
    """Every edge with at least one end among these sellers."""
    rows: dict[int, NetworkEdge] = {}
    for batch in _chunks(sorted(seller_ids)):
        statement = select(NetworkEdge).where(
            or_(NetworkEdge.seller_a_id.in_(batch), NetworkEdge.seller_b_id.in_(batch))
        )
        rows.update((row.id, row) for row in session.scalars(statement))
    return list(rows.values())


# --- networks -------------------------------------------------------------------------------------------


def networks_of(*, session: Session, seller_ids: Collection[int]) -> dict[int, int]:
    """seller id → its network's id, for those in one."""
    found: dict[int, int] = {}
    for batch in _chunks(sorted(seller_ids)):
        statement = select(NetworkMember.seller_id, NetworkMember.network_id).where(
            NetworkMember.seller_id.in_(batch)
        )
        found.update((s, n) for s, n in session.execute(statement))
    return found


def members_of(*, session: Session, network_ids: Collection[int]) -> dict[int, set[int]]:
    """network id → its member sellers."""
    found: dict[int, set[int]] = defaultdict(set)
    for batch in _chunks(sorted(network_ids)):
        statement = select(NetworkMember.network_id, NetworkMember.seller_id).where(
            NetworkMember.network_id.in_(batch)
        )
        for network_id, seller_id in session.execute(statement):
            found[network_id].add(seller_id)
    return dict(found)


@dataclass(frozen=True)
class NetworkChange:
    """What ``assign_networks`` did to one group: its network, and the networks merged into it."""

    network_id: int
    sellers: frozenset[int]
    created: bool = False
    merged: tuple[int, ...] = ()
    grew: bool = False
    changed: bool = True  # False: the group was this network already, nothing moved


def assign_networks(
    *,
    session: Session,
    groups: Iterable[Collection[int]],
    affected: Collection[int] = (),
    now: datetime | None = None,
) -> list[NetworkChange]:
    """Give each group of sellers (a connected component of two or more sellers) its network.

    A group whose sellers are in no network gets a new one and a new open case. A group that holds
    members of one or more networks keeps the id of the one with most members there (the older on a
    tie); the others are marked merged into it, recorded in ``network_merges``, and their cases marked
    merged. ``groups`` must be disjoint and, with ``affected`` (networks whose evidence was looked at
    again), cover every member of every network they touch: a member of such a network that is in no
    group leaves it, a split network's biggest part keeps its id, and a network that keeps no part
    (its evidence withdrawn, e.g. a photo found to be a stock photo) is dissolved and its case, if
    still open, closed.
    """
    now = now or utcnow()
    sets = [frozenset(g) for g in groups if len(g) >= 2]
    current = networks_of(session=session, seller_ids=set().union(*sets)) if sets else {}
    # the larger overlap claims an old id first (the older network on a tie)
    overlaps: list[tuple[int, int, int]] = []
    for index, group in enumerate(sets):
        counts: dict[int, int] = defaultdict(int)
        for seller in group:
            if seller in current:
                counts[current[seller]] += 1
        overlaps.extend((-count, network_id, index) for network_id, count in counts.items())
    claimed: dict[int, int] = {}  # group index → network id
    for _negative, network_id, index in sorted(overlaps):
        if index not in claimed and network_id not in claimed.values():
            claimed[index] = network_id
    kept = set(claimed.values())
    changes = []
    for index, group in enumerate(sets):
        created = index not in claimed
        if created:
            network = Network(status=NetworkStatus.active, size=len(group), created_at=now, updated_at=now)
            session.add(network)
            session.flush()
            session.add(Case(network_id=network.id, status=CaseStatus.open, created_at=now, updated_at=now))
        else:
            network = session.get_one(Network, claimed[index])
        network_id = network.id
        merged = tuple(sorted({current[s] for s in group if s in current} - kept))
        for other_id in merged:
            _record_merge(session, other_id, network_id, now, into_size=len(group))
        moved = [s for s in group if current.get(s) != network_id]
        _move_members(session, moved, network_id, now)
        grew = not created and len(group) > network.size
        changed = created or bool(merged) or bool(moved) or network.size != len(group)
        if moved or network.size != len(group):
            network.size = len(group)
            network.updated_at = now
            case = session.scalar(select(Case).where(Case.network_id == network_id))
            if case is not None:
                case.updated_at = now
        changes.append(
            NetworkChange(network_id, group, created=created, merged=merged, grew=grew, changed=changed)
        )
    grouped: set[int] = set().union(*sets) if sets else set()
    for network_id in sorted(
        (set(current.values()) | set(affected)) - {m for c in changes for m in c.merged}
    ):
        _drop_ungrouped_members(session, network_id, grouped, now, dissolve=network_id not in kept)
    session.flush()
    return changes


def _record_merge(session: Session, from_id: int, into_id: int, now: datetime, *, into_size: int) -> None:
    other = session.get_one(Network, from_id)
    if other.status == NetworkStatus.merged:
        return
    session.add(
        NetworkMerge(
            from_network_id=from_id,
            into_network_id=into_id,
            at=now,
            detail={"from_size": other.size, "into_size": into_size},
        )
    )
    other.status = NetworkStatus.merged
    other.merged_into_id = into_id
    other.merged_at = now
    other.size = 0
    case = session.scalar(select(Case).where(Case.network_id == from_id))
    if case is not None:
        case.status = CaseStatus.merged
        case.updated_at = now


def _move_members(session: Session, sellers: Sequence[int], network_id: int, now: datetime) -> None:
    for batch in _chunks(sorted(sellers)):
        session.execute(delete(NetworkMember).where(NetworkMember.seller_id.in_(batch)))
    session.add_all(NetworkMember(seller_id=s, network_id=network_id, joined_at=now) for s in sellers)
    session.flush()


def _drop_ungrouped_members(
    session: Session, network_id: int, grouped: set[int], now: datetime, *, dissolve: bool
) -> None:
    """Members of the network that are in no group leave it; with ``dissolve`` it ends (no part kept it)."""
    members = members_of(session=session, network_ids=[network_id]).get(network_id, set())
    gone = sorted(members - grouped) if not dissolve else sorted(members)
    for batch in _chunks(gone):
        session.execute(
            delete(NetworkMember).where(
                NetworkMember.network_id == network_id, NetworkMember.seller_id.in_(batch)
            )
        )
    if dissolve:
        network = session.get_one(Network, network_id)
        if network.status == NetworkStatus.active:
            network.status = NetworkStatus.dissolved
            network.size = 0
            network.updated_at = now
            # an open case of a network that no longer exists is closed; one a reviewer acted on stays
            case = session.scalar(select(Case).where(Case.network_id == network_id))
            if case is not None and case.status == CaseStatus.open:
                case.status = CaseStatus.closed
                case.updated_at = now
    elif gone:
        network = session.get_one(Network, network_id)
        network.size = len(members) - len(gone)
        network.updated_at = now


def network_history(*, session: Session, network_id: int) -> list[NetworkMerge]:
    """The merges into and out of a network, oldest first."""
    statement = (
        select(NetworkMerge)
        .where(or_(NetworkMerge.into_network_id == network_id, NetworkMerge.from_network_id == network_id))
        .order_by(NetworkMerge.at, NetworkMerge.id)
    )
    return list(session.scalars(statement))


def current_network(*, session: Session, network_id: int) -> int:
    """Where a network's sellers are now: itself, or the network it was (transitively) merged into."""
    seen = set()
    while network_id not in seen:
        seen.add(network_id)
        network = session.get(Network, network_id)
        if network is None or network.merged_into_id is None:
            return network_id
        network_id = network.merged_into_id
    return network_id


# --- cases (read side) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSummary:
    """A case with its counts: what the case list shows."""

    case_id: int
    network_id: int
    status: str
    created_at: datetime
    updated_at: datetime
    sellers: int
    platforms: int
    listings: int
    leads: int
    estimated_sales: float  # sum over the case's flagged listings whose price and sold are known


def get_case(*, session: Session, case_id: int) -> Case:
    """The case; ``NotFound`` when there is none."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def case_of_seller(*, session: Session, seller_id: int) -> Case | None:
    """The case of the seller's network, if the seller is in one."""
    statement = (
        select(Case)
        .join(NetworkMember, NetworkMember.network_id == Case.network_id)
        .where(NetworkMember.seller_id == seller_id)
    )
    return session.scalar(statement)


def case_seller_ids(*, session: Session, case_id: int) -> list[int]:
    """The sellers of the case's network (none for a merged case: see its network's merge)."""
    case = get_case(session=session, case_id=case_id)
    statement = select(NetworkMember.seller_id).where(NetworkMember.network_id == case.network_id)
    return sorted(session.scalars(statement))


def list_cases(
    *,
    session: Session,
    status: str | None = None,
    brand_ids: Collection[int] | None = None,
    include_merged: bool = False,
    with_leads_only: bool = False,
) -> list[CaseSummary]:
    """Cases, newest activity first, with counts. ``brand_ids``: only cases with a lead of those brands,
    their leads and sales counted over those brands only. ``with_leads_only``: leave out networks none
    of whose listings is a lead (e.g. a brand's own authorised shops on two platforms).
    Four statements however many cases there are."""
    chosen = select(Case)
    if status is not None:
        chosen = chosen.where(Case.status == status)
    elif not include_merged:
        chosen = chosen.where(Case.status != CaseStatus.merged)
    cases = session.scalars(chosen.order_by(Case.updated_at.desc(), Case.id.desc())).all()
    counts = _case_counts(session, chosen.with_only_columns(Case.id), brand_ids)
    summaries = []
    for case in cases:
        sellers, leads = counts.sellers[case.id], counts.leads[case.id]
        if not sellers and status is None:
            continue  # its network dissolved or merged away: listed when asked for by status only
        if not leads and (brand_ids is not None or with_leads_only):
            continue
        summaries.append(
            CaseSummary(
                case_id=case.id,
                network_id=case.network_id,
                status=case.status,
                created_at=case.created_at,
                updated_at=case.updated_at,
                sellers=sellers,
                platforms=counts.platforms[case.id],
                listings=counts.listings[case.id],
                leads=len(leads),
                estimated_sales=CaseSales(leads).total,
            )
        )
    return summaries


@dataclass
class _CaseCounts:
    """Per case id: its sellers, their platforms and listings, and its leads as ``case_sales`` rows."""

    sellers: defaultdict[int, int] = field(default_factory=lambda: defaultdict(int))
    platforms: defaultdict[int, int] = field(default_factory=lambda: defaultdict(int))
    listings: defaultdict[int, int] = field(default_factory=lambda: defaultdict(int))
    leads: defaultdict[int, list[ListingSales]] = field(default_factory=lambda: defaultdict(list))


def _case_counts(session: Session, case_ids: Select[Any], brand_ids: Collection[int] | None) -> _CaseCounts:
    """The counts of the cases ``case_ids`` selects, in three statements; leads (all, or those of
    ``brand_ids``) in ``case_leads``'s order."""
    counts = _CaseCounts()
    members = (
        select(Case.id.label("case_id"), NetworkMember.seller_id)
        .join(NetworkMember, NetworkMember.network_id == Case.network_id)
        .where(Case.id.in_(case_ids.scalar_subquery()))
        .subquery()
    )
    for case_id, sellers, platforms in session.execute(
        select(members.c.case_id, func.count(), func.count(func.distinct(Seller.platform_id)))
        .join(Seller, Seller.id == members.c.seller_id)
        .group_by(members.c.case_id)
    ):
        counts.sellers[case_id], counts.platforms[case_id] = int(sellers), int(platforms)
    for case_id, listings in session.execute(
        select(members.c.case_id, func.count())
        .join(Listing, Listing.seller_id == members.c.seller_id)
        .group_by(members.c.case_id)
    ):
        counts.listings[case_id] = int(listings)
    leads = (
        select(members.c.case_id, Lead.id, Listing)
        .join(Listing, Listing.seller_id == members.c.seller_id)
        .join(Lead, Lead.listing_id == Listing.id)
        .order_by(Lead.risk.desc(), Lead.id)
    )
    if brand_ids is not None:
        leads = leads.where(Lead.brand_id.in_(list(brand_ids)))
    for case_id, lead_id, listing in session.execute(leads):
        counts.leads[case_id].append(_listing_sales(listing, lead_id))
    return counts


def case_sellers(*, session: Session, case_id: int) -> dict[str, list[Seller]]:
    """The case's sellers by platform name (platforms and sellers in name order)."""
    ids = case_seller_ids(session=session, case_id=case_id)
    statement = (
        select(Seller)
        .join(Platform, Platform.id == Seller.platform_id)
        .where(Seller.id.in_(ids))
        .options(joinedload(Seller.platform))
        .order_by(Platform.name, Seller.name, Seller.id)
    )
    grouped: dict[str, list[Seller]] = {}
    for seller in session.scalars(statement):
        grouped.setdefault(seller.platform.name, []).append(seller)
    return grouped


@dataclass(frozen=True)
class EdgeEvidence:
    """An edge of a case's graph: the two sellers, what they share, and where it was seen."""

    edge_id: int
    seller_a: Seller
    seller_b: Seller
    kind: str
    strength: str
    values: list[str]
    listing_ids: list[int]
    snapshot_ids: list[int]
    first_seen: datetime
    last_seen: datetime


def case_edges(*, session: Session, case_id: int) -> list[EdgeEvidence]:
    """Every edge between two of the case's sellers, with its evidence."""
    ids = set(case_seller_ids(session=session, case_id=case_id))
    edges = [
        e
        for e in edges_touching(session=session, seller_ids=ids)
        if e.seller_a_id in ids and e.seller_b_id in ids
    ]
    sellers = {s.id: s for s in session.scalars(select(Seller).where(Seller.id.in_(ids)))}
    return [
        EdgeEvidence(
            edge_id=e.id,
            seller_a=sellers[e.seller_a_id],
            seller_b=sellers[e.seller_b_id],
            kind=e.kind,
            strength=e.strength,
            values=list(e.values),
            listing_ids=list(e.listing_ids),
            snapshot_ids=list(e.snapshot_ids),
            first_seen=e.first_seen,
            last_seen=e.last_seen,
        )
        for e in sorted(edges, key=lambda e: (e.seller_a_id, e.seller_b_id, e.kind))
    ]


def case_signals(*, session: Session, case_id: int, kind: str | None = None) -> list[IdentitySignal]:
    """The identity signals seen at the case's sellers (of one kind, e.g. ``uscc`` for jurisdiction)."""
    rows = signals_of(session=session, seller_ids=case_seller_ids(session=session, case_id=case_id))
    return sorted(
        (r for r in rows if kind is None or r.kind == kind), key=lambda r: (r.seller_id, r.kind, r.id)
    )


def case_leads(*, session: Session, case_id: int, brand_ids: Collection[int] | None = None) -> list[Lead]:
    """The leads of the case's sellers, riskiest first; ``brand_ids``: only leads of those brands."""
    ids = case_seller_ids(session=session, case_id=case_id)
    if not ids:
        return []
    statement = (
        select(Lead)
        .join(Listing, Listing.id == Lead.listing_id)
        .where(Listing.seller_id.in_(ids))
        .options(joinedload(Lead.listing))
        .order_by(Lead.risk.desc(), Lead.id)
    )
    if brand_ids is not None:
        statement = statement.where(Lead.brand_id.in_(list(brand_ids)))
    return list(session.scalars(statement))


@dataclass(frozen=True)
class ListingSales:
    """One listing's part of a case's sales: price × sold, the arithmetic shown."""

    listing: Listing
    lead_id: int | None
    price: float | None
    sold: int | None
    estimated: float | None  # storage.queue.estimated_sales: None when price or sold is unknown


@dataclass(frozen=True)
class CaseSales:
    rows: list[ListingSales]

    @property
    def total(self) -> float:
        """The sum over listings whose estimate is known."""
        return float(sum(r.estimated for r in self.rows if r.estimated is not None))

    @property
    def unknown(self) -> int:
        """Listings whose price or sold count is unknown (not in the total)."""
        return sum(r.estimated is None for r in self.rows)


def case_sales(
    *,
    session: Session,
    case_id: int,
    brand_ids: Collection[int] | None = None,
    flagged_only: bool = True,
) -> CaseSales:
    """Each listing's estimated sales, largest first. ``flagged_only`` (the default): the listings with a
    lead, i.e. those the threshold is about; ``brand_ids``: only leads of those brands."""
    if flagged_only or brand_ids is not None:
        leads = case_leads(session=session, case_id=case_id, brand_ids=brand_ids)
        pairs: list[tuple[Listing, int | None]] = [(lead.listing, lead.id) for lead in leads]
    else:
        ids = case_seller_ids(session=session, case_id=case_id)
        listings = session.scalars(select(Listing).where(Listing.seller_id.in_(ids)))
        lead_of = dict(
            session.execute(
                select(Lead.listing_id, Lead.id)
                .join(Listing, Listing.id == Lead.listing_id)
                .where(Listing.seller_id.in_(ids))
            )
        )
        pairs = [(listing, lead_of.get(listing.id)) for listing in listings]
    rows = [_listing_sales(listing, lead_id) for listing, lead_id in pairs]
    rows.sort(key=lambda r: (-(r.estimated or 0.0), r.listing.id))
    return CaseSales(rows)


def _listing_sales(listing: Listing, lead_id: int | None) -> ListingSales:
    return ListingSales(
        listing=listing,
        lead_id=lead_id,
        price=listing.price,
        sold=listing.sold,
        estimated=estimated_sales(listing),
    )
