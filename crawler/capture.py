"""Evidence capture: a lead's page taken again in Chromium, from the marketplace, at that moment.

A capture opens the listing's address in a fresh browser context (the crawl's Chromium, launched with
``crawler.browser.launch_options``), waits for the page as the crawl's browser mode does
(``crawler.browser.render_page`` with the profile's detail spec), lets its images load, and keeps:

- the full-page screenshot (at most ``MARKWATCH_CAPTURE_MAX_HEIGHT`` px tall: a taller page's is cut
  there, and the capture says so);
- the page's HTML as the server sent it, and every response the page received (images, styles,
  scripts) with its request, as one WARC file (``storage.warc``), up to ``MARKWATCH_CAPTURE_MAX_BYTES``;
- its time, final URL, status, headers, the user agent, Chromium's version and the egress address as
  seen (``MARKWATCH_CAPTURE_EGRESS_URL`` when set, else the local address of the route to the server).

The page is hostile. The crawl's confinement applies (``crawler.confine.Confinement``): a navigation
(of the page or of a frame) only to the platform's pages, images only from its image hosts, nothing
from a private address unless the platform is on one, only http(s). Every request is fetched for the
page one hop at a time (Chromium follows a redirect without asking a route): the page's own redirects
are judged and followed by the capture, a resource's redirect is judged before the page gets it, and a
body over the byte budget is refused. Fonts and media are not fetched, downloads are refused, popups
are closed as they open (their pages load nothing), dialogs dismissed. A try that runs out of
``MARKWATCH_CAPTURE_TIMEOUT`` seconds, lands on a block page (``crawler.blocks``, the profile's block
selector, the crawl's block words), is refused, or answers an error status fails; it is tried again
after ``MARKWATCH_CAPTURE_BACKOFF`` seconds (doubled each time), ``MARKWATCH_CAPTURE_ATTEMPTS`` tries in
all, and then recorded failed with its reason: no HTML, no screenshot, no WARC.

``run_captures`` drains the queue (``storage.captures``): it first queues the newly flagged leads that
were fetched over HTTP only (``MARKWATCH_EVIDENCE_CAPTURE``), then takes pending requests (and running
ones cut off by a crash) ``MARKWATCH_CAPTURE_CONCURRENCY`` at a time in one browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.addresses import SCHEMES, is_private_host
from crawler.confine import Confinement
from crawler.profiles import Profile
from settings import Settings
from storage import Database
from storage.models import utcnow
from storage.warc import CaptureInfo, Exchange, Resource, screenshot_uri, write_warc

logger = logging.getLogger(__name__)

# why a capture failed: the first word of ``failed_reason`` (the lead page translates it)
FAILURES = (
    "timeout",  # the try ran out of MARKWATCH_CAPTURE_TIMEOUT
    "block_page",  # a verification, "punish" or login page (crawler.blocks, the profile's selector)
    "http_status",  # an error status (a 404 or 410 is kept: the page says the listing is gone)
    "refused",  # confinement refused the page's address (or where it redirected)
    "download",  # the address answered a download, not a page
    "too_large",  # the page alone is over MARKWATCH_CAPTURE_MAX_BYTES
    "not_ready",  # the page never showed the listing (nor an error, nor a block)
    "cut_short",  # the page arrived cut short (its end marker missing)
    "error_page",  # the platform's error page
    "no_response",  # the navigation gave no response
    "navigation",  # the browser could not load the address (connection refused, DNS…)
    "no_address",  # the listing has no address to capture
    "nothing_captured",
)
# the fetched body is handed to the page decoded and whole: these would make the browser decode it again
REFETCHED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
MAX_REDIRECTS = 10  # hops of the page's own redirects
NOT_FETCHED = frozenset({"font", "media"})  # not evidence of the listing, and unbounded in size
VIEWPORT = {"width": 1366, "height": 900}
NO_POPUPS_JS = (
    "window.open = () => null;"  # a page's window.open gets nothing (a popup that opens anyway is closed)
)
HEIGHT_JS = "Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"
IMAGES_DONE_JS = "Array.from(document.images).every((img) => img.complete)"


@dataclass
class Attempt:
    """What one try saw. ``failed`` is None, or why the try failed: a code (FAILURES), then ``: detail``."""

    url: str
    fetched_at: datetime = field(default_factory=utcnow)
    failed: str | None = None
    final_url: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    html: bytes | None = None
    screenshot: bytes | None = None
    screenshot_cut_at: int | None = None  # px: the page was taller, its screenshot stops here
    exchanges: list[Exchange] = field(default_factory=list)
    omitted: int = 0  # responses left out of the WARC (over the byte budget, or without a body)
    refused: Counter[str] = field(default_factory=Counter)  # requests the page made that were refused
    popups: int = 0
    downloads: int = 0
    user_agent: str | None = None
    browser_version: str | None = None
    egress: str | None = None


@dataclass(frozen=True)
class Limits:
    timeout: float  # s per try
    max_bytes: int  # of responses recorded
    max_height: int  # px of the screenshot
    egress_url: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            timeout=settings.capture_timeout,
            max_bytes=settings.capture_max_bytes,
            max_height=settings.capture_max_height,
            egress_url=settings.capture_egress_url,
        )


# --- one page ----------------------------------------------------------------------------------------


def _target_verdict(rules: Confinement, target: str, kind: str, block_urls: list[str]) -> str | None:
    """Where a redirect goes: None when it may be followed; ``block_page`` for a login or verification
    page; else the refusal's reason (``redirect:offsite``, ``image:scheme``…)."""
    from crawler.blocks import is_block_url

    if kind == "redirect" and is_block_url(target, block_urls):
        return "block_page"
    scheme = target.partition(":")[0].lower()
    if scheme not in SCHEMES:
        reason: str | None = "scheme"
    elif kind:
        reason = rules.verdict(target, image=kind == "image")
    else:
        host = (urlsplit(target).hostname or "").lower()
        reason = "private_address" if not rules.private_ok and is_private_host(host) else None
    return None if reason is None else (f"{kind}:{reason}" if kind else reason)


