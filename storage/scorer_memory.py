"""What the scorer learns from the database: reviewer decisions, the fitted combiner, the blacklist,
and which brands each seller has been flagged for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CombinerVersion, Lead, LeadStatus, Listing, Score, Seller

# a decision a reviewer made: confirmed-like statuses are positives, dismissed is the negative
POSITIVE = (LeadStatus.confirmed, LeadStatus.escalated, LeadStatus.transferred)


def decided_examples(*, session: Session) -> list[tuple[dict[str, Any], bool]]:
    """(signal features of the lead's score, whether the reviewer upheld it) for every decided lead."""
    rows = session.execute(
        select(Score.features, Lead.status)
        .join(Lead, Lead.score_id == Score.id)
        .where(Lead.status.in_([*POSITIVE, LeadStatus.dismissed]))
        .order_by(Lead.id)
    )
    return [(dict(features or {}), status in POSITIVE) for features, status in rows]


def save_combiner_model(*, session: Session, version: str, n_examples: int, model_json: str) -> None:
    session.add(CombinerVersion(version=version, n_examples=n_examples, model_json=model_json))


def current_combiner_model(*, session: Session) -> CombinerVersion | None:
    """The newest fitted combiner, or None (the scorer's defaults are in use)."""
    return session.scalars(select(CombinerVersion).order_by(CombinerVersion.id.desc()).limit(1)).one_or_none()


def blacklisted_seller_ids(*, session: Session) -> set[str]:
    return set(session.scalars(select(Seller.external_id).where(Seller.blacklisted.is_(True))))


def seller_brands(*, session: Session, limit: int = 500_000) -> list[tuple[str, str]]:
    """(seller external id, brand) for the brands each seller's listings were flagged for."""
    rows = session.execute(
        select(Seller.external_id, Score.brand_name)
        .join(Listing, Listing.seller_id == Seller.id)
        .join(Lead, Lead.listing_id == Listing.id)
        .join(Score, Score.id == Lead.score_id)
        .where(Score.brand_name.is_not(None))
        .distinct()
        .limit(limit)
    )
    return [(seller, brand) for seller, brand in rows if brand is not None]  # the query's own condition
