"""The queue page `/` with its filters, counts, paging and bulk actions, and its CSV/XLSX exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from review import format as fmt
from review.counts import counts_alongside
from review.decisions import NEEDS_NOTE, ROLES, DecisionRefused, LeadConflict, check_request, decide
from review.deps import (
    DECIDERS,
    BadInput,
    CsrfDep,
    SessionDep,
    UserDep,
    lang_of,
    render,
    safe_next,
    scope_of,
    sees_internals,
)
from review.filters import FILTER_PARAMS, STATUSES, parse_filter, parse_new_since, parse_sort
from review.i18n import label, translate
from review.routing import departments, routing_table
from review.triage import QueueView
from scoring.types import VIOLATIONS
from storage.images import first_images
from storage.leads import leads_by_ids
from storage.models import User
from storage.search import (
    FACETS,
    OPEN_STATUSES,
    SORTS,
    QueueRow,
    filter_choices,
    iter_queue,
    queue_page,
    resolve_text,
)
from storage.users import mark_queue_visit

router = APIRouter(include_in_schema=False)

PER_PAGE = 50


@router.get("/")
def queue(request: Request, session: SessionDep, user: UserDep, page: int = 1) -> Response:
    settings = request.app.state.settings
    params = request.query_params
    if not any(k in params for k in FILTER_PARAMS):
        # every open lead, those flagged since the previous visit first: pin that visit in the address,
        # so reloads and paging mark the same leads as new
        previous = mark_queue_visit(session=session, user_id=user.id)
        session.commit()
        target = {"new_since": previous.isoformat()} if previous else {"status": "open"}
        return RedirectResponse("/?" + urlencode(target), status_code=303)
    filters = resolve_text(
        session=session, filters=parse_filter(params, user, percent=True, tz=settings.timezone)
    )
    sort, new_since = parse_sort(params), parse_new_since(params)
    counting = counts_alongside(request, filters)
    result = queue_page(
        session=session,
        filters=filters,
        page=max(1, min(page, 100_000)),
        per_page=PER_PAGE,
        sort=sort,
        fresh_since=None if filters.since else new_since,
    )
    counts = counting.result()
    choices = filter_choices(session=session, scope=filters.scope)
    return render(
        request,
        "queue.html",
        result=result,
        counts=counts,
        choices=choices,
        filters=filters,
        params=params,
        sort=sort,
        sorts=SORTS,
        new_since=new_since,
        fresh_ids=_fresh_ids(result.rows, None if filters.since else new_since),
        facets=FACETS,
        statuses=STATUSES,
        departments=departments(routing_table(settings)),
        violations=VIOLATIONS,
        can_decide=user.role in DECIDERS["confirm"],
        next_url=request.url.path + "?" + request.url.query,
        notice=params.get("done"),
        bulk_error=params.get("bulk_error") if params.get("bulk_error") in BULK_ERRORS else None,
        view=QueueView({k: v for k, v in params.items() if k in FILTER_PARAMS}),
        triage_end=_triage_end(params),
        thumbnails=first_images(session=session, listing_ids=[r.listing_id for r in result.rows]),
    )


def _triage_end(params: Mapping[str, str]) -> tuple[int, str] | None:
    """Triage mode came back from the view's last lead: (its id, the decision taken on it)."""
    lead_id, action = params.get("triage_end", ""), params.get("triage_action", "")
    if lead_id.isdigit() and len(lead_id) < 12 and action in ROLES:
        return int(lead_id), action
    return None


def _fresh_ids(rows: list[QueueRow], since: datetime | None) -> set[int]:
    """The rows flagged at or after the previous visit (stored times may be naive UTC)."""
    if since is None:
        return set()
    return {
        r.id for r in rows if (r.last_flagged_at.replace(tzinfo=r.last_flagged_at.tzinfo or UTC)) >= since
    }


BULK_ERRORS = {*NEEDS_NOTE.values(), "error.department"}  # what a bulk form can lack: shown on the queue


