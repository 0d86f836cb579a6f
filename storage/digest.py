"""The numbers of the daily digest: new leads by facet, the top-risk leads, crawl health, the trend."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from storage.models import Brand, CrawlRun, Lead, Listing, Platform


def _in_scope(scope: Sequence[int] | None) -> tuple[Any, ...]:
    """The condition that keeps a brand owner to its brands' leads (``scope`` None: every lead)."""
    return () if scope is None else (Lead.brand_id.in_(list(scope) or [-1]),)


def new_leads_by(
    *, session: Session, since: datetime, until: datetime, scope: Sequence[int] | None = None
) -> dict[str, dict[str, int]]:
    """Counts of leads first flagged in [since, until) by platform, brand, violation and department."""
    window = (Lead.first_flagged_at >= since, Lead.first_flagged_at < until, *_in_scope(scope))
    facets = {
        "platform": (Platform.name, Lead.platform_id == Platform.id),
        "brand": (Brand.name, Lead.brand_id == Brand.id),
    }
    result: dict[str, dict[str, int]] = {}
    for facet, (column, join) in facets.items():
        rows = session.execute(
            select(column, func.count())
            .select_from(Lead)
            .outerjoin(column.class_, join)
            .where(*window)
            .group_by(column)
        )
        result[facet] = _sorted_counts(rows)
    for facet, lead_column in (("violation", Lead.violation), ("department", Lead.department)):
        rows = session.execute(select(lead_column, func.count()).where(*window).group_by(lead_column))
        result[facet] = _sorted_counts(rows)
    return result


def _sorted_counts(rows: Any) -> dict[str, int]:
    counts = {(key if key is not None else "—"): n for key, n in rows}  # "—": none (no brand, no department)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def top_new_leads(
    *, session: Session, since: datetime, until: datetime, limit: int = 20, scope: Sequence[int] | None = None
) -> list[Lead]:
    """The riskiest leads first flagged in [since, until), riskiest first."""
    return list(
        session.scalars(
            select(Lead)
            .options(joinedload(Lead.listing).joinedload(Listing.platform), joinedload(Lead.brand))
            .where(Lead.first_flagged_at >= since, Lead.first_flagged_at < until, *_in_scope(scope))
            .order_by(Lead.risk.desc(), Lead.id)
            .limit(limit)
        )
    )


def crawl_health(*, session: Session, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per platform, the crawl runs started in the window: pages, items, blocks, errors, last status."""
    health: dict[str, dict[str, Any]] = {}
    runs = session.scalars(
        select(CrawlRun)
        .options(joinedload(CrawlRun.platform))
        .where(CrawlRun.started_at >= since, CrawlRun.started_at < until)
        .order_by(CrawlRun.started_at)
    )
    for run in runs:
        row = health.setdefault(
            run.platform.name,
            {"platform": run.platform.name, "runs": 0, "pages": 0, "items": 0, "blocks": 0, "errors": 0},
        )
        row["runs"] += 1
        for key in ("pages", "items", "blocks", "errors"):
            row[key] += getattr(run, key) or 0
        row["status"] = run.status
    return sorted(health.values(), key=lambda r: r["platform"])


def leads_per_day(
    *, session: Session, days: list[date], tz: str, scope: Sequence[int] | None = None
) -> dict[str, list[int]]:
    """Leads first flagged on each local day, by violation kind: {violation: [count per day]}."""
    zone = ZoneInfo(tz)
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=zone)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    position = {day: i for i, day in enumerate(days)}
    series: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    counts: Counter[tuple[date, str]] = Counter()
    for flagged_at, violation in session.execute(
        select(Lead.first_flagged_at, Lead.violation).where(
            Lead.first_flagged_at >= start, Lead.first_flagged_at < end, *_in_scope(scope)
        )
    ):
        counts[(flagged_at.astimezone(zone).date(), violation or "other")] += 1
    for (day, violation), n in counts.items():
        series[violation][position[day]] = n
    return dict(sorted(series.items()))
