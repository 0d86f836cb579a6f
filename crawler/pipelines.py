"""Item pipelines, one concern each, in this order (see ITEM_PIPELINES in crawler/settings.py):

1. NormalisePipeline  validate and normalise the field texts into a listing record
2. PersistPipeline    upsert seller and listing; a price observation only when the price changed
3. SnapshotPipeline   the page's HTML, final URL, status, headers, fetch time, tool version, and
                      its WARC file (request, response, images, screenshot: storage.warc)
4. ScreenshotPipeline the full-page PNG of a browser-rendered page, onto its snapshot
5. ScorePipeline      score the stored listing and put it in the review queue when flagged

An item that cannot be used is dropped with a reason (``UnusableItem``), counted in the crawl-run row
by reason; nothing here crashes the crawl.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler import normalise as n
from crawler.items import ListingItem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from twisted.internet.defer import Deferred
    from twisted.internet.interfaces import IDelayedCall, IReactorTime

    from brands.queueing import ScoreQueue
    from storage import Database

logger = logging.getLogger(__name__)


class UnusableItem(DropItem):
    """An item dropped for a reason worth counting (``reason``: missing_id, missing_title, not_found…)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


def _database(crawler: Crawler) -> Database:
    from storage import open_database

    return open_database(check=False)


def crawl_drained(crawler: Crawler) -> Callable[[], bool]:
    """Whether the crawl has nothing left to fetch (no request scheduled or in the downloader): from
    then on no more pages come, so a batch that waited for more items would only wait."""

    def drained() -> bool:
        engine = crawler.engine
        scheduler = engine.scheduler if engine is not None else None
        if engine is None or scheduler is None:
            return False
        return not engine.downloader.active and not scheduler.has_pending_requests()

    return drained


BATCH_SIZE = 50  # items per transaction
BATCH_WAIT = 0.2  # s: the longest an item waits for its batch's transaction


class Batch:
    """Items waiting for one transaction: ``work(session, items)``, one commit for the batch, written in
    a worker thread so that the reactor goes on fetching and parsing pages meanwhile.

    ``add`` gives a Deferred that fires (in the reactor thread) with the item once its batch has
    committed, so an item reaches the next pipeline (and, at the end, the done-log via
    ``item_scraped``) only after it is stored: a SIGKILL loses nothing the done-log claims. One batch
    per pipeline is written at a time; what arrives meanwhile is the next batch. A batch that fails (a
    constraint race with another crawler process, say) is redone one item per transaction, up to
    three attempts each, so one bad item fails alone.

    ``drained`` (``crawl_drained``) says when no more items can come: a batch is then written without
    the wait (the end of a crawl, where each pipeline's wait would add to the crawl's time).
    """

    def __init__(
        self,
        db: Database,
        work: Callable[[Session, list[ListingItem]], None],
        *,
        size: int = BATCH_SIZE,
        wait: float = BATCH_WAIT,
        clock: IReactorTime | None = None,
        drained: Callable[[], bool] | None = None,
    ) -> None:
        self.db, self.work, self.size, self.wait = db, work, size, wait
        self.drained = drained
        self.clock = clock  # the reactor unless given (tests: twisted.internet.task.Clock)
        self.pending: list[tuple[ListingItem, Deferred[ListingItem]]] = []
        self.call: IDelayedCall | None = None  # the timer that flushes a batch that is not full
        self.writing = False
        self.idle: list[Deferred[None]] = []  # of ``close``, fired when nothing is pending or written

    def add(self, item: ListingItem) -> Deferred[ListingItem]:
        from twisted.internet import defer

        d: Deferred[ListingItem] = defer.Deferred()
        self.pending.append((item, d))
        if len(self.pending) >= self.size or (self.drained is not None and self.drained()):
            self.flush()
        elif self.call is None:
            if self.clock is None:
                from twisted.internet import reactor

                clock = cast("IReactorTime", reactor)  # the module is the running reactor
            else:
                clock = self.clock
            self.call = clock.callLater(self.wait, self.flush)
        return d

    def flush(self) -> None:
        """Start writing what is pending, unless a batch is being written (its end flushes again)."""
        if self.call is not None and self.call.active():
            self.call.cancel()
        self.call = None
        if self.writing or not self.pending:
            return
        from twisted.internet.threads import deferToThread

        batch, self.pending = self.pending, []
        self.writing = True
        deferToThread(self._write, [item for item, _d in batch]).addCallback(self._written, batch)

    def _write(self, items: list[ListingItem]) -> list[Exception | None]:
        """In the worker thread: the batch in one transaction, or item by item if that fails."""
        try:
            with self.db.session() as session:
                self.work(session, items)
        except Exception:  # noqa: BLE001 - redone item by item below, where an error belongs to one item
            return [self._one(item) for item in items]
        return [None] * len(items)

    def _written(
        self, outcomes: list[Exception | None], batch: list[tuple[ListingItem, Deferred[ListingItem]]]
    ) -> None:
        self.writing = False
        for (item, d), error in zip(batch, outcomes, strict=True):
            if error is None:
                d.callback(item)
            else:
                d.errback(error)
        if len(self.pending) >= self.size or (self.pending and self.call is None):
            self.flush()  # these items have waited for the batch before them already
        if not self.writing and not self.pending:
            waiting, self.idle = self.idle, []
            for closing in waiting:
                closing.callback(None)

    def _one(self, item: ListingItem) -> Exception | None:
        from sqlalchemy.exc import IntegrityError

        for attempt in range(3):
            try:
                with self.db.session() as session:
                    self.work(session, [item])
                return None
            except IntegrityError as exc:
                # another crawler process (distributed mode) inserted the same seller or listing first
                if attempt == 2:
                    return exc
            except Exception as exc:  # noqa: BLE001 - the item fails, the crawl goes on
                return exc
        return None

    def close(self) -> Deferred[None]:
        """Write what is pending; the Deferred fires once every batch is written."""
        from twisted.internet import defer

        self.flush()
        if not self.writing and not self.pending:
            return defer.succeed(None)
        d: Deferred[None] = defer.Deferred()
        self.idle.append(d)
        return d


