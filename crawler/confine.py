"""Confinement: a crawl fetches only its platform's own pages and images, and counts what it refused.

The platform's hosts are those of its base URL, its absolute start and search URLs and the hosts its
profile declares (``hosts``; images also from ``image_hosts``). A crawl pointed at another address
(``--base-url``, ``MARKWATCH_<NAME>_URL``: a copy or mirror of the site) is confined to that address
alone. Only http and https are fetched; a loopback, link-local or private address only when the
platform's own base URL is one (the demo and tests run on 127.0.0.1).

Like Scrapy's OffsiteMiddleware, the check runs when a request is scheduled (links, start pages,
redirects, meta refreshes: each is scheduled) and again when a request enters the downloader without
being scheduled (images, fetched by the media pipeline). Unlike it, retries (``dont_filter``) are
checked too, and the refusal is counted by reason (``offsite``, ``scheme``, ``private_address``, with
``redirect:`` / ``meta_refresh:`` / ``image:`` in front for what was not a link) in the crawl summary.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.response import get_meta_refresh

from crawler import blocks, report
from crawler.addresses import SCHEMES, check_base_url, is_private_host, valid_host_pattern
from crawler.profiles import ORIGINAL_BASE

logger = logging.getLogger(__name__)

__all__ = ["Confinement", "check_base_url", "is_private_host", "valid_host_pattern"]  # re-exported

DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port or None for the scheme's default) of an absolute URL; None if it has none."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname:
        return None
    return scheme, parts.hostname.lower().rstrip("."), None if port == DEFAULT_PORTS.get(scheme) else port


@dataclass(frozen=True)
class Confinement:
    """Where a crawl of one platform may go: ``verdict(url)`` is None, or the reason for refusing it."""

    page_hosts: frozenset[tuple[str, int | None]]
    page_wildcards: tuple[str, ...]  # "*.example.cn" entries, as ".example.cn"
    image_hosts: frozenset[tuple[str, int | None]]
    image_wildcards: tuple[str, ...]
    private_ok: bool

    @classmethod
    def of_profile(cls, data: dict[str, Any]) -> Confinement:
        base = str(data.get("base_url") or "")
        origin = _origin(base)
        pages: set[tuple[str, int | None]] = set()
        images: set[tuple[str, int | None]] = set()
        page_wild: list[str] = []
        image_wild: list[str] = []
        if origin is not None:
            pages.add(origin[1:])
        if not data.get(ORIGINAL_BASE):  # pointed at another address (a copy of the site): that alone
            listing = data.get("list") or {}
            link, pages_spec = listing.get("link"), listing.get("pages")
            addresses = [
                *(data.get("start_urls") or []),
                *(data.get("detail_urls") or []),
                data.get("search_url") or "",
                link.get("template", "") if isinstance(link, dict) else "",
                pages_spec.get("url", "") if isinstance(pages_spec, dict) else "",
            ]
            for url in addresses:
                if url.lower().startswith(("http://", "https://")) and (o := _origin(url)):
                    pages.add(o[1:])
            for key, exact, wild in (("hosts", pages, page_wild), ("image_hosts", images, image_wild)):
                for entry in data.get(key) or []:
                    entry = str(entry).lower()
                    if entry.startswith("*."):
                        wild.append(entry[1:])
                    else:
                        host, _, port = entry.partition(":")
                        exact.add((host, int(port) if port else None))
        return cls(
            page_hosts=frozenset(pages),
            page_wildcards=tuple(page_wild),
            image_hosts=frozenset(pages | images),
            image_wildcards=tuple(page_wild + image_wild),
            private_ok=origin is not None and is_private_host(origin[1]),
        )

    def verdict(self, url: str, *, image: bool = False) -> str | None:
        """None when the crawl may fetch ``url``; else ``scheme``, ``offsite`` or ``private_address``."""
        scheme = url.partition(":")[0].lower()
        if scheme not in SCHEMES:
            return "scheme"
        origin = _origin(url)
        if origin is None:
            return "offsite"
        _, host, port = origin
        if not self.private_ok and is_private_host(host):
            return "private_address"
        exact, wild = (
            (self.image_hosts, self.image_wildcards) if image else (self.page_hosts, self.page_wildcards)
        )
        if (host, port) in exact:
            return None
        if port is None and any(host.endswith(w) for w in wild):
            return None
        return "offsite"


def refuse_link(crawler: Crawler, url: str) -> bool:
    """Whether a link found on a page is refused before it becomes a request: not http(s) (Scrapy would
    raise for ``javascript:``, losing the whole page, and would fetch ``file:`` and ``data:``), or an
    address that cannot be parsed. Counted; the other rules apply when the request is scheduled."""
    scheme = url.partition(":")[0].lower()
    if scheme in SCHEMES and _origin(url) is not None:
        return False
    reason = "scheme" if scheme not in SCHEMES or ":" not in url else "bad_address"
    report.refused(crawler, reason)
    return True


def how(request: Request) -> str:
    """What made a request: ``image``, ``redirect``, ``meta_refresh`` or a ``link`` (start pages too)."""
    if request.meta.get("markwatch_image"):
        return "image"
    reasons = request.meta.get("redirect_reasons") or []
    if reasons:
        return "meta_refresh" if reasons[-1] == "meta refresh" else "redirect"
    return "link"


def reason_key(via: str, reason: str) -> str:
    return reason if via == "link" else f"{via}:{reason}"


class ConfinementMiddleware:
    """Downloader middleware (before RedirectMiddleware in the response direction): refuses requests
    outside the platform when they are scheduled or downloaded, and looks at redirects before they are
    followed (a redirect to a login or verification page is a block page, not a refused link)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.rules: Confinement | None = None
        self.logged: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConfinementMiddleware:
        mw = cls(crawler)
        crawler.markwatch_confinement = mw  # type: ignore[attr-defined]  # the meta-refresh check reads it
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        return mw

    def spider_opened(self, spider: Any) -> None:
        profile = getattr(spider, "profile", None)
        if profile is not None:
            self.rules = Confinement.of_profile(profile.data)

    def check(self, request: Request) -> None:
        if self.rules is None:
            return
        via = how(request)
        reason = self.rules.verdict(request.url, image=via == "image")
        if reason is None:
            return
        self.refuse(request.url, via, reason)
        raise IgnoreRequest(f"refused ({reason_key(via, reason)}): {request.url[:200]}")

    def refuse(self, url: str, via: str, reason: str) -> None:
        key = reason_key(via, reason)
        report.refused(self.crawler, key)
        if key not in self.logged:  # the first of each kind is logged, like OffsiteMiddleware
            self.logged.add(key)
            logger.info("refused %s (%s): %s", via, reason, url[:300])

    def request_scheduled(self, request: Request, spider: Any) -> None:
        self.check(request)

    def process_request(self, request: Request) -> None:
        if request.meta.pop("markwatch_undo_dont_redirect", False):  # a retry of a login redirect
            request.meta.pop("dont_redirect", None)
            request.meta.pop("markwatch_blocked", None)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if self.rules is None or "markwatch_kind" not in request.meta:
            return response
        if response.status in REDIRECT_STATUSES and b"Location" in response.headers:
            location = (response.headers[b"Location"] or b"").decode("latin-1").strip()
            target = urljoin(request.url, location)
            if blocks.is_block_url(target, self.extra_block_urls()):
                # a login or verification page: the page is blocked, not moved (PolitenessMiddleware
                # counts it, slows down and tries the page again later)
                request.meta["markwatch_blocked"] = f"redirect to {target[:200]}"
                if not request.meta.get("dont_redirect"):
                    request.meta["dont_redirect"] = True
                    request.meta["markwatch_undo_dont_redirect"] = True
            elif target.partition(":")[0].lower() not in SCHEMES:
                # RedirectMiddleware would drop it silently (or raise, for javascript:, losing the page)
                self.refuse(target, "redirect", "scheme")
                if not request.meta.get("dont_redirect"):
                    request.meta["dont_redirect"] = True
                    request.meta["markwatch_undo_dont_redirect"] = True
        elif response.url != request.url and response.url.partition("#")[0] != request.url.partition("#")[0]:
            # a browser page that navigated elsewhere on its own (script, meta refresh inside Chromium)
            reason = self.rules.verdict(response.url)
            if reason is not None:
                self.refuse(response.url, "redirect", reason)
                raise IgnoreRequest(f"refused (redirect:{reason}): {response.url[:200]}")
        return response

    def extra_block_urls(self) -> list[str]:
        profile = getattr(self.crawler.spider, "profile", None)
        return list((profile.section("page") if profile else {}).get("block_url") or [])


