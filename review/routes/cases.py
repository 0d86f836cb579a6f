"""The cases (案件线索): the list `/cases` (the queue's second tab), the case page `/cases/{id}`, the
reviewer's decisions on it (confirm, split, merge, transfer whole), its documents and the platforms'
responses, its evidence packet; and the JSON API `/api/v1/cases`.

A brand owner sees a case only through leads of its own brands, and only those leads and the shops
behind them (review.cases.view); every decision, document and export is staff's. Scraped text reaches
the page through Jinja's escaping and the SVG's own (review.cases.graph).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from review.cases.documents import MEDIA_TYPES, RECIPIENTS
from review.cases.service import (
    DocumentRefused,
    case_packet_file_name,
    default_recipient,
    document_file_name,
    export_case_packet,
    issue_document,
    transfer_plan,
)
from review.cases.view import CaseView, case_facts, load_case
from review.decisions import ROLES, TRANSITIONS, DecisionRefused, LeadConflict, decide
from review.deps import (
    DECIDERS,
    EVIDENCE_ROLES,
    STAFF,
    CsrfDep,
    JsonBodyDep,
    SessionDep,
    UserDep,
    lang_of,
    render,
    scope_of,
)
from review.i18n import translate
from review.routing import departments, routing_table
from storage import casework
from storage.errors import MarkwatchError
from storage.models import CaseStatus, User
from storage.networks import get_case, list_cases
from storage.queue_rules import CRIMINAL_THRESHOLD

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[JsonBodyDep])
log = logging.getLogger(__name__)

STATUSES = [s.value for s in CaseStatus]


def _view_or_404(request: Request, session: Session, user: User, case_id: int) -> CaseView:
    view = load_case(
        session, case_id, scope=scope_of(user), settings=request.app.state.settings, lang=lang_of(request)
    )
    if view is None:
        raise HTTPException(404, "error.404")
    return view


def _staff(user: User, roles: tuple[str, ...] = STAFF) -> None:
    if user.role not in roles:
        raise HTTPException(403, "error.403")


@router.get("/cases")
def cases_page(request: Request, session: SessionDep, user: UserDep, status: str = "") -> Response:
    scope = scope_of(user)
    rows = list_cases(
        session=session, status=status if status in STATUSES else None, brand_ids=scope, include_merged=False
    )
    return render(
        request,
        "cases.html",
        cases=rows,
        statuses=STATUSES,
        status=status,
        threshold=request.app.state.settings.criminal_threshold_cny,
    )


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, session: SessionDep, user: UserDep) -> Response:
    view = _view_or_404(request, session, user, case_id)
    return _render_case(request, session, user, view)


def _render_case(
    request: Request, session: Session, user: User, view: CaseView, status_code: int = 200, **extra: Any
) -> Response:
    settings = request.app.state.settings
    lang = lang_of(request)
    today = datetime.now(UTC).astimezone(ZoneInfo(settings.timezone)).date()
    overdue = (
        {d.id for d in casework.overdue_notices(session=session, today=today)} if view.internal else set()
    )
    done = request.query_params.get("done")
    return render(
        request,
        "case.html",
        status_code,
        view=view,
        svg=view.svg(lang),
        lead_by_listing={lead.listing_id: lead.id for lead in view.leads},
        departments=departments(routing_table(settings)),
        recipients=RECIPIENTS,
        platforms=view.data().platforms if view.internal else (),
        outcomes=casework.RESPONSES,
        overdue=overdue,
        split_form=view.internal
        and view.case.status in ("open", "confirmed")
        and user.role in DECIDERS["transfer"],
        done=done if done in ("confirm", "transfer", "merge", "split", "document", "response") else None,
        **extra,
    )


def _refused(request: Request, session: Session, user: User, case_id: int, reason: str) -> Response:
    session.rollback()
    view = _view_or_404(request, session, user, case_id)
    message = translate("error.case", lang_of(request), reason=reason)
    return _render_case(request, session, user, view, 400, error=message)


def _done(case_id: int, what: str) -> Response:
    return RedirectResponse(f"/cases/{case_id}?done={what}", status_code=303)


@router.post("/cases/{case_id}/confirm", dependencies=[CsrfDep])
def confirm(
    request: Request,
    case_id: int,
    session: SessionDep,
    user: UserDep,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    view = _view_or_404(request, session, user, case_id)
    _staff(user, DECIDERS["confirm"])
    try:
        casework.confirm_case(session=session, case=view.case, user_id=user.id, note=note)
    except MarkwatchError as exc:
        return _refused(request, session, user, case_id, str(exc))
    session.commit()
    return _done(case_id, "confirm")


@router.post("/cases/{case_id}/merge", dependencies=[CsrfDep])
def merge(
    request: Request,
    case_id: int,
    session: SessionDep,
    user: UserDep,
    other: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    view = _view_or_404(request, session, user, case_id)
    _staff(user, DECIDERS["transfer"])
    number = other.strip().upper().removeprefix("MW-C-")
    if not number.isdigit():
        return _refused(request, session, user, case_id, f"{other!r} is not a case number")
    try:
        target = get_case(session=session, case_id=int(number))
        outcome = casework.merge_cases(
            session=session, case=view.case, other=target, user_id=user.id, note=note
        )
    except MarkwatchError as exc:
        return _refused(request, session, user, case_id, str(exc))
    session.commit()
    return _done(outcome.into.id, "merge")


@router.post("/cases/{case_id}/split", dependencies=[CsrfDep])
def split(
    request: Request,
    case_id: int,
    session: SessionDep,
    user: UserDep,
    sellers: Annotated[list[int], Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    view = _view_or_404(request, session, user, case_id)
    _staff(user, DECIDERS["transfer"])
    try:
        casework.split_case(session=session, case=view.case, seller_ids=sellers, user_id=user.id, note=note)
    except MarkwatchError as exc:
        return _refused(request, session, user, case_id, str(exc))
    session.commit()
    return _done(case_id, "split")


def transfer_whole(
    request: Request,
    session: Session,
    user: User,
    view: CaseView,
    *,
    to: str,
    recipient: str,
    department: str | None,
    note: str,
) -> tuple[list[int], list[int]]:
    """Transfer the case whole: each lead takes the decision the plan says (assign to the department, or
    transfer), on the lead page's rules; leads whose status does not allow it stay as they are. Then the
    case is marked and the hand-over document made. Returns (leads moved, leads left)."""
    settings = request.app.state.settings
    table = routing_table(settings)
    if department and department not in departments(table):
        raise DocumentRefused(f"unknown department {department!r}")
    plan = transfer_plan(to, department, table[CRIMINAL_THRESHOLD])
    if user.role not in ROLES[plan.action]:
        raise HTTPException(403, "error.403")
    if not note.strip():
        raise DocumentRefused("a transfer needs a note saying why")
    moved, left = [], []
    for lead in view.leads:
        if plan.action not in TRANSITIONS.get(lead.status, ()):
            left.append(lead.id)
            continue
        decide(
            request,
            session,
            user,
            lead,
            action=plan.action,
            note=f"随案件 {view.number} 整体移交：{note}",
            department=plan.department,
        )
        moved.append(lead.id)
    recipient = recipient.strip() or default_recipient(view, to)
    casework.transfer_case(
        session=session,
        case=view.case,
        user_id=user.id,
        to=to,
        recipient=recipient,
        department=plan.department,
        note=note,
        leads=moved,
        detail={"left": left},
    )
    issue_document(
        session,
        request.app.state.db.blobs,
        view,
        kind=to,
        recipient=recipient,
        user_id=user.id,
        settings=settings,
        note=note,
    )
    return moved, left


@router.post("/cases/{case_id}/transfer", dependencies=[CsrfDep])
def transfer(
    request: Request,
    case_id: int,
    session: SessionDep,
    user: UserDep,
    to: Annotated[str, Form(max_length=16)],
    note: Annotated[str, Form(max_length=2000)] = "",
    recipient: Annotated[str, Form(max_length=200)] = "",
    department: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    view = _view_or_404(request, session, user, case_id)
    _staff(user, DECIDERS["transfer"])
    try:
        transfer_whole(
            request, session, user, view, to=to, recipient=recipient, department=department or None, note=note
        )
    except (MarkwatchError, DecisionRefused, LeadConflict) as exc:
        return _refused(request, session, user, case_id, _reason(request, exc))
    session.commit()
    return _done(case_id, "transfer")


def _reason(request: Request, exc: Exception) -> str:
    if isinstance(exc, HTTPException):
        return translate(str(exc.detail), lang_of(request))
    return str(exc)


@router.post("/cases/{case_id}/documents", dependencies=[CsrfDep])
def make_document(
    request: Request,
    case_id: int,
    session: SessionDep,
    user: UserDep,
    kind: Annotated[str, Form(max_length=120)],
    recipient: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    view = _view_or_404(request, session, user, case_id)
    _staff(user)
    try:
        issue_document(
            session,
            request.app.state.db.blobs,
            view,
            kind=kind,
            recipient=recipient,
            user_id=user.id,
            settings=request.app.state.settings,
        )
    except MarkwatchError as exc:
        return _refused(request, session, user, case_id, str(exc))
    session.commit()
    return _done(case_id, "document")


@router.get("/cases/{case_id}/documents/{document_id}.{fmt}")
def document_file(
    request: Request, case_id: int, document_id: int, fmt: str, session: SessionDep, user: UserDep
) -> Response:
    view = _view_or_404(request, session, user, case_id)
    _staff(user)
    document = casework.get_document(session=session, document_id=document_id)
    if document is None or document.case_id != view.case.id or fmt not in MEDIA_TYPES:
        raise HTTPException(404, "error.404")
    digest = document.docx_sha256 if fmt == "docx" else document.pdf_sha256
    try:
        data = request.app.state.db.blobs.get(digest)
    except FileNotFoundError:
        raise HTTPException(404, "error.404") from None
    name = document_file_name(document, fmt)
    return Response(
        data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post("/cases/{case_id}/documents/{document_id}/response", dependencies=[CsrfDep])
def record_response(
    request: Request,
    case_id: int,
    document_id: int,
    session: SessionDep,
    user: UserDep,
    outcome: Annotated[str, Form(max_length=16)],
    day: Annotated[str, Form(max_length=10)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    view = _view_or_404(request, session, user, case_id)
    _staff(user)
    document = casework.get_document(session=session, document_id=document_id)
    if document is None or document.case_id != view.case.id:
        raise HTTPException(404, "error.404")
    try:
        when = _day_to_utc(day, request.app.state.settings.timezone)
        casework.record_response(
            session=session, document=document, outcome=outcome, responded_at=when, user_id=user.id, note=note
        )
    except (ValueError, MarkwatchError) as exc:
        return _refused(request, session, user, case_id, str(exc))
    session.commit()
    return _done(case_id, "response")


def _day_to_utc(day: str, tz: str) -> datetime:
    """A calendar day (YYYY-MM-DD, local) as the UTC time of its noon: when a platform acted that day."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise ValueError(f"{day!r} is not a date (YYYY-MM-DD)") from None
    return datetime.combine(parsed, time(12), tzinfo=ZoneInfo(tz)).astimezone(UTC)


