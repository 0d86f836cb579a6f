"""The seller blacklist: a seller is blacklisted once enough of its leads are confirmed (or
transferred), with an audit event, and its other listings are marked for a new score."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Lead, LeadStatus, Listing, Platform, ReviewEvent, Seller


@dataclass
class Blacklisting:
    """A seller just blacklisted, and its other listings, which need a new score."""

    seller: Seller
    relisted_listing_ids: list[int] = field(default_factory=list)


def confirmed_leads_of_seller(*, session: Session, seller_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Lead.id)
            .join(Listing, Listing.id == Lead.listing_id)
            .where(
                Listing.seller_id == seller_id,
                Lead.status.in_([LeadStatus.confirmed, LeadStatus.transferred]),
            )
            .order_by(Lead.id)
        )
    )


def blacklist_if_due(
    *, session: Session, lead: Lead, user_id: int | None, blacklist_after: int, now: datetime
) -> Blacklisting | None:
    """Blacklist the lead's seller when it has ``blacklist_after`` confirmed or transferred leads and is
    not blacklisted yet: the seller's flag and reason, a ``seller_blacklisted`` event on ``lead``, and
    its other listings' ``scored_at`` cleared (the scorer reads the seller's flag)."""
    seller_id = lead.listing.seller_id
    if seller_id is None:
        return None
    seller = session.get(Seller, seller_id)
    confirmed = confirmed_leads_of_seller(session=session, seller_id=seller_id)
    if seller is None or seller.blacklisted or len(confirmed) < blacklist_after:
        return None
    seller.blacklisted = True
    seller.blacklisted_at = now
    seller.blacklist_reason = "confirmed leads: " + ", ".join(f"#{i}" for i in confirmed)
    session.add(
        ReviewEvent(
            lead_id=lead.id,
            user_id=user_id,
            at=now,
            action="seller_blacklisted",
            detail={"seller_id": seller_id, "leads": confirmed},
        )
    )
    relisted = list(
        session.scalars(
            select(Listing.id).where(Listing.seller_id == seller_id, Listing.id != lead.listing_id)
        )
    )
    for other in session.scalars(select(Listing).where(Listing.id.in_(relisted))):
        other.scored_at = None
    session.flush()
    return Blacklisting(seller=seller, relisted_listing_ids=relisted)


def blacklisted_sellers(*, session: Session) -> list[tuple[Seller, str, list[int]]]:
    """Blacklisted sellers (latest first) with their platform name and the leads that put them there."""
    rows = []
    query = (
        select(Seller, Platform.name)
        .join(Platform, Platform.id == Seller.platform_id)
        .where(Seller.blacklisted.is_(True))
        .order_by(Seller.blacklisted_at.desc(), Seller.id)
    )
    for seller, platform in session.execute(query):
        rows.append((seller, platform, confirmed_leads_of_seller(session=session, seller_id=seller.id)))
    return rows
