"""Listing images: each listing's pictures fetched, checked, kept in the blob store and hashed.

Scrapy's media-pipeline habits (``scrapy.pipelines.media.MediaPipeline``): the image requests of an item
go through the downloader (politeness, confinement: images only from the platform's hosts and its
``image_hosts``), each address is fetched once per crawl, and the item goes on once its images are in.
Unlike Scrapy's ImagesPipeline, the bytes are kept as the marketplace served them (no re-encoding: they
are evidence), content-addressed by sha256 in markwatch's blob store.

Bounded: at most ``MARKWATCH_IMAGES_PER_LISTING`` images per listing, ``MARKWATCH_IMAGE_MAX_BYTES`` bytes
each (Scrapy's ``download_maxsize`` stops a bigger download as it arrives) and ``IMAGE_MAX_PIXELS``
pixels. Accepted only when the bytes decode as a raster image (Pillow): an address serving HTML, SVG or
anything else is refused. Every refusal is counted by reason (``image:not_an_image``,
``image:too_large``, ``image:http_404``…) in the crawl summary; the listing is stored either way.

The perceptual hash (``brands.scorer.image_phash``, the one official images get) goes into the listing
record's ``image_hashes``, so the scorer's image-reuse signal works on crawled listings.

1. ``ListingImagesPipeline`` (before PersistPipeline): fetch, check, store the blobs, hash.
2. ``ListingImageRowsPipeline`` (after it): the ``listing_images`` rows, a batch per transaction.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.pipelines.media import MediaPipeline
from twisted.python.failure import Failure

from crawler import report
from crawler.items import ListingItem

logger = logging.getLogger(__name__)

IMAGE_MAX_PIXELS = 40_000_000  # width × height: more is a decompression bomb, not a product photo
STORED_STAT = "markwatch/images/stored"
FROM_PAGE_STAT = "markwatch/images/from_page"
PAGE_IMAGE = "markwatch_page_image"  # request meta: {headers, body} the browser got for this address


class ImageRefused(Exception):
    """Bytes that are not kept as an image; ``reason`` is counted (``image:<reason>``)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else str(reason))


def inspect_image(data: bytes) -> dict[str, Any]:
    """Width, height, format and perceptual hash of image bytes; raises ImageRefused if they are not a
    raster image Pillow can decode, or one with too many pixels."""
    from PIL import Image, UnidentifiedImageError

    from brands.scorer import image_phash

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            kind = image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageRefused("not_an_image", type(exc).__name__) from exc
    if width * height > IMAGE_MAX_PIXELS:
        raise ImageRefused("too_many_pixels", f"{width}×{height}")
    try:
        phash = image_phash(io.BytesIO(data))
    except (OSError, ValueError, Image.DecompressionBombError) as exc:  # a truncated or broken file
        raise ImageRefused("broken_image", type(exc).__name__) from exc
    return {"width": width, "height": height, "format": kind, "phash": phash}


