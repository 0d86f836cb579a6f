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
    """Names of browser contexts: a new one after ``pages_per_context`` pages; old ones are retired."""

    def __init__(self, prefix: str, pages_per_context: int) -> None:
        self.prefix = prefix
        self.cap = max(1, pages_per_context)
        self._generation = itertools.count(1)
        self.current = f"{prefix}-{next(self._generation)}"
        self.used = 0
        self.retired: set[str] = set()

    def next_name(self) -> str:
        if self.used >= self.cap:
            self.retired.add(self.current)
            self.current = f"{self.prefix}-{next(self._generation)}"
            self.used = 0
        self.used += 1
        return self.current


ROTATION: ContextRotation | None = None  # set by the middleware of the running crawl (one per process)


async def init_page(page: Any, request: Any) -> None:
    """playwright_page_init_callback: mark screenshot pages; close a retired context after its last page."""
    if request.meta.get("markwatch_screenshot"):
        _SCREENSHOT_PAGES.add(page)
    name = request.meta.get("playwright_context")

    def on_close(_page: Any = None) -> None:
        rotation = ROTATION
        if rotation is None or name not in rotation.retired:
            return
        context = page.context
        if not [p for p in context.pages if not p.is_closed()]:
            rotation.retired.discard(name)
            asyncio.ensure_future(_close_quietly(context))

    page.on("close", on_close)


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
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    timeout_ms = int(spec.get("timeout_ms", 15_000))
    result: dict[str, Any] = {"outcome": "timeout", "clicks": 0, "screenshot": None}
    try:
        handle = await page.wait_for_function(_STATE_JS, arg=spec, timeout=timeout_ms, polling=50)
        state = await handle.json_value()
    except PlaywrightTimeout:
        return result
    result["outcome"] = state
    if state != "ready":
        return result
    if spec.get("load_more"):
        more = await page.evaluate(_LOAD_MORE_JS, spec | {"timeout_ms": timeout_ms * 4})
        result["clicks"] = more["clicks"]
        if more["outcome"] in ("blocked", "error"):
            result["outcome"] = more["outcome"]
            return result
        if more["outcome"] not in ("done", "max"):
            result["outcome"] = "incomplete"
            return result
    if spec.get("screenshot"):
        with contextlib.suppress(TimeoutError):  # a missing picture must not cost the rest of the evidence
            await asyncio.wait_for(page.evaluate(_IMAGES_JS), timeout=timeout_ms / 1000)
        result["screenshot"] = await page.screenshot(full_page=True, type="png", timeout=timeout_ms)
    return result
