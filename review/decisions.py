"""Reviewer decisions on leads, for the lead page, bulk actions and the JSON API alike: the state
machine (which decision from which status, by which role, with which note), the decision itself on the
lead's version (storage.decisions.apply_decision: a lead changed since answers 409), and the re-scoring
of a seller's other listings when the decision blacklists the seller."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from review.counts import invalidate_counts
from review.deps import DECIDERS, BadInput
from review.routing import departments, routing_table
from storage.decisions import DecisionOutcome, LeadChanged, apply_decision
from storage.leads import lead_events, listings_by_ids
from storage.models import Lead, LeadStatus, Role, User
from storage.queue_rules import CRIMINAL_THRESHOLD

log = logging.getLogger(__name__)


# The state machine of a lead (docs/review.md): for each status, the decisions a reviewer may take.
# Open leads may take any decision; a confirmed lead may still be escalated or transferred; dismissed
# and transferred leads are closed: only an admin reopens them, with a reason. (The scorer reopens a
# dismissed lead by itself when its listing changes materially: storage.queue.record_score.)
OPEN_DECISIONS = ("confirm", "dismiss", "assign", "escalate", "transfer")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    LeadStatus.new.value: OPEN_DECISIONS,
    LeadStatus.in_review.value: OPEN_DECISIONS,
    LeadStatus.escalated.value: ("confirm", "dismiss", "assign", "transfer"),
    LeadStatus.confirmed.value: ("escalate", "transfer"),
    LeadStatus.dismissed.value: ("reopen",),
    LeadStatus.transferred.value: ("reopen",),
}
NEEDS_NOTE = {  # the decisions that need a note, and the message when it is missing
    "dismiss": "error.dismiss_reason",
    "escalate": "error.note_required",
    "transfer": "error.note_required",
    "reopen": "error.reopen_reason",
}
NEEDS_CONFIRMATION = ("escalate", "transfer")  # the web form asks once more before these
ROLES: dict[str, tuple[str, ...]] = {**DECIDERS, "reopen": (Role.admin.value,)}


class DecisionRefused(HTTPException):
    """400: a decision the state machine or its rules refuse (``detail``: the catalogue key)."""

    def __init__(self, key: str) -> None:
        super().__init__(400, key)


@dataclass(frozen=True)
class Conflict:
    """A lead changed since the version a decision was made on: its state now and who changed it."""

    lead_id: int
    status: str
    version: int
    changed_by: str | None  # None: the system (a re-score)
    changed_at: datetime | None
    action: str | None  # what the last change was


class LeadConflict(HTTPException):
    """409: the lead changed since the decision's version (``conflict`` says how it is now)."""

    def __init__(self, conflict: Conflict) -> None:
        self.conflict = conflict
        super().__init__(409, "error.conflict")


def allowed_actions(status: str, role: str) -> list[str]:
    """The decisions ``role`` may take on a lead in ``status``, in the page's order."""
    return [a for a in TRANSITIONS.get(status, ()) if role in ROLES[a]]


def check_request(user: User, action: str, note: str | None, department: str | None) -> None:
    """Refuse a decision that no lead could take: an unknown action, a role that may not take it (403),
    a missing note or department (400)."""
    if action not in ROLES:
        raise BadInput("action", "one_of", value=action, choices=", ".join(ROLES))
    if user.role not in ROLES[action]:
        raise HTTPException(403, "error.403")
    if action in NEEDS_NOTE and not (note or "").strip():
        raise DecisionRefused(NEEDS_NOTE[action])
    if action == "assign" and not department:
        raise DecisionRefused("error.department")


def check_decision(
    session: Session,
    lead: Lead,
    user: User,
    action: str,
    note: str | None,
    department: str | None,
    version: int | None,
) -> None:
    """Refuse what the state machine and its rules do not allow for ``lead`` as loaded; nothing is
    written. 403 and 400 as ``check_request``; 409 (LeadConflict) when the lead is no longer at
    ``version``; 400 ``error.transition`` for a decision its status does not allow."""
    check_request(user, action, note, department)
    if version is not None and version != lead.version:
        raise LeadConflict(conflict_of(session, lead))
    if action not in TRANSITIONS.get(lead.status, ()):
        raise DecisionRefused("error.transition")


def conflict_of(session: Session, lead: Lead) -> Conflict:
    """How ``lead`` is now (it has been refreshed) and the last change: who, when, what."""
    events = lead_events(session=session, lead_id=lead.id)
    last = events[-1] if events else None
    return Conflict(
        lead_id=lead.id,
        status=lead.status,
        version=lead.version,
        changed_by=last[1] if last else None,
        changed_at=last[0].at if last else None,
        action=last[0].action if last else None,
    )


def decide(
    request: Request,
    session: Session,
    user: User,
    lead: Lead,
    *,
    action: str,
    note: str | None,
    department: str | None,
    version: int | None = None,
) -> DecisionOutcome:
    """A decision by ``user`` on ``lead`` as of its ``version`` (default: as loaded), for the web form,
    bulk actions and the API alike: role, state machine, notes and department checked here; the
    blacklist's re-scoring after it. Raises LeadConflict (409) when the lead changed since ``version``.
    """
    settings = request.app.state.settings
    check_decision(session, lead, user, action, note, department, version)
    table = routing_table(settings)
    if department and department not in departments(table):
        raise DecisionRefused("error.department")
    if action == "transfer" and not department:
        department = table[CRIMINAL_THRESHOLD]  # a transfer to the police goes through 经检处
    try:
        outcome = apply_decision(
            session=session,
            lead=lead,
            user_id=user.id,
            action=action,
            note=note,
            department=department,
            expected_version=version,
            blacklist_after=settings.blacklist_after,
        )
    except LeadChanged as changed:
        raise LeadConflict(conflict_of(session, changed.lead)) from None
    if outcome.relisted_listing_ids:
        rescore(request, session, outcome.relisted_listing_ids)
    invalidate_counts(request)
    return outcome


def rescore(request: Request, session: Session, listing_ids: list[int]) -> int:
    """Score a blacklisted seller's other listings again now (the scorer boosts blacklisted sellers),
    on the path every scorer takes (brands.queueing), as this session sees the database.

    Listings left unscored here keep ``scored_at = None``, so the scheduler's next pass scores them.
    """
    from brands.queueing import score_and_queue, score_queue_in_session
    from brands.service import scoring_registry

    try:
        path = score_queue_in_session(
            session, request.app.state.settings, registry=scoring_registry(request.app.state.db)
        )
        with session.begin_nested():  # a failure below rolls back the re-scoring, not the decision
            rows = listings_by_ids(session=session, ids=listing_ids[:1000])
            return len(score_and_queue(session, rows, path))
    except Exception:  # noqa: BLE001 - a scorer failure must not undo the reviewer's decision
        log.exception("re-scoring the blacklisted seller's listings failed; the scheduler will retry")
        return 0
