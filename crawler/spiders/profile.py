"""The one generic spider: it walks a marketplace the way its platform profile describes.

Start pages (or search pages) → navigation links → list pages (next page / "load more") → detail pages,
each detail page becoming one ListingItem with the field texts as the page showed them. Browser
rendering is opted into per request (``meta["playwright"]``) only when the profile says ``render:
browser``; plain HTTP stays the default.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urljoin

import scrapy
from scrapy.http import Response, TextResponse

from crawler.items import ListingItem
from crawler.profiles import Profile
from crawler.selectors import first_text, select, texts
from crawler.settings import DEFAULTS
from storage.models import utcnow

LIST, DETAIL = "list", "detail"


def join(base: str, href: str) -> str:
    """``href`` resolved against ``base``; as given when it cannot be (``http://[x``: refused later)."""
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return href.strip()


class ProfileSpider(scrapy.Spider):
    """Crawls the platform of ``profile``: the catalogue, or the search results for ``queries``."""

    name = "markwatch"

    def __init__(
        self,
        profile: dict[str, Any] | None = None,
        queries: list[str] | tuple[str, ...] = (),
        done: set[str] | None = None,
        walk: bool = True,
        urls: list[str] | tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if profile is None:
            raise ValueError("ProfileSpider needs a profile")
        self.profile = Profile(profile)
        self.queries = [q for q in queries if q.strip()]
        self.done: set[str] = done if done is not None else set()  # fingerprints finished by an earlier run
        self.walk = walk  # walk the catalogue from start_urls (as well as searching the queries)
        self.urls = list(urls)  # given pages (`crawl --url`): each a list or a detail page, as it shows

    # --- requests -----------------------------------------------------------------------------------

    def page_request(self, url: str, kind: str, callback: Any, **meta: Any) -> scrapy.Request | None:
        """A request for a ``kind`` page (list or detail), rendered in the browser if the profile says so;
        None (counted as refused) for an address that is not http(s), so a hostile link loses no page."""
        from crawler.confine import refuse_link

        if refuse_link(self.crawler, url):
            return None
        meta = {"markwatch_kind": kind, **meta}
        if self.profile.browser:
            from scrapy_playwright.page import PageMethod

            from crawler.browser import init_page, render_page

            meta.update(
                playwright=True,
                playwright_page_init_callback=init_page,
                playwright_page_methods=[
                    PageMethod(render_page, self.render_spec(kind, given=bool(meta.get("markwatch_given"))))
                ],
                markwatch_screenshot=kind == DETAIL,
                # a detail page may be served by a page that showed another item: only when the item's
                # id can be checked against the URL (render_page does) and the crawl allows it
                markwatch_reuse_page=kind == DETAIL
                and not meta.get("markwatch_given")
                and self.item_check() is not None
                and self.settings.getbool("MARKWATCH_REUSE_PAGES", DEFAULTS["MARKWATCH_REUSE_PAGES"]),
                # render_page waits for the app itself; no need to wait for the load event first
                playwright_page_goto_kwargs={
                    "wait_until": self.settings.get(
                        "MARKWATCH_GOTO_WAIT_UNTIL", DEFAULTS["MARKWATCH_GOTO_WAIT_UNTIL"]
                    )
                },
            )
        priority = 10 if kind == DETAIL else 0  # finish listings before opening more list pages
        return scrapy.Request(url, callback=callback, meta=meta, priority=priority)

    def render_spec(self, kind: str, *, given: bool = False) -> dict[str, Any]:
        if given:  # a page given by address: ready as a list or as a detail page, whichever it is
            spec = self.render_spec(DETAIL)
            list_ready = self.profile.section(LIST).get("ready")
            return spec | {
                "ready": f"{spec['ready']}, {list_ready}" if list_ready else spec["ready"],
                "item": None,
            }
        section = self.profile.section(kind)
        page = self.profile.section("page")
        from crawler.middlewares import BLOCK_TEXTS

        timeout = float(self.profile.politeness["timeout"])
        ready = section.get("ready") or "body"  # no ready selector: the loaded page is the page
        if kind == DETAIL and section.get("not_found"):
            ready = f"{ready}, {section['not_found']}"
        return {
            "ready": ready,
            "block": page.get("block"),
            "block_texts": list(BLOCK_TEXTS),
            "error": page.get("error"),
            "end_marker": page.get("end_marker"),
            "load_more": section.get("load_more") if kind == LIST else None,
            "done": section.get("done") if kind == LIST else None,
            "max_clicks": 10_000,
            "screenshot": kind == DETAIL,
            "item": self.item_check() if kind == DETAIL else None,
            "timeout_ms": int(timeout * 1000 / 2),
        }

    def item_check(self) -> dict[str, str] | None:
        """The detail id as an element and attribute the browser can read (``#item::attr(data-id)``),
        or None when the profile reads it otherwise (XPath, text)."""
        expr = self.profile.section(DETAIL).get("id") or ""
        selector, sep, rest = expr.rpartition("::attr(")
        if not sep or not selector or expr.startswith("xpath:") or not rest.endswith(")"):
            return None
        return {"selector": selector, "attr": rest[:-1]}

    def absolute(self, url: str) -> str:
        return (
            url if url.startswith(("http://", "https://")) else self.profile.base_url + "/" + url.lstrip("/")
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield self.page_request(self.absolute(url), DETAIL, self.parse_given, markwatch_given=True)
        if self.walk:
            for url in self.profile.data.get("start_urls") or []:
                yield self.page_request(self.absolute(url), LIST, self.parse_start)
        template = self.profile.data.get("search_url")
        if self.queries and not template:
            raise ValueError(f"platform {self.profile.name} has no search_url; crawl it without --query")
        for query in self.queries:
            url = self.absolute(template.replace("{query}", quote(query)))
            yield self.page_request(url, LIST, self.parse_list, markwatch_query=query)

    # --- callbacks ----------------------------------------------------------------------------------

    def parse_given(self, response: Response) -> Iterator[Any]:
        """A page given by address: a detail page if it shows the listing's id, else a list page if it has
        item links; a page that is neither is a warning."""
        if not isinstance(response, TextResponse):
            return
        if response.status in (404, 410) or first_text(response, self.profile.section(DETAIL).get("id")):
            yield from self.parse_detail(response)
        elif texts(response, self.profile.section(LIST).get("items")):
            # its listings, not its next pages: exactly the pages given
            yield from (r for r in self.parse_list(response) if r.meta.get("markwatch_kind") == DETAIL)
        else:
            from crawler import report

            report.warn(self.crawler, f"given page {response.url} is neither a list nor a detail page")

    def parse_start(self, response: Response) -> Iterator[scrapy.Request]:
        """A start page: it may list items itself, and it links to the list pages (categories)."""
        yield from self.parse_list(response)
        assert isinstance(response, TextResponse)
        for expr in self.profile.section("navigation").get("follow") or []:
            for href in texts(response, expr):
                yield self.page_request(join(response.url, href), LIST, self.parse_list)

    def parse_list(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        section = self.profile.section(LIST)
        fingerprint = self.crawler.request_fingerprinter.fingerprint
        for href in texts(response, section.get("items")):
            request = self.page_request(join(response.url, href), DETAIL, self.parse_detail)
            if request is None:
                continue
            if self.done and fingerprint(request).hex() in self.done:
                self.crawler.stats.inc_value("markwatch/resume_skipped")
                continue
            yield request
        next_page = first_text(response, section.get("next_page"))
        if next_page:
            yield self.page_request(join(response.url, next_page), LIST, self.parse_list)

    def parse_detail(self, response: Response) -> Iterator[ListingItem]:
        if not isinstance(response, TextResponse):
            return
        detail = self.profile.section(DETAIL)
        fields = detail.get("fields") or {}
        raw: dict[str, Any] = {}
        for key, expr in fields.items():
            if key == "seller":
                raw["seller"] = {k: first_text(response, e) for k, e in (expr or {}).items()}
            elif key == "images":
                raw["images"] = [join(response.url, u) for u in texts(response, expr)]
            else:
                raw[key] = first_text(response, expr)
        rendered = response.meta.get("playwright_page_methods")
        screenshot = None
        if rendered:
            screenshot = (rendered[0].result or {}).get("screenshot")
        gone = bool(detail.get("not_found") and select(response, detail["not_found"]))
        headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1", "replace")
            for k, v in response.headers.items()
        }
        yield ListingItem(
            platform=self.profile.name,
            external_id=first_text(response, detail.get("id")),
            url=response.request.url if response.request else response.url,
            final_url=response.url,
            status=response.status,
            headers=headers,
            body=response.body,
            fetched_at=utcnow(),
            raw=raw,
            gone=gone,
            rendered=bool(rendered),
            screenshot=screenshot,
            fingerprint=self.crawler.request_fingerprinter.fingerprint(response.request).hex()
            if response.request
            else None,
        )
