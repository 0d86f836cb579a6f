"""The JSON API under /api/v1 (OpenAPI at /docs): leads, decisions, evidence packets, brands.

Scripts send ``Authorization: Bearer TOKEN`` (`markwatch users token NAME`); a browser session works
too, with the ``X-CSRF-Token`` header on POST. A brand owner's lead outside its brands answers 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from review.decisions import LeadConflict, decide
from review.deps import (
    EVIDENCE_ROLES,
    BadInput,
    CsrfDep,
    JsonBodyDep,
    SessionDep,
    UserDep,
    lang_of,
    scope_of,
    sees_internals,
)
from review.filters import parse_filter, parse_sort
from review.i18n import translate
from review.registrations import Refusal, register_brand, registration_entry, resemblances
from review.schemas import (
    BrandCreate,
    BrandPublic,
    ConflictPublic,
    DecisionIn,
    EventPublic,
    LeadDetail,
    LeadList,
    LeadPublic,
    ReasonPublic,
    StatusChangePublic,
)
from storage.errors import MarkwatchError
from storage.leads import get_lead, lead_events, status_history
from storage.models import Lead, Role, User
from storage.queue import estimated_sales
from storage.search import DEFAULT_SORT, SORTS, QueueRow, queue_page, resolve_text
from storage.users import brands_for_user

router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[JsonBodyDep])


def _public(row: QueueRow, user: User) -> LeadPublic:
    lead = LeadPublic(**row.__dict__)
    if not sees_internals(user):
        lead.department = lead.transfer_review = lead.assignee = None
    return lead


def _assignee_name(session: Session, lead: Lead) -> str | None:
    assignee = session.get(User, lead.assignee_id) if lead.assignee_id else None
    return assignee.name if assignee else None


def _detail(session: Session, lead: Lead, user: User) -> LeadDetail:
    """A lead as the API shows it to ``user``: a brand owner gets the status history, not the audit
    trail, and no department or criminal-threshold flag."""
    internal = sees_internals(user)
    listing = lead.listing
    seller = listing.seller
    return LeadDetail(
        id=lead.id,
        brand=lead.brand.name if lead.brand else None,
        status=lead.status,
        risk=lead.risk,
        violation=lead.violation,
        department=lead.department if internal else None,
        title=listing.title,
        url=listing.url,
        platform=listing.platform.name,
        price=listing.price,
        currency=listing.currency,
        sold=listing.sold,
        seller=seller.name if seller else None,
        seller_blacklisted=bool(seller and seller.blacklisted),
        last_flagged_at=lead.last_flagged_at,
        first_flagged_at=lead.first_flagged_at,
        transfer_review=lead.transfer_review if internal else None,
        version=lead.version,
        assignee=_assignee_name(session, lead) if internal else None,
        estimated_sales=estimated_sales(listing),
        reasons=[ReasonPublic(**r) for r in (lead.score.reasons if lead.score else [])],
        events=[
            EventPublic(at=e.at, action=e.action, user=name or (e.detail or {}).get("by"), note=e.note)
            for e, name in (lead_events(session=session, lead_id=lead.id) if internal else [])
        ],
        history=[
            StatusChangePublic(at=at, status=status)
            for at, status in status_history(session=session, lead_id=lead.id)
        ],
    )


@router.get("/leads", response_model=LeadList, summary="Leads of the queue in its order (`sort`)")
def list_leads(
    request: Request,
    session: SessionDep,
    user: UserDep,
    platform: str | None = None,
    brand: str | None = None,
    violation: str | None = None,
    department: str | None = None,
    status: str = Query("open", description="a status, 'open' (new, in review, escalated) or 'all'"),
    risk_min: float | None = Query(None, ge=0, le=1),
    risk_max: float | None = Query(None, ge=0, le=1),
    since: str | None = Query(None, description="last flagged at or after (ISO 8601)"),
    q: str | None = Query(None, description="text in the title or seller name, or a lead id"),
    sort: str = Query(
        DEFAULT_SORT,
        description="the queue's order: " + ", ".join(SORTS) + "; a leading '-' for descending "
        "(sold: estimated sales, first_seen: first flagged); unknown prices and sales last",
    ),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
) -> LeadList:
    settings = request.app.state.settings
    params = {k: v for k, v in request.query_params.items()}
    filters = resolve_text(
        session=session, filters=parse_filter(params, user, percent=False, tz=settings.timezone)
    )
    result = queue_page(session=session, filters=filters, page=page, per_page=per_page, sort=_sort_of(sort))
    return LeadList(
        total=result.total, page=result.page, per_page=per_page, items=[_public(r, user) for r in result.rows]
    )


def _sort_of(sort: str) -> str:
    """The queue page's sort keys (review.filters.parse_sort); a bad one answers FastAPI's 422, naming
    the parameter, the value and every key it may be."""
    try:
        return parse_sort({"sort": sort})
    except BadInput as exc:
        choices = ", ".join(f"{k}, -{k}" for k in SORTS)
        error = {
            "type": "enum",
            "loc": ("query", "sort"),
            "msg": f"Input should be one of: {choices}",
            "input": sort,
            "ctx": {"expected": choices},
        }
        raise RequestValidationError([error]) from exc


@router.get(
    "/leads/{lead_id}", response_model=LeadDetail, summary="One lead with its reasons and audit trail"
)
def read_lead(lead_id: int, session: SessionDep, user: UserDep) -> LeadDetail:
    lead = get_lead(session=session, lead_id=lead_id, scope=scope_of(user))
    if lead is None:
        raise HTTPException(404, "error.404")
    return _detail(session, lead, user)


@router.post(
    "/leads/{lead_id}/decision",
    response_model=LeadDetail,
    dependencies=[CsrfDep],
    summary="Confirm, dismiss (note required), assign (department), escalate or transfer (note required), "
    "reopen (admin, note required), on the lead's version",
    responses={409: {"model": ConflictPublic, "description": "the lead changed since that version"}},
)
def post_decision(
    request: Request,
    lead_id: int,
    body: DecisionIn,
    session: SessionDep,
    user: UserDep,
    if_match: Annotated[str | None, Header(description="the lead's version, as in its `version`")] = None,
) -> Response | LeadDetail:
    lead = get_lead(session=session, lead_id=lead_id, scope=scope_of(user))
    if lead is None:
        raise HTTPException(404, "error.404")
    version = body.version if body.version is not None else _version_of(if_match)
    try:
        decide(
            request,
            session,
            user,
            lead,
            action=body.action,
            note=body.note,
            department=body.department,
            version=version,
        )
    except LeadConflict as exc:
        session.rollback()
        now = exc.conflict
        conflict = ConflictPublic(
            detail=translate("error.conflict", "en"),
            id=now.lead_id,
            status=now.status,
            version=now.version,
            changed_by=now.changed_by,
            changed_at=now.changed_at,
            action=now.action,
        )
        return JSONResponse(conflict.model_dump(mode="json"), status_code=409)
    session.commit()
    lead = get_lead(session=session, lead_id=lead_id, scope=scope_of(user))
    assert lead is not None
    return _detail(session, lead, user)


def _version_of(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header names: ``3``, ``"3"`` or ``W/"3"``; 400 for anything else."""
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise BadInput("If-Match", "not_a_number", value=if_match)
    return int(text)


