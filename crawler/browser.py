"""Chromium through scrapy-playwright: launch options, resource blocking, context rotation, page rendering.

- The browser is ``settings.chromium_executable`` (``MARKWATCH_CHROMIUM``, else the system Chromium),
  else Playwright's own.
- Images, fonts and media are aborted on every page except the one being screenshotted, which is not
  routed through Python at all (``crawler.browser_handler``).
- Contexts are reused; after ``pages_per_context`` pages a context is retired and closed when its last
  page closes (long crawls leak memory in one context otherwise).
- Detail pages are pooled per context: a page that rendered its item is kept and navigated to the next
  detail URL (for a single-page app a hash route: no reload of the app). It retires with its context.
- scrapy-playwright's logger gets the crawl's log level (``quiet_below``): its per-request debug
  loggers cost two round trips to the browser per resource otherwise.
- ``render_page`` runs inside the page after navigation: waits until the app is ready (or shows a block
  page or an error), clicks "load more" until the list is complete, and takes the full-page screenshot.
  On a reused page it is ready only once the item shown has the id in the page's URL.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import logging
import time
import weakref
from typing import Any

from settings import get_settings

BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Pages that have rendered before: they show their last item until the app renders the next one.
_USED_PAGES: weakref.WeakSet[Any] = weakref.WeakSet()


def launch_options() -> dict[str, Any]:
    """PLAYWRIGHT_LAUNCH_OPTIONS: headless Chromium, the configured executable when there is one."""
    options: dict[str, Any] = {"headless": True, "args": list(CHROMIUM_ARGS)}
    executable = get_settings().chromium_executable
    if executable:
        options["executable_path"] = executable
    return options


def abort_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: images, fonts and media. Only pages that are not screenshotted are
    routed through it (``crawler.browser_handler``): a page to be screenshotted loads everything."""
    return request.resource_type in BLOCKED_RESOURCES


class ContextRotation:
    """Names of browser contexts: a new one after ``pages_per_context`` pages. A retired context is
    closed when the last request given to it has come back (its pages are closed by then)."""

    def __init__(self, prefix: str, pages_per_context: int) -> None:
        self.prefix = prefix
        self.cap = max(1, pages_per_context)
        self._generation = itertools.count(1)
        self.current = f"{prefix}-{next(self._generation)}"
        self.used = 0
        self.retired: set[str] = set()
        self.inflight: dict[str, int] = {}
        self.contexts: dict[str, Any] = {}  # name -> Playwright BrowserContext, learnt from its pages
        self.idle: dict[str, list[Any]] = {}  # name -> pages that rendered their item, ready for another
        self.closed = 0

    def acquire(self) -> str:
        if self.used >= self.cap:
            self.retired.add(self.current)
            self._close_if_done(self.current)
            self.current = f"{self.prefix}-{next(self._generation)}"
            self.used = 0
        self.used += 1
        self.inflight[self.current] = self.inflight.get(self.current, 0) + 1
        return self.current

    def release(self, name: str | None) -> None:
        if name is None or name not in self.inflight:
            return
        self.inflight[name] -= 1
        self._close_if_done(name)

    def take_page(self, name: str, url: str) -> Any | None:
        """An idle page of context ``name`` for ``url``, or None (the request then gets a new page).

        A page that already shows ``url`` is closed instead: its page is being tried again, and going
        to the same hash route would not make the app render anything anew."""
        idle = self.idle.get(name, [])
        while idle:
            page = idle.pop()
            if page.is_closed():
                continue
            if page.url != url:
                return page
            close_page(page)
        return None

    def give_back(self, name: str | None, page: Any) -> None:
        """Keep ``page`` for the next request of its context; a retired context's page is closed."""
        if name == self.current and not page.is_closed():
            self.idle.setdefault(name, []).append(page)
        else:
            close_page(page)

    def _close_if_done(self, name: str) -> None:
        if name not in self.retired or self.inflight.get(name, 0) > 0:
            return
        self.retired.discard(name)
        self.inflight.pop(name, None)
        self.idle.pop(name, None)  # its pages close with it
        context = self.contexts.pop(name, None)
        if context is not None:
            self.closed += 1
            asyncio.ensure_future(_close_quietly(context))

    async def init_page(self, page: Any, request: Any) -> None:
        """playwright_page_init_callback: learn each context object."""
        name = request.meta.get("playwright_context")
        if name:
            self.contexts.setdefault(name, page.context)


def render_result(meta: dict[str, Any]) -> dict[str, Any]:
    """What ``render_page`` reported for a request ({} when the page was not rendered by it)."""
    methods = meta.get("playwright_page_methods")
    return (methods[0].result or {}) if methods else {}


def reusable(result: dict[str, Any]) -> bool:
    """A page may serve another detail URL only if it rendered an item whose id its URL carries: any
    other state (block page, error, "gone" message) could be mistaken for the next item's."""
    return result.get("outcome") == "ready" and result.get("item") == "match"


def close_page(page: Any) -> None:
    asyncio.ensure_future(_close_quietly(page))


async def _close_quietly(target: Any) -> None:
    with contextlib.suppress(Exception):  # already closed with its context or the browser
        await target.close()