class NormalisePipeline:
    """Field texts → listing record: prices, counts, dates, whitespace, full-width characters."""

    def process_item(self, item: ListingItem) -> ListingItem:
        if item.get("gone"):
            raise UnusableItem("not_found", item.get("url") or "")
        raw = item.get("raw") or {}
        external_id = n.clean_text(item.get("external_id"))
        if not external_id:
            raise UnusableItem("missing_id", item.get("url") or "")
        title = n.clean_text(raw.get("title"))
        if not title:
            raise UnusableItem("missing_title", item.get("url") or "")
        price_text = raw.get("price")
        price = n.parse_price(price_text)
        seller_raw = raw.get("seller") or {}
        seller = {
            "id": n.clean_text(seller_raw.get("id")) or n.clean_text(seller_raw.get("name")),
            "name": n.clean_text(seller_raw.get("name")),
            "opened": n.parse_date(seller_raw.get("opened")),
            "rating": n.parse_rating(seller_raw.get("rating")),
            "licence": n.clean_text(seller_raw.get("licence")),
            "url": n.clean_text(seller_raw.get("url")),
        }
        record: dict[str, Any] = {
            "id": f"{item['platform']}:{external_id}",
            "platform": item["platform"],
            "url": item.get("url"),
            "title": title,
            "price": price,
            "currency": self.currency(item, price_text, price),
            "category": n.clean_text(raw.get("category")),
            "sold": n.parse_count(raw.get("sold")),
            "description": n.clean_text(raw.get("description")),
            "images": [u for u in (raw.get("images") or []) if u],
            "seen_at": item["fetched_at"].isoformat(),
        }
        if seller["id"]:
            record["seller"] = {k: v for k, v in seller.items() if v is not None}
        item["record"] = record
        return item

    @staticmethod
    def currency(item: ListingItem, price_text: str | None, price: float | None) -> str | None:
        """The page's (the price's symbol or code), else the profile's field (a page element or a
        constant), else the platform's default (the profile's ``currency``, CNY when it names none).
        No price and nothing said: None, never a guess."""
        stated = n.currency_code((item.get("raw") or {}).get("currency"))
        default = stated or item.get("default_currency") or "CNY"
        if price is None and stated is None and n.currency_code(price_text) is None:
            return None
        return n.currency_of(price_text, default=default)