@router.post("/bulk", dependencies=[CsrfDep])
def bulk(
    request: Request,
    session: SessionDep,
    user: UserDep,
    action: Annotated[str, Form()],
    ids: Annotated[list[int] | None, Form()] = None,
    versions: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form(max_length=2000)] = "",
    department: Annotated[str, Form(max_length=32)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """One decision on the selected leads, each on the version the queue page showed (``versions``:
    ``id:version`` of every row). A lead changed since, or whose status does not allow the decision, is
    skipped and reported back (``changed=`` and ``refused=`` with their ids); the others are decided."""
    back = safe_next(next)
    joiner = "&" if "?" in back else "?"
    try:
        check_request(user, action, note, department or None)
    except DecisionRefused as exc:  # a missing reason: back on the same queue, which says what is missing
        return RedirectResponse(f"{back}{joiner}{urlencode({'bulk_error': exc.detail})}", status_code=303)
    if not ids:
        raise HTTPException(400, "error.no_selection")
    shown = _versions(versions or [])
    leads = leads_by_ids(session=session, ids=ids[:500], scope=scope_of(user))
    done: list[int] = []
    changed: list[int] = []
    refused: list[int] = []
    for lead in sorted(leads, key=lambda lead: lead.id):
        try:
            decide(
                request,
                session,
                user,
                lead,
                action=action,
                note=note,
                department=department or None,
                version=shown.get(lead.id),
            )
        except LeadConflict:
            changed.append(lead.id)
        except DecisionRefused as exc:
            if exc.detail != "error.transition":
                raise
            refused.append(lead.id)
        else:
            done.append(lead.id)
    session.commit()
    report = urlencode(
        {"done": len(done)}
        | ({"changed": ",".join(map(str, changed))} if changed else {})
        | ({"refused": ",".join(map(str, refused))} if refused else {})
    )
    return RedirectResponse(f"{back}{joiner}{report}", status_code=303)


def _versions(values: list[str]) -> dict[int, int]:
    """``{lead id: version}`` from ``id:version`` form values; 400 naming a malformed one."""
    shown = {}
    for value in values:
        lead_id, _, version = value.partition(":")
        if not (lead_id.isdigit() and version.isdigit()):
            raise BadInput("versions", "not_a_number", value=value)
        shown[int(lead_id)] = int(version)
    return shown


# --- exports ---------------------------------------------------------------------------------------------

COLUMNS = (
    "id",
    "risk",
    "status",
    "violation",
    "department",
    "brand",
    "platform",
    "title",
    "url",
    "price",
    "currency",
    "sold",
    "seller",
    "flagged",
    "transfer",
    "link",
)
# XLSX column widths (characters) and number formats; a column not named here is 14 wide
WIDTHS = {"id": 9, "risk": 8, "title": 48, "url": 36, "price": 11, "currency": 7, "seller": 22, "link": 36}
NUMBER_FORMATS = {"risk": "0.0%", "price": "#,##0.00", "sold": "#,##0"}


INTERNAL_COLUMNS = ("department", "transfer")  # not in a brand owner's export


def export_columns(user: User) -> tuple[str, ...]:
    return COLUMNS if sees_internals(user) else tuple(c for c in COLUMNS if c not in INTERNAL_COLUMNS)


def _export_rows(
    rows: Iterable[QueueRow],
    lang: str,
    tz: str,
    columns: tuple[str, ...] = COLUMNS,
    link: Callable[[int], str] = lambda lead_id: f"/leads/{lead_id}",
) -> Iterable[list[object]]:
    # every cell goes through the guard: platform, brand, department and the currency are scraped too
    for r in rows:
        cells = dict(
            zip(
                COLUMNS,
                (
                    r.id,
                    round(r.risk, 4),
                    label("status", r.status, lang),
                    label("violation", r.violation, lang),
                    r.department or "",
                    r.brand or "",
                    r.platform,
                    r.title,
                    r.url or "",
                    "" if r.price is None else round(r.price, 2),
                    "" if r.price is None else r.currency,
                    "" if r.sold is None else r.sold,
                    r.seller or "",
                    fmt.local_time(r.last_flagged_at, tz),
                    translate("yes" if r.transfer_review else "no", lang),
                    link(r.id),
                ),
                strict=True,
            )
        )
        yield [fmt.spreadsheet_cell(cells[c]) for c in columns]


def _lead_link(request: Request) -> Callable[[int], str]:
    """Each lead's page, under MARKWATCH_PUBLIC_URL or else the address this request reached."""
    settings = request.app.state.settings
    served = str(request.base_url)
    return lambda lead_id: settings.public_link(f"/leads/{lead_id}", served=served)


@router.get("/export.csv")
def export_csv(request: Request, session: SessionDep, user: UserDep) -> Response:
    settings = request.app.state.settings
    lang = lang_of(request)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV as Chinese only with the BOM
    writer = csv.writer(buffer)
    columns = export_columns(user)
    writer.writerow([translate(f"col.{c}", lang) for c in columns])
    rows = _export_source(request, session, user)
    writer.writerows(_export_rows(rows, lang, settings.timezone, columns, _lead_link(request)))
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": _attachment("csv")},
    )


@router.get("/export.xlsx")
def export_xlsx(request: Request, session: SessionDep, user: UserDep) -> Response:
    """The queue view as a typed sheet: numbers as numbers (risk as a percentage, price beside its
    currency), set widths, a frozen header row, an autofilter and each lead's page as a link."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    settings = request.app.state.settings
    lang = lang_of(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(translate("queue.title", lang))
    columns = export_columns(user)
    for i, c in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = WIDTHS.get(c, 14)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for c in columns:
        cell = WriteOnlyCell(sheet, value=translate(f"col.{c}", lang))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    rows = _export_source(request, session, user)
    for values in _export_rows(rows, lang, settings.timezone, columns, _lead_link(request)):
        cells = []
        for c, value in zip(columns, values, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if c in NUMBER_FORMATS and isinstance(value, int | float):
                cell.number_format = NUMBER_FORMATS[c]
            elif c == "link" and isinstance(value, str) and value.startswith(("http://", "https://")):
                cell.hyperlink, cell.style = value, "Hyperlink"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return StreamingResponse(
        iter([out.getvalue()]),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": _attachment("xlsx")},
    )


def _export_source(request: Request, session: SessionDep, user: User) -> Iterable[QueueRow]:
    """The rows of the view an export was asked for, in the order the queue shows them."""
    settings = request.app.state.settings
    filters = parse_filter(request.query_params, user, percent=True, tz=settings.timezone)
    return iter_queue(session=session, filters=filters, sort=parse_sort(request.query_params))


def _attachment(ext: str) -> str:
    stamp = datetime.now(UTC).astimezone(fmt.zone()).strftime("%Y%m%d-%H%M")
    return f'attachment; filename="markwatch-queue-{stamp}.{ext}"'


__all__ = ["OPEN_STATUSES", "parse_filter", "router"]
