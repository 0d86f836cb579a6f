"""Downloader components: request fingerprints, browser-context rotation, and the politeness middleware.

The politeness middleware replaces Scrapy's RetryMiddleware for the pages of a profile. It retries
server errors and exceptions, honours ``Retry-After`` on 429 by slowing the domain's download slot,
recognises block pages ("verify you are human", 安全验证, 滑块; the profile's ``page.block``
selector), records them, slows the crawl and tries the page again later — it never tries to pass a
check — and retries pages that were cut short (the profile's ``page.end_marker`` is missing) or that
the browser could not finish rendering.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response, TextResponse
from scrapy.utils.request import fingerprint

from crawler import blocks, report
from crawler.selectors import select
from crawler.settings import DEFAULTS

logger = logging.getLogger(__name__)

# Generic signs of a human check, whatever the platform (the profile can add a selector).
BLOCK_TEXTS = (
    "安全验证",
    "滑块验证",
    "拖动滑块",
    "向右拖动滑块",
    "人机验证",
    "verify you are human",
    "Verify you are human",
    "are you a robot",
)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 524})


class GaveUp(IgnoreRequest):
    """A page or image given up after its retries."""


class FragmentFingerprinter:
    """REQUEST_FINGERPRINTER_CLASS that keeps the URL fragment: ``/#/item/1`` and ``/#/item/2`` are two
    pages of a single-page app, not one."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self._cache: dict[str, bytes] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FragmentFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        return fingerprint(request, keep_fragments=True)


class BrowserContextMiddleware:
    """Spread browser pages over contexts and retire a context after PLAYWRIGHT_PAGES_PER_CONTEXT pages;
    give a request that may reuse a page (``markwatch_reuse_page``) an idle page of its context, and take
    its page back afterwards if it rendered its own item (any other page is closed)."""

    def __init__(self, crawler: Crawler) -> None:
        from crawler import browser

        name = "MARKWATCH_PAGES_PER_CONTEXT"
        pages = crawler.settings.getint(name, DEFAULTS[name])
        self.rotation = browser.ContextRotation("markwatch", pages)
        # a page that is not routed through Python (crawler.browser_handler) sends the context's user
        # agent, not Scrapy's header: both are the crawl's USER_AGENT
        self.user_agent = crawler.settings.get("USER_AGENT")
        browser.quiet_below(crawler.settings.get("LOG_LEVEL") or "DEBUG")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserContextMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("playwright"):
            name = self.rotation.acquire()
            request.meta["playwright_context"] = name
            request.meta["playwright_page_init_callback"] = self.rotation.init_page
            request.meta["playwright_context_kwargs"] = {
                "locale": "zh-CN",
                "viewport": {"width": 1280, "height": 900},
                "java_script_enabled": True,
                **({"user_agent": self.user_agent} if self.user_agent else {}),
            }
            if request.meta.get("markwatch_reuse_page"):
                request.meta["playwright_include_page"] = True  # the page comes back to us, open
                page = self.rotation.take_page(name, request.url)
                if page is not None:
                    request.meta["playwright_page"] = page
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("playwright"):
            # a retry goes back to the scheduler, which may pickle it (a Redis frontier): no bound method
            request.meta.pop("playwright_page_init_callback", None)
            page = request.meta.pop("playwright_page", None)
            if page is not None:
                from crawler.browser import close_page, render_result, reusable

                if reusable(render_result(request.meta)):
                    self.rotation.give_back(request.meta.get("playwright_context"), page)
                else:
                    close_page(page)
            self.rotation.release(request.meta.get("playwright_context"))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if request.meta.get("playwright"):
            request.meta.pop("playwright_page_init_callback", None)
            page = request.meta.pop("playwright_page", None)
            if page is not None:  # in an unknown state: never reused
                from crawler.browser import close_page

                close_page(page)
            self.rotation.release(request.meta.get("playwright_context"))
        return None


