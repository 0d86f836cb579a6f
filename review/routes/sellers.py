"""The seller page `/sellers/{id}` (its listings, leads and history, scoped like leads) and lifting a
seller's blacklist entry (an admin, with a reason, audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from review.counts import invalidate_counts
from review.decisions import rescore
from review.deps import AdminDep, CsrfDep, SessionDep, UserDep, render, safe_next, scope_of, sees_internals
from storage.blacklist import NotBlacklisted, lift_blacklist
from storage.leads import status_history
from storage.models import utcnow
from storage.sellers import get_seller, leads_of_seller, listings_of_seller, seller_history

router = APIRouter(include_in_schema=False)

LIFT_ERRORS = ("triage.lift_reason", "triage.not_blacklisted")


@router.get("/sellers/{seller_id}")
def seller_page(request: Request, seller_id: int, session: SessionDep, user: UserDep) -> Response:
    """A seller: its facts, listings, leads and history. Staff see every listing and the audit trail of
    all its leads; a brand owner finds the seller only through a lead on its brands and sees only those
    leads, their listings and their status history."""
    scope = scope_of(user)
    seller = get_seller(session=session, seller_id=seller_id, scope=scope)
    if seller is None:
        raise HTTPException(404, "error.404")
    leads = leads_of_seller(session=session, seller_id=seller.id, scope=scope)
    internal = sees_internals(user)
    statuses: list[tuple[datetime, int, str]] = []
    if not internal:
        for lead, _title in leads:
            statuses += [
                (at, lead.id, status) for at, status in status_history(session=session, lead_id=lead.id)
            ]
        statuses.sort(key=lambda item: (item[0], item[1]), reverse=True)
    error = request.query_params.get("error")
    return render(
        request,
        "seller.html",
        seller=seller,
        listings=listings_of_seller(session=session, seller_id=seller.id, scope=scope),
        leads=leads,
        events=seller_history(session=session, seller_id=seller.id) if internal else [],
        statuses=statuses,
        error=error if error in LIFT_ERRORS else None,
        lifted=request.query_params.get("lifted") == "1",
    )


@router.post("/blacklist/{seller_id}/lift", dependencies=[CsrfDep])
def lift(
    request: Request,
    seller_id: int,
    session: SessionDep,
    user: AdminDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Take a seller off the blacklist (admins): the reason is required and kept in the audit trail;
    the seller's listings are scored again without the blacklist's weight."""
    back = safe_next(next, default=f"/sellers/{seller_id}")
    joiner = "&" if "?" in back else "?"
    if get_seller(session=session, seller_id=seller_id) is None:
        raise HTTPException(404, "error.404")
    if not reason.strip():
        return RedirectResponse(back + joiner + urlencode({"error": "triage.lift_reason"}), status_code=303)
    try:
        relisted = lift_blacklist(
            session=session, seller_id=seller_id, user_id=user.id, reason=reason, now=utcnow()
        )
    except NotBlacklisted:
        session.rollback()
        return RedirectResponse(
            back + joiner + urlencode({"error": "triage.not_blacklisted"}), status_code=303
        )
    session.commit()
    if relisted:
        rescore(request, session, relisted)
        session.commit()
    invalidate_counts(request)
    return RedirectResponse(back + joiner + "lifted=1", status_code=303)
