"""The queue page `/` with its filters, counts, paging and bulk actions, and its CSV/XLSX exports."""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from review import format as fmt
from review.deps import DECIDERS, BadInput, CsrfDep, SessionDep, UserDep, lang_of, render, safe_next, scope_of
from review.i18n import label, translate
from review.routing import departments, routing_table
from scoring.types import VIOLATIONS
from storage.leads import (
    FACETS,
    OPEN_STATUSES,
    QueueFilter,
    QueueRow,
    facet_base,
    facet_combos,
    filter_choices,
    iter_queue,
    leads_by_ids,
    queue_counts,
    queue_page,
    resolve_text,
)
from storage.models import LeadStatus, User
from storage.users import mark_queue_visit

router = APIRouter(include_in_schema=False)

FILTER_PARAMS = (
    "platform",
    "brand",
    "violation",
    "department",
    "status",
    "risk_min",
    "risk_max",
    "from",
    "to",
    "since",
    "q",
)
STATUSES = ("open", "all", *(s.value for s in LeadStatus))
PER_PAGE = 50


def _risk(value: str | None, *, percent: bool, name: str) -> float | None:
    if value is None or value.strip() == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadInput(name, "not_a_number", value=value) from None
    number = number / 100 if percent else number
    if not 0 <= number <= 1:
        raise BadInput(name, "out_of_range", value=value, low=0, high=100 if percent else 1)
    return number


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(name, "not_a_date", value=value) from None


def parse_filter(params: Mapping[str, str], user: User, *, percent: bool, tz: str) -> QueueFilter:
    """A queue filter from query parameters (the page, the exports and the API share it)."""
    status = params.get("status") or "open"
    if status not in STATUSES:
        raise BadInput("status", "one_of", value=status, choices=", ".join(STATUSES))
    since_raw = params.get("since")
    since = None
    if since_raw and since_raw != "all":
        try:
            since = datetime.fromisoformat(since_raw)
        except ValueError:
            raise BadInput("since", "not_a_time", value=since_raw) from None
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
    day_from, day_to = _day(params.get("from"), "from"), _day(params.get("to"), "to")
    text = (params.get("q") or "").strip()[:200] or None
    return QueueFilter(
        platform=params.get("platform") or None,
        brand=params.get("brand") or None,
        violation=params.get("violation") or None,
        department=params.get("department") or None,
        status=status,
        risk_min=_risk(params.get("risk_min"), percent=percent, name="risk_min"),
        risk_max=_risk(params.get("risk_max"), percent=percent, name="risk_max"),
        flagged_from=fmt.day_start_utc(day_from, tz) if day_from else None,
        flagged_to=fmt.day_end_utc(day_to, tz) if day_to else None,
        since=since,
        text=text,
        scope=scope_of(user),
    )


@router.get("/")
def queue(request: Request, session: SessionDep, user: UserDep, page: int = 1) -> Response:
    settings = request.app.state.settings
    params = request.query_params
    if not any(k in params for k in FILTER_PARAMS):
        # "since the last visit": pin the previous visit in the address, so reloads show the same view
        previous = mark_queue_visit(session=session, user_id=user.id)
        session.commit()
        target = {"since": previous.isoformat() if previous else "all"}
        return RedirectResponse("/?" + urlencode(target), status_code=303)
    filters = resolve_text(
        session=session, filters=parse_filter(params, user, percent=True, tz=settings.timezone)
    )
    counting = counts_alongside(request, filters)
    result = queue_page(session=session, filters=filters, page=max(1, min(page, 100_000)), per_page=PER_PAGE)
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
        facets=FACETS,
        statuses=STATUSES,
        departments=departments(routing_table(settings)),
        violations=VIOLATIONS,
        can_decide=user.role in DECIDERS["confirm"],
        next_url=request.url.path + "?" + request.url.query,
        notice=params.get("done"),
    )


class CountsCache:
    """Facet counts scan many leads: the grouped scan (``facet_combos``) is kept TTL seconds per set of
    non-facet filters, so switching platform, brand, violation, department or status reuses it. The
    list and its total are always exact; the cache is dropped when someone decides on a lead here."""

    TTL = 60.0

    def __init__(self) -> None:
        self._entries: dict[QueueFilter, tuple[float, list[tuple[object, ...]]]] = {}  # by facet_base
        self._counts: dict[QueueFilter, tuple[float, dict[str, list[tuple[str, int]]]]] = {}  # by view
        self._lock = threading.Lock()

    def get(self, session: Session, filters: QueueFilter) -> dict[str, list[tuple[str, int]]]:
        now = time.monotonic()
        key = facet_base(filters)
        with self._lock:
            done = self._counts.get(filters)
            hit = self._entries.get(key)
        if done is not None and now - done[0] < self.TTL:
            return done[1]
        if hit is not None and now - hit[0] < self.TTL:
            combos = hit[1]
        else:
            combos = facet_combos(session=session, filters=filters)
        counts = queue_counts(session=session, filters=filters, combos=combos)
        with self._lock:
            if len(self._entries) > 256 or len(self._counts) > 1024:
                self._entries.clear()
                self._counts.clear()
            if hit is None or now - hit[0] >= self.TTL:
                self._entries[key] = (now, combos)
            self._counts[filters] = (now, counts)
        return counts

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()


