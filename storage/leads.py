"""Repository functions for one lead and what its page shows (listing, snapshots, the seller's other
listings and leads, the audit trail), leads and listings by id, and the figures of the digest and
status pages.

Queue views and their counts are in storage.search, decisions in storage.decisions, the seller
blacklist in storage.blacklist; their names are importable from here too. A brand owner's scope is a
list of brand ids passed as ``scope``; ``None`` means every brand. A lead outside the scope is simply
not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage.blacklist import blacklisted_sellers, confirmed_leads_of_seller
from storage.decisions import ACTIONS, DecisionOutcome, apply_decision
from storage.models import JobRun, Lead, Listing, ReviewEvent, Snapshot, User
from storage.search import (
    FACETS,
    OPEN_STATUSES,
    PAIR_INDEX_CHARS,
    QueueFilter,
    QueuePage,
    QueueRow,
    facet_base,
    facet_combos,
    filter_choices,
    iter_queue,
    queue_counts,
    queue_page,
    resolve_text,
    seller_name_contains,
    title_contains,
)

__all__ = [  # the names of storage.search, storage.decisions and storage.blacklist, imported from here
    "ACTIONS",
    "FACETS",
    "OPEN_STATUSES",
    "PAIR_INDEX_CHARS",
    "DecisionOutcome",
    "QueueFilter",
    "QueuePage",
    "QueueRow",
    "apply_decision",
    "blacklisted_sellers",
    "confirmed_leads_of_seller",
    "facet_base",
    "facet_combos",
    "filter_choices",
    "iter_queue",
    "queue_counts",
    "queue_page",
    "resolve_text",
    "seller_name_contains",
    "title_contains",
    "flagged_since",
    "get_lead",
    "get_snapshot",
    "lead_events",
    "leads_by_ids",
    "listings_by_ids",
    "recent_job_runs",
    "seller_leads",
    "seller_listings",
]


# --- one lead ------------------------------------------------------------------------------------------


def get_lead(*, session: Session, lead_id: int, scope: Sequence[int] | None = None) -> Lead | None:
    """The lead with its listing, seller, platform, brand and score, or None (also when out of scope)."""
    query = (
        select(Lead)
        .options(
            selectinload(Lead.listing).selectinload(Listing.seller),
            selectinload(Lead.listing).selectinload(Listing.platform),
            selectinload(Lead.brand),
            selectinload(Lead.score),
        )
        .where(Lead.id == lead_id)
    )
    if scope is not None:
        query = query.where(Lead.brand_id.in_(list(scope)) if scope else Lead.id < 0)
    return session.scalars(query).one_or_none()


def lead_events(*, session: Session, lead_id: int) -> list[tuple[ReviewEvent, str | None]]:
    """The audit trail in the order it was committed, with the name of whoever acted (None: the system)."""
    query = (
        select(ReviewEvent, User.name)
        .outerjoin(User, User.id == ReviewEvent.user_id)
        .where(ReviewEvent.lead_id == lead_id)
        .order_by(ReviewEvent.id)  # commit order: decisions on one lead are serialised by its version
    )
    return [(e, n) for e, n in session.execute(query)]


def status_history(*, session: Session, lead_id: int) -> list[tuple[datetime, str]]:
    """The lead's statuses, oldest first, each with when it began: what a brand owner may see of the
    audit trail (no names, notes, departments or thresholds). Events that change no status are left out."""
    from storage.decisions import status_after

    history: list[tuple[datetime, str]] = []
    for event, _ in lead_events(session=session, lead_id=lead_id):
        status = status_after(event.action, event.detail or {})
        if status is not None and (not history or history[-1][1] != status):
            history.append((event.at, status))
    return history


def get_snapshot(
    *, session: Session, snapshot_id: int, scope: Sequence[int] | None = None
) -> Snapshot | None:
    """A snapshot, when its listing is visible: for a brand owner, only through a lead on its brands."""
    snapshot = session.get(Snapshot, snapshot_id)
    if snapshot is None or scope is None:
        return snapshot
    return snapshot if listing_visible(session=session, listing_id=snapshot.listing_id, scope=scope) else None


def listing_visible(*, session: Session, listing_id: int, scope: Sequence[int] | None = None) -> bool:
    """Whether a user of this scope may see the listing's pages and images: anyone with no scope; a
    brand owner only through a lead on its brands."""
    if scope is None:
        return True
    return (
        session.scalar(
            select(Lead.id)
            .where(Lead.listing_id == listing_id, Lead.brand_id.in_(list(scope) or [-1]))
            .limit(1)
        )
        is not None
    )


def seller_listings(
    *, session: Session, seller_id: int, exclude_listing_id: int, limit: int = 20
) -> list[Listing]:
    """The seller's other listings, most recently seen first."""
    return list(
        session.scalars(
            select(Listing)
            .where(Listing.seller_id == seller_id, Listing.id != exclude_listing_id)
            .order_by(Listing.last_seen.desc(), Listing.id.desc())
            .limit(limit)
        )
    )


def seller_leads(
    *,
    session: Session,
    seller_id: int,
    exclude_lead_id: int,
    scope: Sequence[int] | None = None,
    limit: int = 20,
) -> list[tuple[Lead, str]]:
    """The seller's other leads (earliest flagged first) with their listing titles."""
    query = (
        select(Lead, Listing.title)
        .join(Listing, Listing.id == Lead.listing_id)
        .where(Listing.seller_id == seller_id, Lead.id != exclude_lead_id)
        .order_by(Lead.first_flagged_at, Lead.id)
        .limit(limit)
    )
    if scope is not None:
        query = query.where(Lead.brand_id.in_(list(scope) or [-1]))
    return [(lead, title) for lead, title in session.execute(query)]


# --- digest and status ---------------------------------------------------------------------------------


def flagged_since(
    *, session: Session, since: datetime, scope: Sequence[int] | None = None
) -> list[tuple[datetime, str]]:
    """(first flagged at, violation) of every lead first flagged since ``since``."""
    query = select(Lead.first_flagged_at, Lead.violation).where(Lead.first_flagged_at >= since)
    if scope is not None:
        query = query.where(Lead.brand_id.in_(list(scope) or [-1]))
    return [(at, violation or "other") for at, violation in session.execute(query)]


def recent_job_runs(*, session: Session, limit: int = 50) -> list[JobRun]:
    return list(
        session.scalars(select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit))
    )


def leads_by_ids(*, session: Session, ids: Sequence[int], scope: Sequence[int] | None = None) -> list[Lead]:
    query = select(Lead).options(selectinload(Lead.listing)).where(Lead.id.in_(list(ids)))
    if scope is not None:
        query = query.where(Lead.brand_id.in_(list(scope) or [-1]))
    return list(session.scalars(query))


def listings_by_ids(*, session: Session, ids: Sequence[int]) -> list[Listing]:
    """Listings with their seller and platform loaded (what listing_record needs)."""
    return list(
        session.scalars(
            select(Listing)
            .options(selectinload(Listing.seller), selectinload(Listing.platform))
            .where(Listing.id.in_(list(ids)))
            .order_by(Listing.id)
        )
    )
