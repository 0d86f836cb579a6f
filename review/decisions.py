"""Reviewer decisions on leads, for the lead page, bulk actions and the JSON API alike: who may take
which action, the decision itself (storage.decisions.apply_decision), and the re-scoring of a seller's
other listings when the decision blacklists the seller."""

from __future__ import annotations

import logging

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from review.counts import invalidate_counts
from review.deps import DECIDERS, BadInput
from review.routing import departments, routing_table
from storage.decisions import DecisionOutcome, DecisionRefused, apply_decision
from storage.errors import MarkwatchError
from storage.leads import listings_by_ids
from storage.models import Lead, User
from storage.queue import CRIMINAL_THRESHOLD

log = logging.getLogger(__name__)


def decide(
    request: Request,
    session: Session,
    user: User,
    lead: Lead,
    *,
    action: str,
    note: str | None,
    department: str | None,
) -> DecisionOutcome:
    """A decision by ``user`` on ``lead`` (role checked here), with the blacklist's re-scoring."""
    settings = request.app.state.settings
    if action not in DECIDERS:
        raise BadInput("action", "one_of", value=action, choices=", ".join(DECIDERS))
    if user.role not in DECIDERS[action]:
        raise HTTPException(403, "error.403")
    table = routing_table(settings)
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
            departments=departments(table),
            blacklist_after=settings.blacklist_after,
        )
    except DecisionRefused as exc:
        raise HTTPException(400, exc.problem) from exc
    except MarkwatchError as exc:
        raise HTTPException(400, str(exc)) from exc
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
