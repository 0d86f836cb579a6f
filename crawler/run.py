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
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from storage.errors import MarkwatchError

SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")
LOCK = "markwatch.lock"
BUILTIN_MARK = "_builtin"  # in a stored profile: a copy of a built-in one, not the user's


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

    def line(self) -> str:
        dropped = sum(self.drops.values())
        parts = [
            f"{self.platform}: {self.status}",
            f"{self.items:,} listing(s) stored",
            f"{self.pages:,} page(s)",
            f"{dropped:,} dropped"
            + (f" ({', '.join(f'{k} {v}' for k, v in sorted(self.drops.items()))})" if dropped else ""),
            f"{self.blocks:,} block page(s)",
            f"{self.errors:,} error(s)",
            f"{self.seconds:.1f} s",
        ]
        return ", ".join(parts) + (" (resumed)" if self.resumed else "")


# --- the caller's side --------------------------------------------------------------------------------


def crawl(
    platform_name: str,
    *,
    queries: list[str] | tuple[str, ...] = (),
    max_pages: int | None = None,
    distributed: str | None = None,
    base_url_override: str | None = None,
    progress: bool = True,
    fresh: bool = False,
    score: bool = True,
    timeout: float | None = None,
) -> CrawlRunSummary:
    """Crawl one platform in a child process and return its summary.

    ``base_url_override`` (or ``MARKWATCH_<PLATFORM>_URL``, e.g. ``MARKWATCH_DEMO_STATIC_URL``) points the
    profile at another address, such as demo servers on other ports. Raises MarkwatchError when the crawl
    was refused (unknown platform, database not migrated, a crawl of the platform already running).
    """
    with tempfile.TemporaryDirectory(prefix="markwatch-crawl-") as tmp:
        summary_file = Path(tmp) / "summary.json"
        command = child_command(
            platform_name,
            queries=queries,
            max_pages=max_pages,
            distributed=distributed,
            base_url_override=base_url_override,
            progress=progress,
            fresh=fresh,
            score=score,
            summary_file=summary_file,
        )
        child = subprocess.Popen(command, env=os.environ.copy())
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
                f"the crawl of {platform_name} ended without a result (exit code {code}); see the crawl log "
                "under $MARKWATCH_HOME/jobs",
                exit_code=3,
            )
        data = json.loads(summary_file.read_text(encoding="utf-8"))
    if "refused" in data:
        raise MarkwatchError(data["refused"], exit_code=int(data.get("exit_code", 2)))
    return CrawlRunSummary(**data)


def child_command(
    platform_name: str,
    *,
    queries: list[str] | tuple[str, ...] = (),
    max_pages: int | None = None,
    distributed: str | None = None,
    base_url_override: str | None = None,
    progress: bool = True,
    fresh: bool = False,
    score: bool = True,
    summary_file: Path | None = None,
) -> list[str]:
    """The ``python -m crawler.run`` command line of a crawl (tests start it to SIGKILL it)."""
    command = [sys.executable, "-m", "crawler.run", platform_name]
    for query in queries:
        command += ["--query", query]
    if max_pages:
        command += ["--max-pages", str(max_pages)]
    if distributed:
        command += ["--distributed", distributed]
    if base_url_override:
        command += ["--base-url", base_url_override]
    if not progress:
        command.append("--no-progress")
    if fresh:
        command.append("--fresh")
    if not score:
        command.append("--no-score")
    if summary_file:
        command += ["--summary", str(summary_file)]
    return command


# --- the child's side ---------------------------------------------------------------------------------


