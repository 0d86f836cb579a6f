"""Repository functions for platforms, sellers, listings and their price history.

Listings come in as listing records (the JSON Lines contract of docs/formats.md), already normalised
by whoever produced them (the crawler's normalising pipeline, or a platform's data feed).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage.models import Listing, Platform, PriceObservation, Seller, utcnow


def get_or_create_platform(
    *, session: Session, name: str, render: str = "http", title: str | None = None
) -> Platform:
    platform = session.scalars(select(Platform).where(Platform.name == name)).one_or_none()
    if platform is None:
        platform = Platform(name=name, render=render, title=title or name)
        session.add(platform)
        session.flush()
    return platform


def split_listing_id(record_id: str, platform: str | None) -> tuple[str, str]:
    """(platform, external id) of a listing record: ``demo-static:10023`` or a bare id with ``platform``."""
    if platform and record_id.startswith(platform + ":"):
        return platform, record_id[len(platform) + 1 :]
    if platform:
        return platform, record_id
    if ":" in record_id:
        name, _, external = record_id.partition(":")
        return name, external
    return "feed", record_id


def content_hash(record: dict[str, Any]) -> str:
    """What makes a listing "changed materially": title, price, description, seller, images."""
    seller = record.get("seller") or {}
    material = [
        record.get("title"),
        record.get("price"),
        record.get("description"),
        seller.get("id") if isinstance(seller, dict) else None,
        sorted(record.get("images") or []),
    ]
    return hashlib.sha256(json.dumps(material, ensure_ascii=False, default=str).encode()).hexdigest()


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def upsert_listing(
    *,
    session: Session,
    record: dict[str, Any],
    platform: str | None = None,
    seen_at: datetime | None = None,
    platform_row: Platform | None = None,
) -> tuple[Listing, bool]:
    """Create or update a listing from a listing record; returns (listing, changed materially).

    A price observation is written only when the price differs from the last one recorded.
    ``platform_row``: the platform's row when the caller has it already.
    """
    seen_at = seen_at or _parse_seen_at(record.get("seen_at")) or utcnow()
    platform_name, _ = split_listing_id(str(record["id"]), platform or record.get("platform"))
    if platform_row is None or platform_row.name != platform_name:
        platform_row = get_or_create_platform(session=session, name=platform_name)
    return upsert_listings(session=session, platform_row=platform_row, batch=[(record, seen_at)])[0]


def upsert_listings(
    *, session: Session, platform_row: Platform, batch: list[tuple[dict[str, Any], datetime]]
) -> list[tuple[Listing, bool]]:
    """``upsert_listing`` for many records of one platform at once: (listing, changed) per record.

    The same rows and price observations as one ``upsert_listing`` per record, in that order, but with
    one SELECT for the batch's listings, one for its sellers, one for their last prices and one flush
    (a crawler's batch of items in one transaction).
    """
    if not batch:
        return []
    keys = [split_listing_id(str(record["id"]), platform_row.name)[1] for record, _ in batch]
    listings = {
        row.external_id: row
        for row in session.scalars(
            select(Listing).where(Listing.platform_id == platform_row.id, Listing.external_id.in_(set(keys)))
        )
    }
    seller_keys = {
        str((record.get("seller") or {}).get("id") or (record.get("seller") or {}).get("name"))
        for record, _ in batch
        if (record.get("seller") or {}).get("id") or (record.get("seller") or {}).get("name")
    }
    sellers = (
        {
            row.external_id: row
            for row in session.scalars(
                select(Seller).where(
                    Seller.platform_id == platform_row.id, Seller.external_id.in_(seller_keys)
                )
            )
        }
        if seller_keys
        else {}
    )
    results: list[tuple[Listing, bool]] = []
    for (record, seen_at), external_id in zip(batch, keys, strict=True):
        seller_data = record.get("seller") or {}
        seller_key = seller_data.get("id") or seller_data.get("name")
        seller = None
        if seller_key:
            seller = sellers.get(str(seller_key))
            if seller is None:
                seller = Seller(platform_id=platform_row.id, external_id=str(seller_key), first_seen=seen_at)
                session.add(seller)
                sellers[str(seller_key)] = seller
            _update_seller(seller, seller_data, seen_at)
        listing = listings.get(external_id)
        digest = content_hash(record)
        if listing is None:
            listing = Listing(
                platform_id=platform_row.id, external_id=external_id, first_seen=seen_at, last_seen=seen_at
            )
            session.add(listing)
            listings[external_id] = listing
            changed = True
        else:
            changed = listing.content_hash != digest
        if seller is not None:
            listing.seller = seller
        _update_listing(listing, record, digest, seen_at, changed)
        results.append((listing, changed))
    session.flush()
    ids = {listing.id for listing, _ in results if listing.price is not None}
    last: dict[int, tuple[float, str]] = {}
    if ids:
        rows = session.execute(
            select(PriceObservation.listing_id, PriceObservation.price, PriceObservation.currency)
            .where(PriceObservation.listing_id.in_(ids))
            .order_by(
                PriceObservation.listing_id, PriceObservation.observed_at.desc(), PriceObservation.id.desc()
            )
        )
        for listing_id, price, currency in rows:
            last.setdefault(listing_id, (price, currency))
    for (listing, _changed), (_record, seen_at) in zip(results, batch, strict=True):
        if listing.price is None:
            continue
        if last.get(listing.id) != (listing.price, listing.currency):
            session.add(
                PriceObservation(
                    listing_id=listing.id, observed_at=seen_at, price=listing.price, currency=listing.currency
                )
            )
            last[listing.id] = (listing.price, listing.currency)
    return results


def _update_seller(row: Seller, seller: dict[str, Any], seen_at: datetime) -> None:
    for field in ("name", "licence", "url"):
        if seller.get(field):
            setattr(row, field, str(seller[field]))
    if seller.get("rating") is not None:
        row.rating = float(seller["rating"])
    opened = _as_date(seller.get("opened"))
    if opened:
        row.opened = opened
    row.last_seen = max(row.last_seen or seen_at, seen_at)


def _update_listing(
    listing: Listing, record: dict[str, Any], digest: str, seen_at: datetime, changed: bool
) -> None:
    listing.url = record.get("url") or listing.url
    listing.title = record["title"]
    listing.price = record.get("price")
    listing.currency = record.get("currency") or "CNY"
    listing.category = record.get("category") or listing.category
    listing.sold = record.get("sold") if record.get("sold") is not None else listing.sold
    listing.description = (
        record.get("description") if record.get("description") is not None else listing.description
    )
    listing.images = list(record.get("images") or listing.images or [])
    if record.get("image_hashes"):
        listing.image_hashes = list(record["image_hashes"])
    listing.content_hash = digest
    listing.last_seen = max(listing.last_seen or seen_at, seen_at)
    if changed:
        listing.scored_at = None


def _parse_seen_at(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def listing_record(listing: Listing) -> dict[str, Any]:
    """A stored listing as a listing record (docs/formats.md), the form the scorer reads."""
    seller = listing.seller
    record: dict[str, Any] = {
        "id": f"{listing.platform.name}:{listing.external_id}",
        "platform": listing.platform.name,
        "url": listing.url,
        "title": listing.title,
        "price": listing.price,
        "currency": listing.currency,
        "category": listing.category,
        "sold": listing.sold,
        "description": listing.description,
        "images": list(listing.images or []),
        "image_hashes": list(listing.image_hashes or []),
        "seen_at": listing.last_seen.isoformat(),
    }
    if seller is not None:
        record["seller"] = {
            "id": seller.external_id,
            "name": seller.name,
            "opened": seller.opened.isoformat() if seller.opened else None,
            "rating": seller.rating,
            "licence": seller.licence,
            "blacklisted": seller.blacklisted,
        }
    return record


def listings_needing_score(*, session: Session, after_id: int = 0, limit: int = 500) -> list[Listing]:
    """New or changed listings (unscored since their last material change), in id order, a page at a time."""
    return list(
        session.scalars(
            select(Listing)
            .options(selectinload(Listing.platform), selectinload(Listing.seller))
            .where(Listing.scored_at.is_(None), Listing.id > after_id)
            .order_by(Listing.id)
            .limit(limit)
        )
    )