@router.get(
    "/leads/{lead_id}/evidence",
    summary="The sealed evidence packet (ZIP) of a lead",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def evidence(
    request: Request, lead_id: int, session: SessionDep, user: UserDep, witness: str | None = None
) -> Response:
    lead = get_lead(session=session, lead_id=lead_id, scope=scope_of(user))
    if lead is None:
        raise HTTPException(404, "error.404")
    if user.role not in EVIDENCE_ROLES:
        raise HTTPException(403, "error.403")
    from datetime import UTC, datetime

    from review.evidence import build_packet
    from review.evidence.packet import InvalidWitness, packet_file_name

    session.close()  # build_packet works in its own unit of work (and records the export)
    via = "api" if request.state.via_token else "web"
    settings = request.app.state.settings
    now = datetime.now(UTC)
    witness = (witness or "").strip() or None
    try:
        data = build_packet(
            request.app.state.db,
            lead_id,
            user_name=user.name,
            now=now,
            via=via,
            settings=settings,
            witness=witness,
            lang=lang_of(request),  # report.pdf in the language of the page it was asked from
        )
    except InvalidWitness as exc:
        raise HTTPException(400, str(exc)) from None
    except MarkwatchError as exc:  # e.g. no CJK font installed for the PDF report
        raise HTTPException(503, str(exc)) from None
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{packet_file_name(lead_id, now, settings)}"'},
    )


@router.get("/brands", response_model=list[BrandPublic], summary="Brands you may see")
def list_brands(session: SessionDep, user: UserDep) -> list[BrandPublic]:
    return [
        BrandPublic(id=b.id, name=b.name, aliases=b.aliases, owner=b.owner, status=b.status)
        for b in brands_for_user(session=session, user=user)
    ]


@router.post(
    "/brands",
    response_model=BrandPublic,
    status_code=201,
    dependencies=[CsrfDep],
    summary="Register a brand (pending until an admin approves)",
)
def create_brand(request: Request, body: BrandCreate, session: SessionDep, user: UserDep) -> BrandPublic:
    if user.role not in (Role.admin, Role.brand_owner):
        raise HTTPException(403, "error.403")
    entry = registration_entry(
        name=body.name,
        aliases=body.aliases,
        owner=body.owner,
        registrations=[
            {
                **({"number": r.number} if r.number is not None else {}),
                "nice_class": r.nice_class,
                **({"international": True} if r.international else {}),
                **(r.model_extra or {}),
            }
            for r in body.registrations
        ],
        categories=body.categories,
        price_floor=body.price_floor,
        authorized_sellers=body.authorized_sellers,
        unknown=body.model_extra,
    )
    try:
        brand = register_brand(session, request.app.state.db, user, entry, [], source="api")
    except Refusal as refusal:
        raise HTTPException(422, "; ".join(refusal.messages)) from None
    session.commit()
    found = resemblances(request.app.state.db, brand) or []
    return BrandPublic(
        id=brand.id,
        name=brand.name,
        aliases=brand.aliases,
        owner=brand.owner,
        status=brand.status,
        resembles=[f"{f['mark']} ≈ {f['existing']}: {f['detail']}" for f in found],
    )
