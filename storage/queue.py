"""The review queue's write side: store a score, and create or update the listing's lead.

One function, ``record_score``, is how every path (crawler pipeline, `markwatch score --queue`, the
scheduler's re-scoring) puts a scored listing into the queue, so the rules below live only here:
- a listing has at most one lead; flagging it again updates risk and last-flagged time;
- a dismissed lead comes back only when the listing changed materially or its risk rose past a margin;
- a counterfeit whose estimated sales (price × sold) reach the criminal threshold is marked for
  transfer review and routed to the threshold's department;
- a new lead goes to the department of its violation kind in the installation's routing table
  (``<MARKWATCH_HOME>/routing.yaml``), else to the one the scorer suggested.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Brand, Lead, LeadStatus, Listing, ReviewEvent, Score, utcnow
from storage.queue_rules import COUNTERFEIT, QueueRules


class ScoreLike(Protocol):
    """What a scorer's result must offer (scoring.types.Score does); storage never imports scoring.
    Read-only: a frozen Score offers each as a field."""

    @property
    def risk(self) -> float: ...
    @property
    def flagged(self) -> bool: ...
    @property
    def brand(self) -> str | None: ...
    @property
    def violation(self) -> str | None: ...
    @property
    def reasons(self) -> Any: ...  # sequence of objects with signal, weight, detail
    @property
    def model_version(self) -> str: ...
    @property
    def department(self) -> str | None: ...


def estimated_sales(listing: Listing) -> float | None:
    """Price × sold (CNY as listed), or None when either is unknown: what the criminal threshold reads."""
    if listing.price is None or listing.sold is None:
        return None
    return float(listing.price) * int(listing.sold)


def record_score(
    *,
    session: Session,
    listing: Listing,
    score: ScoreLike,
    rules: QueueRules | None = None,
    now: datetime | None = None,
) -> Lead | None:
    """Store ``score`` for ``listing``; when flagged, create or update its lead. Returns the lead, if any."""
    rules = rules or QueueRules()
    now = now or utcnow()
    row = _store_score(session, listing, score, now)
    # locked (PostgreSQL; on SQLite this transaction holds the write lock since the score's insert), and
    # read afresh: a reviewer's decision committed meanwhile is seen, never overwritten
    lead = session.scalars(
        select(Lead)
        .where(Lead.listing_id == listing.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if lead is not None:
        lead.seller_id = listing.seller_id
    if not score.flagged:
        return lead
    past_threshold = _past_criminal_threshold(listing, score, rules)
    if lead is None:
        return _new_lead(session, listing, score, row, rules, now, past_threshold=past_threshold)
    if lead.status == LeadStatus.dismissed:
        if not _reopen_if_changed(session, lead, listing, row, rules, now):
            return lead
    elif abs(lead.risk - row.risk) >= 0.01:
        session.add(
            ReviewEvent(
                lead_id=lead.id, at=now, action="reflagged", detail={"risk": row.risk, "was": lead.risk}
            )
        )
    _update_lead(lead, score, row, rules, now, past_threshold=past_threshold)
    return lead


def _store_score(session: Session, listing: Listing, score: ScoreLike, now: datetime) -> Score:
    """The score's row (with the brand's id when the brand is registered); the listing is scored now."""
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
    return row


def _past_criminal_threshold(listing: Listing, score: ScoreLike, rules: QueueRules) -> bool:
    """A counterfeit whose estimated sales reach the criminal threshold."""
    sales = estimated_sales(listing)
    return score.violation == COUNTERFEIT and sales is not None and sales >= rules.criminal_threshold


def _new_lead(
    session: Session,
    listing: Listing,
    score: ScoreLike,
    row: Score,
    rules: QueueRules,
    now: datetime,
    *,
    past_threshold: bool,
) -> Lead:
    """A new lead in its department, with its ``flagged`` event."""
    lead = Lead(
        listing_id=listing.id,
        platform_id=listing.platform_id,
        seller_id=listing.seller_id,
        brand_id=row.brand_id,
        score_id=row.id,
        status=LeadStatus.new,
        violation=score.violation,
        department=rules.department(score.violation, score.department, past_threshold=past_threshold),
        risk=row.risk,
        first_flagged_at=now,
        last_flagged_at=now,
        transfer_review=past_threshold,
    )
    session.add(lead)
    session.flush()
    session.add(ReviewEvent(lead_id=lead.id, at=now, action="flagged", detail={"risk": row.risk}))
    return lead


def _reopen_if_changed(
    session: Session, lead: Lead, listing: Listing, row: Score, rules: QueueRules, now: datetime
) -> bool:
    """Reopen a dismissed lead (a ``reopened`` event) when its listing changed materially or its risk
    rose by the margin since the dismissal; whether it was reopened."""
    changed = listing.content_hash != lead.dismissed_content_hash
    risen = lead.dismissed_risk is not None and row.risk >= lead.dismissed_risk + rules.reflag_margin
    if not (changed or risen):
        return False
    lead.status = LeadStatus.new
    why = "listing changed" if changed else f"risk rose from {lead.dismissed_risk:.2f} to {row.risk:.2f}"
    session.add(ReviewEvent(lead_id=lead.id, at=now, action="reopened", note=why, detail={"risk": row.risk}))
    return True


def _update_lead(
    lead: Lead, score: ScoreLike, row: Score, rules: QueueRules, now: datetime, *, past_threshold: bool
) -> None:
    """A flagged lead takes the new score (a new version); past the threshold only now, it is routed there."""
    lead.version = lead.version + 1
    lead.risk = row.risk
    lead.score_id = row.id
    lead.last_flagged_at = now
    lead.violation = score.violation
    lead.brand_id = row.brand_id
    if past_threshold and not lead.transfer_review:
        lead.department = rules.department(score.violation, None, past_threshold=True)
        lead.transfer_review = True
    lead.department = lead.department or rules.department(
        score.violation, score.department, past_threshold=False
    )


def dismiss_snapshot(lead: Lead) -> None:
    """Remember what a lead looked like when dismissed, so a later flag can tell whether it changed."""
    lead.dismissed_risk = lead.risk
    lead.dismissed_content_hash = lead.listing.content_hash
