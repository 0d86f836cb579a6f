"""A platform's login state: a Playwright storage-state (or cookie) file named in the settings.

``$MARKWATCH_SESSION_DIR/<platform>.json`` (default ``$MARKWATCH_HOME/sessions``), JSON with ``cookies``
(and, from Playwright, ``origins``). It lives outside the profile so that a profile can be shared; its
content is never logged and never stored: the spider keeps ``Set-Cookie`` out of snapshot headers. HTTP
requests carry its cookies (Scrapy's cookie jar takes them from the first request of each domain);
browser contexts open with it as their storage state. No captcha is solved and no check evaded.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from storage.errors import MarkwatchError

logger = logging.getLogger(__name__)
COOKIE_KEYS = ("name", "value", "domain", "path", "secure")


def session_file(platform: str) -> Path:
    """Where the login state of ``platform`` is kept (it may not exist)."""
    from settings import get_settings

    settings = get_settings()
    directory = settings.session_dir or settings.home / "sessions"
    return Path(directory) / f"{platform}.json"


def read_session(path: Path) -> list[dict[str, Any]]:
    """The cookies of a storage-state or cookie file; raises MarkwatchError naming the file (never its
    content) when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MarkwatchError(
            f"session file {path} cannot be read ({type(exc).__name__}); save it again from a logged-in "
            "browser (Playwright's context.storage_state(path=...))"
        ) from None
    cookies = data.get("cookies") if isinstance(data, dict) else data
    if not isinstance(cookies, list):
        raise MarkwatchError(f"session file {path} has no list of cookies")
    return [
        {k: c[k] for k in COOKIE_KEYS if k in c}
        for c in cookies
        if isinstance(c, dict) and "name" in c and "value" in c
    ]


class SessionStateMiddleware:
    """Gives every request of the crawl the platform's login state, when the settings name one."""

    def __init__(self, crawler: Crawler, path: Path, cookies: list[dict[str, Any]]) -> None:
        self.crawler = crawler
        self.path = path
        self.cookies = cookies
        self.domains_given: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SessionStateMiddleware:
        platform = crawler.settings.get("MARKWATCH_PLATFORM")
        if not platform:
            raise NotConfigured("no platform named")
        path = session_file(platform)
        if not path.exists():
            raise NotConfigured("no session file for this platform")
        cookies = read_session(path)
        logger.info("using the login state of %s (%d cookie(s); content not logged)", platform, len(cookies))
        return cls(crawler, path, cookies)

    def process_request(self, request: Request) -> None:
        if request.meta.get("playwright"):
            kwargs = dict(request.meta.get("playwright_context_kwargs") or {})
            kwargs["storage_state"] = str(self.path)
            request.meta["playwright_context_kwargs"] = kwargs
            return None
        from urllib.parse import urlsplit

        host = urlsplit(request.url).hostname or ""
        if host in self.domains_given:
            return None  # the cookie jar has them from the first request
        self.domains_given.add(host)
        mine = [c for c in self.cookies if _domain_matches(host, str(c.get("domain") or host))]
        if mine and not request.cookies:
            request.cookies = mine  # type: ignore[assignment]  # Scrapy takes a list of cookie dicts
        return None


def _domain_matches(host: str, domain: str) -> bool:
    domain = domain.lstrip(".").lower()
    return host == domain or host.endswith("." + domain)
