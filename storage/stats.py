"""Counts for `markwatch stats` and the admin status page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Brand, CrawlRun, JobRun, Lead, LeadStatus, Listing, Platform, Snapshot


def collect_stats(*, session: Session) -> dict[str, Any]:
    def count(model: Any, *where: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    leads = {status.value: 0 for status in LeadStatus}
    for status, n in session.execute(select(Lead.status, func.count()).group_by(Lead.status)):
        leads[status] = n
    last_jobs: dict[str, Any] = {}
    latest = select(JobRun.job_id, func.max(JobRun.id).label("id")).group_by(JobRun.job_id).subquery()
    for run in session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id).order_by(JobRun.job_id)):
        last_jobs[run.job_id] = {
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "outcome": run.outcome,
        }
    return {
        "brands": count(Brand),
        "brands_pending": count(Brand, Brand.status == "pending"),
        "platforms": count(Platform),
        "listings": count(Listing),
        "snapshots": count(Snapshot),
        "screenshots": count(Snapshot, Snapshot.screenshot_sha256.is_not(None)),
        "leads": leads,
        "crawl_runs": count(CrawlRun),
        "jobs": last_jobs,
    }
