"""Repository functions for scheduled job runs (the scheduler's record of what ran and how it ended)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import JobRun, utcnow


def start_job_run(*, session: Session, job_id: str) -> JobRun:
    run = JobRun(job_id=job_id, started_at=utcnow(), outcome="running")
    session.add(run)
    session.flush()
    return run


def finish_job_run(
    *,
    session: Session,
    run_id: int,
    outcome: str,
    summary: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    run = session.get(JobRun, run_id)
    assert run is not None
    run.finished_at = utcnow()
    run.outcome = outcome
    run.summary = summary or {}
    run.error = error


def last_job_runs(*, session: Session) -> dict[str, JobRun]:
    """The newest run of every job that ever ran, by job id."""
    latest = select(JobRun.job_id, func.max(JobRun.id).label("id")).group_by(JobRun.job_id).subquery()
    runs = session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id))
    return {run.job_id: run for run in runs}