def _frame_of(request: Any) -> Any | None:
    """The frame that made a request; None for a navigation of a page that has none yet (a popup)."""
    try:
        return request.frame
    except Exception:  # noqa: BLE001 - Playwright: "Frame for this navigation request is not available"
        return None


def _request_verdict(rules: Confinement, request: Any, frame: Any, main_frame: Any) -> str | None:
    """None when the page may make ``request``; else the refusal's reason (counted)."""
    url = request.url
    scheme = url.partition(":")[0].lower()
    if scheme in ("data", "blob", "about"):
        return None  # made by the page itself, nothing fetched
    if request.resource_type in NOT_FETCHED:
        return "media"
    if scheme not in SCHEMES:
        return "scheme"
    if request.is_navigation_request():
        reason = rules.verdict(url)
        return None if reason is None else ("redirect:" if frame == main_frame else "frame:") + reason
    if request.resource_type == "image":
        reason = rules.verdict(url, image=True)
        return None if reason is None else f"image:{reason}"
    host = (urlsplit(url).hostname or "").lower()
    if not rules.private_ok and is_private_host(host):  # the crawl's browser mode: the rest may load
        return "private_address"
    return None


async def capture_page(browser: Any, url: str, profile: Profile, limits: Limits) -> Attempt:
    """One try at capturing ``url`` (a page of ``profile``'s platform) in a new context of ``browser``."""
    from crawler.pages import DETAIL
    from crawler.spiders.profile import render_spec

    attempt = Attempt(url=url, browser_version=browser.version)
    rules = Confinement.of_profile(profile.data)
    block_urls = list(profile.section("page").get("block_url") or [])
    context = await browser.new_context(
        accept_downloads=False,
        service_workers="block",
        viewport=VIEWPORT,
        locale="zh-CN",
        user_agent=_user_agent(),
    )
    try:
        await context.add_init_script(NO_POPUPS_JS)
        page = await context.new_page()
        main_frame = page.main_frame
        responses: list[tuple[Any, datetime]] = []
        blocked_by: list[str] = []
        too_large: list[int] = []  # the page's own size, when it was refused for it
        hops: list[tuple[Any, Any, bytes, datetime, str, str | None]] = []  # the page's redirects
        redirects: list[Exchange] = []

        async def route(route: Any) -> None:
            request = route.request
            frame = _frame_of(request)
            if request.is_navigation_request() and (frame is None or frame.page != page):
                attempt.refused["popup"] += 1  # a popup's page: it loads nothing, and is closed
                with contextlib.suppress(Exception):
                    await route.abort("blockedbyclient")
                return
            if request.is_navigation_request() and frame == main_frame:
                from crawler.blocks import is_block_url

                if is_block_url(request.url, block_urls):
                    blocked_by.append(request.url)
                    await route.abort("blockedbyclient")
                    return
            reason = _request_verdict(rules, request, frame, main_frame)
            if reason is not None:
                attempt.refused[reason] += 1
                with contextlib.suppress(Exception):  # the page may be closing meanwhile
                    await route.abort("blockedbyclient")
                return
            await _fetch(route, request, frame == main_frame and request.is_navigation_request())

        async def _fetch(route: Any, request: Any, main_document: bool) -> None:
            """Fetch for the page, one hop at a time: a redirect goes back to the browser, whose next
            request comes through ``route`` again (Chromium follows redirects without asking a route),
            and a body over the byte budget is refused before the page gets it."""
            try:
                answer = await route.fetch(max_redirects=0, timeout=limits.timeout * 1000)
                body = await answer.body()
            except Exception:  # noqa: BLE001 - connection refused, reset, timeout: the page sees a failure
                with contextlib.suppress(Exception):
                    await route.abort("failed")
                return
            if len(body) > limits.max_bytes:
                attempt.refused["too_large"] += 1
                if main_document:
                    too_large.append(len(body))
                with contextlib.suppress(Exception):
                    await route.abort("blockedbyclient")
                return
            location = answer.headers.get("location") if 300 <= answer.status < 400 else None
            if location:
                # Chromium follows a redirect without asking a route again: its target is judged here
                target = urljoin(request.url, location)
                kind = "redirect" if main_document else ("image" if request.resource_type == "image" else "")
                verdict = _target_verdict(rules, target, kind, block_urls)
                if main_document:  # the page's own redirects: followed by capture_page, one hop at a time
                    hops.append((request, answer, body, utcnow(), target, verdict))
                    with contextlib.suppress(Exception):  # an empty page (an abort would race an error page)
                        await route.fulfill(status=200, content_type="text/html", body="")
                    return
                if verdict is not None:
                    attempt.refused[verdict] += 1
                    with contextlib.suppress(Exception):
                        await route.abort("blockedbyclient")
                    return
            headers = {k: v for k, v in answer.headers.items() if k.lower() not in REFETCHED_HEADERS}
            with contextlib.suppress(Exception):
                await route.fulfill(status=answer.status, headers=headers, body=body)

        def on_page(other: Any) -> None:  # a popup that opened despite window.open: closed at once
            attempt.popups += 1
            asyncio.ensure_future(_close_quietly(other))

        def on_download(download: Any) -> None:
            attempt.downloads += 1
            asyncio.ensure_future(download.cancel())

        await context.route("**/*", route)
        context.on("page", on_page)
        page.on("download", on_download)
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        page.on("response", lambda response: responses.append((response, utcnow())))
        attempt.user_agent = await page.evaluate("navigator.userAgent")

        attempt.fetched_at = utcnow()
        target, main = url, None
        for _hop in range(MAX_REDIRECTS + 1):
            seen = len(hops)
            try:
                main = await page.goto(target, wait_until="load", timeout=limits.timeout * 1000)
            except Exception as exc:  # noqa: BLE001 - Playwright's errors: the try failed, with the reason
                attempt.failed = (
                    f"too_large: {too_large[0]} bytes"
                    if too_large
                    else _navigation_failure(exc, attempt, blocked_by)
                )
                return attempt
            if len(hops) == seen:
                break
            request, answer, body, when, target, verdict = hops[-1]  # a redirect: judged, then followed
            redirects.append(await _exchange(request, answer, body, when))
            if verdict is not None:
                attempt.refused[verdict] += 1
                attempt.failed = (
                    f"block_page: {target[:200]}" if verdict == "block_page" else f"refused: {verdict}"
                )
                return attempt
        else:
            attempt.failed = f"navigation: more than {MAX_REDIRECTS} redirects"
            return attempt
        if main is None:
            attempt.failed = "no_response"
            return attempt
        attempt.final_url = page.url
        attempt.status = main.status
        attempt.headers = {k: v for k, v in (await main.all_headers()).items() if k.lower() != "set-cookie"}
        if main.status >= 400 and main.status not in (404, 410):  # a "gone" page is evidence too
            attempt.failed = f"http_status: {main.status}"
            return attempt
        body = await main.body()
        if len(body) > limits.max_bytes:
            attempt.failed = f"too_large: {len(body)} bytes"
            return attempt
        attempt.html = body

        from crawler.browser import render_page

        spec = render_spec(profile, DETAIL) | {
            "screenshot": False,
            "timeout_ms": int(limits.timeout * 1000 / 2),
        }
        rendered = await render_page(page, spec)
        if rendered["outcome"] == "blocked" or _is_block_page(page.url, await page.content(), profile):
            attempt.failed = "block_page"
            return attempt
        if rendered["outcome"] in ("timeout", "broken", "error"):
            attempt.failed = {"timeout": "not_ready", "broken": "cut_short", "error": "error_page"}[
                rendered["outcome"]
            ]
            return attempt
        with contextlib.suppress(Exception):  # a picture that never loads must not cost the capture
            await page.wait_for_function(IMAGES_DONE_JS, timeout=limits.timeout * 1000 / 4, polling=50)
        height = int(await page.evaluate(HEIGHT_JS) or 0)
        clip = None
        if height > limits.max_height:
            attempt.screenshot_cut_at = limits.max_height
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": limits.max_height}
        attempt.screenshot = await page.screenshot(
            full_page=True, type="png", clip=clip, timeout=limits.timeout * 1000
        )
        await _record(attempt, responses, main, redirects, limits)
        attempt.egress = await _egress(context, main, limits)
        return attempt
    finally:
        await _close_quietly(context)


