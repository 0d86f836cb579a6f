"""Repository functions for a seller's page: the seller, its listings, its leads and their history
(decisions and blacklist events), each within a brand owner's scope like leads are.

A brand owner's scope is a list of brand ids passed as ``scope``; ``None`` means every brand. A brand
owner finds a seller only through a lead on its brands, and sees only those leads and their listings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from storage.models import Lead, Listing, ReviewEvent, Seller, User


def _seller_leads(seller_id: int, scope: Sequence[int] | None) -> Select[Any]:
    query = select(Lead.id).join(Listing, Listing.id == Lead.listing_id).where(Listing.seller_id == seller_id)
    if scope is not None:
        query = query.where(Lead.brand_id.in_(list(scope) or [-1]))
    return query


def get_seller(*, session: Session, seller_id: int, scope: Sequence[int] | None = None) -> Seller | None:
    """The seller with its platform, or None (also for a brand owner with no lead of it in scope)."""
    seller = session.get(Seller, seller_id)
    if seller is None or scope is None:
        return seller
    return seller if session.scalar(_seller_leads(seller_id, scope).limit(1)) is not None else None


def listings_of_seller(
    *, session: Session, seller_id: int, scope: Sequence[int] | None = None, limit: int = 200
) -> list[tuple[Listing, int | None]]:
    """The seller's listings (most recently seen first), each with its lead's id or None; a brand owner
    gets only the listings of its leads."""
    query = (
        select(Listing, Lead.id)
        .outerjoin(Lead, Lead.listing_id == Listing.id)
        .where(Listing.seller_id == seller_id)
        .order_by(Listing.last_seen.desc(), Listing.id.desc())
        .limit(limit)
    )
    if scope is not None:
        query = query.where(Lead.brand_id.in_(list(scope) or [-1]))
    return [(listing, lead_id) for listing, lead_id in session.execute(query)]


def leads_of_seller(
    *, session: Session, seller_id: int, scope: Sequence[int] | None = None, limit: int = 200
) -> list[tuple[Lead, str]]:
    """The seller's leads in scope (earliest flagged first), with their listing titles."""
    query = (
        select(Lead, Listing.title)
        .join(Listing, Listing.id == Lead.listing_id)
        .where(Lead.id.in_(_seller_leads(seller_id, scope)))
        .order_by(Lead.first_flagged_at, Lead.id)
        .limit(limit)
    )
    return [(lead, title) for lead, title in session.execute(query)]


def seller_history(
    *, session: Session, seller_id: int, limit: int = 300
) -> list[tuple[ReviewEvent, str | None]]:
    """The audit trail of all the seller's leads together (decisions, claims, blacklisting and its
    lifting), latest first, with who did each (None: the system). For staff only: a brand owner sees
    each lead's status history instead."""
    query = (
        select(ReviewEvent, User.name)
        .outerjoin(User, User.id == ReviewEvent.user_id)
        .where(ReviewEvent.lead_id.in_(_seller_leads(seller_id, None)))
        .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())
        .limit(limit)
    )
    return [(event, name) for event, name in session.execute(query)]
