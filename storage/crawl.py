"""Repository functions of the crawler: platform profiles, crawl runs and snapshots.

The crawler package calls these; it never writes SQL of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from storage.errors import NotFound
from storage.models import CrawlRun, Listing, Platform, Snapshot, utcnow


def upsert_platform(
    *, session: Session, name: str, title: str | None, render: str, profile: dict[str, Any]
) -> tuple[Platform, bool]:
    """Create or update a platform and its profile; returns (platform, created)."""
    row = session.scalars(select(Platform).where(Platform.name == name)).one_or_none()
    created = row is None
    if row is None:
        row = Platform(name=name)
        session.add(row)
    row.title = title or name
    row.render = render
    row.profile = dict(profile)
    session.flush()
    return row, created


def get_platform(*, session: Session, name: str) -> Platform | None:
    """The platform of that name, or None."""
    return session.scalars(select(Platform).where(Platform.name == name)).one_or_none()


def list_platforms(*, session: Session) -> list[Platform]:
    """Every platform, by name."""
    return list(session.scalars(select(Platform).order_by(Platform.name)))


def platform_overview(*, session: Session) -> list[dict[str, Any]]:
    """Every platform with its listing count and its last crawl run (for `markwatch platforms list`)."""
    counts = dict(
        session.execute(select(Listing.platform_id, func.count()).group_by(Listing.platform_id)).all()
    )
    out = []
    for platform in session.scalars(select(Platform).order_by(Platform.name)):
        last = session.scalars(
            select(CrawlRun)
            .where(CrawlRun.platform_id == platform.id)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
            .limit(1)
        ).one_or_none()
        out.append(
            {
                "name": platform.name,
                "title": platform.title,
                "render": platform.render,
                "enabled": platform.enabled,
                "has_profile": bool(platform.profile),
                "base_url": (platform.profile or {}).get("base_url"),
                "listings": counts.get(platform.id, 0),
                "last_crawl": None
                if last is None
                else {"started_at": last.started_at.isoformat(), "status": last.status, "items": last.items},
            }
        )
    return out


def start_crawl_run(
    *,
    session: Session,
    platform: Platform,
    queries: list[str],
    job_dir: str | None,
    distributed: str | None,
) -> CrawlRun:
    """A new crawl-run row in status ``running``."""
    run = CrawlRun(
        platform_id=platform.id,
        queries=list(queries),
        job_dir=job_dir,
        distributed=distributed,
        status="running",
        started_at=utcnow(),
    )
    session.add(run)
    session.flush()
    return run


def resumable_crawl_run(*, session: Session, platform: Platform, job_dir: str) -> CrawlRun | None:
    """The last run of this platform in ``job_dir`` that did not finish (killed or interrupted), if any."""
    return session.scalars(
        select(CrawlRun)
        .where(
            CrawlRun.platform_id == platform.id,
            CrawlRun.job_dir == job_dir,
            CrawlRun.status.in_(("running", "interrupted")),
        )
        .order_by(CrawlRun.id.desc())
        .limit(1)
    ).one_or_none()


def get_crawl_run(*, session: Session, run_id: int) -> CrawlRun:
    """The crawl run; raises NotFound."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise NotFound(f"no crawl run {run_id}")
    return run


def update_crawl_run(
    *,
    session: Session,
    run_id: int,
    pages: int | None = None,
    items: int | None = None,
    drops: dict[str, int] | None = None,
    errors: int | None = None,
    blocks: int | None = None,
    status: str | None = None,
    finished_at: datetime | None = None,
    stats: dict[str, Any] | None = None,
    error: str | None = None,
    refused: dict[str, int] | None = None,
    warnings: list[str] | None = None,
    images: int | None = None,
) -> CrawlRun:
    """Write the run's counters (absolute values, not increments) and, at the end, its outcome."""
    run = get_crawl_run(session=session, run_id=run_id)
    for name, value in (
        ("pages", pages),
        ("items", items),
        ("errors", errors),
        ("blocks", blocks),
        ("status", status),
        ("finished_at", finished_at),
        ("error", error),
        ("images", images),
    ):
        if value is not None:
            setattr(run, name, value)
    if drops is not None:
        run.drops = dict(drops)
    if stats is not None:
        run.stats = dict(stats)
    if refused is not None:
        run.refused = dict(refused)
    if warnings is not None:
        run.warnings = list(warnings)
    session.flush()
    return run


_SNAPSHOTS: Table = Snapshot.__table__  # type: ignore[assignment]


