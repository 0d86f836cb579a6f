"""The seller blacklist: a seller is blacklisted once enough of its leads are confirmed (or
transferred), with an audit event, and its other listings are marked for a new score; an entry is
lifted with a reason, audited the same way (``lift_blacklist``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.errors import MarkwatchError
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
    confirmed = _since_last_lift(
        session, seller_id, confirmed_leads_of_seller(session=session, seller_id=seller_id)
    )
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


def _since_last_lift(session: Session, seller_id: int, confirmed: list[int]) -> list[int]:
    """Of the seller's confirmed leads, those that count towards blacklisting it: after a lifted entry,
    only the leads confirmed or transferred since the lift (the lift weighed the earlier ones)."""
    leads = select(Lead.id).join(Listing, Listing.id == Lead.listing_id).where(Listing.seller_id == seller_id)
    lifted_at = session.scalar(
        select(ReviewEvent.at)
        .where(ReviewEvent.action == "seller_unblacklisted", ReviewEvent.lead_id.in_(leads))
        .order_by(ReviewEvent.at.desc())
        .limit(1)
    )
    if lifted_at is None or not confirmed:
        return confirmed
    since = set(
        session.scalars(
            select(ReviewEvent.lead_id).where(
                ReviewEvent.lead_id.in_(confirmed),
                ReviewEvent.action.in_(("confirm", "transfer")),
                ReviewEvent.at > lifted_at,
            )
        )
    )
    return [i for i in confirmed if i in since]


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


class NotBlacklisted(MarkwatchError):
    """The seller is not (or no longer) on the blacklist: nothing to lift."""


def lift_blacklist(
    *, session: Session, seller_id: int, user_id: int | None, reason: str, now: datetime
) -> list[int]:
    """Take the seller off the blacklist, with ``reason``: a ``seller_unblacklisted`` review event (on
    the lead whose confirmation blacklisted it, else the seller's first lead) holding the reason and the
    entry as it was, and the seller's listings marked for a new score (the scorer reads the flag).
    Returns those listings' ids. Raises NotBlacklisted when the seller is not on the list (a second lift
    of one entry finds nothing: the flag is cleared by compare and set), MarkwatchError without a reason."""
    reason = reason.strip()
    if not reason:
        raise MarkwatchError("lifting a blacklist entry needs a reason")
    seller = session.get(Seller, seller_id)
    if seller is None:
        raise NotBlacklisted(f"no seller {seller_id}")
    was = {"blacklisted_at": seller.blacklisted_at.isoformat() if seller.blacklisted_at else None}
    was["reason"] = seller.blacklist_reason
    lifted = session.execute(
        update(Seller)
        .where(Seller.id == seller_id, Seller.blacklisted.is_(True))
        .values(blacklisted=False, blacklisted_at=None, blacklist_reason=None)
        .execution_options(synchronize_session=False)
    )
    session.refresh(seller)
    if lifted.rowcount != 1:  # type: ignore[attr-defined]
        raise NotBlacklisted(f"seller {seller_id} is not blacklisted")
    leads = select(Lead.id).join(Listing, Listing.id == Lead.listing_id).where(Listing.seller_id == seller_id)
    lead_id = session.scalar(
        select(ReviewEvent.lead_id)
        .where(ReviewEvent.action == "seller_blacklisted", ReviewEvent.lead_id.in_(leads))
        .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())
        .limit(1)
    ) or session.scalar(leads.order_by(Lead.id).limit(1))
    if lead_id is not None:  # a seller is blacklisted through its leads: it has one
        session.add(
            ReviewEvent(
                lead_id=lead_id,
                user_id=user_id,
                at=now,
                action="seller_unblacklisted",
                note=reason,
                detail={"seller_id": seller_id, "was": was},
            )
        )
    relisted = list(session.scalars(select(Listing.id).where(Listing.seller_id == seller_id)))
    for listing in session.scalars(select(Listing).where(Listing.id.in_(relisted))):
        listing.scored_at = None
    session.flush()
    return relisted
