"""The download handler of a browser crawl: scrapy-playwright's, with the page's traffic kept in Chromium.

scrapy-playwright routes every request a page makes through Python (to set Scrapy's headers on it or to
abort it): three messages between Python and the Playwright driver per resource. ``BrowserDownloadHandler``
routes only the pages that are not screenshotted (list pages), whose images, fonts and media are
aborted (``PLAYWRIGHT_ABORT_REQUEST``). A page to be screenshotted (a detail page) loads everything, so
it gets no route: its requests go from Chromium to the server without a word to Python. They carry the
context's user agent (the crawl's ``USER_AGENT``, ``crawler.middlewares.BrowserContextMiddleware``), and
the request that reaches the spider carries the headers the page's navigation really sent, as
scrapy-playwright's routing gives it.

On such a page the listing's images were loaded for the screenshot: the images ``render_page`` found
(its ``images`` spec) are taken from the page's responses (200, not redirected, at most
``MARKWATCH_IMAGE_MAX_BYTES`` each) into the render result's ``page_images`` (address → headers and
bytes), so that ``crawler.images`` need not fetch them again (``MARKWATCH_IMAGES_FROM_PAGE``).

Playwright's driver and Chromium start in the background when the engine starts: the engine goes on
meanwhile (robots.txt, the start requests), and the first browser context waits for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from playwright.async_api import Page
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy_playwright._utils import _attach_page_event_handlers, _maybe_execute_page_init_callback
from scrapy_playwright.handler import DEFAULT_CONTEXT_NAME, ScrapyPlaywrightDownloadHandler

from crawler.settings import DEFAULTS

logger = logging.getLogger(__name__)

# the body is handed on decoded and whole
UNDECODED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """DOWNLOAD_HANDLERS for a browser crawl: no Python route on pages to be screenshotted."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        name = "MARKWATCH_IMAGE_MAX_BYTES"
        self.image_max_bytes = crawler.settings.getint(name, DEFAULTS[name])
        self.responses: dict[int, list[Any]] = {}  # id(Scrapy request) → image responses of its page
        self.starting: asyncio.Future[None] | None = None  # Playwright's driver and Chromium (``_launch``)

    async def _launch(self) -> None:
        """engine_started: start Playwright's driver and Chromium without holding up the engine."""
        self.starting = asyncio.ensure_future(self._start_browser())

    async def _start_browser(self) -> None:
        try:
            await super()._launch()
            await self._maybe_launch_browser()
        except Exception:
            logger.exception("starting the browser failed (the first browser page tries again)")
            raise

    async def _create_browser_context(
        self, name: str, context_kwargs: dict | None, spider: Spider | None = None
    ) -> Any:
        if self.starting is not None:
            # a failed start is not final: the launch in the context's creation tries again
            with contextlib.suppress(Exception):
                await self.starting
        return await super()._create_browser_context(name, context_kwargs, spider)

    async def _close(self) -> None:
        if self.starting is not None:  # a browser still starting would outlive the crawl
            with contextlib.suppress(Exception):
                await self.starting
        await super()._close()

    async def _download_request_with_retry(self, request: Request, spider: Spider) -> Response:
        if not request.meta.get("markwatch_screenshot"):
            return await super()._download_request_with_retry(request=request, spider=spider)
        page = request.meta.get("playwright_page")
        if not isinstance(page, Page) or page.is_closed():
            page = await self._create_page(request=request, spider=spider)
        context_name = request.meta.setdefault("playwright_context", DEFAULT_CONTEXT_NAME)
        _attach_page_event_handlers(page=page, request=request, spider=spider, context_name=context_name)
        await _maybe_execute_page_init_callback(
            page=page, request=request, context_name=context_name, spider=spider
        )
        seen: list[Any] = []
        self.responses[id(request)] = seen
        images_wanted = bool(_render_spec(request).get("images"))

        def keep_image(response: Any) -> None:
            if response.request.resource_type == "image":
                seen.append(response)

        if images_wanted:
            page.on("response", keep_image)
        try:
            return await self._download_request_with_page(request, page, spider)
        except Exception:
            if not request.meta.get("playwright_include_page") and not page.is_closed():
                await page.close()
                self.stats.inc_value("playwright/page_count/closed")
            raise
        finally:
            self.responses.pop(id(request), None)
            if images_wanted:
                with contextlib.suppress(Exception):
                    page.remove_listener("response", keep_image)

    async def _get_response_and_download(self, request: Request, page: Page, spider: Spider) -> Any:
        response, download = await super()._get_response_and_download(request, page, spider)
        if response is not None and request.meta.get("markwatch_screenshot"):
            # what the navigation sent (no route set them): the snapshot records these
            with contextlib.suppress(Exception):
                sent = await response.request.all_headers()
                request.headers.clear()
                request.headers.update(Headers(sent))
        return response, download

    async def _apply_page_methods(self, page: Page, request: Request, spider: Spider) -> None:
        await super()._apply_page_methods(page, request, spider)
        methods = request.meta.get("playwright_page_methods")
        if not methods or not isinstance(methods[0].result, dict):
            return
        result = methods[0].result
        wanted = result.pop("image_urls", None) or []
        seen = self.responses.get(id(request))
        if wanted and seen:
            result["page_images"] = await page_images(seen, wanted, self.image_max_bytes)


def _render_spec(request: Request) -> dict[str, Any]:
    """The spec given to ``render_page`` for this request ({} when it is not rendered by it)."""
    methods = request.meta.get("playwright_page_methods")
    args = methods[0].args if methods else ()
    return args[0] if args and isinstance(args[0], dict) else {}


async def page_images(responses: list[Any], wanted: list[str], max_bytes: int) -> dict[str, dict[str, Any]]:
    """The bytes of the ``wanted`` addresses among a page's image responses: {url: {headers, body}}.

    Only a 200 answer to the address itself (no redirect: the HTTP fetch judges those) whose announced
    length and body are within ``max_bytes``; any other image is left to the HTTP fetch, which keeps or
    refuses it as before."""
    by_url = {r.url: r for r in responses if r.status == 200 and r.request.redirected_from is None}
    out: dict[str, dict[str, Any]] = {}
    for url in wanted:
        response = by_url.get(url)
        if response is None or url in out:
            continue
        headers = response.headers
        try:  # a body of unknown length is not pulled through the driver: it may be of any size
            if not 0 <= int(headers.get("content-length") or -1) <= max_bytes:
                continue
        except ValueError:
            continue
        try:
            body = await response.body()
        except Exception:  # noqa: BLE001 - evicted from Chromium's buffer, page closing: fetched over HTTP
            continue
        if len(body) > max_bytes:
            continue
        kept = {k: v for k, v in headers.items() if k.lower() not in UNDECODED_HEADERS}
        out[url] = {"headers": kept, "body": body}
    return out
