"""Repository functions of captures: a lead's snapshots as captures, their WARC files, and the queue of
evidence captures to take.

A capture is a ``Snapshot`` row: ``capture`` says how it was taken (``crawl``: a page of a crawl;
``evidence``: an evidence capture in Chromium), ``warc_sha256`` names its gzip WARC file in the blob
store, and a failed capture has ``failed_reason`` set and neither HTML nor screenshot (so nothing can
claim a screenshot it does not have).

The queue (``CaptureRequest``): a newly flagged lead whose page was fetched over HTTP only (no
screenshot) gets a request (``enqueue_flagged``); a person asks for one from the lead page or the
command line (``request_capture``). ``claim_captures`` hands pending requests (and running ones whose
run was cut off: ``stale_after``) to the capture runner, ``finish_capture`` records the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from storage.errors import NotFound
from storage.models import CaptureRequest, Lead, LeadStatus, Listing, ReviewEvent, Snapshot, utcnow

EVIDENCE = "evidence"
CRAWL = "crawl"
CAPTURE_ACTION = "evidence_capture"  # the audit event of a capture asked for by a person
TRIGGERS = frozenset({"flagged", "web", "cli"})


@dataclass(frozen=True)
class Captures:
    """A lead's captures, oldest first: those that hold the page, and those that failed."""

    successful: list[Snapshot]
    failed: list[Snapshot]


def _lead(session: Session, lead_id: int) -> Lead:
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id}", key="err.no_lead", id=lead_id)
    return lead


def lead_snapshots(*, session: Session, lead_id: int, capture: str | None = None) -> list[Snapshot]:
    """Every snapshot of the lead's listing (of one ``capture`` kind, if given), in capture order
    (oldest first). Raises NotFound for an unknown lead."""
    lead = _lead(session, lead_id)
    query = select(Snapshot).where(Snapshot.listing_id == lead.listing_id)
    if capture is not None:
        query = query.where(Snapshot.capture == capture)
    return list(session.scalars(query.order_by(Snapshot.fetched_at, Snapshot.id)))


def lead_captures(*, session: Session, lead_id: int, capture: str | None = EVIDENCE) -> Captures:
    """The lead's captures (evidence captures unless ``capture`` says otherwise; None: all),
    split into successful and failed, each oldest first. Raises NotFound for an unknown lead."""
    rows = lead_snapshots(session=session, lead_id=lead_id, capture=capture)
    return Captures(
        successful=[s for s in rows if s.failed_reason is None],
        failed=[s for s in rows if s.failed_reason is not None],
    )


def lead_warcs(*, session: Session, lead_id: int) -> list[tuple[Snapshot, str]]:
    """The WARC files of the lead's snapshots that have one, in capture order: (snapshot, blob sha256).
    Raises NotFound for an unknown lead."""
    return [
        (s, s.warc_sha256)
        for s in lead_snapshots(session=session, lead_id=lead_id)
        if s.warc_sha256 is not None
    ]


def add_capture(
    *,
    session: Session,
    listing_id: int,
    url: str,
    fetched_at: datetime,
    tool_version: str,
    final_url: str | None = None,
    http_status: int | None = None,
    headers: dict[str, Any] | None = None,
    html_sha256: str | None = None,
    screenshot_sha256: str | None = None,
    warc_sha256: str | None = None,
    failed_reason: str | None = None,
    attempts: int = 1,
    user_agent: str | None = None,
    browser_version: str | None = None,
    egress: str | None = None,
    extracted: dict[str, Any] | None = None,
) -> Snapshot:
    """Record one evidence capture (a new row: a capture never replaces another). A failed one
    (``failed_reason``) keeps no HTML and no screenshot whatever it is given."""
    failed = failed_reason is not None
    row = Snapshot(
        listing_id=listing_id,
        crawl_run_id=None,
        fetched_at=fetched_at,
        url=url,
        final_url=final_url,
        http_status=http_status,
        headers=dict(headers or {}),
        html_sha256=None if failed else html_sha256,
        screenshot_sha256=None if failed else screenshot_sha256,
        tool_version=tool_version,
        extracted=dict(extracted or {}),
        capture=EVIDENCE,
        warc_sha256=warc_sha256,
        failed_reason=failed_reason,
        attempts=attempts,
        user_agent=user_agent,
        browser_version=browser_version,
        egress=egress,
    )
    session.add(row)
    session.flush()
    return row


# --- the queue -----------------------------------------------------------------------------------------


