"""The lead page `/leads/{id}`, decisions on it, and its snapshots served sandboxed."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from review.assignment import AssigneeChanged, assignable_users, change_assignee
from review.blobs import blob_or_404, image_response
from review.captures import captures_context
from review.counts import invalidate_counts
from review.decisions import (
    NEEDS_CONFIRMATION,
    ROLES,
    LeadConflict,
    allowed_actions,
    check_decision,
    decide,
)
from review.deps import (
    EVIDENCE_ROLES,
    BadInput,
    CsrfDep,
    SessionDep,
    UserDep,
    render,
    scope_of,
    sees_internals,
)
from review.i18n import MESSAGES
from review.routing import departments, routing_table
from review.triage import QueueView, neighbour, queue_view
from review.uscc import check
from storage.assignment import ASSIGN_ACTIONS
from storage.evidence import listing_snapshots, price_history
from storage.images import listing_image, listing_images
from storage.leads import (
    get_lead,
    get_snapshot,
    lead_events,
    listing_visible,
    seller_leads,
    seller_listings,
    status_history,
)
from storage.models import Lead, Role, User
from storage.queue import estimated_sales
from storage.queue_rules import CRIMINAL_THRESHOLD

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

# The snapshot is the scraped page itself: hostile. It runs sandboxed (no script, unique origin),
# may load nothing from the network (no beacon back to the seller), and is never sniffed as anything else.
SNAPSHOT_CSP = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "frame-ancestors 'self'; form-action 'none'; base-uri 'none'"
)


def _uscc(licence: str | None) -> Any:
    if not licence:
        return None
    try:
        return check(licence)
    except Exception:  # noqa: BLE001 - a checker bug must not take the lead page down
        log.exception("USCC check failed")
        return None


def safe_url(url: str | None) -> str | None:
    """A link is offered only for http(s) URLs; anything else (javascript:, data:) is shown as text."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


@router.get("/leads/{lead_id}")
def lead_page(request: Request, lead_id: int, session: SessionDep, user: UserDep) -> Response:
    lead = get_lead(session=session, lead_id=lead_id, scope=scope_of(user))
    if lead is None:
        raise HTTPException(404, "error.404")
    return _lead_page(request, session, user, lead)


def _open_case(session: Session, seller: Any) -> Any:
    """The case of the seller's network, unless it was closed or merged into another."""
    from storage.models import CaseStatus
    from storage.networks import case_of_seller

    case = case_of_seller(session=session, seller_id=seller.id) if seller else None
    return case if case is not None and case.status not in (CaseStatus.closed, CaseStatus.merged) else None


