"""The review queue's write side: store a score, and create or update the listing's lead.

One function, ``record_score``, is how every path (crawler pipeline, `markwatch score --queue`, the
scheduler's re-scoring) puts a scored listing into the queue, so the rules below live only here:
- a listing has at most one lead; flagging it again updates risk and last-flagged time;
- a dismissed lead comes back only when the listing changed materially or its risk rose past a margin;
- a counterfeit whose estimated sales (price × sold) reach the criminal threshold is marked for
  transfer review.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Brand, Lead, LeadStatus, Listing, ReviewEvent, Score, utcnow

COUNTERFEIT = "counterfeit_mark"


class ScoreLike(Protocol):
    """What a scorer's result must offer (scoring.types.Score does); storage never imports scoring."""

    risk: float
    flagged: bool
    brand: str | None
    violation: str | None
    reasons: Any  # sequence of objects with signal, weight, detail
    model_version: str
    department: str | None


def estimated_sales(listing: Listing) -> float | None:
    if listing.price is None or listing.sold is None:
        return None
    return float(listing.price) * int(listing.sold)


def record_score(
    *,
    session: Session,
    listing: Listing,
    score: ScoreLike,
    reflag_margin: float = 0.15,
    criminal_threshold: float = 50_000.0,
    now: datetime | None = None,
) -> Lead | None:
    """Store ``score`` for ``listing``; when flagged, create or update its lead. Returns the lead, if any."""
    now = now or utcnow()
    brand_id = session.scalar(select(Brand.id).where(Brand.name == score.brand)) if score.brand else None
    row = Score(
        listing_id=listing.id,
        scored_at=now,
        risk=float(score.risk),
        flagged=bool(score.flagged),
        brand_id=brand_id,
        brand_name=score.brand,
        violation=score.violation,
        reasons=[{"signal": r.signal, "weight": r.weight, "detail": r.detail} for r in score.reasons],
        features=dict(getattr(score, "features", {}) or {}),
        model_version=score.model_version,
    )
    session.add(row)
    listing.scored_at = now
    session.flush()

    lead = session.scalars(select(Lead).where(Lead.listing_id == listing.id)).one_or_none()
    if lead is not None:
        lead.seller_id = listing.seller_id
    if not score.flagged:
        return lead
    sales = estimated_sales(listing)
    crosses_threshold = score.violation == COUNTERFEIT and sales is not None and sales >= criminal_threshold
    if lead is None:
        lead = Lead(
            listing_id=listing.id,
            platform_id=listing.platform_id,
            seller_id=listing.seller_id,
            brand_id=brand_id,
            score_id=row.id,
            status=LeadStatus.new,
            violation=score.violation,
            department=score.department,
            risk=row.risk,
            first_flagged_at=now,
            last_flagged_at=now,
            transfer_review=crosses_threshold,
        )
        session.add(lead)
        session.flush()
        session.add(ReviewEvent(lead_id=lead.id, at=now, action="flagged", detail={"risk": row.risk}))
        return lead

    if lead.status == LeadStatus.dismissed:
        changed = listing.content_hash != lead.dismissed_content_hash
        risen = lead.dismissed_risk is not None and row.risk >= lead.dismissed_risk + reflag_margin
        if not (changed or risen):
            return lead
        lead.status = LeadStatus.new
        why = "listing changed" if changed else f"risk rose from {lead.dismissed_risk:.2f} to {row.risk:.2f}"
        session.add(
            ReviewEvent(lead_id=lead.id, at=now, action="reopened", note=why, detail={"risk": row.risk})
        )
    elif abs(lead.risk - row.risk) >= 0.01:
        session.add(
            ReviewEvent(
                lead_id=lead.id, at=now, action="reflagged", detail={"risk": row.risk, "was": lead.risk}
            )
        )
    lead.risk = row.risk
    lead.score_id = row.id
    lead.last_flagged_at = now
    lead.violation = score.violation
    lead.brand_id = brand_id
    lead.department = lead.department or score.department
    lead.transfer_review = lead.transfer_review or crosses_threshold
    return lead


def dismiss_snapshot(lead: Lead) -> None:
    """Remember what a lead looked like when dismissed, so a later flag can tell whether it changed."""
    lead.dismissed_risk = lead.risk
    lead.dismissed_content_hash = lead.listing.content_hash
