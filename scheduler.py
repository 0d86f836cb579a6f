"""The daily pipeline and its schedule (APScheduler 3): crawl each platform, score new and changed
listings into the queue, take evidence captures of newly flagged leads, write the daily digest, prune
old snapshots of dismissed leads.

Jobs persist in markwatch's own database (SQLAlchemy job store), never overlap (``max_instances=1``,
coalesced), tolerate a missed start (misfire grace time), and every run is recorded as a JobRun row
with its outcome and error: a failing job is retried at its next run and stops no other job.

The step functions (``rescore``, ``capture``, ``prune``, ``digest``, ``crawl_platform``) are also what
`markwatch run --once` calls, so the cron path and the scheduled path are the same code.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from review.i18n import DEFAULT_LANG, translate
from settings import Settings, get_settings
from storage import Database, open_database
from storage.jobs import JOBSTORE_TABLE, finish_job_run, start_job_run
from storage.models import utcnow

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.orm import Session

    from scoring.engine import Evidence
    from scoring.parallel import EvidenceWorkers
    from storage.models import Listing

log = logging.getLogger("markwatch.scheduler")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}  # seconds
SCORE_EVERY_MINUTES = 30
CAPTURE_EVERY_MINUTES = 2  # captures asked for on the lead page wait at most this long


# --- the steps ---------------------------------------------------------------------------------------


@dataclass
class RescoreSummary:
    scored: int = 0
    flagged: int = 0
    queued: int = 0


def rescore(
    db: Database,
    settings: Settings,
    *,
    batch_size: int = 500,
    on_progress: Callable[[int, int], None] | None = None,
) -> RescoreSummary:
    """Score every new or changed listing and put the flagged ones in the review queue.

    A backlog of ``scoring_jobs_backlog`` listings or more is scored with ``scoring_jobs`` processes
    (scoring.parallel, as `markwatch score --jobs`): the same scores, in the same order.
    ``on_progress(scored, backlog)`` is called after each page (the progress bar of `markwatch run`)."""
    from brands.queueing import score_and_queue, score_queue
    from storage.listings import count_listings_needing_score

    path = score_queue(db, settings)  # its context is shared by every batch: prices and sellers seen so far
    summary = RescoreSummary()
    if len(path.scorer.registry) == 0:
        return summary
    with db.session() as session:
        backlog = count_listings_needing_score(session=session)
    jobs = score_jobs(settings, backlog)
    if on_progress is not None:
        on_progress(0, backlog)
    workers = None
    if jobs > 1:
        from scoring.parallel import EvidenceWorkers

        workers = EvidenceWorkers(path.scorer.registry, jobs)
    try:
        for session, rows, evidence in _backlog_pages(db, batch_size, workers):
            for outcome in score_and_queue(session, rows, path, evidence=evidence):
                summary.scored += 1
                summary.flagged += outcome.score.flagged
                summary.queued += outcome.queued
            if on_progress is not None:
                on_progress(summary.scored, backlog)
    except BaseException:
        if workers is not None:
            workers.close(wait=False)
        raise
    if workers is not None:
        workers.close()
    log.info("score job: %d scored with %d process(es)", summary.scored, max(jobs, 1))
    return summary


def score_jobs(settings: Settings, backlog: int) -> int:
    """Processes the score job uses for ``backlog`` listings: ``scoring_jobs`` (0: one per CPU) from
    ``scoring_jobs_backlog`` on, else 1."""
    import os

    if backlog < settings.scoring_jobs_backlog:
        return 1
    return settings.scoring_jobs if settings.scoring_jobs > 0 else (os.cpu_count() or 1)


def _backlog_pages(
    db: Database, batch_size: int, workers: EvidenceWorkers | None
) -> Iterator[tuple[Session, list[Listing], list[Evidence] | None]]:
    """Each page of listings needing a score, in its own transaction (committed when the caller asks
    for the next page), with the matcher's evidence for it when ``workers`` compute it (a page of
    ``batch_size`` listings per worker, split between them)."""
    from brands.queueing import scoring_listing
    from storage.listings import listings_needing_score

    after_id = 0
    limit = batch_size * (workers.jobs if workers is not None else 1)
    while True:
        with db.session() as session:
            rows = listings_needing_score(session=session, after_id=after_id, limit=limit)
            if not rows:
                return
            evidence = None
            if workers is not None:
                listings = [scoring_listing(row) for row in rows]
                size = -(-len(listings) // workers.jobs)
                parts = workers.map(listings[i : i + size] for i in range(0, len(listings), size))
                evidence = [found for part in parts for found in part]
            yield session, rows, evidence
            after_id = rows[-1].id


def prune(db: Database, settings: Settings) -> dict[str, int]:
    """Retention: drop the snapshots and images of dismissed leads older than ``retention_days``, and
    blobs nothing uses."""
    from storage.retention import prune_dismissed

    with db.session() as session:
        pruned = prune_dismissed(
            session=session, older_than=utcnow() - timedelta(days=settings.retention_days)
        )
    deleted = sum(db.blobs.delete(sha) for sha in pruned.orphans)  # after the commit: a rollback keeps them
    return {"snapshots": pruned.snapshots, "images": pruned.images, "blobs": deleted}


def crawl_platform(
    platform: str, *, progress: bool = False, progress_words: dict[str, str] | None = None
) -> dict[str, Any]:
    """Crawl one platform with its profile (the crawler scores and queues as it stores).

    Raises when the crawl did not finish, so its job run is recorded as failed."""
    from crawler.run import CrawlOptions, crawl
    from storage.errors import MarkwatchError

    summary = crawl(CrawlOptions(platform, progress=progress, progress_words=progress_words or {}))
    if summary.status != "finished":
        raise MarkwatchError(f"crawl of {platform} {summary.status}: {summary.error or summary.line()}")
    if summary.items == 0 and (summary.blocks or summary.errors):
        # a crawl that met only block pages or errors "finished" but watched nothing: a failed job
        raise MarkwatchError(f"crawl of {platform} stored nothing: {summary.line()}")
    return vars(summary)


def capture(db: Database, settings: Settings) -> dict[str, Any]:
    """Evidence captures: queue the newly flagged HTTP-crawled leads, take every pending capture
    (crawler.capture; a run cut off by a crash is taken up again by the next)."""
    from crawler.capture import run_captures

    return run_captures(db, settings).as_dict()


def digest(db: Database, settings: Settings) -> dict[str, Any]:
    """Write today's digest (HTML and XLSX) and e-mail it when SMTP is configured."""
    from review.daily_digest import write_digest

    return write_digest(db, settings)