class PersistPipeline:
    """Upsert the seller and the listing (storage.listings.upsert_listings), a batch per transaction."""

    def __init__(self, crawler: Crawler) -> None:
        self.db = _database(crawler)
        self.batch = Batch(self.db, self._store, drained=crawl_drained(crawler))
        self.platform_ids: dict[str, int] = {}  # the platform row, looked up once per crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PersistPipeline:
        return cls(crawler)

    def process_item(self, item: ListingItem) -> Deferred[ListingItem]:
        return self.batch.add(item)

    def close_spider(self) -> Deferred[None]:
        return self.batch.close()

    def _store(self, session: Session, items: list[ListingItem]) -> None:
        from storage.listings import get_or_create_platform, store_listings
        from storage.models import Platform

        by_platform: dict[str, list[ListingItem]] = {}
        for item in items:
            by_platform.setdefault(item["platform"], []).append(item)
        for name, group in by_platform.items():
            platform_row = (
                session.get(Platform, self.platform_ids[name]) if name in self.platform_ids else None
            )
            if platform_row is None:
                platform_row = get_or_create_platform(session=session, name=name)
                self.platform_ids[name] = platform_row.id
            results = store_listings(
                session=session,
                platform_row=platform_row,
                batch=[(item["record"], item["fetched_at"]) for item in group],
            )
            for item, stored in zip(group, results, strict=True):
                item["listing_pk"] = stored.id
                item["stored_record"] = stored.record


class SnapshotPipeline:
    """The page as fetched, into the blob store (HTML by sha256) and a snapshots row."""

    def __init__(self, crawler: Crawler) -> None:
        self.db = _database(crawler)
        self.run_id = crawler.settings.getint("MARKWATCH_CRAWL_RUN_ID") or None
        self.tool_version = crawler.settings.get("MARKWATCH_TOOL_VERSION") or tool_version()
        self.batch = Batch(self.db, self._store, drained=crawl_drained(crawler))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SnapshotPipeline:
        return cls(crawler)

    def process_item(self, item: ListingItem) -> Deferred[ListingItem]:
        return self.batch.add(item)

    def close_spider(self) -> Deferred[None]:
        return self.batch.close()

    def _store(self, session: Session, items: list[ListingItem]) -> None:
        from storage.crawl import add_snapshots

        for item in items:  # the blobs are written (and fsynced) before the rows that name them
            if item.get("body"):
                item["html_sha256"] = self.db.blobs.put(item["body"])
                item["warc_sha256"] = self.warc(item)
                item["body"] = None  # stored: do not keep the bytes in memory
        ids = add_snapshots(
            session=session,
            crawl_run_id=self.run_id,
            snapshots=[
                {
                    "listing_id": item["listing_pk"],
                    "url": item["url"],
                    "final_url": item.get("final_url"),
                    "http_status": item.get("status"),
                    "headers": item.get("headers") or {},
                    "fetched_at": item["fetched_at"],
                    "html_sha256": item.get("html_sha256"),
                    "tool_version": self.tool_version,
                    "extracted": dict(item.get("raw") or {}) | {"external_id": item.get("external_id")},
                    "warc_sha256": item.get("warc_sha256"),
                    "user_agent": _header(item.get("request_headers"), "user-agent"),
                }
                for item in items
            ],
        )
        for item, snapshot_id in zip(items, ids, strict=True):
            item["snapshot_pk"] = snapshot_id

    def warc(self, item: ListingItem) -> str:
        """The page's WARC file (storage.warc, the writer every capture uses), stored; its sha256.

        The page's request and response; the listing's images the crawl kept (from the blob store, as
        resource records); a browser-rendered page's screenshot. The body of a browser-rendered page is
        its DOM after rendering, which the warcinfo record says."""
        from storage.warc import CaptureInfo, Exchange, Resource, screenshot_uri, store_warc

        at = item["fetched_at"]
        page = item.get("final_url") or item["url"]
        resources = []
        for image in item.get("images_fetched") or []:
            try:
                data = self.db.blobs.get(image["sha256"])
            except FileNotFoundError:
                continue
            resources.append(
                Resource(
                    url=image["url"],
                    content_type=image.get("content_type") or "application/octet-stream",
                    body=data,
                    at=at,
                )
            )
        if item.get("screenshot"):
            resources.append(
                Resource(url=screenshot_uri(page), content_type="image/png", body=item["screenshot"], at=at)
            )
        return store_warc(
            self.db.blobs,
            exchanges=[
                Exchange(
                    url=page,
                    status=item.get("status") or 200,
                    headers=item.get("headers") or {},
                    body=item["body"],
                    at=at,
                    request_headers=item.get("request_headers") or {},
                )
            ],
            resources=resources,
            info=CaptureInfo(
                software=self.tool_version,
                user_agent=_header(item.get("request_headers"), "user-agent"),
                extra={"body": "rendered DOM (browser crawl)"} if item.get("rendered") else {},
            ),
        )