def _lead_page(
    request: Request,
    session: Session,
    user: User,
    lead: Lead,
    status_code: int = 200,
    view: QueueView | None = None,
    **extra: Any,
) -> Response:
    """The lead page in the queue ``view`` it was opened from (default: the address's ``queue``);
    ``extra``: a decision waiting for its confirmation, or a conflict to show."""
    settings = request.app.state.settings
    scope = scope_of(user)
    table = routing_table(settings)
    listing = lead.listing
    seller = listing.seller
    sales = estimated_sales(listing)
    prices = price_history(session=session, listing_id=listing.id)
    error = request.query_params.get("error")
    view = view or queue_view(request.query_params.get("queue"))
    try:
        previous_id = neighbour(session, user, view, lead.id, settings.timezone, forward=False)
        next_id = neighbour(session, user, view, lead.id, settings.timezone, forward=True)
    except BadInput:  # a hand-edited queue address: the lead page still opens, without neighbours
        previous_id = next_id = None
    decided = request.query_params.get("decided", "")
    return render(
        request,
        "lead.html",
        status_code,
        lead=lead,
        listing=listing,
        seller=seller,
        safe_url=safe_url(listing.url),
        reasons=(lead.score.reasons if lead.score else []) or [],
        # a brand owner sees when the status changed, never who decided, notes or departments
        events=lead_events(session=session, lead_id=lead.id) if sees_internals(user) else [],
        history=[] if sees_internals(user) else status_history(session=session, lead_id=lead.id),
        prices=prices,
        price_svg=_price_svg(request, prices),
        snapshots=listing_snapshots(session=session, listing_id=listing.id),
        images=listing_images(session=session, listing_id=listing.id),
        # a brand owner sees nothing of other brands: not even the seller's other (unflagged) listings
        other_listings=seller_listings(session=session, seller_id=seller.id, exclude_listing_id=listing.id)
        if seller and scope is None
        else [],
        other_leads=seller_leads(session=session, seller_id=seller.id, exclude_lead_id=lead.id, scope=scope)
        if seller
        else [],
        uscc=_uscc(seller.licence if seller else None),
        case=_open_case(session, seller),
        sales=sales,
        threshold=settings.criminal_threshold_cny,
        departments=departments(table),
        suggested=table.get(CRIMINAL_THRESHOLD if lead.transfer_review else lead.violation or ""),
        can_evidence=user.role in EVIDENCE_ROLES,
        allowed=allowed_actions(lead.status, user.role),
        needs_confirmation=NEEDS_CONFIRMATION,
        error=error if error in MESSAGES else None,
        notice=request.query_params.get("done") if request.query_params.get("done") in ROLES else None,
        blacklisted_now=request.query_params.get("blacklisted") == "1",
        capture_queued=request.query_params.get("captured") == "1",
        **captures_context(session, lead),
        view=view,
        assignee=session.get(User, lead.assignee_id) if lead.assignee_id else None,
        staff=assignable_users(session=session) if user.role == Role.admin.value else [],
        assigned=request.query_params.get("assigned")
        if request.query_params.get("assigned") in ASSIGN_ACTIONS
        else None,
        previous_id=previous_id,
        next_id=next_id,
        decided=int(decided) if decided.isdigit() and len(decided) < 12 else None,
        **extra,
    )


def _price_svg(request: Request, prices: list[Any]) -> Any:
    from review import format as fmt
    from review.charts import price_chart
    from review.deps import lang_of
    from review.i18n import translate

    settings = request.app.state.settings
    return price_chart(
        [(p.observed_at, p.price) for p in prices],
        label=translate("lead.price_history", lang_of(request)),
        fmt_time=lambda when: fmt.local_time(when, settings.timezone),
        fmt_money=fmt.money,
    )


