"""Evidence captures on the lead page: the list of a lead's captures, and the re-capture button.

The web app does not run Chromium: the button queues a capture (``storage.captures.request_capture``,
an audit event in the lead's trail) that the scheduler's ``capture`` job takes within minutes
(``markwatch evidence capture --pending`` takes it at once).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from review.deps import EVIDENCE_ROLES, CsrfDep, SessionDep, UserDep, scope_of
from review.i18n import MESSAGES
from storage.captures import lead_captures, pending_captures, request_capture
from storage.leads import get_lead
from storage.models import Lead

router = APIRouter(include_in_schema=False)


def captures_context(session: Session, lead: Lead) -> dict[str, Any]:
    """What the lead page's captures partial (``_captures.html``) shows: every evidence capture, newest
    first, each with its failure code (translated there) and detail; and how many are waiting."""
    found = lead_captures(session=session, lead_id=lead.id)
    rows = sorted([*found.successful, *found.failed], key=lambda s: (s.fetched_at, s.id), reverse=True)
    shown = []
    for s in rows:
        code, _, detail = (s.failed_reason or "").partition(":")
        key = f"capture.reason.{code.strip()}"
        shown.append(
            {
                "snapshot": s,
                "code": code.strip() or None,
                "reason_key": key if key in MESSAGES else None,
                "detail": detail.strip()[:300] or None,
            }
        )
    return {
        "captures": shown,
        "captures_pending": len(pending_captures(session=session, lead_id=lead.id)),
    }


@router.post("/leads/{lead_id}/capture", dependencies=[CsrfDep])
def recapture(lead_id: int, session: SessionDep, user: UserDep) -> Response:
    """Queue a new evidence capture of the lead's page (reviewers, investigators, admins)."""
    lead = get_lead(session=session, lead_id=lead_id, scope=scope_of(user))
    if lead is None:
        raise HTTPException(404, "error.404")
    if user.role not in EVIDENCE_ROLES:
        raise HTTPException(403, "error.403")
    request_capture(session=session, lead_id=lead.id, trigger="web", user_id=user.id, by=user.name)
    session.commit()
    return RedirectResponse(f"/leads/{lead_id}?captured=1#captures", status_code=303)
