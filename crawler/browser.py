"""Chromium through scrapy-playwright: launch options, resource blocking, context rotation, page rendering.

- The browser is ``settings.chromium_executable`` (``MARKWATCH_CHROMIUM``, else the system Chromium),
  else Playwright's own.
- Images, fonts and media are aborted on every page except the one being screenshotted.
- Contexts are reused; after ``pages_per_context`` pages a context is retired and closed when its last
  page closes (long crawls leak memory in one context otherwise).
- ``render_page`` runs inside the page after navigation: waits until the app is ready (or shows a block
  page or an error), clicks "load more" until the list is complete, and takes the full-page screenshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
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

# Pages that will be screenshotted: their images load; every other page's are aborted.
_SCREENSHOT_PAGES: weakref.WeakSet[Any] = weakref.WeakSet()


def launch_options() -> dict[str, Any]:
    """PLAYWRIGHT_LAUNCH_OPTIONS: headless Chromium, the configured executable when there is one."""
    options: dict[str, Any] = {"headless": True, "args": list(CHROMIUM_ARGS)}
    executable = get_settings().chromium_executable
    if executable:
        options["executable_path"] = executable
    return options


def abort_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: images, fonts and media, except on a page being screenshotted."""
    if request.resource_type not in BLOCKED_RESOURCES:
        return False
    try:
        page = request.frame.page
    except Exception:  # noqa: BLE001 - a worker's or a detached frame's request: block it
        return True
    return page not in _SCREENSHOT_PAGES


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

    def _close_if_done(self, name: str) -> None:
        if name not in self.retired or self.inflight.get(name, 0) > 0:
            return
        self.retired.discard(name)
        self.inflight.pop(name, None)
        context = self.contexts.pop(name, None)
        if context is not None:
            self.closed += 1
            asyncio.ensure_future(_close_quietly(context))


ROTATION: ContextRotation | None = None  # set by the middleware of the running crawl (one per process)


async def init_page(page: Any, request: Any) -> None:
    """playwright_page_init_callback: let screenshot pages load images; learn each context object."""
    if request.meta.get("markwatch_screenshot"):
        _SCREENSHOT_PAGES.add(page)
    name = request.meta.get("playwright_context")
    if ROTATION is not None and name:
        ROTATION.contexts.setdefault(name, page.context)


async def _close_quietly(context: Any) -> None:
    with contextlib.suppress(Exception):  # already closed with the browser
        await context.close()


_STATE_JS = """
(spec) => {
  const q = (s) => { try { return s ? document.querySelector(s) : null; } catch (e) { return null; } };
  if (q(spec.block)) return "blocked";
  const text = (document.body && document.body.innerText || "").slice(0, 4000);
  if (spec.block_texts.some((t) => text.includes(t)) && !q(spec.ready)) return "blocked";
  if (q(spec.error)) return "error";
  if (q(spec.ready)) return "ready";
  if (document.readyState === "complete" && spec.end_marker && !q(spec.end_marker)) return "broken";
  return null;
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

_IMAGES_JS = """
async () => {
  const imgs = Array.from(document.images);
  await Promise.all(imgs.map((img) => img.complete ? null :
    new Promise((r) => { img.addEventListener("load", r); img.addEventListener("error", r); })));
  return imgs.length;
}
"""


async def render_page(page: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Wait for the app, complete the list ("load more"), screenshot; returns what happened.

    ``outcome``: ready | blocked | error | broken (the page was cut short) | timeout | incomplete.
    """
    started = time.monotonic()
    timeout_ms = int(spec.get("timeout_ms", 15_000))
    result: dict[str, Any] = {"outcome": "timeout", "clicks": 0, "screenshot": None, "render_seconds": 0.0}
    try:
        await _render(page, spec, timeout_ms, result)
    finally:
        result["render_seconds"] = time.monotonic() - started
    return result


async def _render(page: Any, spec: dict[str, Any], timeout_ms: int, result: dict[str, Any]) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        handle = await page.wait_for_function(_STATE_JS, arg=spec, timeout=timeout_ms, polling=20)
        state = await handle.json_value()
    except PlaywrightTimeout:
        return
    result["outcome"] = state
    if state != "ready":
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
        with contextlib.suppress(TimeoutError):  # a missing picture must not cost the rest of the evidence
            await asyncio.wait_for(page.evaluate(_IMAGES_JS), timeout=timeout_ms / 1000)
        result["screenshot"] = await page.screenshot(full_page=True, type="png", timeout=timeout_ms)