@router.post("/leads/{lead_id}/decision", dependencies=[CsrfDep])
def decision(
    request: Request,
    lead_id: int,
    session: SessionDep,
    user: UserDep,
    action: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
    department: Annotated[str, Form(max_length=32)] = "",
    version: Annotated[int | None, Form()] = None,
    confirmed: Annotated[str, Form()] = "",
    queue: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """A decision from the lead page, on the version the page showed. Escalation and transfer to the
    police are asked once more (the page again, with the note, and a confirm button) before they are made.
    A lead changed since the page was loaded answers 409 with the page as it is now.

    Triage mode: once decided, the reviewer goes on to the next lead of the queue view the page was
    opened from (``queue``: the queue's query string), or back to that view when this was its last."""
    view = queue_view(queue)
    lead = get_lead(session=session, lead_id=lead_id, scope=scope_of(user))
    if lead is None:
        raise HTTPException(404, "error.404")
    try:
        if action in NEEDS_CONFIRMATION and confirmed != "1":
            check_decision(session, lead, user, action, note, department or None, version)
            pending = {"action": action, "note": note, "department": department, "version": lead.version}
            return _lead_page(request, session, user, lead, view=view, confirm=pending)
        outcome = decide(
            request,
            session,
            user,
            lead,
            action=action,
            note=note,
            department=department or None,
            version=version,
        )
    except LeadConflict as exc:
        session.rollback()
        lead = get_lead(session=session, lead_id=lead_id, scope=scope_of(user))
        assert lead is not None
        return _lead_page(request, session, user, lead, 409, view=view, conflict=exc.conflict)
    except HTTPException as exc:
        if exc.status_code == 400 and str(exc.detail) in MESSAGES:
            return RedirectResponse(view.lead_url(lead_id, error=str(exc.detail)), status_code=303)
        raise
    session.commit()
    return RedirectResponse(_after_decision(request, session, user, view, lead_id, action, outcome), 303)


def _after_decision(
    request: Request, session: Session, user: User, view: QueueView, lead_id: int, action: str, outcome: Any
) -> str:
    """Where triage mode goes after a decision on ``lead_id``: the next lead of ``view`` with a notice of
    what was recorded, or the view itself with "the end of the queue" when there is none."""
    notice = {"done": action, "decided": str(lead_id)}
    if outcome.blacklisted_seller is not None:
        notice["blacklisted"] = "1"
    try:
        following = neighbour(session, user, view, lead_id, request.app.state.settings.timezone, forward=True)
    except BadInput:
        following = None
    if following is None:
        end = {"triage_end": str(lead_id), "triage_action": action}
        return view.queue_url(**end, **({"blacklisted": "1"} if "blacklisted" in notice else {}))
    return view.lead_url(following, **notice)


@router.post("/leads/{lead_id}/assignee", dependencies=[CsrfDep])
def assignee(
    request: Request,
    lead_id: int,
    session: SessionDep,
    user: UserDep,
    action: Annotated[str, Form(max_length=32)],
    assignee: Annotated[str, Form(max_length=12)] = "",
    was: Annotated[str, Form(max_length=12)] = "",
    queue: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Claim the lead, assign it to a staff member (admin) or release it; back to the lead page in its
    queue view, saying what was done, or who got there first."""
    view = queue_view(queue)
    lead = get_lead(session=session, lead_id=lead_id, scope=scope_of(user))
    if lead is None:
        raise HTTPException(404, "error.404")
    for name, value in (("assignee", assignee), ("was", was)):
        if value and not value.isdigit():
            raise BadInput(name, "not_a_number", value=value)
    try:
        change_assignee(
            session,
            user,
            lead,
            action=action,
            assignee_id=int(assignee) if assignee else None,
            was=int(was) if was else None,
        )
    except AssigneeChanged:
        session.rollback()
        return RedirectResponse(view.lead_url(lead_id, error="triage.assignee_changed"), status_code=303)
    session.commit()
    invalidate_counts(request)
    return RedirectResponse(view.lead_url(lead_id, assigned=action), status_code=303)


def _snapshot_or_404(session: Session, user: User, snapshot_id: int) -> Any:
    snapshot = get_snapshot(session=session, snapshot_id=snapshot_id, scope=scope_of(user))
    if snapshot is None:
        raise HTTPException(404, "error.404")
    return snapshot


@router.get("/snapshots/{snapshot_id}/html")
def snapshot_html(request: Request, snapshot_id: int, session: SessionDep, user: UserDep) -> Response:
    snapshot = _snapshot_or_404(session, user, snapshot_id)
    return Response(
        blob_or_404(request.app.state.db, snapshot.html_sha256),
        media_type="text/html",
        headers={
            "Content-Security-Policy": SNAPSHOT_CSP,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "SAMEORIGIN",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Resource-Policy": "same-origin",
        },
    )


@router.get("/snapshots/{snapshot_id}/screenshot")
def snapshot_screenshot(request: Request, snapshot_id: int, session: SessionDep, user: UserDep) -> Response:
    snapshot = _snapshot_or_404(session, user, snapshot_id)
    return image_response(request.app.state.db, snapshot.screenshot_sha256)


@router.get("/listings/{listing_id}/images/{sha256}")
def listing_image_file(
    request: Request, listing_id: int, sha256: str, session: SessionDep, user: UserDep
) -> Response:
    """A listing's image as the crawler stored it (never the marketplace's address: no hot-linking)."""
    if not listing_visible(session=session, listing_id=listing_id, scope=scope_of(user)):
        raise HTTPException(404, "error.404")
    image = listing_image(session=session, listing_id=listing_id, sha256=sha256.lower())
    if image is None:
        raise HTTPException(404, "error.404")
    return image_response(request.app.state.db, image.sha256)