def add_snapshots(
    *, session: Session, crawl_run_id: int | None, snapshots: list[dict[str, Any]]
) -> list[int]:
    """Record fetched detail pages; returns each one's snapshot id, in order.

    Each dict: ``listing_id``, ``url``, ``fetched_at``, ``tool_version``, and optionally ``final_url``,
    ``http_status``, ``headers``, ``html_sha256``, ``screenshot_sha256``, ``extracted``, ``warc_sha256``,
    ``user_agent`` (and the capture fields of ``storage.captures.add_capture``). Idempotent
    within a crawl run: a page fetched again by a resumed run (killed between storing and marking it
    done) gets the run's existing snapshot of the same HTML back (with the screenshot it lacked)
    instead of a second row. One SELECT for the run's snapshots of these listings, one INSERT.
    """
    if not snapshots:
        return []
    in_run = crawl_run_id is not None
    stored = _run_snapshots(session, crawl_run_id, {s["listing_id"] for s in snapshots}) if in_run else {}
    new: dict[tuple[int, str | None], list[dict[str, Any]]] = {}  # rows to insert, by (listing, html)
    screenshots = []
    for spec in snapshots:
        key = (spec["listing_id"], spec.get("html_sha256"))
        if key in stored:
            if spec.get("screenshot_sha256"):
                screenshots.append({"row_id": stored[key], "sha256": spec["screenshot_sha256"]})
        elif in_run and key in new:
            row = new[key][0]
            row["screenshot_sha256"] = row["screenshot_sha256"] or spec.get("screenshot_sha256")
        else:
            new.setdefault(key, []).append(_snapshot_row(crawl_run_id, spec))
    if screenshots:
        session.execute(
            update(_SNAPSHOTS)
            .where(_SNAPSHOTS.c.id == bindparam("row_id"), _SNAPSHOTS.c.screenshot_sha256.is_(None))
            .values(screenshot_sha256=bindparam("sha256")),
            screenshots,
        )
    created = _insert_snapshots(session, [row for rows in new.values() for row in rows])
    if in_run:
        stored |= {key: ids[0] for key, ids in created.items()}
        return [stored[(s["listing_id"], s.get("html_sha256"))] for s in snapshots]
    return [created[(s["listing_id"], s.get("html_sha256"))].pop(0) for s in snapshots]


def _run_snapshots(
    session: Session, crawl_run_id: int | None, listing_ids: set[int]
) -> dict[tuple[int, str | None], int]:
    """The run's snapshots of these listings: id by (listing id, html sha256), the first of each."""
    rows = session.execute(
        select(_SNAPSHOTS.c.listing_id, _SNAPSHOTS.c.html_sha256, _SNAPSHOTS.c.id)
        .where(_SNAPSHOTS.c.crawl_run_id == crawl_run_id, _SNAPSHOTS.c.listing_id.in_(listing_ids))
        .order_by(_SNAPSHOTS.c.id)
    )
    found: dict[tuple[int, str | None], int] = {}
    for listing_id, html_sha256, row_id in rows:
        found.setdefault((listing_id, html_sha256), row_id)
    return found


def _snapshot_row(crawl_run_id: int | None, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "listing_id": spec["listing_id"],
        "crawl_run_id": crawl_run_id,
        "fetched_at": spec["fetched_at"],
        "url": spec["url"],
        "final_url": spec.get("final_url"),
        "http_status": spec.get("http_status"),
        "headers": dict(spec.get("headers") or {}),
        "html_sha256": spec.get("html_sha256"),
        "screenshot_sha256": spec.get("screenshot_sha256"),
        "tool_version": spec["tool_version"],
        "extracted": dict(spec.get("extracted") or {}),
        "capture": spec.get("capture") or "crawl",
        "warc_sha256": spec.get("warc_sha256"),
        "failed_reason": spec.get("failed_reason"),
        "attempts": spec.get("attempts") or 1,
        "user_agent": spec.get("user_agent"),
        "browser_version": spec.get("browser_version"),
        "egress": spec.get("egress"),
    }


def _insert_snapshots(
    session: Session, rows: list[dict[str, Any]]
) -> dict[tuple[int, str | None], list[int]]:
    """Insert the rows in one statement; their ids by (listing id, html sha256), ascending.

    RETURNING's row order is not promised (SQLAlchemy would fall back to one statement per row to
    sort it), so the ids are matched by key; rows of one key get ids in the order they were given.
    """
    created: dict[tuple[int, str | None], list[int]] = {}
    if not rows:
        return created
    result = session.execute(
        insert(_SNAPSHOTS).returning(_SNAPSHOTS.c.listing_id, _SNAPSHOTS.c.html_sha256, _SNAPSHOTS.c.id),
        rows,
    )
    for listing_id, html_sha256, row_id in sorted(result, key=lambda r: r[2]):
        created.setdefault((listing_id, html_sha256), []).append(row_id)
    return created


def snapshot_counts(*, session: Session, platform: str) -> dict[str, int]:
    """Listings of a platform, and how many of them have an HTML snapshot and a screenshot."""
    platform_row = get_platform(session=session, name=platform)
    if platform_row is None:
        return {"listings": 0, "with_html": 0, "with_screenshot": 0}
    listings = session.scalar(select(func.count()).where(Listing.platform_id == platform_row.id)) or 0
    base = select(func.count(func.distinct(Snapshot.listing_id))).join(
        Listing, Listing.id == Snapshot.listing_id
    )
    with_html = session.scalar(
        base.where(Listing.platform_id == platform_row.id, Snapshot.html_sha256.is_not(None))
    )
    with_shot = session.scalar(
        base.where(Listing.platform_id == platform_row.id, Snapshot.screenshot_sha256.is_not(None))
    )
    return {"listings": listings, "with_html": with_html or 0, "with_screenshot": with_shot or 0}


def listing_by_external_id(*, session: Session, platform: Platform, external_id: str) -> Listing | None:
    return session.scalars(
        select(Listing).where(Listing.platform_id == platform.id, Listing.external_id == external_id)
    ).one_or_none()


def set_snapshot_screenshot(*, session: Session, snapshot_id: int, sha256: str) -> Snapshot:
    """Attach a stored screenshot (blob sha256) to a snapshot."""
    row = session.get(Snapshot, snapshot_id)
    if row is None:
        raise NotFound(f"no snapshot {snapshot_id}")
    row.screenshot_sha256 = sha256
    session.flush()
    return row