class SameDocumentNavigation(logging.Filter):
    """scrapy-playwright warns that a navigation "returned None": for a hash route of a reused page
    there is no HTTP response by nature, so that warning is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned None" not in str(record.msg)


logging.getLogger("scrapy-playwright").addFilter(SameDocumentNavigation())


def quiet_below(level: int | str) -> None:
    """Give scrapy-playwright's logger the crawl's LOG_LEVEL. Scrapy sets the level on its handler,
    not on the loggers, so scrapy-playwright sees DEBUG as enabled and attaches to every page a request
    and a response logger that each ask the browser for a header: two round trips to the browser per
    resource, for lines that the handler then drops."""
    logging.getLogger("scrapy-playwright").setLevel(level)


# The item check: "match" when the element of spec.item carries an id that is a segment of the URL,
# "mismatch" when it carries another, "none" when no item is shown (a list, a "gone" message).
_STATE_JS = r"""
(spec) => {
  const q = (s) => { try { return s ? document.querySelector(s) : null; } catch (e) { return null; } };
  if (q(spec.block)) return { state: "blocked" };
  const text = (document.body && document.body.innerText || "").slice(0, 4000);
  if (spec.block_texts.some((t) => text.includes(t)) && !q(spec.ready)) return { state: "blocked" };
  if (q(spec.error)) return { state: "error" };
  if (q(spec.ready)) {
    const shown = spec.item && q(spec.item.selector);
    const id = shown && shown.getAttribute(spec.item.attr);
    const item = !shown ? "none" : id && location.href.split(/[\/#?&=;]/).includes(id) ? "match" : "mismatch";
    if (item !== "mismatch" || !spec.verify_item) return { state: "ready", item };
  }
  const cut = document.readyState === "complete" && spec.end_marker && !q(spec.end_marker);
  return cut ? { state: "broken" } : null;
}
"""

_LOAD_MORE_JS = """
async (spec) => {
  const q = (s) => { try { return s ? document.querySelector(s) : null; } catch (e) { return null; } };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const t0 = Date.now();
  let clicks = 0;
  while (Date.now() - t0 < spec.timeout_ms) {
    if (q(spec.block)) return { clicks, outcome: "blocked" };
    if (q(spec.error)) return { clicks, outcome: "error" };
    if (spec.done && q(spec.done)) return { clicks, outcome: "done" };
    const more = q(spec.load_more);
    if (!more || more.hidden) {
      if (!spec.done) return { clicks, outcome: "done" };
    } else if (!more.disabled) {
      if (clicks >= spec.max_clicks) return { clicks, outcome: "max" };
      more.click();
      clicks += 1;
    }
    await sleep(20);
  }
  return { clicks, outcome: "timeout" };
}
"""

# Waits for the page's pictures; returns the addresses of the listing's images (spec.images), if asked.
_IMAGES_JS = """
async (spec) => {
  const imgs = Array.from(document.images);
  await Promise.all(imgs.map((img) => img.complete ? null :
    new Promise((r) => { img.addEventListener("load", r); img.addEventListener("error", r); })));
  if (!spec) return [];
  const urls = [];
  let found = [];
  try { found = document.querySelectorAll(spec.selector); } catch (e) { return []; }  // parsel-only CSS
  for (const el of found) {
    const value = (el.getAttribute(spec.attr) || "").trim();
    let url = null;
    try { url = value && new URL(value, location.href).href; } catch (e) { url = null; }
    if (url && /^https?:/.test(url) && !urls.includes(url)) urls.push(url);
    if (urls.length >= spec.limit) break;
  }
  return urls;
}
"""


# The size of the whole document once its web fonts are in, as Playwright measures it for a full-page
# screenshot.
_PAGE_SIZE_JS = """
async () => {
  await document.fonts.ready;
  const b = document.body, d = document.documentElement;
  if (!b || !d) return null;
  return {
    width: Math.max(b.scrollWidth, d.scrollWidth, b.offsetWidth, d.offsetWidth, b.clientWidth, d.clientWidth),
    height: Math.max(b.scrollHeight, d.scrollHeight, b.offsetHeight, d.offsetHeight,
      b.clientHeight, d.clientHeight),
  };
}
"""

# The state check and, once a page to be screenshotted is ready, the wait for its pictures and the
# page's size, in one call to the page (no handle to fetch back, no second call): null when it is not
# ready in spec.timeout_ms.
_READY_JS = f"""
async (spec) => {{
  const state = {_STATE_JS.strip()};
  const images = {_IMAGES_JS.strip()};
  const pageSize = {_PAGE_SIZE_JS.strip()};
  const t0 = Date.now();
  for (;;) {{
    const found = state(spec);
    if (found) {{
      if (found.state === "ready" && spec.screenshot && !spec.load_more) {{
        const late = new Promise((r) => setTimeout(() => r(null), spec.timeout_ms));
        found.image_urls = await Promise.race([images(spec.images), late]);
        found.images_waited = true;
        found.page_size = await Promise.race([pageSize(), late]);
      }}
      return found;
    }}
    if (Date.now() - t0 >= spec.timeout_ms) return null;
    await new Promise((r) => setTimeout(r, 20));
  }}
}}
"""


async def render_page(page: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Wait for the app, complete the list ("load more"), screenshot; returns what happened.

    ``outcome``: ready | blocked | error | broken (the page was cut short) | timeout | incomplete;
    ``item``: match | mismatch | none (see ``_STATE_JS``); ``image_urls``: the addresses of the listing's
    images the page shows (``spec["images"]``), for ``crawler.browser_handler``.
    """
    started = time.monotonic()
    timeout_ms = int(spec.get("timeout_ms", 15_000))
    result: dict[str, Any] = {"outcome": "timeout", "clicks": 0, "screenshot": None, "render_seconds": 0.0}
    # a page that rendered before still shows that item: only this URL's item makes it ready
    spec = spec | {"verify_item": page in _USED_PAGES}
    _USED_PAGES.add(page)
    try:
        await _render(page, spec, timeout_ms, result)
    finally:
        result["render_seconds"] = time.monotonic() - started
    return result


async def _wait_ready(page: Any, spec: dict[str, Any], timeout_ms: int) -> dict[str, Any] | None:
    """The page's state once it is ready, blocked, an error or cut short (``_READY_JS``); None on timeout.

    A page that replaces its document meanwhile (a script or a refresh sends it elsewhere) loses the
    call: the new document is then waited for with ``wait_for_function``, which survives navigations."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    started = time.monotonic()
    try:
        # the page's own clock ends the wait; this one only guards against a page that never answers
        state: dict[str, Any] | None = await asyncio.wait_for(
            page.evaluate(_READY_JS, spec), timeout=2 * timeout_ms / 1000 + 5
        )
        return state
    except TimeoutError:
        return None
    except PlaywrightError:
        if page.is_closed():
            raise
    left = max(1, timeout_ms - int((time.monotonic() - started) * 1000))
    try:
        handle = await page.wait_for_function(_STATE_JS, arg=spec, timeout=left, polling=20)
        waited: dict[str, Any] = await handle.json_value()
        return waited
    except PlaywrightTimeout:
        return None


async def _render(page: Any, spec: dict[str, Any], timeout_ms: int, result: dict[str, Any]) -> None:
    state = await _wait_ready(page, spec, timeout_ms)
    if state is None:
        return
    result["outcome"], result["item"] = state["state"], state.get("item")
    if result["outcome"] != "ready":
        return
    if spec.get("load_more"):
        more = await page.evaluate(_LOAD_MORE_JS, spec | {"timeout_ms": timeout_ms * 4})
        result["clicks"] = more["clicks"]
        if more["outcome"] in ("blocked", "error"):
            result["outcome"] = more["outcome"]
            return
        if more["outcome"] not in ("done", "max"):
            result["outcome"] = "incomplete"
            return
    if spec.get("screenshot"):
        urls = state.get("image_urls")
        if not state.get("images_waited"):
            # a missing picture must not cost the rest of the evidence
            with contextlib.suppress(TimeoutError):
                urls = await asyncio.wait_for(
                    page.evaluate(_IMAGES_JS, spec.get("images")), timeout=timeout_ms / 1000
                )
            with contextlib.suppress(TimeoutError):
                state["page_size"] = await asyncio.wait_for(
                    page.evaluate(_PAGE_SIZE_JS), timeout=timeout_ms / 1000
                )
        if urls:
            result["image_urls"] = urls  # their bytes are taken from the page by the download handler
        result["screenshot"] = await full_page_png(page, state.get("page_size"), timeout_ms)


# DevTools sessions of the pages screenshotted so far (one per page, opened at its first screenshot).
_SESSIONS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


async def full_page_png(page: Any, size: dict[str, int] | None, timeout_ms: int) -> bytes:
    """The full-page PNG of ``page``, whose document measures ``size`` (``_PAGE_SIZE_JS``).

    Chromium is asked directly (DevTools ``Page.captureScreenshot``, the call Playwright's
    ``page.screenshot(full_page=True)`` ends in, with the same clip) and with ``optimizeForSpeed``: the
    same pixels, lossless, in about 40 % more bytes, for about a fifth less of the browser's time per
    screenshot; and without Playwright's preparation around the capture (four more calls into the page).
    Playwright's own screenshot when the size is unknown or the browser has no DevTools sessions."""
    from playwright.async_api import Error as PlaywrightError

    viewport = page.viewport_size
    session = _SESSIONS.get(page)
    if session is None and size and viewport:
        with contextlib.suppress(PlaywrightError):  # not Chromium
            session = _SESSIONS[page] = await page.context.new_cdp_session(page)
    if session is None or not size or not viewport:
        # caret "initial": no style injected and removed around the capture (two restyles of the page)
        png: bytes = await page.screenshot(full_page=True, type="png", caret="initial", timeout=timeout_ms)
        return png
    fits = size["width"] <= viewport["width"] and size["height"] <= viewport["height"]
    shot = await asyncio.wait_for(
        session.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "optimizeForSpeed": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
                "captureBeyondViewport": not fits,
            },
        ),
        timeout=timeout_ms / 1000,
    )
    return base64.b64decode(shot["data"])