# --- recorded job runs ---------------------------------------------------------------------------------


def run_recorded(job_id: str, step: Callable[[], Any], db: Database | None = None) -> Any:
    """Run one step as job ``job_id``, recording start, end, outcome and error; re-raises nothing."""
    db = db or open_database()
    with db.session() as session:
        run_id = start_job_run(session=session, job_id=job_id).id
    try:
        result = step()
    except Exception as exc:  # a failing job is recorded and retried at its next run
        log.exception("job %s failed", job_id)
        with db.session() as session:
            finish_job_run(
                session=session,
                run_id=run_id,
                outcome="failed",
                error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}",
            )
        return None
    summary = result if isinstance(result, dict) else (vars(result) if hasattr(result, "__dict__") else {})
    with db.session() as session:
        finish_job_run(session=session, run_id=run_id, outcome="ok", summary=_jsonable(summary))
    return result


def _jsonable(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, (int, float, str, bool, type(None), list, dict)) else str(v)
        for k, v in summary.items()
    }


# Module-level job functions: the job store keeps them by reference ("scheduler:job_score").


def job_crawl(platform: str) -> None:
    run_recorded(f"crawl:{platform}", lambda: crawl_platform(platform))


def job_score() -> None:
    db = open_database()
    run_recorded("score", lambda: rescore(db, get_settings()), db)


def job_capture() -> None:
    db = open_database()
    run_recorded("capture", lambda: capture(db, get_settings()), db)


def job_digest() -> None:
    db = open_database()
    run_recorded("digest", lambda: digest(db, get_settings()), db)


def job_retention() -> None:
    db = open_database()
    run_recorded("retention", lambda: prune(db, get_settings()), db)


# --- the whole pipeline, once -------------------------------------------------------------------------