@router.get("/cases/{case_id}/evidence")
def case_evidence(request: Request, case_id: int, session: SessionDep, user: UserDep) -> Response:
    return _packet_response(request, session, user, case_id, via="web")


def _packet_response(request: Request, session: Session, user: User, case_id: int, *, via: str) -> Response:
    _view_or_404(request, session, user, case_id)
    if user.role not in EVIDENCE_ROLES:
        raise HTTPException(403, "error.403")
    session.close()  # the export works in units of work of its own (and records itself)
    settings = request.app.state.settings
    now = datetime.now(UTC)
    try:
        data = export_case_packet(
            request.app.state.db, case_id, user_name=user.name, settings=settings, now=now, via=via
        )
    except MarkwatchError as exc:  # e.g. no CJK font installed for the PDF reports
        raise HTTPException(503, str(exc)) from None
    name = case_packet_file_name(case_id, now, settings)
    return Response(
        data, media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- JSON API ---------------------------------------------------------------------------------------------


class CaseSummaryPublic(BaseModel):
    id: int
    number: str
    network_id: int
    status: str
    sellers: int
    platforms: int
    leads: int
    estimated_sales: float | None  # null for a brand owner (the threshold figures are internal)
    updated_at: datetime


class CaseList(BaseModel):
    total: int
    items: list[CaseSummaryPublic]


@api.get("/cases", response_model=CaseList, summary="Cases (seller networks' leads), newest activity first")
def api_cases(
    session: SessionDep,
    user: UserDep,
    status: str | None = Query(None, description="open, confirmed, merged, closed, transferred"),
) -> CaseList:
    scope = scope_of(user)
    rows = list_cases(session=session, status=status if status in STATUSES else None, brand_ids=scope)
    items = [
        CaseSummaryPublic(
            id=r.case_id,
            number=f"MW-C-{r.case_id}",
            network_id=r.network_id,
            status=r.status,
            sellers=r.sellers,
            platforms=r.platforms,
            leads=r.leads,
            estimated_sales=r.estimated_sales if scope is None else None,
            updated_at=r.updated_at,
        )
        for r in rows
    ]
    return CaseList(total=len(items), items=items)


@api.get(
    "/cases/{case_id}",
    summary="One case: shops, evidence edges, leads with price × sold, the sum against the criminal "
    "threshold, jurisdiction, department, documents (a brand owner: its own brands' leads only)",
)
def api_case(request: Request, case_id: int, session: SessionDep, user: UserDep) -> JSONResponse:
    view = _view_or_404(request, session, user, case_id)
    return JSONResponse(case_facts(view))


@api.get(
    "/cases/{case_id}/evidence",
    summary="The case's sealed evidence packet (ZIP): every lead's packet and the documents",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def api_case_evidence(request: Request, case_id: int, session: SessionDep, user: UserDep) -> Response:
    return _packet_response(request, session, user, case_id, via="api" if request.state.via_token else "web")
