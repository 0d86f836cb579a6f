"""Browser crawls with reused pages: a page that showed one item is navigated to the next item's hash
route, so every stored snapshot and screenshot must still be that listing's own (also with an app that
keeps the previous item on screen while it loads the next), and context rotation must still retire
pooled pages with their context."""

from __future__ import annotations

import asyncio
import io
import unicodedata
import urllib.request

import numpy as np
import pytest
from parsel import Selector
from PIL import Image
from sqlalchemy import select

from crawler.browser import ContextRotation, launch_options, render_page
from crawler.run import CrawlOptions, crawl
from crawler.spiders.profile import DETAIL
from storage import open_database
from storage.models import CrawlRun, Listing, Snapshot

pytestmark = pytest.mark.browser


def _evidence() -> list[tuple[Listing, Snapshot, bytes, bytes]]:
    """(listing, snapshot, HTML, PNG) for every stored snapshot."""
    db = open_database(check=False)
    with db.session() as session:
        rows = session.execute(select(Listing, Snapshot).join(Snapshot, Snapshot.listing_id == Listing.id))
        return [
            (listing, snap, db.blobs.get(snap.html_sha256), db.blobs.get(snap.screenshot_sha256))
            for listing, snap in rows
        ]


def _nfkc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _shows_picture(screenshot: bytes, picture: bytes) -> bool:
    """Whether the picture appears pixel for pixel somewhere in the screenshot."""
    shot = np.asarray(Image.open(io.BytesIO(screenshot)).convert("RGB")).astype(np.int16)
    tile = np.asarray(Image.open(io.BytesIO(picture)).convert("RGB")).astype(np.int16)
    th, tw, _ = tile.shape
    # candidates: where the tile's first row starts; then the whole tile must match
    first = np.all(shot[:, :, None, :] == tile[0, 0][None, None, None, :], axis=3)[:, :, 0]
    for y, x in zip(*np.nonzero(first), strict=True):
        window = shot[y : y + th, x : x + tw]
        if window.shape == tile.shape and np.abs(window - tile).max() <= 2:
            return True
    return False