def cached_counts(
    request: Request, session: Session, filters: QueueFilter
) -> dict[str, list[tuple[str, int]]]:
    cache = getattr(request.app.state, "counts_cache", None)
    if cache is None:
        cache = request.app.state.counts_cache = CountsCache()
    return cache.get(session, filters)


# The facet counts and the page's rows are independent reads: the counts run on a connection of their
# own in one of these threads, beside the page's queries (SQLite's WAL lets readers run side by side,
# and both drivers release the GIL while the database works), so a page costs the slower of the two.
_COUNTERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="queue-counts")


def counts_alongside(request: Request, filters: QueueFilter) -> Future[dict[str, list[tuple[str, int]]]]:
    engine = request.app.state.db.engine

    def count() -> dict[str, list[tuple[str, int]]]:
        with Session(engine) as session:
            return cached_counts(request, session, filters)

    return _COUNTERS.submit(count)


def invalidate_counts(request: Request) -> None:
    cache = getattr(request.app.state, "counts_cache", None)
    if cache is not None:
        cache.clear()


@router.post("/bulk", dependencies=[CsrfDep])
def bulk(
    request: Request,
    session: SessionDep,
    user: UserDep,
    action: Annotated[str, Form()],
    ids: Annotated[list[int] | None, Form()] = None,
    note: Annotated[str, Form(max_length=2000)] = "",
    department: Annotated[str, Form(max_length=32)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    from review.routes.leads import decide

    if action not in DECIDERS:
        raise BadInput("action", "one_of", value=action, choices=", ".join(DECIDERS))
    if user.role not in DECIDERS[action]:
        raise HTTPException(403, "error.403")
    if not ids:
        raise HTTPException(400, "error.no_selection")
    leads = leads_by_ids(session=session, ids=ids[:500], scope=scope_of(user))
    for lead in leads:
        decide(request, session, user, lead, action=action, note=note, department=department or None)
    session.commit()
    back = safe_next(next)
    joiner = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{joiner}done={len(leads)}", status_code=303)


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
    "sold",
    "seller",
    "flagged",
    "transfer",
)


def _export_rows(rows: Iterable[QueueRow], lang: str, tz: str) -> Iterable[list[object]]:
    # every cell goes through the guard: platform, brand, department and the currency are scraped too
    for r in rows:
        yield [
            fmt.spreadsheet_cell(value)
            for value in (
                r.id,
                round(r.risk, 4),
                label("status", r.status, lang),
                label("violation", r.violation, lang),
                r.department or "",
                r.brand or "",
                r.platform,
                r.title,
                r.url or "",
                "" if r.price is None else fmt.money(r.price, r.currency),
                "" if r.sold is None else r.sold,
                r.seller or "",
                fmt.local_time(r.last_flagged_at, tz),
                translate("yes" if r.transfer_review else "no", lang),
            )
        ]


@router.get("/export.csv")
def export_csv(request: Request, session: SessionDep, user: UserDep) -> Response:
    settings = request.app.state.settings
    lang = lang_of(request)
    filters = parse_filter(request.query_params, user, percent=True, tz=settings.timezone)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV as Chinese only with the BOM
    writer = csv.writer(buffer)
    writer.writerow([translate(f"col.{c}", lang) for c in COLUMNS])
    writer.writerows(_export_rows(iter_queue(session=session, filters=filters), lang, settings.timezone))
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": _attachment("csv")},
    )


@router.get("/export.xlsx")
def export_xlsx(request: Request, session: SessionDep, user: UserDep) -> Response:
    from openpyxl import Workbook

    settings = request.app.state.settings
    lang = lang_of(request)
    filters = parse_filter(request.query_params, user, percent=True, tz=settings.timezone)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(translate("queue.title", lang))
    sheet.append([translate(f"col.{c}", lang) for c in COLUMNS])
    for row in _export_rows(iter_queue(session=session, filters=filters), lang, settings.timezone):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return StreamingResponse(
        iter([out.getvalue()]),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": _attachment("xlsx")},
    )


def _attachment(ext: str) -> str:
    stamp = datetime.now(UTC).astimezone(fmt.zone()).strftime("%Y%m%d-%H%M")
    return f'attachment; filename="markwatch-queue-{stamp}.{ext}"'


__all__ = ["OPEN_STATUSES", "parse_filter", "router"]