def resolve_profile(db: Any, platform_name: str) -> Any:
    """The platform's profile: the one `platforms add` stored, else a built-in one (stored on first use)."""
    from sqlalchemy.exc import IntegrityError

    from crawler.profiles import Profile, builtin_profile
    from storage.crawl import get_platform, upsert_platform

    for attempt in range(3):
        try:
            with db.session() as session:
                row = get_platform(session=session, name=platform_name)
                if row is not None and row.profile and not row.profile.get(BUILTIN_MARK):
                    return Profile(dict(row.profile))  # added with `platforms add`: it wins
                builtin = builtin_profile(platform_name)
                if builtin is None:
                    from storage.errors import NotFound

                    raise NotFound(
                        f"no platform profile named {platform_name!r}; see `markwatch platforms list`, "
                        "or add one with `markwatch platforms add PROFILE.yaml`"
                    )
                upsert_platform(
                    session=session,
                    name=builtin.name,
                    title=builtin.title,
                    render=builtin.render,
                    profile=builtin.data | {BUILTIN_MARK: True},  # refreshed from the file on every crawl
                )
                return builtin
        except IntegrityError:  # a crawler process next to this one stored it first
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def brand_queries(db: Any) -> list[str]:
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
                f"a crawl of this platform is already running (process {pid}); wait for it or stop it"
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


def run_in_this_process(
    platform_name: str,
    *,
    queries: list[str] | tuple[str, ...] = (),
    max_pages: int | None = None,
    distributed: str | None = None,
    base_url_override: str | None = None,
    progress: bool = True,
    fresh: bool = False,
    score: bool = True,
    settings_extra: dict[str, Any] | None = None,
) -> CrawlRunSummary:
    """Run the crawl here (starts the reactor: once per process). ``crawl()`` calls this in a child."""
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import scrapy_settings
    from crawler.spiders.profile import ProfileSpider
    from settings import get_settings
    from storage import open_database
    from storage.crawl import get_platform, resumable_crawl_run, start_crawl_run, update_crawl_run

    settings = get_settings()
    if score:  # the score pipeline reads it again; a bad routing.yaml is refused before anything runs
        from scoring.types import VIOLATIONS
        from storage.queue import QueueRules

        QueueRules.from_settings(settings, kinds=VIOLATIONS)
    db = open_database(settings)
    profile = resolve_profile(db, platform_name)
    profile = profile.with_base_url(base_url_override or profile.env_base_url())
    query_list = [q for q in queries if q.strip()]
    walk = bool(profile.data.get("start_urls"))
    if not query_list and profile.data.get("search_url"):
        query_list = brand_queries(db)  # searched as well as the catalogue walk (if the profile has one)
    elif query_list:
        walk = False

    job_dir: Path | None = None
    resumed = False
    generation = None
    extra: dict[str, Any] = dict(settings_extra or {})
    with db.session() as session:
        platform = get_platform(session=session, name=profile.name)
        assert platform is not None
        if distributed:
            from crawler.distributed import Generation, redacted, redis_settings

            try:  # a malformed URL (port, scheme) fails in Generation, a closed port in join
                generation = Generation(distributed, profile.name)
                generation.join()
            except Exception as exc:
                raise MarkwatchError(f"cannot use Redis at {redacted(distributed)}: {exc}") from exc
            extra |= redis_settings(generation, distributed)
            # take from the shared queue only what this process can fetch now; leave the rest to peers
            extra["CONCURRENT_REQUESTS"] = int(profile.politeness["concurrency"])
            from crawler import distributed as shared_frontier

            shared_frontier.CURRENT = generation  # not a setting: Scrapy deep-copies settings
            run = start_crawl_run(
                session=session,
                platform=platform,
                queries=query_list,
                job_dir=None,
                distributed=redacted(distributed),
            )
        else:
            job_dir = settings.home / "jobs" / profile.name
            prepare_job_dir(job_dir)  # refuses while a live crawl holds it
            previous = resumable_crawl_run(session=session, platform=platform, job_dir=str(job_dir))
            if previous is not None and not fresh and list(previous.queries or []) == query_list:
                run, resumed = previous, True
                # walk again, skipping the done-log's pages (also clears a JOBDIR left by an older version)
                clear_job_dir(job_dir, keep_done_log=True)
                run.status = "running"
            else:
                if previous is not None:
                    update_crawl_run(session=session, run_id=previous.id, status="interrupted")
                clear_job_dir(job_dir, keep_done_log=False)
                run = start_crawl_run(
                    session=session,
                    platform=platform,
                    queries=query_list,
                    job_dir=str(job_dir),
                    distributed=None,
                )
        run_id = run.id
    done = read_done_log(job_dir / "markwatch-done.txt") if job_dir else set()

    log_dir = settings.home / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    scrapy_conf = scrapy_settings(
        profile,
        run_id=run_id,
        job_dir=job_dir,
        max_pages=max_pages,
        log_file=log_dir / f"crawl-{profile.name}.log",
        progress=progress,
        score=score,
        extra=extra,
    )
    started = time.monotonic()
    process = CrawlerProcess(scrapy_conf)
    crawler = process.create_crawler(ProfileSpider)
    process.crawl(crawler, profile=profile.data, queries=query_list, done=done, walk=walk)
    process.start()
    recorder: CrawlRunRecorder | None = getattr(crawler, "markwatch_recorder", None)
    if job_dir is not None:
        (job_dir / LOCK).unlink(missing_ok=True)
    with db.session() as session:
        from storage.crawl import get_crawl_run

        row = get_crawl_run(session=session, run_id=run_id)
        return CrawlRunSummary(
            platform=profile.name,
            run_id=run_id,
            status=row.status,
            pages=row.pages,
            items=row.items,
            drops=dict(row.drops or {}),
            errors=row.errors,
            blocks=row.blocks,
            seconds=round(time.monotonic() - started, 2) if recorder is None else recorder.elapsed(),
            resumed=resumed,
            job_dir=str(job_dir) if job_dir else None,
            distributed=row.distributed,
            base_url=profile.base_url,
            error=row.error,
        )