def request_capture(
    *, session: Session, lead_id: int, trigger: str, user_id: int | None = None, by: str | None = None
) -> CaptureRequest:
    """Queue an evidence capture of the lead's page. One asked for by a person (``web``, ``cli``) is
    recorded in the lead's audit trail. Raises NotFound for an unknown lead, ValueError for a trigger
    that is not one of TRIGGERS."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown capture trigger {trigger!r}; expected one of {sorted(TRIGGERS)}")
    _lead(session, lead_id)
    now = utcnow()
    row = CaptureRequest(
        lead_id=lead_id, requested_at=now, requested_by_id=user_id, trigger=trigger, status="pending"
    )
    session.add(row)
    session.flush()
    if trigger != "flagged":
        session.add(
            ReviewEvent(
                lead_id=lead_id,
                user_id=user_id,
                at=now,
                action=CAPTURE_ACTION,
                detail={"capture_request_id": row.id, "via": trigger, "by": by},
            )
        )
        session.flush()
    return row


def enqueue_flagged(*, session: Session, limit: int = 1000) -> list[int]:
    """Queue a capture for each flagged lead (not dismissed) that never had one, whose listing has a
    crawled snapshot and no screenshot: the page was fetched over HTTP only. Returns the lead ids."""
    has_request = exists().where(CaptureRequest.lead_id == Lead.id)
    crawled = exists().where(Snapshot.listing_id == Lead.listing_id, Snapshot.capture == CRAWL)
    has_screenshot = exists().where(
        Snapshot.listing_id == Lead.listing_id, Snapshot.screenshot_sha256.is_not(None)
    )
    lead_ids = list(
        session.scalars(
            select(Lead.id)
            .join(Listing, Listing.id == Lead.listing_id)
            .where(
                Lead.status != LeadStatus.dismissed,
                Listing.url.is_not(None),
                ~has_request,
                crawled,
                ~has_screenshot,
            )
            .order_by(Lead.first_flagged_at, Lead.id)
            .limit(limit)
        )
    )
    now = utcnow()
    for lead_id in lead_ids:
        session.add(CaptureRequest(lead_id=lead_id, requested_at=now, trigger="flagged", status="pending"))
    session.flush()
    return lead_ids


def claim_captures(
    *,
    session: Session,
    limit: int,
    stale_after: timedelta,
    request_ids: list[int] | None = None,
    now: datetime | None = None,
) -> list[CaptureRequest]:
    """Mark up to ``limit`` requests running and return them, oldest first: pending ones, and running
    ones started more than ``stale_after`` ago (their run was cut off); only ``request_ids`` if given.
    Compare-and-set per row, so two runners never take the same request."""
    now = now or utcnow()
    query = select(CaptureRequest).where(
        or_(
            CaptureRequest.status == "pending",
            (CaptureRequest.status == "running") & (CaptureRequest.started_at < now - stale_after),
        )
    )
    if request_ids is not None:
        query = query.where(CaptureRequest.id.in_(request_ids))
    candidates = list(
        session.scalars(query.order_by(CaptureRequest.requested_at, CaptureRequest.id).limit(limit))
    )
    claimed = []
    for row in candidates:
        taken = session.execute(
            update(CaptureRequest)
            .where(
                CaptureRequest.id == row.id,
                CaptureRequest.status == row.status,
                (
                    CaptureRequest.started_at.is_(None)
                    if row.started_at is None
                    else CaptureRequest.started_at == row.started_at
                ),
            )
            .values(status="running", started_at=now)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
            session.refresh(row)
            claimed.append(row)
    session.flush()
    return claimed


def finish_capture(*, session: Session, request_id: int, snapshot_id: int, failed: bool) -> None:
    """Record what a request produced: its capture (``done``) or its failed capture (``failed``)."""
    row = session.get(CaptureRequest, request_id)
    if row is None:
        raise NotFound(f"no capture request {request_id}")
    row.status = "failed" if failed else "done"
    row.snapshot_id = snapshot_id
    row.finished_at = utcnow()
    session.flush()


def pending_captures(*, session: Session, lead_id: int | None = None) -> list[CaptureRequest]:
    """Requests not finished yet (pending or running), oldest first; of one lead if given."""
    query = select(CaptureRequest).where(CaptureRequest.status.in_(("pending", "running")))
    if lead_id is not None:
        query = query.where(CaptureRequest.lead_id == lead_id)
    return list(session.scalars(query.order_by(CaptureRequest.requested_at, CaptureRequest.id)))