class ListingImagesPipeline(MediaPipeline):
    """Fetch a listing's images, keep those that are images (blob store), hash them into the record."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler=crawler)
        from storage import open_database

        self.db = open_database(check=False)
        self.failures: dict[str, str | None] = {}  # image address -> why it could not be fetched
        from crawler.settings import DEFAULTS

        settings = crawler.settings
        self.per_listing = settings.getint(
            "MARKWATCH_IMAGES_PER_LISTING", DEFAULTS["MARKWATCH_IMAGES_PER_LISTING"]
        )
        self.max_bytes = settings.getint("MARKWATCH_IMAGE_MAX_BYTES", DEFAULTS["MARKWATCH_IMAGE_MAX_BYTES"])

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingImagesPipeline:
        from crawler.settings import DEFAULTS

        if not crawler.settings.getbool("MARKWATCH_IMAGES", DEFAULTS["MARKWATCH_IMAGES"]):
            raise NotConfigured("image fetching switched off for this crawl")
        return cls(crawler)

    def get_media_requests(self, item: Any, info: Any) -> list[Request]:
        urls: list[str] = []
        for url in (item.get("record") or {}).get("images") or []:
            if url and url not in urls:
                urls.append(url)
        from_page = item.get("page_images") or {}
        requests = [
            Request(
                url,
                meta={
                    "markwatch_image": True,
                    "download_maxsize": self.max_bytes,
                    "download_warnsize": 0,
                },
                priority=20,  # an item waits for its images: fetch them before more pages
            )
            for url in urls[: self.per_listing]
        ]
        for request in requests:  # by the request's address: Scrapy escapes it as the browser does
            if request.url in from_page:
                request.meta[PAGE_IMAGE] = from_page[request.url]
        return requests

    def media_to_download(self, request: Request, info: Any, *, item: Any = None) -> None:
        return None  # nothing cached between crawls: the blob store dedupes the bytes

    async def media_downloaded(  # type: ignore[override]  # markwatch's facts, not Scrapy's FileInfo
        self, response: Response, request: Request, info: Any, *, item: Any = None
    ) -> dict[str, Any]:
        """The stored image's facts, or ``{"refused": reason}`` (an image refused is no error to log)."""
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet.threads import deferToThread

        if response.status != 200:
            return {"refused": f"http_{response.status}"}
        data = response.body
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")[:100] or None
        kept: dict[str, Any] = await maybe_deferred_to_future(
            deferToThread(self._keep, data, request.url, content_type)
        )
        return kept

    def _keep(self, data: bytes, url: str, content_type: str | None) -> dict[str, Any]:
        """In a worker thread: check the bytes, then store them (fsynced) before any row names them."""
        try:
            facts = inspect_image(data)
        except ImageRefused as refused:
            return {"refused": refused.reason}
        sha256 = self.db.blobs.put(data)
        return {
            "url": url,
            "sha256": sha256,
            "phash": facts["phash"],
            "size": len(data),
            "content_type": content_type,
            "width": facts["width"],
            "height": facts["height"],
        }

    def media_failed(  # type: ignore[override]  # None: the item gets no result for it, not an error
        self, failure: Failure, request: Request, info: Any
    ) -> None:
        """Note why the download failed; MediaPipeline then gives the item a None result for it (raising
        here would log every refused image as an error)."""
        from scrapy.exceptions import DownloadCancelledError
        from twisted.internet.defer import CancelledError

        from crawler.middlewares import GaveUp

        error = failure.value
        reason: str | None
        if isinstance(error, GaveUp):
            reason = "gave_up"  # server errors or timeouts after every retry
        elif isinstance(error, IgnoreRequest):
            reason = None  # refused by confinement, which counted it
        elif isinstance(error, (DownloadCancelledError, CancelledError)):
            reason = "too_large"  # download_maxsize stopped it as it arrived
        else:
            logger.info("image %s not fetched: %s: %s", request.url, type(error).__name__, error)
            reason = "fetch_error"
        self.failures[request.url] = reason

    def item_completed(self, results: list[Any], item: Any, info: Any) -> Any:
        kept: list[dict[str, Any]] = []
        urls = [r.url for r in self.get_media_requests(item, info)]
        for (ok, value), url in zip(results, urls, strict=True):
            if ok and value is None:
                facts = {"refused": self.failures.get(url, "fetch_error")}
            else:
                facts = value if ok else {"refused": "fetch_error"}
            if "refused" not in facts:
                kept.append(dict(facts, position=len(kept)))
            elif facts["refused"] is not None:
                report.refused(self.crawler, f"image:{facts['refused']}")
        self.crawler.stats.inc_value(STORED_STAT, len(kept))
        item["page_images"] = None  # the bytes are in the blob store now
        item["images_fetched"] = kept
        record = item.get("record")
        if record is not None:
            record["image_hashes"] = [image["phash"] for image in kept]
        return item

    def file_path(
        self, request: Request, response: Response | None = None, info: Any = None, *, item: Any = None
    ) -> str:
        return ""  # blobs are named by their sha256, not by a path


class PageImageMiddleware:
    """Downloader middleware, last before the download handler: an image request that carries the bytes
    the browser got for its address (``crawler.browser_handler``) is answered with them, after every
    check an HTTP fetch passes (confinement, robots.txt) and with every answer check after it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageImageMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Response | None:
        answer = request.meta.pop(PAGE_IMAGE, None)  # not kept on a retry
        if answer is None:
            return None
        from scrapy.http import Headers

        self.crawler.stats.inc_value(FROM_PAGE_STAT)
        return Response(
            request.url,
            status=200,
            headers=Headers(answer["headers"]),
            body=answer["body"],
            request=request,
            flags=["page"],
        )


class ListingImageRowsPipeline:
    """The ``listing_images`` rows of the stored listing's fetched images (after PersistPipeline)."""

    def __init__(self, crawler: Crawler) -> None:
        from crawler.pipelines import Batch, crawl_drained
        from storage import open_database

        self.db = open_database(check=False)
        self.batch = Batch(self.db, self._store, drained=crawl_drained(crawler))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingImageRowsPipeline:
        from crawler.settings import DEFAULTS

        if not crawler.settings.getbool("MARKWATCH_IMAGES", DEFAULTS["MARKWATCH_IMAGES"]):
            raise NotConfigured("image fetching switched off for this crawl")
        return cls(crawler)

    def process_item(self, item: ListingItem) -> Any:
        if not item.get("images_fetched"):
            return item
        return self.batch.add(item)

    def close_spider(self) -> Any:
        return self.batch.close()

    def _store(self, session: Any, items: list[ListingItem]) -> None:
        from storage.images import record_listing_images

        record_listing_images(
            session=session,
            images=[
                dict(image, listing_id=item["listing_pk"], seen_at=item["fetched_at"])
                for item in items
                for image in item["images_fetched"]
            ],
        )