def _navigation_failure(exc: Exception, attempt: Attempt, blocked_by: list[str]) -> str:
    text = str(exc)
    if blocked_by:
        return f"block_page: {blocked_by[0][:200]}"
    if "Download is starting" in text or attempt.downloads:
        return "download"
    if "ERR_BLOCKED_BY_CLIENT" in text:
        refused = [r for r in attempt.refused if r.startswith("redirect:")] or list(attempt.refused)
        return f"refused: {refused[0] if refused else 'confinement'}"
    if "Timeout" in type(exc).__name__ or "Timeout" in text:
        return "timeout"
    return f"navigation: {text.splitlines()[0][:200]}"


def _is_block_page(url: str, html: str, profile: Profile) -> bool:
    """The crawl's block signs on the rendered page: a block URL, the built-in block selectors, the
    profile's block selector."""
    from scrapy.http import HtmlResponse

    from crawler.blocks import block_sign
    from crawler.selectors import select

    page = profile.section("page")
    response = HtmlResponse(url=url, body=html[:2_000_000].encode("utf-8"), encoding="utf-8")
    if block_sign(response, page.get("block_url") or ()):
        return True
    return bool(page.get("block") and select(response, page["block"]))


async def _exchange(request: Any, response: Any, body: bytes, at: datetime) -> Exchange:
    """A request and its response (Playwright's, or an APIResponse fetched for the page) for the WARC."""
    headers = response.headers if not hasattr(response, "all_headers") else await response.all_headers()
    return Exchange(
        url=response.url,
        status=response.status,
        headers=headers,
        body=body,
        at=at,
        method=request.method,
        request_headers=await request.all_headers(),
    )