def test_every_snapshot_and_screenshot_is_its_own_listings(db, demo, home) -> None:  # type: ignore[no-untyped-def]
    demo.set_faults(0.1)  # block pages, errors and cut answers in between: pages are closed, not reused
    summary = crawl(CrawlOptions("demo-spa", base_url_override=demo.spa_url, progress=False))
    assert summary.status == "finished" and summary.items == demo.size
    truth = {r["id"]: r for r in demo.records("demo-spa")}
    evidence = _evidence()
    assert len(evidence) == demo.size
    for listing, snap, html, png in evidence:
        assert snap.url.endswith(f"#/item/{listing.external_id}")
        # the rendered DOM is this item's, and only this item's
        page = Selector(text=html.decode())
        assert page.css("#item-detail::attr(data-item-id)").getall() == [listing.external_id]
        title = _nfkc(page.css("#item-detail h1.item-title::text").get(""))
        assert title == listing.title == _nfkc(truth[f"demo-spa:{listing.external_id}"]["title"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # the screenshots differ, and each one shows its own item's first picture
    assert len({snap.screenshot_sha256 for _, snap, _, _ in evidence}) == demo.size
    demo.set_faults(0.0)
    for listing, _, _, png in evidence:
        picture = urllib.request.urlopen(f"{demo.spa_url}/img/{listing.external_id}-1.png").read()
        assert _shows_picture(png, picture), f"the screenshot of {listing.external_id} shows another item"


def test_pooled_pages_retire_with_their_context(db, demo, home) -> None:  # type: ignore[no-untyped-def]
    # a context after every 7 pages: with at most 4 contexts open at once, the crawl finishes only if
    # each retired context (and the pooled pages in it) is closed
    options = CrawlOptions(
        "demo-spa",
        base_url_override=demo.spa_url,
        progress=False,
        settings_extra={"MARKWATCH_PAGES_PER_CONTEXT": 7},
    )
    summary = crawl(options, timeout=300)
    assert (summary.status, summary.items) == ("finished", demo.size)
    with open_database(check=False).session() as session:
        stats = session.scalars(select(CrawlRun)).one().stats
    assert stats["playwright/context_count"] >= demo.size // 7
    assert stats["playwright/page_count"] < demo.size  # pages were reused within each context
    for listing, _, html, _ in _evidence():
        assert Selector(text=html.decode()).css("#item-detail::attr(data-item-id)").getall() == [
            listing.external_id
        ]


# An app like many real ones: on a route change the previous item stays on screen until the next
# item's data has arrived.
KEEPS_PREVIOUS_VIEW = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>
<main id="app"></main><div id="page-end"></div>
<script>
async function show() {
  const n = location.hash.split("/").pop();
  await new Promise((r) => setTimeout(r, 400));
  document.getElementById("app").innerHTML =
    '<div id="item-detail" data-item-id="' + n + '"><h1 class="item-title">商品 ' + n + '</h1></div>';
}
addEventListener("hashchange", show);
show();
</script></body></html>"""


def test_a_reused_page_waits_for_the_next_item_instead_of_taking_the_previous_one() -> None:
    from tests.test_crawler import _spider

    spec = _spider("demo-spa").render_spec(DETAIL)

    async def two_items_on_one_page() -> tuple[dict, dict, str]:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(**launch_options())
            page = await browser.new_page()
            await page.route(
                "**/*", lambda route: route.fulfill(body=KEEPS_PREVIOUS_VIEW, content_type="text/html")
            )
            await page.goto("http://spa.invalid/#/item/10001")
            first = await render_page(page, spec)
            await page.goto("http://spa.invalid/#/item/10002")  # same document: 10001 is still shown
            second = await render_page(page, spec)
            html = await page.content()
            await browser.close()
        return first, second, html

    first, second, html = asyncio.run(two_items_on_one_page())
    assert first["outcome"] == second["outcome"] == "ready"
    assert second["item"] == "match"
    page = Selector(text=html)
    assert page.css("#item-detail::attr(data-item-id)").getall() == ["10002"]
    assert page.css("h1.item-title::text").get() == "商品 10002"
    assert second["screenshot"] != first["screenshot"]


class _Page:
    def __init__(self, url: str) -> None:
        self.url, self.closed = url, False

    def is_closed(self) -> bool:
        return self.closed

    async def close(self) -> None:
        self.closed = True


def test_a_pooled_page_serves_only_another_url_of_its_own_context() -> None:
    async def scenario() -> None:
        rotation = ContextRotation("t", pages_per_context=3)
        name = rotation.acquire()
        one, two = _Page("http://spa/#/item/1"), _Page("http://spa/#/item/2")
        rotation.give_back(name, one)
        rotation.give_back(name, two)
        # the page showing item 2 is not handed to item 2's retry: it is closed, and item 1's page serves
        assert rotation.take_page(name, "http://spa/#/item/2") is one
        await asyncio.sleep(0)
        assert two.closed and rotation.take_page(name, "http://spa/#/item/3") is None
        rotation.acquire(), rotation.acquire(), rotation.acquire()  # the fourth page opens a new context
        late = _Page("http://spa/#/item/4")
        rotation.give_back(name, late)  # a page of a retired context is closed, not pooled
        await asyncio.sleep(0)
        assert late.closed and rotation.take_page(rotation.current, "http://spa/#/item/5") is None

    asyncio.run(scenario())


def test_a_page_that_sends_itself_to_a_check_while_loading_is_a_block_page() -> None:
    from tests.test_crawler import _spider

    spec = _spider("demo-spa").render_spec(DETAIL)
    pages = {
        "http://spa.invalid/item": "<!doctype html><html><body><main id='app'>加载中…</main>"
        "<script>setTimeout(() => { location.href = '/verify'; }, 300);</script>"
        "<div id='page-end'></div></body></html>",
        "http://spa.invalid/verify": "<!doctype html><html><body><div id='captcha'>安全验证</div>"
        "</body></html>",
    }

    async def load() -> dict:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(**launch_options())
            page = await browser.new_page()
            await page.route(
                "**/*", lambda route: route.fulfill(body=pages[route.request.url], content_type="text/html")
            )
            await page.goto("http://spa.invalid/item")
            result = await render_page(page, spec)
            await browser.close()
        return result

    assert asyncio.run(load())["outcome"] == "blocked"
