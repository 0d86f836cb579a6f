"""The one generic spider: it walks a marketplace the way its platform profile describes.

Start pages (or search pages) → navigation links → list pages (next page / "load more") → detail pages,
each detail page becoming one ListingItem with the field texts as the page showed them. Browser
rendering is opted into per request (``meta["playwright"]``) only when the profile says ``render:
browser``; plain HTTP stays the default.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler import report
from crawler.extract import Page
from crawler.items import ListingItem
from crawler.pages import DETAIL, LIST, PageReader, Result, link_refusal
from crawler.profiles import ORIGINAL_BASE, Profile
from crawler.selectors import select, texts
from crawler.settings import DEFAULTS
from storage.models import utcnow


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
        self.urls = list(urls)  # pages to crawl exactly, each recognised as a list or detail page
        self.reader = PageReader(self.profile)
        # detail URLs (or list-only ids) met: pagination stops when a page brings none that is new
        self.seen_items: set[str] = set()
        self.platform_domains = _platform_domains(self.profile)

    # --- requests -----------------------------------------------------------------------------------

    def page_request(self, url: str, kind: str, callback: Any, **meta: Any) -> scrapy.Request:
        """A request for a ``kind`` page (list or detail), rendered in the browser if the profile says so."""
        url = self.rebase(url)
        meta = {"markwatch_kind": kind, **meta}
        if self.profile.browser:
            from scrapy_playwright.page import PageMethod

            from crawler.browser import render_page

            meta.update(
                playwright=True,
                playwright_page_methods=[PageMethod(render_page, self.render_spec(kind))],
                markwatch_screenshot=kind == DETAIL,
                # a detail page may be served by a page that showed another item: only when the item's
                # id can be checked against the URL (render_page does) and the crawl allows it
                markwatch_reuse_page=kind == DETAIL
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

    def render_spec(self, kind: str) -> dict[str, Any]:
        spec = render_spec(self.profile, kind, self.item_check() if kind == DETAIL else None)
        if kind == DETAIL:
            spec["images"] = self.page_images()
        return spec

    def item_check(self) -> dict[str, str] | None:
        """The detail id as an element and attribute the browser can read (``#item::attr(data-id)``),
        or None when the profile reads it otherwise (XPath, text, JSON, the URL)."""
        return _css_attr(self.profile.section(DETAIL).get("id"))

    def page_images(self) -> dict[str, Any] | None:
        """The listing's images as elements and an attribute the browser can read, when their bytes are
        to be taken from the page (``MARKWATCH_IMAGES_FROM_PAGE``); else None (fetched over HTTP)."""
        settings = self.settings
        if not (
            settings.getbool("MARKWATCH_IMAGES", DEFAULTS["MARKWATCH_IMAGES"])
            and settings.getbool("MARKWATCH_IMAGES_FROM_PAGE", DEFAULTS["MARKWATCH_IMAGES_FROM_PAGE"])
        ):
            return None
        found = _css_attr((self.profile.section(DETAIL).get("fields") or {}).get("images"))
        limit = settings.getint("MARKWATCH_IMAGES_PER_LISTING", DEFAULTS["MARKWATCH_IMAGES_PER_LISTING"])
        return found and {**found, "limit": limit}

    def rebase(self, url: str) -> str:
        """On a copy of the site (``--base-url``): an address on one of the platform's own domains moves to
        the copy, path and query kept (a search on s.taobao.com and an item on item.taobao.com are both
        served by the copy)."""
        if not self.platform_domains:
            return url
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host or _domain(host) not in self.platform_domains:
            return url
        base = urlsplit(self.profile.base_url)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))

    def absolute(self, url: str) -> str:
        return (
            url if url.startswith(("http://", "https://")) else self.profile.base_url + "/" + url.lstrip("/")
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:  # pages given one by one: each is recognised as a list or a detail page
            kind = self.reader.kind_of_url(self.absolute(url))
            callback = {LIST: self.parse_list, DETAIL: self.parse_detail}.get(kind or "", self.parse_page)
            yield self.page_request(self.absolute(url), kind or DETAIL, callback)
        if self.walk:
            for url in self.profile.data.get("detail_urls") or []:
                yield self.page_request(self.absolute(url), DETAIL, self.parse_detail)
            for url in self.profile.data.get("start_urls") or []:
                yield self.page_request(self.absolute(url), LIST, self.parse_start)
        template = self.profile.data.get("search_url")
        if not self.queries:
            return
        if not template:
            raise ValueError(f"platform {self.profile.name} has no search_url; crawl it without --query")
        for query in self.queries:
            url = self.absolute(template.replace("{query}", quote(query)))
            yield self.page_request(url, LIST, self.parse_list, markwatch_query=query)

    # --- callbacks ----------------------------------------------------------------------------------

    def parse_start(self, response: Response) -> Iterator[Any]:
        """A start page: it may list items itself, and it links to the list pages (categories)."""
        yield from self.parse_list(response)
        assert isinstance(response, TextResponse)
        for expr in self.profile.section("navigation").get("follow") or []:
            for href in texts(response, expr):
                yield self.page_request(urljoin(response.url, href.strip()), LIST, self.parse_list)

    def parse_page(self, response: Response) -> Iterator[Any]:
        """A page given by address: a detail page if the profile finds a listing id, else a list page."""
        if not isinstance(response, TextResponse):
            return
        if self.reader.kind(Page(response)) == LIST:
            yield from self.parse_list(response)
        else:
            yield from self.parse_detail(response)

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        page = Page(response)
        stats = self.crawler.stats
        fingerprint = self.crawler.request_fingerprinter.fingerprint
        results = self.reader.results(page)
        new = 0
        for result in results:
            if self.reader.list_only:
                item = self.list_item(response, result)
                if item is not None:
                    new += 1
                    yield item
                continue
            if not result.url or link_refusal(result.url):
                report.refused(self.crawler, "scheme")  # counted in the crawl summary
                continue
            if result.url in self.seen_items:
                continue
            self.seen_items.add(result.url)
            new += 1
            meta = {"markwatch_listed": result.fields} if result.fields.raw else {}
            request = self.page_request(result.url, DETAIL, self.parse_detail, **meta)
            if self.done and fingerprint(request).hex() in self.done:
                self.crawler.stats.inc_value("markwatch/resume_skipped")
                continue
            yield request
        self.count_json_errors(page)
        if not results and stats is not None:
            stats.inc_value("markwatch/list_pages_without_items")
        if not new:  # stop condition: a page with nothing new ends its pagination
            return
        number = int(response.meta.get("markwatch_page", 1))
        query = response.meta.get("markwatch_query")
        for url in self.reader.next_pages(page, page_number=number, query=query):
            if link_refusal(url):
                report.refused(self.crawler, "scheme")
                continue
            yield self.page_request(
                url,
                LIST,
                self.parse_list,
                markwatch_page=number + 1,
                **({"markwatch_query": query} if query else {}),
            )

    def list_item(self, response: TextResponse, result: Result) -> ListingItem | None:
        """A listing read from a list page alone (``list.only``)."""
        external_id = result.fields.raw.get("id")
        if not external_id or external_id in self.seen_items:
            return None
        self.seen_items.add(external_id)
        raw = {k: v for k, v in result.fields.raw.items() if k != "id"}
        url = result.url if result.url and not link_refusal(result.url) else response.url
        return self.item(response, external_id=external_id, raw=raw, url=url, gone=False)

    def parse_detail(self, response: Response) -> Iterator[ListingItem]:
        if not isinstance(response, TextResponse):
            return
        detail = self.profile.section(DETAIL)
        page = Page(response)
        external_id, _ = self.reader.external_id(page)
        fields = self.reader.detail(page, response.meta.get("markwatch_listed"))
        self.count_json_errors(page)
        gone = bool(detail.get("not_found") and select(response, detail["not_found"]))
        yield self.item(
            response,
            external_id=external_id,
            raw=fields.raw,
            url=response.request.url if response.request else response.url,
            gone=gone,
        )

    def count_json_errors(self, page: Page) -> None:
        if page.json_errors and self.crawler.stats is not None:
            self.crawler.stats.inc_value("markwatch/malformed_json", len(page.json_errors))
            self.logger.warning("malformed JSON in a <script> of %s (%s): fields read from it are empty",
                                page.url, ", ".join(sorted(set(page.json_errors))))  # fmt: skip

    def item(
        self, response: TextResponse, *, external_id: str | None, raw: dict[str, Any], url: str, gone: bool
    ) -> ListingItem:
        rendered = response.meta.get("playwright_page_methods")
        screenshot = page_images = None
        if rendered:
            screenshot = (rendered[0].result or {}).get("screenshot")
            page_images = (rendered[0].result or {}).get("page_images")
        headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1", "replace")
            for k, v in response.headers.items()
            if k.lower() != b"set-cookie"  # a session's cookies never go into snapshots or evidence
        }
        request_headers = (
            {
                k.decode("latin-1"): b", ".join(v).decode("latin-1", "replace")
                for k, v in response.request.headers.items()
                if k.lower() not in (b"cookie", b"authorization")
            }
            if response.request
            else {}
        )
        return ListingItem(
            platform=self.profile.name,
            external_id=external_id,
            url=url,
            final_url=response.url,
            status=response.status,
            headers=headers,
            request_headers=request_headers,
            body=response.body,
            fetched_at=utcnow(),
            raw=raw,
            gone=gone,
            rendered=bool(rendered),
            screenshot=screenshot,
            page_images=page_images or None,
            default_currency=self.profile.data.get("currency"),
            fingerprint=self.crawler.request_fingerprinter.fingerprint(response.request).hex()
            if response.request
            else None,
        )


def _css_attr(expr: Any) -> dict[str, str] | None:
    """``{selector, attr}`` of a CSS expression that reads an attribute (``#item::attr(data-id)``), or
    None for any other source (XPath, text, JSON, the URL, a fallback chain)."""
    if not isinstance(expr, str):
        return None
    selector, sep, rest = expr.rpartition("::attr(")
    if not sep or not selector or expr.startswith("xpath:") or not rest.endswith(")"):
        return None
    return {"selector": selector, "attr": rest[:-1]}


_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "edu", "ac"})


def render_spec(profile: Profile, kind: str, item: dict[str, str] | None = None) -> dict[str, Any]:
    """What ``crawler.browser.render_page`` waits for on a page of ``kind`` (the crawl's browser mode and
    the evidence capture): ready, block and error selectors, "load more", screenshot, the item check."""
    section = profile.section(kind)
    page = profile.section("page")
    from crawler.middlewares import BLOCK_TEXTS

    timeout = float(profile.politeness["timeout"])
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
        "item": item,
        "timeout_ms": int(timeout * 1000 / 2),
    }


def _domain(host: str) -> str:
    """The registrable domain of a host, roughly: ``item.taobao.com`` → ``taobao.com``, ``www.amazon.co.uk``
    → ``amazon.co.uk``; an address or a single label stays as it is."""
    labels = host.rstrip(".").split(".")
    if len(labels) <= 2 or labels[-1].isdigit():
        return host
    keep = 3 if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _platform_domains(profile: Profile) -> frozenset[str]:
    """The domains a profile pointed at a copy of its site describes (empty when it is not pointed
    elsewhere): its original base URL's, its absolute addresses' and templates', and its ``hosts``."""
    original = profile.data.get(ORIGINAL_BASE)
    if not original:
        return frozenset()
    listing = profile.section("list")
    link = listing.get("link")
    addresses = [
        original,
        profile.data.get("search_url") or "",
        *(profile.data.get("start_urls") or []),
        *(profile.data.get("detail_urls") or []),
        link.get("template", "") if isinstance(link, dict) else "",
        (listing.get("pages") or {}).get("url", ""),
    ]
    hosts = [urlsplit(a).hostname or "" for a in addresses if a.startswith(("http://", "https://"))]
    hosts += [str(h).removeprefix("*.").split(":")[0] for h in profile.data.get("hosts") or []]
    mine = urlsplit(profile.base_url).hostname or ""
    return frozenset(_domain(h.lower()) for h in hosts if h and h.lower() != mine)
