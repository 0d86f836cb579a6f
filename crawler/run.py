"""Running a crawl: ``crawl(platform)`` from Python (``markwatch crawl``, ``markwatch run``).

**Each crawl runs in its own process** (``python -m crawler.run …``): Twisted's reactor can be started
only once per process, and the main job crawls several platforms, one after another, from one Python
process. The child process also keeps Chromium's and Scrapy's memory out of the caller, and it is what
a SIGKILL hits: the caller survives and a restart resumes the crawl.

Resuming: a crawl's state is ``$MARKWATCH_HOME/jobs/<platform>/markwatch-done.txt``, the detail pages
whose listing is stored (appended and flushed after the item's transaction has committed). Scrapy's
request queue is kept in memory (no JOBDIR: pickling every request cost about 30 % of the spider's
speed). A crawl stopped in any way — Ctrl-C, SIGTERM, SIGKILL, power loss — is resumed the same way:
the restart walks the list pages again and skips every detail page in the done-log; nothing is lost,
and the database's unique keys make sure nothing is stored twice.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.platforms import BUILTIN_MARK, resolve_profile  # noqa: F401 - BUILTIN_MARK: kept importable here
from storage.errors import MarkwatchError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session

    from crawler.profiles import Profile
    from settings import Settings
    from storage import Database
    from storage.models import Platform

SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")
LOCK = "markwatch.lock"


@dataclass(frozen=True)
class CrawlOptions:
    """What a caller asks of one crawl; the platform's profile and markwatch's settings give the rest."""

    platform: str
    queries: tuple[str, ...] = ()  # search these words instead of walking the catalogue
    max_pages: int | None = None  # stop after this many pages
    distributed: str | None = None  # Redis URL of a frontier shared with other crawler processes
    base_url_override: str | None = None  # crawl the platform at this address instead of its profile's
    progress: bool = True  # draw a progress bar (only where stderr is a terminal)
    progress_words: dict[str, str] = field(default_factory=dict)  # what it says: crawler.progress.BarWords
    fresh: bool = False  # start afresh instead of resuming an interrupted crawl
    score: bool = True  # score and queue each stored listing
    settings_extra: dict[str, Any] = field(default_factory=dict)  # Scrapy settings (benchmarks, tests)
    urls: tuple[str, ...] = ()  # crawl exactly these pages, each recognised as a list or a detail page

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CrawlOptions:
        data = json.loads(text)
        return cls(**data | {"queries": tuple(data.get("queries", ())), "urls": tuple(data.get("urls", ()))})


@dataclass
class CrawlRunSummary:
    """What a crawl did; also the last state of its crawl-run row."""

    platform: str
    run_id: int | None
    status: str  # finished | interrupted | failed
    pages: int = 0
    items: int = 0
    drops: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    blocks: int = 0
    seconds: float = 0.0
    resumed: bool = False
    job_dir: str | None = None
    distributed: str | None = None
    base_url: str | None = None
    error: str | None = None
    images: int = 0  # listing images stored
    refused: dict[str, int] = field(default_factory=dict)  # requests not made, by reason
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        def counted(total: int, what: str, by: dict[str, int]) -> str:
            detail = ", ".join(f"{k} {v}" for k, v in sorted(by.items()))
            return f"{total:,} {what}" + (f" ({detail})" if total else "")

        parts = [
            f"{self.platform}: {self.status}",
            f"{self.items:,} listing(s) stored",
            f"{self.images:,} image(s)",
            f"{self.pages:,} page(s)",
            counted(sum(self.drops.values()), "dropped", self.drops),
            f"{self.blocks:,} block page(s)",
            f"{self.errors:,} error(s)",
            counted(sum(self.refused.values()), "refused", self.refused),
            f"{len(self.warnings):,} warning(s)",
            f"{self.seconds:.1f} s",
        ]
        return ", ".join(parts) + (" (resumed)" if self.resumed else "")


# --- the caller's side --------------------------------------------------------------------------------


def crawl(options: CrawlOptions, *, timeout: float | None = None) -> CrawlRunSummary:
    """Crawl one platform in a child process and return its summary.

    ``options.base_url_override`` (or ``MARKWATCH_<PLATFORM>_URL``, e.g. ``MARKWATCH_DEMO_STATIC_URL``)
    points the profile at another address, such as demo servers on other ports. Raises MarkwatchError
    when the crawl was refused (unknown platform, database not migrated, a crawl of the platform already
    running).
    """
    with tempfile.TemporaryDirectory(prefix="markwatch-crawl-") as tmp:
        summary_file = Path(tmp) / "summary.json"
        child = subprocess.Popen(child_command(options, summary_file=summary_file), env=os.environ.copy())
        try:
            code = child.wait(timeout=timeout)
        except KeyboardInterrupt:
            # the child got the same Ctrl-C and is saving its frontier: wait for it
            code = child.wait()
        except subprocess.TimeoutExpired:
            child.terminate()
            code = child.wait()
        if not summary_file.exists():
            raise MarkwatchError(
                f"the crawl of {options.platform} ended without a result (exit code {code}); see the crawl "
                "log under $MARKWATCH_HOME/jobs",
                exit_code=3,
                key="err.crawl_no_result",
                platform=options.platform,
                code=code,
            )
        data = json.loads(summary_file.read_text(encoding="utf-8"))
    if "crawl_refused" in data:
        refused = data.get("crawl_refused_catalogue") or {}  # the child's error as the catalogue has it
        raise MarkwatchError(
            data["crawl_refused"],
            exit_code=int(data.get("exit_code", 2)),
            key=refused.get("key"),
            **refused.get("values", {}),
        )
    return CrawlRunSummary(**data)


def child_command(options: CrawlOptions, *, summary_file: Path | None = None) -> list[str]:
    """The ``python -m crawler.run`` command line of a crawl (tests start it to SIGKILL it)."""
    command = [sys.executable, "-m", "crawler.run", options.to_json()]
    if summary_file:
        command += ["--summary", str(summary_file)]
    return command


# --- the child's side ---------------------------------------------------------------------------------


def brand_queries(db: Database) -> list[str]:
    """Every approved brand's marks (primary name and aliases), for a keyword crawl."""
    from storage.brands import list_brands
    from storage.models import BrandStatus

    marks: list[str] = []
    with db.session() as session:
        for brand in list_brands(session=session, status=BrandStatus.approved):
            for mark in brand.marks:
                if mark.text and mark.text not in marks:
                    marks.append(mark.text)
    return marks


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare_job_dir(job_dir: Path) -> bool:
    """Refuse when a live crawl holds the job directory; returns whether the last holder was killed."""
    job_dir.mkdir(parents=True, exist_ok=True)
    lock = job_dir / LOCK
    killed = False
    if lock.exists():
        try:
            pid = int(lock.read_text().strip() or 0)
        except ValueError:
            pid = 0
        if pid and pid != os.getpid() and _pid_alive(pid):
            raise MarkwatchError(
                f"a crawl of this platform is already running (process {pid}); wait for it or stop it",
                key="err.crawl_running",
                pid=pid,
            )
        killed = True
    lock.write_text(str(os.getpid()))
    return killed


