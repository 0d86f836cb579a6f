"""Reviewer decisions on leads: the new status, an append-only review event, and the blacklist when
a confirmation makes it due (storage.blacklist).

A decision is made on a version of the lead (``Lead.version``): it is applied only when the lead is
still at that version, moving the version on in the same statement (compare and set), so of two
reviewers deciding at once one wins and the other gets ``LeadChanged``; the audit trail is in commit
order and agrees with the lead's status. Which decision is allowed from which status, and what needs a
note, is the web app's state machine (review.decisions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.blacklist import blacklist_if_due
from storage.errors import MarkwatchError
from storage.models import Lead, LeadStatus, ReviewEvent, Seller, utcnow

ACTIONS = ("confirm", "dismiss", "assign", "escalate", "transfer", "reopen")
_ACTION_STATUS = {
    "confirm": LeadStatus.confirmed,
    "dismiss": LeadStatus.dismissed,
    "assign": LeadStatus.in_review,
    "escalate": LeadStatus.escalated,
    "transfer": LeadStatus.transferred,
    "reopen": LeadStatus.new,
}


class LeadChanged(MarkwatchError):
    """The lead changed since the version a decision was made on (``lead`` holds its current state)."""

    def __init__(self, lead: Lead) -> None:
        self.lead = lead
        super().__init__(f"lead #{lead.id} changed since (now version {lead.version}, {lead.status})")


def status_after(action: str, detail: dict[str, Any]) -> str | None:
    """The status a lead has after an audit event, or None for an event that changes none."""
    if action in ("flagged", "reopened", "reopen"):
        return LeadStatus.new.value
    if action in _ACTION_STATUS:
        return str(detail.get("to") or _ACTION_STATUS[action].value)
    return None


@dataclass
class DecisionOutcome:
    event: ReviewEvent
    blacklisted_seller: Seller | None = None
    relisted_listing_ids: list[int] = field(default_factory=list)  # the seller's other listings to re-score


def apply_decision(
    *,
    session: Session,
    lead: Lead,
    user_id: int | None,
    action: str,
    note: str | None = None,
    department: str | None = None,
    expected_version: int | None = None,
    blacklist_after: int = 3,
    now: datetime | None = None,
) -> DecisionOutcome:
    """Apply a reviewer's decision made on ``expected_version`` of the lead (default: the version as
    loaded): new status, an append-only event, and the blacklist when it is due.

    The caller has checked the decision against the state machine and the lead's status as loaded.
    Raises LeadChanged (the lead refreshed to its current state) when the lead is no longer at that
    version, MarkwatchError for an unknown action. A dismissed lead is snapshotted
    (storage.queue.dismiss_snapshot) so that a later flag can tell whether it changed.
    """
    from storage.queue import dismiss_snapshot

    now = now or utcnow()
    note = (note or "").strip() or None
    if action not in ACTIONS:
        raise MarkwatchError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    expected = lead.version if expected_version is None else expected_version
    session.flush()
    moved = session.execute(
        update(Lead)
        .where(Lead.id == lead.id, Lead.version == expected)
        .values(version=Lead.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(lead)  # as of now: the version this decision moved on, or whoever's came first
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise LeadChanged(lead)
    detail: dict[str, Any] = {"from": lead.status}
    if department:
        detail["department_was"] = lead.department
        lead.department = department
        detail["department"] = department
    lead.status = _ACTION_STATUS[action].value
    if action == "assign" and user_id is not None:
        lead.assignee_id = user_id
    if action == "dismiss":
        dismiss_snapshot(lead)
    lead.updated_at = now
    detail["to"] = lead.status
    event = ReviewEvent(lead_id=lead.id, user_id=user_id, at=now, action=action, note=note, detail=detail)
    session.add(event)
    session.flush()
    outcome = DecisionOutcome(event=event)
    if action in ("confirm", "transfer"):
        blacklisting = blacklist_if_due(
            session=session, lead=lead, user_id=user_id, blacklist_after=blacklist_after, now=now
        )
        if blacklisting is not None:
            outcome.blacklisted_seller = blacklisting.seller
            outcome.relisted_listing_ids = blacklisting.relisted_listing_ids
    return outcome