async def _record(
    attempt: Attempt,
    responses: list[tuple[Any, datetime]],
    main: Any,
    redirects: list[Exchange],
    limits: Limits,
) -> None:
    """The page's exchanges for the WARC: its redirects and the page first, then what it loaded, in the
    order it came, until the byte budget is spent."""
    budget = limits.max_bytes
    attempt.exchanges.extend(redirects)
    ordered = [main] + [r for r, _ in responses if r is not main]
    at = {id(r): when for r, when in responses}
    for response in ordered:
        try:
            body = b"" if 300 <= response.status < 400 else await response.body()
        except Exception:  # noqa: BLE001 - no body kept by the browser (aborted, evicted): left out
            attempt.omitted += 1
            continue
        if len(body) > budget:
            attempt.omitted += 1
            continue
        budget -= len(body)
        attempt.exchanges.append(
            await _exchange(response.request, response, body, at.get(id(response), attempt.fetched_at))
        )


async def _egress(context: Any, main: Any, limits: Limits) -> str | None:
    """The address the capture went out from, as seen: by the egress URL when one is set, else the local
    address of the route to the server (a NAT or proxy further on is not seen that way)."""
    server = None
    with contextlib.suppress(Exception):
        server = await main.server_addr()
    if limits.egress_url:
        try:
            answer = await context.request.get(limits.egress_url, timeout=10_000)
            text = (await answer.text())[:100].strip()
            ipaddress.ip_address(text)
            return f"{text} (as seen by {limits.egress_url[:200]})"
        except Exception as exc:  # noqa: BLE001 - recorded as not determined, with why
            return f"not determined ({limits.egress_url[:200]} answered no address: {type(exc).__name__})"
    host = server["ipAddress"] if server else urlsplit(main.url).hostname
    port = server["port"] if server else (urlsplit(main.url).port or 80)
    if not host:
        return None
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((host, port))  # no packet is sent: the kernel only picks the route
            local = probe.getsockname()[0]
    except OSError:
        return None
    return f"{local} (local address of the route to {host}:{port})"