class ImageGateMiddleware:
    """Downloader middleware at the front of the chain (before RobotsTxtMiddleware, which would fetch
    another host's robots.txt first): an image request, which the media pipeline downloads without
    scheduling it (its redirects too), is checked here."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ImageGateMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("markwatch_image"):
            mw: ConfinementMiddleware | None = getattr(self.crawler, "markwatch_confinement", None)
            if mw is not None:
                mw.check(request)
        return None


class MetaRefreshCheckMiddleware:
    """Downloader middleware between HttpCompressionMiddleware (590) and MetaRefreshMiddleware (580): a
    meta refresh to an address the crawl may not fetch (``javascript:``, another host) is counted as
    refused and not followed; the page is kept as it is (MetaRefreshMiddleware would raise for
    ``javascript:`` and lose the page, or follow the refresh off the platform)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MetaRefreshCheckMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if "markwatch_kind" not in request.meta or not isinstance(response, HtmlResponse):
            return response
        if b"refresh" not in response.body[:20000].lower() or request.meta.get("dont_redirect"):
            return response
        _interval, url = get_meta_refresh(response)  # cached by Scrapy for this response
        if not url:
            return response
        mw = self.crawler.spider and getattr(self.crawler, "markwatch_confinement", None)
        rules: Confinement | None = getattr(mw, "rules", None)
        reason = "scheme" if url.partition(":")[0].lower() not in SCHEMES else rules and rules.verdict(url)
        if reason:
            report.refused(self.crawler, reason_key("meta_refresh", reason))
            logger.info("refused a meta refresh to %s on %s", url[:200], response.url)
            request.meta["dont_redirect"] = True  # this response only: a retry is a new request
            request.meta["markwatch_undo_dont_redirect"] = True
        return response