# --- the extension that keeps the crawl-run row and the progress bar ---------------------------------


class CrawlRunRecorder:
    """Counts pages, items, drops by reason, errors and blocks into the crawl-run row, appends finished
    detail pages to the resume log, and draws the Rich progress bar."""

    def __init__(self, crawler: Crawler) -> None:
        from settings import get_settings
        from storage import open_database
        from storage.crawl import get_crawl_run

        self.crawler = crawler
        self.run_id = crawler.settings.getint("MARKWATCH_CRAWL_RUN_ID")
        self.db = open_database(get_settings(), check=False)
        with self.db.session() as session:
            row = get_crawl_run(session=session, run_id=self.run_id)
            self.base = {"pages": row.pages, "items": row.items, "errors": row.errors, "blocks": row.blocks}
            self.base_drops: dict[str, int] = dict(row.drops or {})
        self.pages = self.items = self.found = self.spider_errors = 0
        self.drops: dict[str, int] = {}
        done_log = crawler.settings.get("MARKWATCH_DONE_LOG")
        self.done_log = open(done_log, "a", encoding="ascii") if done_log else None  # noqa: SIM115
        self.started = time.monotonic()
        self.loop: Any = None
        self.progress: Any = None
        self.task: Any = None
        crawler.markwatch_recorder = self  # type: ignore[attr-defined]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        from scrapy.exceptions import NotConfigured

        if not crawler.settings.getint("MARKWATCH_CRAWL_RUN_ID"):
            raise NotConfigured("no crawl-run row to keep")
        ext = cls(crawler)
        connect = crawler.signals.connect
        connect(ext.opened, signal=signals.spider_opened)
        connect(ext.closed, signal=signals.spider_closed)
        connect(ext.response_received, signal=signals.response_received)
        connect(ext.item_scraped, signal=signals.item_scraped)
        connect(ext.item_dropped, signal=signals.item_dropped)
        connect(ext.spider_error, signal=signals.spider_error)
        connect(ext.request_scheduled, signal=signals.request_scheduled)
        return ext

    def elapsed(self) -> float:
        return round(time.monotonic() - self.started, 2)

    def opened(self, spider: Any) -> None:
        from twisted.internet import task

        if self.crawler.settings.getbool("MARKWATCH_PROGRESS"):
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn(f"crawling {spider.profile.name}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn(
                    "listings · {task.fields[pages]} pages · {task.fields[blocks]} blocks · "
                    "{task.fields[retries]} retries"
                ),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self.task = self.progress.add_task("crawl", total=None, pages=0, blocks=0, retries=0)
            self.progress.start()
        self.loop = task.LoopingCall(self.flush)
        self.loop.start(0.5, now=False)

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        if "markwatch_kind" in request.meta:
            self.pages += 1

    def request_scheduled(self, request: Any, spider: Any) -> None:
        if request.meta.get("markwatch_kind") == "detail" and not request.meta.get("markwatch_attempt"):
            self.found += 1

    def _done(self, item: Any) -> None:
        fingerprint = item.get("fingerprint") if hasattr(item, "get") else None
        if self.done_log is not None and fingerprint:
            self.done_log.write(fingerprint + "\n")
            self.done_log.flush()  # a SIGKILL loses nothing the OS has been given

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        self.items += 1
        self._done(item)

    def item_dropped(self, item: Any, response: Any, exception: Exception, spider: Any) -> None:
        reason = getattr(exception, "reason", None) or type(exception).__name__
        self.drops[reason] = self.drops.get(reason, 0) + 1
        self._done(item)

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        self.spider_errors += 1

    def counters(self) -> dict[str, Any]:
        stats = self.crawler.stats
        assert stats is not None
        drops = dict(self.base_drops)
        for reason, count in self.drops.items():
            drops[reason] = drops.get(reason, 0) + count
        return {
            "pages": self.base["pages"] + self.pages,
            "items": self.base["items"] + self.items,
            "drops": drops,
            "errors": self.base["errors"] + int(stats.get_value("markwatch/errors", 0)) + self.spider_errors,
            "blocks": self.base["blocks"] + int(stats.get_value("markwatch/blocks", 0)),
        }

    def flush(self, **final: Any) -> None:
        from storage.crawl import update_crawl_run

        counters = self.counters()
        try:
            with self.db.session() as session:
                update_crawl_run(session=session, run_id=self.run_id, **counters, **final)
        except Exception as exc:  # noqa: BLE001 - a busy database must not stop the crawl; next flush retries
            if final:
                raise
            import logging

            logging.getLogger(__name__).warning("could not update the crawl-run row: %s", exc)
        if self.progress is not None:
            stats = self.crawler.stats
            assert stats is not None
            total = max(self.found + int(stats.get_value("markwatch/resume_skipped", 0)), 1)
            done = self.items + sum(self.drops.values()) + int(stats.get_value("markwatch/resume_skipped", 0))
            self.progress.update(
                self.task,
                total=total,
                completed=min(done, total),
                pages=counters["pages"],
                blocks=counters["blocks"],
                retries=int(stats.get_value("markwatch/retries", 0)),
            )

    def closed(self, spider: Any, reason: str) -> None:
        from storage.models import utcnow

        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if reason == "finished" or reason.startswith("closespider_"):
            status = "finished"
        elif reason == "shutdown":
            status = "interrupted"
        else:
            status = "failed"
        stats = {
            k: _jsonable(v) for k, v in (self.crawler.stats.get_stats() if self.crawler.stats else {}).items()
        }
        self.flush(
            status=status, finished_at=utcnow(), stats=stats, error=None if status != "failed" else reason
        )
        if self.progress is not None:
            self.progress.stop()
        if self.done_log is not None:
            self.done_log.close()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# --- python -m crawler.run ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description="one markwatch crawl")
    parser.add_argument("platform")
    parser.add_argument("--query", action="append", default=[])
    parser.add_argument("--max-pages", type=int)
    parser.add_argument("--distributed")
    parser.add_argument("--base-url")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--no-score", action="store_true")
    parser.add_argument("--summary", type=Path, help="write the summary (JSON) here")
    args = parser.parse_args(argv)

    def answer(data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False)
        if args.summary:
            tmp = args.summary.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, args.summary)
        else:
            print(text)

    try:
        summary = run_in_this_process(
            args.platform,
            queries=args.query,
            max_pages=args.max_pages,
            distributed=args.distributed,
            base_url_override=args.base_url,
            progress=not args.no_progress and sys.stderr.isatty(),
            fresh=args.fresh,
            score=not args.no_score,
        )
    except MarkwatchError as exc:
        answer({"refused": str(exc), "exit_code": exc.exit_code})
        print(f"error: {exc}", file=sys.stderr) if not args.summary else None
        return exc.exit_code
    answer(asdict(summary))
    return 0 if summary.status == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