def run_pipeline(
    db: Database,
    settings: Settings,
    platforms: list[str],
    report: Callable[[str], None],
    *,
    progress: bool = False,
    lang: str = DEFAULT_LANG,
) -> dict[str, Any]:
    """Crawl each platform, score, digest: each step a recorded job run; a failed platform stops nothing.
    ``report`` is told each step in ``lang``; ``progress`` draws the crawl's and the scoring's bars."""

    def t(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    outcome: dict[str, Any] = {"crawls": {}}
    for platform in platforms:
        report(t("run.crawling", platform=platform))
        step = partial(
            crawl_platform, platform, progress=progress, progress_words=crawl_bar_words(platform, lang)
        )
        result = run_recorded(f"crawl:{platform}", step, db)
        outcome["crawls"][platform] = result
        done = _crawl_line(result, lang) if result is not None else t("run.crawl_failed")
        report(t("run.crawled", platform=platform, result=done))
    report(t("run.scoring"))
    scored = run_recorded("score", partial(_rescore_with_bar, db, settings, progress, lang), db)
    outcome["score"] = scored
    if scored is not None:
        report(t("run.scored", scored=f"{scored.scored:,}", queued=f"{scored.queued:,}"))
    report(t("run.capturing"))
    captured = run_recorded("capture", lambda: capture(db, settings), db)
    outcome["capture"] = captured
    if captured is not None:
        report(t("run.captured", captured=f"{captured['captured']:,}", failed=f"{captured['failed']:,}"))
    written = run_recorded("digest", lambda: digest(db, settings), db)
    outcome["digest"] = written
    if written is not None:
        report(t("run.digest", file=written["html"]))
    outcome["retention"] = run_recorded("retention", lambda: prune(db, settings), db)
    return outcome


def crawl_bar_words(platform: str, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """What the crawl's progress bar says (crawler.progress.BarWords), from the catalogue."""
    return {
        "label": translate("progress.crawling", lang, platform=platform),
        "count": translate("progress.listings", lang, done="{done}", total="{total}"),
        "count_unknown": translate("progress.listings_unknown", lang, done="{done}"),
        "extra": translate(
            "progress.crawl_fields", lang, pages="{pages}", blocks="{blocks}", retries="{retries}"
        ),
    }


def _rescore_with_bar(db: Database, settings: Settings, progress: bool, lang: str) -> RescoreSummary:
    """The score step, with its bar on stderr when ``progress``: listings scored of the backlog."""
    if not progress:
        return rescore(db, settings)
    from rich.console import Console

    from crawler.progress import BarWords, FittedBar

    words = BarWords(
        translate("progress.scoring", lang),
        translate("progress.listings", lang, done="{done}", total="{total}"),
        translate("progress.listings_unknown", lang, done="{done}"),
    )
    with FittedBar(words, Console(stderr=True)) as bar:
        return rescore(db, settings, on_progress=lambda done, total: bar.update(done, total))


def persist_schedule(db: Database, settings: Settings) -> list[str]:
    """Write the schedule into the job store without running anything (`markwatch run --once`)."""
    scheduler = make_scheduler(db, settings)
    scheduler.start(paused=True)
    try:
        return install_jobs(scheduler, db, settings)
    finally:
        scheduler.shutdown(wait=False)


def _crawl_line(result: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    counts = {key: f"{result.get(key, 0):,}" for key in ("pages", "items", "blocks", "errors")}
    return translate("run.crawl_counts", lang, **counts)


# --- the schedule --------------------------------------------------------------------------------------


def make_scheduler(db: Database, settings: Settings) -> BackgroundScheduler:
    """A scheduler whose jobs live in markwatch's database."""
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=db.engine, tablename=JOBSTORE_TABLE)},
        job_defaults=JOB_DEFAULTS,
        timezone=settings.timezone,
    )


def install_jobs(scheduler: BackgroundScheduler, db: Database, settings: Settings) -> list[str]:
    """Add (or replace) every job: a crawl per enabled platform, score, capture, digest, retention."""
    from storage.crawl import list_platforms

    tz = settings.timezone
    with db.session() as session:
        platforms = [
            (p.name, (p.profile or {}).get("schedule")) for p in list_platforms(session=session) if p.enabled
        ]
    ids = []
    for name, cron in platforms:
        trigger = (
            CronTrigger.from_crontab(cron, timezone=tz)
            if cron
            else CronTrigger(hour=settings.crawl_hour, timezone=tz)
        )
        scheduler.add_job(
            "scheduler:job_crawl", trigger, args=[name], id=f"crawl:{name}", replace_existing=True
        )
        ids.append(f"crawl:{name}")
    scheduler.add_job(
        "scheduler:job_score",
        IntervalTrigger(minutes=SCORE_EVERY_MINUTES, timezone=tz),
        id="score",
        replace_existing=True,
    )
    scheduler.add_job(
        "scheduler:job_capture",
        IntervalTrigger(minutes=CAPTURE_EVERY_MINUTES, timezone=tz),
        id="capture",
        replace_existing=True,
    )
    scheduler.add_job(
        "scheduler:job_digest",
        CronTrigger(hour=settings.digest_hour, timezone=tz),
        id="digest",
        replace_existing=True,
    )
    scheduler.add_job(
        "scheduler:job_retention",
        CronTrigger(hour=4, minute=30, timezone=tz),
        id="retention",
        replace_existing=True,
    )
    return [*ids, "score", "capture", "digest", "retention"]
