"""Pages whose outcome would otherwise be silent: a spider middleware that makes them count.

- A start request that cannot be made (a bad address) is an error with its cause as a warning.
- A detail page answering 404 or 410 is a listing that is gone: its item is marked ``gone`` and the
  normalising pipeline drops it as ``not_found`` (Scrapy's HttpErrorMiddleware would drop it unseen).
- A list page that yields no link to a detail page is a warning (the profile's ``list.items`` matched
  nothing: a changed page, a page whose results are built by JavaScript, a wrong selector).
- A list page answering an HTTP error is a warning naming the status.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import report
from crawler.items import ListingItem

GONE_STATUSES = (404, 410)


class PageOutcomeMiddleware:
    """Spider middleware: 404/410 detail pages as ``not_found``; empty or failed list pages as warnings."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> PageOutcomeMiddleware:
        return cls(crawler)

    def _request(self, request: Request) -> Request:
        if request.meta.get("markwatch_kind") == "detail":
            request.meta.setdefault("handle_httpstatus_list", list(GONE_STATUSES))
        return request

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        try:
            async for o in start:
                yield self._request(o) if isinstance(o, Request) else o
        except Exception as exc:  # noqa: BLE001 - Scrapy would only log it: the summary names the cause
            self.crawler.stats.inc_value("markwatch/errors")
            report.warn(self.crawler, f"the crawl could not start all its pages: {type(exc).__name__}: {exc}")

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        kind = response.meta.get("markwatch_kind") if response.request is not None else None
        stats = self.crawler.stats
        skipped_before = stats.get_value("markwatch/resume_skipped", 0)
        details = lists = items = 0
        for o in result:
            if isinstance(o, Request):
                sub = o.meta.get("markwatch_kind")
                details += sub == "detail"
                lists += sub == "list"
                yield self._request(o)
            else:
                items += 1
                if kind == "detail" and response.status in GONE_STATUSES and isinstance(o, ListingItem):
                    o["gone"] = True
                yield o
        if kind == "detail" and response.status in GONE_STATUSES and not items:
            yield self._gone_item(response)  # a page Scrapy could not read as text: still a gone listing
        if kind == "list" and not details and not items:
            skipped = stats.get_value("markwatch/resume_skipped", 0) - skipped_before
            callback = getattr(response.request, "callback", None)
            start_page = getattr(callback, "__name__", "") == "parse_start"
            if not skipped and not (start_page and lists):
                stats.inc_value("markwatch/empty_list_pages")
                report.warn(self.crawler, f"list page without item links: {response.url}")

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        collected = [o async for o in result]
        for o in self.process_spider_output(response, collected):
            yield o

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        if isinstance(exception, HttpError) and response.meta.get("markwatch_kind") == "list":
            report.warn(self.crawler, f"list page {response.url} answered HTTP {response.status}")
        return None

    def _gone_item(self, response: Response) -> ListingItem:
        spider = self.crawler.spider
        assert response.request is not None  # a downloaded page
        fingerprint = self.crawler.request_fingerprinter.fingerprint(response.request).hex()
        return ListingItem(
            platform=spider.profile.name,
            url=response.request.url,
            final_url=response.url,
            status=response.status,
            gone=True,
            raw={},
            fingerprint=fingerprint,
        )