def clear_job_dir(job_dir: Path, *, keep_done_log: bool) -> None:
    for name in SCRAPY_STATE:
        path = job_dir / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()
    if not keep_done_log:
        (job_dir / "markwatch-done.txt").unlink(missing_ok=True)


def read_done_log(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {
        line.strip()
        for line in path.read_text(encoding="ascii", errors="ignore").splitlines()
        if len(line.strip()) == 40
    }


@dataclass(frozen=True)
class RunPlan:
    """The crawl-run row this process keeps, and what the spider is to do."""

    run_id: int
    queries: list[str]
    walk: bool  # walk the catalogue from the profile's start URLs
    job_dir: Path | None  # None for a distributed crawl: its frontier is in Redis
    resumed: bool = False
    scrapy_extra: dict[str, Any] = field(default_factory=dict)


def run_in_this_process(options: CrawlOptions) -> CrawlRunSummary:
    """Run the crawl here (starts the reactor: once per process). ``crawl()`` calls this in a child."""
    from settings import get_settings
    from storage import open_database

    settings = get_settings()
    if options.score:
        check_routing(settings)
    db = open_database(settings)
    refuse_disabled(db, options.platform)
    profile = resolve_profile(db, options.platform)
    profile = profile.with_base_url(options.base_url_override or profile.env_base_url())
    plan = plan_run(db, settings, profile, options)
    crawler = run_spider(settings, profile, options, plan)
    if plan.job_dir is not None:
        (plan.job_dir / LOCK).unlink(missing_ok=True)
    return summarise(db, profile, plan, crawler)


def refuse_disabled(db: Database, platform: str) -> None:
    """A disabled platform is not crawled: MarkwatchError (exit 2) saying how to enable it."""
    from crawler.platforms import is_enabled

    if not is_enabled(db, platform):
        raise MarkwatchError(
            f"platform {platform} is disabled, so it is not crawled; "
            f"enable it with `markwatch platforms enable {platform}`",
            key="err.platform_disabled",
            name=platform,
        )


def check_routing(settings: Settings) -> None:
    """Refuse a bad routing.yaml before anything runs (the score pipeline reads it again)."""
    from scoring.types import VIOLATIONS
    from storage.queue_rules import QueueRules

    QueueRules.from_settings(settings, kinds=VIOLATIONS)


def crawl_queries(db: Database, profile: Profile, asked: Sequence[str]) -> tuple[list[str], bool]:
    """The words to search and whether to walk the catalogue as well.

    Words asked for are searched instead of the walk; with none, a profile that can search looks for
    every approved brand's marks as well as walking its catalogue (if it has one)."""
    queries = [q for q in asked if q.strip()]
    if queries:
        return queries, False
    walk = bool(profile.data.get("start_urls"))
    if profile.data.get("search_url"):
        return brand_queries(db), walk
    return [], walk


def plan_run(db: Database, settings: Settings, profile: Profile, options: CrawlOptions) -> RunPlan:
    """Open this process's crawl-run row: on the shared frontier, or resumed or started in the job dir."""
    from storage.crawl import get_platform

    # pages given by address are crawled alone: no catalogue walk, no search
    queries, walk = ([], False) if options.urls else crawl_queries(db, profile, options.queries)
    with db.session() as session:
        platform = get_platform(session=session, name=profile.name)
        assert platform is not None  # resolve_profile stored it
        if options.urls:  # a few given pages: a run of its own, beside (not instead of) the platform's crawl
            from storage.crawl import start_crawl_run

            run = start_crawl_run(
                session=session, platform=platform, queries=[], job_dir=None, distributed=None
            )
            return RunPlan(run_id=run.id, queries=[], walk=False, job_dir=None)
        if options.distributed:
            return join_shared_frontier(session, platform, profile, options.distributed, queries, walk)
        job_dir = settings.home / "jobs" / profile.name
        return open_job_dir_run(session, platform, job_dir, queries, walk, fresh=options.fresh)


def join_shared_frontier(
    session: Session, platform: Platform, profile: Profile, redis_url: str, queries: list[str], walk: bool
) -> RunPlan:
    """Join (or open) the platform's distributed generation and start a crawl-run row for this process."""
    from crawler.distributed import Generation, redacted, redis_settings
    from storage.crawl import start_crawl_run

    try:  # a malformed URL (port, scheme) fails in Generation, a closed port in join
        generation = Generation(redis_url, profile.name)
        generation.join()
    except Exception as exc:
        raise MarkwatchError(
            f"cannot use Redis at {redacted(redis_url)}: {exc}",
            key="err.redis",
            url=redacted(redis_url),
            reason=exc,
        ) from exc
    run = start_crawl_run(
        session=session, platform=platform, queries=queries, job_dir=None, distributed=redacted(redis_url)
    )
    extra = redis_settings(generation, redis_url)
    # take from the shared queue only what this process can fetch now; leave the rest to peers
    extra["CONCURRENT_REQUESTS"] = int(profile.politeness["concurrency"])
    return RunPlan(run_id=run.id, queries=queries, walk=walk, job_dir=None, scrapy_extra=extra)


def open_job_dir_run(
    session: Session, platform: Platform, job_dir: Path, queries: list[str], walk: bool, *, fresh: bool
) -> RunPlan:
    """Resume the interrupted crawl of the same words, or start a new one (the old one is then closed)."""
    from storage.crawl import resumable_crawl_run, start_crawl_run, update_crawl_run

    prepare_job_dir(job_dir)  # refuses while a live crawl holds it
    previous = resumable_crawl_run(session=session, platform=platform, job_dir=str(job_dir))
    if previous is not None and not fresh and list(previous.queries or []) == queries:
        # walk again, skipping the done-log's pages (also clears a JOBDIR left by an older version)
        clear_job_dir(job_dir, keep_done_log=True)
        previous.status = "running"
        return RunPlan(run_id=previous.id, queries=queries, walk=walk, job_dir=job_dir, resumed=True)
    if previous is not None:
        update_crawl_run(session=session, run_id=previous.id, status="interrupted")
    clear_job_dir(job_dir, keep_done_log=False)
    run = start_crawl_run(
        session=session, platform=platform, queries=queries, job_dir=str(job_dir), distributed=None
    )
    return RunPlan(run_id=run.id, queries=queries, walk=walk, job_dir=job_dir)


def run_spider(settings: Settings, profile: Profile, options: CrawlOptions, plan: RunPlan) -> Crawler:
    """Crawl with the profile spider until it closes; returns its crawler (for the stats)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import scrapy_settings
    from crawler.spiders.profile import ProfileSpider

    log_dir = settings.home / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    scrapy_conf = scrapy_settings(
        profile,
        run_id=plan.run_id,
        job_dir=plan.job_dir,
        max_pages=options.max_pages,
        log_file=log_dir / f"crawl-{profile.name}.log",
        progress=options.progress,
        progress_words=options.progress_words,
        score=options.score,
        extra=options.settings_extra | plan.scrapy_extra,
    )
    done = read_done_log(plan.job_dir / "markwatch-done.txt") if plan.job_dir else set()
    process = CrawlerProcess(scrapy_conf)
    crawler = process.create_crawler(ProfileSpider)
    process.crawl(
        crawler,
        profile=profile.data,
        queries=plan.queries,
        done=done,
        walk=plan.walk,
        urls=list(options.urls),
    )
    started = time.monotonic()
    process.start()
    if crawler.stats is not None and crawler.stats.get_value("elapsed_time_seconds") is None:
        crawler.stats.set_value("elapsed_time_seconds", time.monotonic() - started)  # it never opened
    return crawler


def summarise(db: Database, profile: Profile, plan: RunPlan, crawler: Crawler) -> CrawlRunSummary:
    """The summary of the crawl, from its crawl-run row as the recorder left it."""
    from storage.crawl import get_crawl_run

    elapsed = crawler.stats.get_value("elapsed_time_seconds", 0.0) if crawler.stats else 0.0
    with db.session() as session:
        row = get_crawl_run(session=session, run_id=plan.run_id)
        return CrawlRunSummary(
            platform=profile.name,
            run_id=plan.run_id,
            status=row.status,
            pages=row.pages,
            items=row.items,
            drops=dict(row.drops or {}),
            errors=row.errors,
            blocks=row.blocks,
            seconds=round(float(elapsed), 2),
            resumed=plan.resumed,
            job_dir=str(plan.job_dir) if plan.job_dir else None,
            distributed=row.distributed,
            base_url=profile.base_url,
            error=row.error,
            images=row.images,
            refused=dict(row.refused or {}),
            warnings=list(row.warnings or []),
        )


# --- python -m crawler.run ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description="one markwatch crawl")
    parser.add_argument("options", type=CrawlOptions.from_json, help="the crawl's options (JSON)")
    parser.add_argument("--summary", type=Path, help="write the summary (JSON) here")
    args = parser.parse_args(argv)
    options: CrawlOptions = args.options

    def answer(data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False)
        if args.summary:
            tmp = args.summary.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, args.summary)
        else:
            print(text)

    try:
        summary = run_in_this_process(replace(options, progress=options.progress and sys.stderr.isatty()))
    except MarkwatchError as exc:
        refused = {"key": exc.key, "values": {k: str(v) for k, v in exc.values.items()}} if exc.key else None
        answer({"crawl_refused": str(exc), "exit_code": exc.exit_code, "crawl_refused_catalogue": refused})
        if not args.summary:
            print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # the cause goes back to the caller, not only into a log file
        logging.getLogger(__name__).exception("the crawl of %s failed", options.platform)
        answer(
            {
                "crawl_refused": f"the crawl of {options.platform} failed: {type(exc).__name__}: {exc}",
                "exit_code": 3,
            }
        )
        return 3
    answer(asdict(summary))
    return 0 if summary.status == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