def _user_agent() -> str | None:
    """The crawl's user agent, so that a capture announces itself as the crawl does."""
    from crawler.settings import user_agent

    return user_agent()


async def _close_quietly(target: Any) -> None:
    with contextlib.suppress(Exception):
        await target.close()


async def capture_with_retries(
    browser: Any,
    url: str,
    profile: Profile,
    limits: Limits,
    *,
    attempts: int,
    backoff: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> tuple[Attempt, int]:
    """Try up to ``attempts`` times, waiting ``backoff`` seconds (doubled each time) between tries;
    returns the last try and how many were made."""
    tries = max(1, attempts)
    result = Attempt(url=url, failed="not_tried")
    for n in range(1, tries + 1):
        try:
            result = await asyncio.wait_for(
                capture_page(browser, url, profile, limits), timeout=limits.timeout + 10
            )
        except TimeoutError:
            result = Attempt(url=url, failed="timeout", browser_version=browser.version)
        if result.failed is None:
            return result, n
        logger.info("capture of %s failed (try %d of %d): %s", url, n, tries, result.failed)
        if n < tries:
            await sleep(backoff * 2 ** (n - 1))
    return result, tries


# --- the queue ---------------------------------------------------------------------------------------


@dataclass
class Job:
    request_id: int
    lead_id: int
    listing_id: int
    url: str | None
    platform: str


@dataclass
class CaptureSummary:
    queued: int = 0  # newly flagged leads queued by this run
    captured: int = 0
    failed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "queued": self.queued,
            "captured": self.captured,
            "failed": self.failed,
            "reasons": dict(self.reasons),
        }


