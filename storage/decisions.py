"""Reviewer decisions on leads: the new status, an append-only review event, and the blacklist when
a confirmation makes it due (storage.blacklist)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.blacklist import blacklist_if_due
from storage.errors import MarkwatchError
from storage.models import Lead, LeadStatus, ReviewEvent, Seller, utcnow

ACTIONS = ("confirm", "dismiss", "assign", "escalate", "transfer")
_ACTION_STATUS = {
    "confirm": LeadStatus.confirmed,
    "dismiss": LeadStatus.dismissed,
    "assign": LeadStatus.in_review,
    "escalate": LeadStatus.escalated,
    "transfer": LeadStatus.transferred,
}


def status_after(action: str, detail: dict[str, Any]) -> str | None:
    """The status a lead has after an audit event, or None for an event that changes none."""
    if action in ("flagged", "reopened"):
        return LeadStatus.new.value
    if action in _ACTION_STATUS:
        return str(detail.get("to") or _ACTION_STATUS[action].value)
    return None


@dataclass
class DecisionOutcome:
    event: ReviewEvent
    blacklisted_seller: Seller | None = None
    relisted_listing_ids: list[int] = field(default_factory=list)  # the seller's other listings to re-score


class DecisionRefused(MarkwatchError):
    """A decision that lacks what its action needs; ``problem`` is the message key that says what."""

    def __init__(self, message: str, *, problem: str) -> None:
        super().__init__(message)
        self.problem = problem


def apply_decision(
    *,
    session: Session,
    lead: Lead,
    user_id: int | None,
    action: str,
    note: str | None = None,
    department: str | None = None,
    departments: Sequence[str] = (),
    blacklist_after: int = 3,
    now: datetime | None = None,
) -> DecisionOutcome:
    """Apply a reviewer's decision: new status, an append-only event, and the blacklist when it is due.

    Raises MarkwatchError for an unknown action, DecisionRefused for a dismissal without a reason or an
    assignment without a department or to one that is not in ``departments``. The caller snapshots a
    dismissed lead (storage.queue.dismiss_snapshot) — done here too, so no path forgets it.
    """
    from storage.queue import dismiss_snapshot

    now = now or utcnow()
    note = (note or "").strip() or None
    if action not in ACTIONS:
        raise MarkwatchError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    if action == "dismiss" and not note:
        raise DecisionRefused("a dismissal needs a reason", problem="error.dismiss_reason")
    detail: dict[str, Any] = {"from": lead.status}
    if action in ("assign", "transfer") or department:
        if action == "assign" and not department:
            raise DecisionRefused("an assignment needs a department", problem="error.department")
        if department:
            if departments and department not in departments:
                raise DecisionRefused(f"unknown department {department!r}", problem="error.department")
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