def _header(headers: dict[str, str] | None, name: str) -> str | None:
    """A header's value by case-insensitive name, or None."""
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


class ScreenshotPipeline:
    """The full-page PNG of a browser-rendered page, stored and attached to the page's snapshot."""

    def __init__(self, crawler: Crawler) -> None:
        self.db = _database(crawler)
        self.batch = Batch(self.db, self._store, drained=crawl_drained(crawler))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScreenshotPipeline:
        if not crawler.settings.getbool("MARKWATCH_BROWSER"):
            raise NotConfigured("plain HTTP crawl: no screenshots")
        return cls(crawler)

    def process_item(self, item: ListingItem) -> Any:
        png = item.get("screenshot")
        if not png:
            if item.get("rendered"):
                raise UnusableItem("no_screenshot", item.get("url") or "")
            return item
        return self.batch.add(item)

    def close_spider(self) -> Deferred[None]:
        return self.batch.close()

    def _store(self, session: Session, items: list[ListingItem]) -> None:
        from storage.crawl import set_snapshot_screenshot

        for item in items:
            if item.get("screenshot"):  # the blob before the row that names it
                item["screenshot_sha256"] = self.db.blobs.put(item["screenshot"])
                item["screenshot"] = None
            set_snapshot_screenshot(
                session=session, snapshot_id=item["snapshot_pk"], sha256=item["screenshot_sha256"]
            )


class ScorePipeline:
    """Score each stored listing and put it in the review queue when flagged (brands.queueing, the
    path every scorer takes), learning prices and seller history as the crawl goes, with the blacklist
    and the newest fitted model from the database.

    The scorer reads the listing record as the persisting pipeline wrote it (``stored_record``); the
    rows are read again only for what the queue writes on them.
    Switched off (NotConfigured) when no brand is approved.
    """

    def __init__(self, db: Database, path: ScoreQueue, drained: Callable[[], bool] | None = None) -> None:
        self.db = db
        self.path = path
        self.batch = Batch(db, self._score, drained=drained)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScorePipeline:
        if not crawler.settings.getbool("MARKWATCH_SCORE", True):
            raise NotConfigured("scoring switched off for this crawl")
        from brands.queueing import score_queue
        from settings import get_settings

        db = _database(crawler)
        path = score_queue(db, get_settings())
        if len(path.scorer.registry) == 0:
            raise NotConfigured("no approved brands: listings are stored unscored")
        return cls(db, path, crawl_drained(crawler))

    def process_item(self, item: ListingItem) -> Deferred[ListingItem]:
        return self.batch.add(item)

    def close_spider(self) -> Deferred[None]:
        return self.batch.close()

    def _score(self, session: Session, items: list[ListingItem]) -> None:
        from sqlalchemy import select

        from brands.queueing import score_and_queue
        from scoring.types import Listing as ScoringListing
        from storage.models import Listing

        ids = [item["listing_pk"] for item in items]
        rows = {row.id: row for row in session.scalars(select(Listing).where(Listing.id.in_(set(ids))))}
        # every item, in crawl order (the same listing twice is scored twice, each as it was written)
        score_and_queue(
            session,
            [rows[listing_id] for listing_id in ids],
            self.path,
            listings=[ScoringListing.from_record(item["stored_record"]) for item in items],
        )


def tool_version() -> str:
    """``markwatch/<version> scrapy/<version>``: what fetched a snapshot, kept with it."""
    import scrapy

    from settings import installed_version

    return f"markwatch/{installed_version()} scrapy/{scrapy.__version__}"