def run_captures(
    db: Database,
    settings: Settings,
    *,
    request_ids: list[int] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> CaptureSummary:
    """Queue newly flagged HTTP-crawled leads (when ``MARKWATCH_EVIDENCE_CAPTURE`` is on and no
    ``request_ids`` are given), then take the pending captures (only ``request_ids`` if given) until none
    is left. Each capture is stored as it completes, so a run cut off loses at most those in flight
    (their requests are taken again after ``MARKWATCH_CAPTURE_STALE_MINUTES``)."""
    from storage.captures import claim_captures, enqueue_flagged

    summary = CaptureSummary()
    if request_ids is None and settings.evidence_capture:
        with db.session() as session:
            summary.queued = len(enqueue_flagged(session=session))
    batch = max(1, settings.capture_concurrency) * 4
    while True:
        with db.session() as session:
            claimed = claim_captures(
                session=session,
                limit=batch,
                stale_after=timedelta(minutes=settings.capture_stale_minutes),
                request_ids=request_ids,
            )
            jobs = [_job(session, row.id, row.lead_id) for row in claimed]
        if not jobs:
            return summary
        asyncio.run(_take(db, settings, jobs, summary, sleep))


def _job(session: Any, request_id: int, lead_id: int) -> Job:
    from storage.models import Lead

    lead = session.get(Lead, lead_id)
    listing = lead.listing
    return Job(request_id, lead_id, listing.id, listing.url, listing.platform.name)


async def _take(
    db: Database,
    settings: Settings,
    jobs: list[Job],
    summary: CaptureSummary,
    sleep: Callable[[float], Awaitable[None]],
) -> None:
    from playwright.async_api import async_playwright

    from crawler.browser import launch_options
    from crawler.platforms import resolve_profile

    limits = Limits.from_settings(settings)
    gate = asyncio.Semaphore(max(1, settings.capture_concurrency))
    profiles: dict[str, Profile] = {}
    for job in jobs:
        if job.platform not in profiles:
            profile = await asyncio.to_thread(resolve_profile, db, job.platform)
            profiles[job.platform] = profile.with_base_url(profile.env_base_url())

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options())
        try:

            async def one(job: Job) -> None:
                async with gate:
                    if not job.url:
                        result, tries = Attempt(url="", failed="no_address"), 0
                    else:
                        result, tries = await capture_with_retries(
                            browser,
                            job.url,
                            profiles[job.platform],
                            limits,
                            attempts=settings.capture_attempts,
                            backoff=settings.capture_backoff,
                            sleep=sleep,
                        )
                    await asyncio.to_thread(store_capture, db, job, result, tries)
                    if result.failed is None:
                        summary.captured += 1
                    else:
                        summary.failed += 1
                        summary.reasons[result.failed.split(":")[0]] += 1

            await asyncio.gather(*(one(job) for job in jobs))
        finally:
            await browser.close()


def store_capture(db: Database, job: Job, attempt: Attempt, tries: int) -> int:
    """The capture's blobs (HTML, screenshot, WARC), then its snapshot row and the request's outcome, in
    one unit of work. A failed capture keeps none of its blobs. Returns the snapshot id."""
    from crawler.pipelines import tool_version
    from storage.captures import add_capture, finish_capture

    failed = attempt.failed is not None
    html_sha256 = screenshot_sha256 = warc_sha256 = None
    if not failed and attempt.html is not None and attempt.screenshot is not None:
        html_sha256 = db.blobs.put(attempt.html)
        screenshot_sha256 = db.blobs.put(attempt.screenshot)
        extra = {"screenshot-cut-at-px": str(attempt.screenshot_cut_at)} if attempt.screenshot_cut_at else {}
        if attempt.omitted:
            extra["responses-left-out"] = str(attempt.omitted)
        warc_sha256 = db.blobs.put(
            write_warc(
                exchanges=attempt.exchanges,
                resources=[
                    Resource(
                        url=screenshot_uri(attempt.final_url or attempt.url),
                        content_type="image/png",
                        body=attempt.screenshot,
                        at=attempt.fetched_at,
                    )
                ],
                info=CaptureInfo(
                    software=f"{tool_version()} chromium/{attempt.browser_version}",
                    user_agent=attempt.user_agent,
                    browser_version=attempt.browser_version,
                    egress=attempt.egress,
                    extra=extra,
                ),
            )
        )
    elif not failed:
        attempt.failed = "nothing_captured"
        failed = True
    with db.session() as session:
        row = add_capture(
            session=session,
            listing_id=job.listing_id,
            url=attempt.url or "",
            fetched_at=attempt.fetched_at,
            tool_version=f"{tool_version()} chromium/{attempt.browser_version or '?'}",
            final_url=attempt.final_url,
            http_status=attempt.status,
            headers=attempt.headers,
            html_sha256=html_sha256,
            screenshot_sha256=screenshot_sha256,
            warc_sha256=warc_sha256,
            failed_reason=attempt.failed,
            attempts=tries,
            user_agent=attempt.user_agent,
            browser_version=attempt.browser_version,
            egress=attempt.egress,
            extracted={
                k: v
                for k, v in {
                    "screenshot_cut_at": attempt.screenshot_cut_at,
                    "refused": dict(attempt.refused) or None,
                    "popups_closed": attempt.popups or None,
                    "downloads_refused": attempt.downloads or None,
                    "responses": len(attempt.exchanges) or None,
                }.items()
                if v is not None
            },
        )
        finish_capture(session=session, request_id=job.request_id, snapshot_id=row.id, failed=failed)
        return row.id
