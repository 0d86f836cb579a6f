"""What the case page, the API, the command line, the documents and the case packet show of a case, read
once through storage and scoped to the user: a brand owner sees only the leads of its own brands, the
shops behind them and the evidence between those shops — never another owner's leads, the sums against
the criminal threshold, departments, documents or the audit trail.

The figures are storage's: per-listing estimated sales are ``storage.networks.case_sales`` (through
``storage.queue.estimated_sales``, the lead page's arithmetic), the threshold is the setting the lead page
reads, the department is the routing table's rule (``review.routing``), the jurisdiction the licences'
regions (``review.uscc``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from review.cases.documents import CaseData, CaseListing, CaseShop, case_number
from review.cases.graph import GraphEdge, GraphNode, network_svg
from review.i18n import label, translate
from review.routing import queue_rules
from review.uscc import check
from scoring import DEFAULT_DEPARTMENTS
from settings import Settings
from storage import casework
from storage.models import Case, CaseDocument, CaseEvent, Lead, PlatformResponse, Seller, Snapshot
from storage.networks import case_edges, case_leads, case_sales, case_sellers, get_case, network_history

COUNTERFEIT = "counterfeit_mark"


@dataclass(frozen=True)
class ShopRow:
    seller: Seller
    platform_title: str
    region: str | None
    licence_valid: bool
    leads: int


@dataclass(frozen=True)
class EdgeView:
    id: int
    a: Seller
    b: Seller
    kind: str
    strength: str
    values: list[str]
    snapshots: list[Snapshot]
    listing_ids: list[int]
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class SalesRow:
    lead: Lead | None
    listing_id: int
    title: str
    platform: str
    shop: str
    price: float | None
    sold: int | None
    estimated: float | None
    currency: str
    brand: str | None
    violation: str | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # a catalogue key under case.when.*
    text: str
    href: str | None = None


@dataclass
class CaseView:
    case: Case
    internal: bool
    leads: list[Lead]
    shops: list[ShopRow]
    edges: list[EdgeView]
    sales: list[SalesRow]
    threshold: float
    brands: list[str]
    jurisdictions: list[tuple[str, int]]
    suggested_department: str | None
    timeline: list[TimelineEntry]
    events: list[tuple[CaseEvent, str | None]] = field(default_factory=list)
    documents: list[tuple[CaseDocument, list[PlatformResponse]]] = field(default_factory=list)
    evidence_hashes: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    merged_into: Case | None = None  # a merged case: the one that carries on

    @property
    def number(self) -> str:
        return case_number(self.case.id)

    @property
    def total(self) -> float:
        return float(sum(r.estimated for r in self.sales if r.estimated is not None))

    @property
    def unknown(self) -> int:
        return sum(r.estimated is None for r in self.sales)

    @property
    def over_threshold(self) -> bool:
        return self.total >= self.threshold

    @property
    def shops_by_platform(self) -> list[tuple[str, list[ShopRow]]]:
        grouped: dict[str, list[ShopRow]] = {}
        for row in self.shops:
            grouped.setdefault(row.platform_title, []).append(row)
        return list(grouped.items())

    def svg(self, lang: str) -> Markup:
        nodes = [
            GraphNode(
                key=str(r.seller.id), label=r.seller.name or r.seller.external_id, platform=r.platform_title
            )
            for r in self.shops
        ]
        edges = [
            GraphEdge(
                key=str(e.id),
                a=str(e.a.id),
                b=str(e.b.id),
                kind=e.kind,
                strength=1.0 if e.strength == "strong" else 0.4,
                title=translate(
                    "case.edge_title",
                    lang,
                    kind=label("case_kind", e.kind, lang),
                    strength=label("case_strength", e.strength, lang),
                ),
            )
            for e in self.edges
        ]
        return network_svg(nodes, edges, label=translate("case.graph", lang))

    def data(self) -> CaseData:
        """The plain value the documents are made from."""
        return CaseData(
            case_id=self.case.id,
            network_id=f"N-{self.case.network_id}",
            status=self.case.status,
            opened_at=self.case.created_at,
            brands=tuple(self.brands),
            shops=tuple(
                CaseShop(
                    platform=r.seller.platform.name,
                    platform_title=r.platform_title,
                    name=r.seller.name or "",
                    shop_id=r.seller.external_id,
                    url=r.seller.url,
                    licence=r.seller.licence,
                    region=r.region,
                    licence_valid=r.licence_valid,
                )
                for r in self.shops
            ),
            listings=tuple(
                CaseListing(
                    lead_id=r.lead.id if r.lead else 0,
                    platform=r.lead.listing.platform.name if r.lead else "",
                    platform_title=r.platform,
                    shop=r.shop,
                    title=r.title,
                    url=r.lead.listing.url if r.lead else None,
                    brand=r.brand,
                    price=r.price,
                    sold=r.sold,
                    estimated_sales=r.estimated,
                    currency=r.currency,
                    evidence=tuple(self.evidence_hashes.get(r.listing_id, [])),
                )
                for r in self.sales
            ),
            threshold=self.threshold,
            department=self.case.department or self.suggested_department,
        )


def _brand_name(lead: Lead | None) -> str | None:
    return lead.brand.name if lead is not None and lead.brand is not None else None


def _region(seller: Seller) -> tuple[str | None, bool]:
    if not seller.licence:
        return None, False
    result = check(seller.licence)
    return (result.region if result.valid else None), result.valid


def suggested_department(leads: Sequence[Lead], total: float, settings: Settings) -> str | None:
    """Where the routing table sends the case: the criminal threshold's department when its counterfeits'
    summed sales reach the threshold, else the department of its most common violation kind."""
    rules = queue_rules(settings)
    kinds = Counter(lead.violation for lead in leads if lead.violation)
    past = COUNTERFEIT in kinds and total >= settings.criminal_threshold_cny
    if past:
        return rules.department(None, None, past_threshold=True)
    if not kinds:
        return None
    kind = kinds.most_common(1)[0][0]
    return rules.department(kind, DEFAULT_DEPARTMENTS.get(kind), past_threshold=False)


def load_case(
    session: Session,
    case_id: int,
    *,
    scope: Sequence[int] | None,
    settings: Settings,
    lang: str = "zh_CN",
) -> CaseView | None:
    """The case as ``scope`` (a brand owner's brand ids; None for staff) may see it; None when it may
    see nothing of it (or there is no such case)."""
    from storage.errors import NotFound

    try:
        case = get_case(session=session, case_id=case_id)
    except NotFound:
        return None
    internal = scope is None
    brand_ids = None if scope is None else list(scope)
    leads = case_leads(session=session, case_id=case.id, brand_ids=brand_ids)
    if not internal and not leads:
        return None
    by_platform = case_sellers(session=session, case_id=case.id)
    sellers = [s for group in by_platform.values() for s in group]
    lead_count = Counter(lead.listing.seller_id for lead in leads)
    if not internal:
        sellers = [s for s in sellers if lead_count.get(s.id)]
    visible = {s.id for s in sellers}
    shops = []
    for seller in sellers:
        region, valid = _region(seller)
        shops.append(
            ShopRow(
                seller=seller,
                platform_title=seller.platform.title or seller.platform.name,
                region=region,
                licence_valid=valid,
                leads=lead_count.get(seller.id, 0),
            )
        )
    raw_edges = [
        e
        for e in case_edges(session=session, case_id=case.id)
        if e.seller_a.id in visible and e.seller_b.id in visible
    ]
    snapshots = casework.snapshots_by_ids(session=session, ids={i for e in raw_edges for i in e.snapshot_ids})
    visible_listings = {lead.listing_id for lead in leads}
    edges = [
        EdgeView(
            id=e.edge_id,
            a=e.seller_a,
            b=e.seller_b,
            kind=e.kind,
            strength=e.strength,
            values=list(e.values),
            snapshots=[
                snapshots[i]
                for i in e.snapshot_ids
                if i in snapshots and (internal or snapshots[i].listing_id in visible_listings)
            ],
            listing_ids=[i for i in e.listing_ids if internal or i in visible_listings],
            first_seen=e.first_seen,
            last_seen=e.last_seen,
        )
        for e in raw_edges
    ]
    lead_of = {lead.listing_id: lead for lead in leads}
    sales = [
        SalesRow(
            lead=lead_of.get(row.listing.id),
            listing_id=row.listing.id,
            title=row.listing.title,
            platform=row.listing.platform.title or row.listing.platform.name,
            shop=(row.listing.seller.name or row.listing.seller.external_id) if row.listing.seller else "—",
            price=row.price,
            sold=row.sold,
            estimated=row.estimated,
            currency=row.listing.currency or "CNY",
            brand=_brand_name(lead_of.get(row.listing.id)),
            violation=lead_of[row.listing.id].violation if row.listing.id in lead_of else None,
        )
        for row in case_sales(session=session, case_id=case.id, brand_ids=brand_ids).rows
    ]
    brands = sorted({lead.brand.name for lead in leads if lead.brand})
    regions = Counter(r.region for r in shops if r.region)
    total = float(sum(r.estimated for r in sales if r.estimated is not None))
    view = CaseView(
        case=case,
        internal=internal,
        leads=leads,
        shops=shops,
        edges=edges,
        sales=sales,
        threshold=settings.criminal_threshold_cny,
        brands=brands,
        jurisdictions=regions.most_common(),
        suggested_department=suggested_department(leads, total, settings) if internal else None,
        timeline=[],
    )
    if internal:
        view.events = casework.case_events(session=session, case_id=case.id)
        documents = casework.case_documents(session=session, case_id=case.id)
        responses = casework.responses_of(session=session, document_ids=[d.id for d in documents])
        view.documents = [(d, responses.get(d.id, [])) for d in documents]
        view.evidence_hashes = _evidence_hashes(session, [r.listing_id for r in sales], settings)
    view.merged_into = casework.surviving_case(session=session, case=case)
    view.timeline = _timeline(session, view, lang)
    return view


def _evidence_hashes(
    session: Session, listing_ids: list[int], settings: Settings
) -> dict[int, list[tuple[str, str]]]:
    from review.format import local_time

    found: dict[int, list[tuple[str, str]]] = {}
    for listing_id, snaps in casework.listings_snapshots(session=session, listing_ids=listing_ids).items():
        rows: list[tuple[str, str]] = []
        for n, snap in enumerate(snaps, 1):
            at = local_time(snap.fetched_at, settings.timezone)
            if snap.html_sha256:
                rows.append((f"网页快照 {n}（{at}）", snap.html_sha256))
            if snap.screenshot_sha256:
                rows.append((f"截图 {n}", snap.screenshot_sha256))
        found[listing_id] = rows
    return found


def _timeline(session: Session, view: CaseView, lang: str) -> list[TimelineEntry]:
    """When the operation showed itself: shops opened, listings and leads first seen, evidence found,
    networks merged; for staff also the case's own events. Newest last."""
    entries: list[TimelineEntry] = []
    for row in view.shops:
        entries.append(
            TimelineEntry(
                row.seller.first_seen,
                "shop_seen",
                row.seller.name or row.seller.external_id,
                f"#shop-{row.seller.id}",
            )
        )
    for lead in view.leads:
        entries.append(
            TimelineEntry(lead.first_flagged_at, "lead_flagged", lead.listing.title, f"/leads/{lead.id}")
        )
    for edge in view.edges:
        names = f"{edge.a.name or edge.a.external_id} ↔ {edge.b.name or edge.b.external_id}"
        text = f"{label('case_kind', edge.kind, lang)}：{names}"
        entries.append(TimelineEntry(edge.first_seen, "edge_found", text, f"#edge-{edge.id}"))
    if view.internal:
        for merge in network_history(session=session, network_id=view.case.network_id):
            text = f"N-{merge.from_network_id} → N-{merge.into_network_id}"
            entries.append(TimelineEntry(merge.at, "network_merged", text))
        for event, name in view.events:
            text = label("case_action", event.action, lang) + (f"（{name}）" if name else "")
            entries.append(TimelineEntry(event.at, "case_event", text))
    entries.sort(key=lambda e: e.at)
    return entries


def case_facts(view: CaseView) -> dict[str, Any]:
    """The case as JSON (API, CLI --json, the packet's case.json): the figures with their arithmetic."""
    internal = view.internal
    facts: dict[str, Any] = {
        "id": view.case.id,
        "number": view.number,
        "network_id": view.case.network_id,
        "status": view.case.status,
        "created_at": view.case.created_at.isoformat(),
        "updated_at": view.case.updated_at.isoformat(),
        "brands": view.brands,
        "shops": [
            {
                "seller_id": r.seller.id,
                "platform": r.seller.platform.name,
                "shop_id": r.seller.external_id,
                "name": r.seller.name,
                "url": r.seller.url,
                "licence": r.seller.licence,
                "region": r.region,
                "leads": r.leads,
            }
            for r in view.shops
        ],
        "edges": [
            {
                "id": e.id,
                "sellers": [e.a.id, e.b.id],
                "kind": e.kind,
                "strength": e.strength,
                "values": e.values,
                "snapshot_ids": [s.id for s in e.snapshots],
                "listing_ids": e.listing_ids,
            }
            for e in view.edges
        ],
        "leads": [
            {
                "lead_id": r.lead.id if r.lead else None,
                "listing_id": r.listing_id,
                "title": r.title,
                "platform": r.platform,
                "shop": r.shop,
                "brand": r.brand,
                "violation": r.violation,
                "price": r.price,
                "sold": r.sold,
                **({"estimated_sales": r.estimated} if internal else {}),
            }
            for r in view.sales
        ],
    }
    if internal:
        facts |= {
            "estimated_sales": view.total,
            "unknown_sales": view.unknown,
            "criminal_threshold": view.threshold,
            "over_threshold": view.over_threshold,
            "jurisdictions": [region for region, _ in view.jurisdictions],
            "department": view.case.department,
            "suggested_department": view.suggested_department,
            "documents": [
                {
                    "id": d.id,
                    "kind": d.kind,
                    "recipient_kind": d.recipient_kind,
                    "recipient": d.recipient,
                    "number": d.number,
                    "issued_at": d.issued_at.isoformat(),
                    "deadline": d.deadline.isoformat() if d.deadline else None,
                    "docx_sha256": d.docx_sha256,
                    "pdf_sha256": d.pdf_sha256,
                    "responses": [
                        {"outcome": r.outcome, "responded_at": r.responded_at.isoformat(), "note": r.note}
                        for r in responses
                    ],
                }
                for d, responses in view.documents
            ],
        }
    return facts