class PolitenessMiddleware:
    """Retries with back-off, Retry-After, block-page detection, truncated-page detection."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_retries = crawler.settings.getint("MARKWATCH_RETRIES", DEFAULTS["MARKWATCH_RETRIES"])
        self.max_delay = crawler.settings.getfloat("MARKWATCH_MAX_BACKOFF", DEFAULTS["MARKWATCH_MAX_BACKOFF"])
        self.base_delay = crawler.settings.getfloat("DOWNLOAD_DELAY", 0.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        return cls(crawler)

    @property
    def profile(self) -> Any:
        return getattr(self.crawler.spider, "profile", None)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("markwatch_image"):  # a listing image: server errors and 429 only
            if response.status == 429:
                self.slow_down(request, _retry_after(response) or 1.0)
            elif response.status not in RETRY_STATUSES:
                return response
            return self.retry(request, f"http_{response.status}")
        if "markwatch_kind" not in request.meta:
            return response  # robots.txt and the like
        stats = self.crawler.stats
        assert stats is not None
        problem, wait = self.diagnose(request, response)
        if problem is None:
            self.recover(request)
            return response
        stats.inc_value(f"markwatch/retry_reason/{problem}")
        if problem == "blocked":
            stats.inc_value("markwatch/blocks")
            logger.warning("block page (human check) at %s: slowing down, will try again later", request.url)
            self.slow_down(request, wait or 2.0)
        elif problem == "throttled":
            self.slow_down(request, wait or 1.0)
        return self.retry(request, problem)

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        from scrapy.exceptions import DownloadCancelledError
        from twisted.internet.defer import CancelledError

        page = "markwatch_kind" in request.meta or request.meta.get("markwatch_image")
        if not page or isinstance(exception, (IgnoreRequest, DownloadCancelledError, CancelledError)):
            return None  # cancelled: a download bigger than download_maxsize, not worth another try
        self.crawler.stats.inc_value(f"markwatch/retry_reason/{type(exception).__name__}")
        return self.retry(request, type(exception).__name__, detail=str(exception)[:200])

    def diagnose(self, request: Request, response: Response) -> tuple[str | None, float | None]:
        """(what is wrong with this page, seconds the site asked us to wait), or (None, None)."""
        if request.meta.get("markwatch_blocked"):  # a redirect to a login or verification page
            return "blocked", None
        if response.status == 429:
            return "throttled", _retry_after(response)
        if response.status in RETRY_STATUSES:
            return f"http_{response.status}", None
        if request.meta.get("playwright_page_methods"):
            from crawler.browser import render_result

            outcome = render_result(request.meta).get("outcome")
            if outcome == "blocked":
                return "blocked", None
            if outcome != "ready":
                return f"render_{outcome}", None
        if response.status != 200 or not isinstance(response, TextResponse):
            return None, None
        if self.is_block_page(response):
            return "blocked", None
        end_marker = (self.profile.section("page") if self.profile else {}).get("end_marker")
        if end_marker and not _matches(response, end_marker):
            return "truncated", None
        return None, None

    def is_block_page(self, response: TextResponse) -> bool:
        page = self.profile.section("page") if self.profile else {}
        if page.get("block") and _matches(response, page["block"]):
            return True
        if blocks.block_sign(response, page.get("block_url") or ()):
            return True
        head = response.text[:6000]
        if not any(t in head for t in BLOCK_TEXTS):
            return False
        # the words alone may be a listing's text: only a page that shows no content is a block page
        reader = getattr(self.crawler.spider, "reader", None)
        if reader is not None:
            from crawler.extract import Page

            return not reader.has_content(Page(response))
        return True

    def slow_down(self, request: Request, seconds: float) -> None:
        """Raise the domain slot's delay (AutoThrottle lowers it again as answers come back healthy)."""
        engine = self.crawler.engine
        if engine is None or engine.downloader is None:
            return
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = min(max(slot.delay * 2, seconds), self.max_delay)
            self.crawler.stats.max_value("markwatch/max_backoff_seconds", slot.delay)

    def recover(self, request: Request) -> None:
        """A healthy answer: bring a slowed slot's delay back towards the profile's, step by step."""
        engine = self.crawler.engine
        if engine is None or engine.downloader is None:
            return
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None and slot.delay > self.base_delay:
            slot.delay = max(self.base_delay, slot.delay * 0.7 if slot.delay > 0.05 else 0.0)

    def retry(self, request: Request, reason: str, detail: str = "") -> Request:
        attempt = request.meta.get("markwatch_attempt", 0) + 1
        stats = self.crawler.stats
        assert stats is not None
        if attempt > self.max_retries and request.meta.get("markwatch_image"):
            raise GaveUp(f"gave up after {attempt} attempts: {reason}")  # counted by the image pipeline
        if attempt > self.max_retries:
            stats.inc_value("markwatch/errors")
            stats.inc_value(f"markwatch/gave_up/{reason}")
            report.warn(
                self.crawler,
                f"gave up on {request.meta.get('markwatch_kind')} page {request.url} after {attempt} "
                f"attempts: {reason}" + (f" ({detail})" if detail else ""),
            )
            raise GaveUp(f"gave up after {attempt} attempts: {reason}")
        new = request.copy()
        new.meta["markwatch_attempt"] = attempt
        new.dont_filter = True
        new.priority = request.priority - 1
        methods = new.meta.get("playwright_page_methods")
        if methods:
            from scrapy_playwright.page import PageMethod

            new.meta["playwright_page_methods"] = [PageMethod(m.method, *m.args, **m.kwargs) for m in methods]
        stats.inc_value("markwatch/retries")
        return new


def _matches(response: TextResponse, expr: str) -> bool:
    return bool(select(response, expr))


def _retry_after(response: Response) -> float | None:
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value.decode("latin-1").strip()))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            from storage.models import utcnow

            return max(0.0, (parsedate_to_datetime(value.decode("latin-1")) - utcnow()).total_seconds())
        except (TypeError, ValueError):
            return None


class BrowserAwareThrottle(AutoThrottle):
    """AutoThrottle that measures the server, not the browser: for a rendered page the time spent
    waiting for the app, clicking "load more" and taking the screenshot is not the site's latency."""

    _render_seconds = 0.0

    def _response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        from crawler.browser import render_result

        self._render_seconds = render_result(request.meta).get("render_seconds", 0.0)
        super()._response_downloaded(response, request, spider)

    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        super()._adjust_delay(slot, max(0.001, latency - self._render_seconds), response)
