"""The lead page's re-capture button: ``POST /leads/{id}/capture`` (the list is ``review.captures``).

The web app does not run Chromium: the button queues a capture (``storage.captures.request_capture``,
an audit event in the lead's trail) that the scheduler's ``capture`` job takes within minutes
(``markwatch evidence capture --pending`` takes it at once).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from review.deps import EVIDENCE_ROLES, CsrfDep, SessionDep, UserDep, scope_of
from storage.captures import request_capture
from storage.leads import get_lead

router = APIRouter(include_in_schema=False)


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
