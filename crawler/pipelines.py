"""Item pipelines, one concern each, in this order (see ITEM_PIPELINES in crawler/settings.py):

1. NormalisePipeline  validate and normalise the field texts into a listing record
2. PersistPipeline    upsert seller and listing; a price observation only when the price changed
3. SnapshotPipeline   the page's HTML, final URL, status, headers, fetch time, tool version
4. ScreenshotPipeline the full-page PNG of a browser-rendered page, onto its snapshot
5. ScorePipeline      score the stored listing and put it in the review queue when flagged

An item that cannot be used is dropped with a reason (``UnusableItem``), counted in the crawl-run row
by reason; nothing here crashes the crawl.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler import normalise as n
from crawler.items import ListingItem

logger = logging.getLogger(__name__)


class UnusableItem(DropItem):
    """An item dropped for a reason worth counting (``reason``: missing_id, missing_title, not_found…)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


def _database(crawler: Crawler) -> Any:
    from storage import open_database

    return open_database(check=False)


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
            "currency": n.clean_text(raw.get("currency")) or n.currency_of(price_text),
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


class PersistPipeline:
    """Upsert the seller and the listing (storage.listings.upsert_listing), one unit of work per item."""

    def __init__(self, crawler: Crawler) -> None:
        self.db = _database(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PersistPipeline:
        return cls(crawler)

    def process_item(self, item: ListingItem) -> ListingItem:
        from sqlalchemy.exc import IntegrityError

        from storage.listings import upsert_listing

        for attempt in range(3):
            try:
                with self.db.session() as session:
                    listing, _changed = upsert_listing(
                        session=session,
                        record=item["record"],
                        platform=item["platform"],
                        seen_at=item["fetched_at"],
                    )
                    item["listing_pk"] = listing.id
                return item
            except IntegrityError:
                # another crawler process (distributed mode) inserted the same seller or listing first
                if attempt == 2:
                    raise
        return item


class SnapshotPipeline:
    """The page as fetched, into the blob store (HTML by sha256) and a snapshots row."""

    def __init__(self, crawler: Crawler) -> None:
        self.db = _database(crawler)
        self.run_id = crawler.settings.getint("MARKWATCH_CRAWL_RUN_ID") or None
        self.tool_version = crawler.settings.get("MARKWATCH_TOOL_VERSION") or tool_version()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SnapshotPipeline:
        return cls(crawler)

    def process_item(self, item: ListingItem) -> ListingItem:
        from storage.crawl import add_snapshot
        from storage.models import Listing

        html_sha = self.db.blobs.put(item["body"]) if item.get("body") else None
        raw = dict(item.get("raw") or {})
        with self.db.session() as session:
            listing = session.get(Listing, item["listing_pk"])
            snapshot, _ = add_snapshot(
                session=session,
                listing=listing,
                crawl_run_id=self.run_id,
                url=item["url"],
                final_url=item.get("final_url"),
                http_status=item.get("status"),
                headers=item.get("headers") or {},
                fetched_at=item["fetched_at"],
                html_sha256=html_sha,
                screenshot_sha256=None,
                tool_version=self.tool_version,
                extracted=raw | {"external_id": item.get("external_id")},
            )
            item["snapshot_pk"] = snapshot.id
        item["body"] = None  # the bytes are stored; do not keep them in memory
        return item


class ScreenshotPipeline:
    """The full-page PNG of a browser-rendered page, stored and attached to the page's snapshot."""

    def __init__(self, crawler: Crawler) -> None:
        self.db = _database(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScreenshotPipeline:
        if not crawler.settings.getbool("MARKWATCH_BROWSER"):
            raise NotConfigured("plain HTTP crawl: no screenshots")
        return cls(crawler)

    def process_item(self, item: ListingItem) -> ListingItem:
        from storage.crawl import set_snapshot_screenshot

        png = item.get("screenshot")
        if not png:
            if item.get("rendered"):
                raise UnusableItem("no_screenshot", item.get("url") or "")
            return item
        digest = self.db.blobs.put(png)
        with self.db.session() as session:
            set_snapshot_screenshot(session=session, snapshot_id=item["snapshot_pk"], sha256=digest)
        item["screenshot"] = None
        return item


class ScorePipeline:
    """Score each stored listing and record it (storage.queue.record_score), learning prices and seller
    history as the crawl goes, with the blacklist and the newest fitted model from the database.

    Switched off (NotConfigured) when the scorer is not installed or no brand is approved.
    """

    def __init__(self, db: Any, scorer: Any) -> None:
        from settings import get_settings

        self.db = db
        self.scorer = scorer
        self.settings = get_settings()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScorePipeline:
        if not crawler.settings.getbool("MARKWATCH_SCORE", True):
            raise NotConfigured("scoring switched off for this crawl")
        try:
            from brands.service import scorer_from_database
        except Exception as exc:  # noqa: BLE001 - a missing or broken scorer must not stop the crawl
            raise NotConfigured(f"scoring unavailable ({type(exc).__name__}: {exc})") from exc
        db = _database(crawler)
        scorer = scorer_from_database(db)
        if len(scorer.registry) == 0:
            raise NotConfigured("no approved brands: listings are stored unscored")
        return cls(db, scorer)

    def process_item(self, item: ListingItem) -> ListingItem:
        from scoring.engine import score_and_learn
        from scoring.types import Listing as ScoringListing
        from storage.listings import listing_record
        from storage.models import Listing
        from storage.queue import record_score

        with self.db.session() as session:
            row = session.get(Listing, item["listing_pk"])
            score = score_and_learn(
                ScoringListing.from_record(listing_record(row)),
                self.scorer.registry,
                self.scorer.context,
                threshold=self.settings.scoring_threshold,
                model=self.scorer.model,
            )
            record_score(
                session=session,
                listing=row,
                score=score,
                reflag_margin=self.settings.queue_reflag_margin,
                criminal_threshold=self.settings.criminal_threshold_cny,
            )
        return item


def tool_version() -> str:
    """``markwatch/<version> scrapy/<version>``: what fetched a snapshot, kept with it."""
    from importlib.metadata import PackageNotFoundError, version

    import scrapy

    try:
        mine = version("markwatch")
    except PackageNotFoundError:
        mine = "0+unknown"
    return f"markwatch/{mine} scrapy/{scrapy.__version__}"
