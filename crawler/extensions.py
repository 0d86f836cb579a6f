"""markwatch's Scrapy extensions: the crawl-run recorder (a crawl's row in the database, its resume log and
its progress bar) and the page limit of ``--max-pages``."""

from __future__ import annotations

import logging
from typing import IO, TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.closespider import CloseSpider
from scrapy.http import Request, Response
from scrapy.spiders import Spider

from crawler.settings import DEFAULTS

if TYPE_CHECKING:
    from twisted.internet.task import LoopingCall
    from twisted.python.failure import Failure

    from crawler.progress import FittedBar

logger = logging.getLogger(__name__)

FLUSH_INTERVAL = 0.5  # s between updates of the crawl-run row and the progress bar


class CrawlRunRecorder:
    """Counts pages, items, drops by reason, errors and blocks into the crawl-run row, appends finished
    detail pages to the resume log, and draws the Rich progress bar."""

    def __init__(self, crawler: Crawler, run_id: int) -> None:
        from settings import get_settings
        from storage import open_database
        from storage.crawl import get_crawl_run

        self.crawler = crawler
        self.run_id = run_id
        self.db = open_database(get_settings(), check=False)
        with self.db.session() as session:
            row = get_crawl_run(session=session, run_id=self.run_id)
            self.base = {
                "pages": row.pages,
                "items": row.items,
                "errors": row.errors,
                "blocks": row.blocks,
                "images": row.images,
            }
            self.base_drops: dict[str, int] = dict(row.drops or {})
            self.base_refused: dict[str, int] = dict(row.refused or {})  # a resumed run adds to these
            self.base_warnings: list[str] = list(row.warnings or [])
        self.pages = self.items = self.found = self.spider_errors = 0
        self.drops: dict[str, int] = {}
        done_log = crawler.settings.get("MARKWATCH_DONE_LOG", DEFAULTS["MARKWATCH_DONE_LOG"])
        self.done_log: IO[str] | None = (
            open(done_log, "a", encoding="ascii") if done_log else None  # noqa: SIM115 - closed in closed()
        )
        self.loop: LoopingCall | None = None
        self.progress: FittedBar | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        run_id = crawler.settings.getint("MARKWATCH_CRAWL_RUN_ID", DEFAULTS["MARKWATCH_CRAWL_RUN_ID"])
        if not run_id:
            raise NotConfigured("no crawl-run row to keep")
        ext = cls(crawler, run_id)
        connect = crawler.signals.connect
        connect(ext.opened, signal=signals.spider_opened)
        connect(ext.closed, signal=signals.spider_closed)
        connect(ext.response_received, signal=signals.response_received)
        connect(ext.item_scraped, signal=signals.item_scraped)
        connect(ext.item_dropped, signal=signals.item_dropped)
        connect(ext.spider_error, signal=signals.spider_error)
        connect(ext.request_scheduled, signal=signals.request_scheduled)
        return ext

    def opened(self, spider: Spider) -> None:
        from twisted.internet import task

        if self.crawler.settings.getbool("MARKWATCH_PROGRESS", DEFAULTS["MARKWATCH_PROGRESS"]):
            self.start_progress_bar(self.crawler.settings.get("MARKWATCH_PLATFORM") or spider.name)
        self.loop = task.LoopingCall(self.flush)
        self.loop.start(FLUSH_INTERVAL, now=False)

    def start_progress_bar(self, platform: str) -> None:
        """The bar on stderr, in the words the caller gave (``MARKWATCH_PROGRESS_WORDS``), fitted to the
        terminal's width; without words, the platform's name and bare counts."""
        from rich.console import Console

        from crawler.progress import BarWords, FittedBar

        words = BarWords.from_dict(self.crawler.settings.getdict("MARKWATCH_PROGRESS_WORDS")) or BarWords(
            platform
        )
        self.progress = FittedBar(words, Console(stderr=True))
        self.progress.start()

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if "markwatch_kind" in request.meta:
            self.pages += 1

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        if request.meta.get("markwatch_kind") == "detail" and not request.meta.get("markwatch_attempt"):
            self.found += 1

    def _done(self, item: Any) -> None:
        fingerprint = item.get("fingerprint") if hasattr(item, "get") else None
        if self.done_log is not None and fingerprint:
            self.done_log.write(fingerprint + "\n")
            self.done_log.flush()  # a SIGKILL loses nothing the OS has been given

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        self.items += 1
        self._done(item)

    def item_dropped(self, item: Any, response: Response, exception: Exception, spider: Spider) -> None:
        reason = getattr(exception, "reason", None) or type(exception).__name__
        self.drops[reason] = self.drops.get(reason, 0) + 1
        self._done(item)

    def spider_error(self, failure: Failure, response: Response, spider: Spider) -> None:
        self.spider_errors += 1

    def _stat(self, name: str) -> int:
        stats = self.crawler.stats
        assert stats is not None
        return int(stats.get_value(name, 0))

    def counters(self) -> dict[str, Any]:
        from crawler import images, report

        drops = dict(self.base_drops)
        for reason, count in self.drops.items():
            drops[reason] = drops.get(reason, 0) + count
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        refused = dict(self.base_refused)
        for reason, count in report.refusals(stats).items():
            refused[reason] = refused.get(reason, 0) + count
        return {
            "refused": refused,
            "warnings": self.base_warnings + report.warnings(stats),
            "images": self.base["images"] + self._stat(images.STORED_STAT),
            "pages": self.base["pages"] + self.pages,
            "items": self.base["items"] + self.items,
            "drops": drops,
            "errors": self.base["errors"] + self._stat("markwatch/errors") + self.spider_errors,
            "blocks": self.base["blocks"] + self._stat("markwatch/blocks"),
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
            logger.warning("could not update the crawl-run row: %s", exc)
        self.update_progress_bar(counters)

    def update_progress_bar(self, counters: dict[str, Any]) -> None:
        if self.progress is None:
            return
        skipped = self._stat("markwatch/resume_skipped")
        found = self.found + skipped  # detail pages found so far: unknown until the first list page is read
        done = self.items + sum(self.drops.values()) + skipped
        self.progress.update(
            done,
            found or None,
            pages=counters["pages"],
            blocks=counters["blocks"],
            retries=self._stat("markwatch/retries"),
        )

    def closed(self, spider: Spider, reason: str) -> None:
        from storage.models import utcnow

        if self.loop is not None and self.loop.running:
            self.loop.stop()
        status = run_status(reason)
        scrapy_stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        stats = {k: _jsonable(v) for k, v in scrapy_stats.items()}
        self.flush(
            status=status, finished_at=utcnow(), stats=stats, error=None if status != "failed" else reason
        )
        if self.progress is not None:
            self.progress.stop()
        if self.done_log is not None:
            self.done_log.close()


def run_status(reason: str) -> str:
    """A crawl-run row's status from Scrapy's close reason: finished, interrupted or failed."""
    if reason == "finished" or reason.startswith("closespider_"):
        return "finished"
    if reason == "shutdown":
        return "interrupted"
    return "failed"


def _jsonable(value: Any) -> Any:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class PageLimit(CloseSpider):
    """Scrapy's CloseSpider, with ``CLOSESPIDER_PAGECOUNT`` (``--max-pages``) counting marketplace pages
    only: a listing's images are fetched through the same downloader but are not pages."""

    def page_count(self, response: Response, request: Request, spider: Spider) -> None:
        if not request.meta.get("markwatch_image"):
            super().page_count(response, request, spider)
