"""Scheduled jobs: their runs (what ran and how it ended) and the schedule persisted by APScheduler."""

from __future__ import annotations

from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session

from storage.models import JobRun, utcnow

JOBSTORE_TABLE = "apscheduler_jobs"  # APScheduler's SQLAlchemy job store, in markwatch's own database


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


def job_table(*, engine: Engine, session: Session) -> list[dict[str, Any]]:
    """Every job, scheduled or run: schedule, next run, last run, outcome (`markwatch jobs`, status page)."""
    jobs = {}
    if inspect(engine).has_table(JOBSTORE_TABLE):  # APScheduler creates it when a schedule is first installed
        store = SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)
        jobs = {job.id: job for job in store.get_all_jobs()}  # reads the persisted jobs, runs nothing
    runs = last_job_runs(session=session)
    rows = []
    for job_id in sorted(set(jobs) | set(runs)):
        job, run = jobs.get(job_id), runs.get(job_id)
        rows.append(
            {
                "id": job_id,
                "schedule": str(job.trigger) if job else None,
                "trigger": trigger_facts(job.trigger) if job else None,
                "next_run": job.next_run_time.isoformat() if job and job.next_run_time else None,
                "last_run": run.started_at.isoformat() if run else None,
                "outcome": run.outcome if run else None,
                "error": (run.error or "").splitlines()[0] if run and run.error else None,
            }
        )
    return rows


def trigger_facts(trigger: Any) -> dict[str, Any]:
    """A schedule as plain data for the pages to put in words: ``{"every_seconds": 1800}`` for an
    interval, ``{"cron": {"hour": "2", "minute": "0"}}`` for a cron trigger (only the fields that are
    set; ``minute`` always), ``{"text": ...}`` for anything else."""
    seconds = getattr(trigger, "interval_length", None)
    if seconds is not None:
        return {"every_seconds": int(seconds)}
    fields = getattr(trigger, "fields", None)
    if fields is None:
        return {"text": str(trigger)}
    cron = {f.name: str(f) for f in fields if str(f) != "*" and not (f.name == "second" and str(f) == "0")}
    cron.setdefault("minute", "0")
    return {"cron": cron}
