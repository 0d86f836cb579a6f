"""The review app in a real browser (Playwright + Chromium against a real uvicorn on loopback): log in,
filter the queue, confirm a lead, keyboard shortcuts, download and verify an evidence packet, and a
hostile listing that must show as text and run nothing. Takes screenshots at 1366×768 (into
docs/screenshots/ with MARKWATCH_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import PASSWORD, ScoreStub, make_brand, make_lead, make_snapshot, make_user
from test_listing_images import png

from crawler.browser import CHROMIUM_ARGS
from settings import get_settings
from storage import Database
from storage.images import record_listing_images

pytestmark = pytest.mark.browser

# MARKWATCH_UPDATE_SCREENSHOTS=1 refreshes the pictures in docs/; otherwise they go to a temporary folder
SCREENSHOTS = (
    Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    if os.environ.get("MARKWATCH_UPDATE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "markwatch-screenshots"
)
HOSTILE_TITLE = '<script>window.__pwned=1;alert("标题")</script>康帅傅 牛肉面'
HOSTILE_SELLER = '<img src=x onerror="window.__pwned=2;alert(1)">黑心小店'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def seeded(db: Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    with db.session() as s:
        make_brand(s, "康师傅")
        make_brand(s, "李宁", aliases=("LI-NING",), registrations=[("7654321", 25)])
        make_user(s, "审核员", role="reviewer")
        lead = make_lead(s, title="康帅傅 红烧牛肉面 5连包", price=9.9, sold=1200)
        ids["ksf"] = lead.id
        make_snapshot(s, db.blobs, lead.listing, html="<html><body><h1>康帅傅 商品页快照</h1></body></html>")
        record_listing_images(  # a stored listing image: the queue row's thumbnail
            session=s,
            images=[
                {
                    "listing_id": lead.listing_id,
                    "url": "https://img.market.example.cn/康帅傅.jpg",
                    "sha256": db.blobs.put(png("red")),
                    "phash": "0" * 16,
                    "size": 1,
                    "position": 0,
                    "seen_at": datetime(2026, 12, 1, tzinfo=UTC),
                }
            ],
        )
        ids["lining"] = make_lead(
            s,
            score=ScoreStub(risk=0.82, brand="李宁", violation="counterfeit_mark", department="商标处"),
            title="李宁 运动鞋 高仿 1:1 原单",
            price=299.0,
            sold=200,
        ).id
        for i in range(6):
            make_lead(s, score=ScoreStub(risk=0.6 + i / 100), title=f"康师博 方便面 第{i}批")
        hostile = make_lead(
            s,
            score=ScoreStub(risk=0.95),
            title=HOSTILE_TITLE,
            url="javascript:window.__pwned=3",
            seller={"id": "evil", "name": HOSTILE_SELLER},
        )
        ids["hostile"] = hostile.id
        make_snapshot(
            s,
            db.blobs,
            hostile.listing,
            html=(
                "<html><body><h1>恶意快照</h1><script>parent.__pwned=4;alert('快照')</script>"
                '<img src=x onerror="alert(\'img\')"><a href="javascript:alert(5)">点我</a></body></html>'
            ),
        )
    return ids


@pytest.fixture
def server(db: Database, seeded: dict[str, int]) -> Iterator[str]:
    import uvicorn

    from review.app import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.time() + 180  # a guard against a hang: the server starts whatever the load
    while not web.started and time.time() < deadline:
        time.sleep(0.05)
    assert web.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    web.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(server: str) -> Iterator:  # type: ignore[type-arg]
    executable = get_settings().chromium_executable
    if executable is None:
        pytest.skip("no Chromium on this machine (set MARKWATCH_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-CN"
        )
        tab = context.new_page()
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.dialogs = dialogs  # type: ignore[attr-defined]
        tab.base = server  # type: ignore[attr-defined]
        yield tab
        context.close()
        browser.close()


def log_in(page, name: str = "审核员") -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/\?(status=open|new_since=)"))  # the queue: every open lead


def test_log_in_filter_the_queue_and_confirm_a_lead(page, seeded) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    assert "待审队列" in page.inner_text("h1")
    assert "共 9 条线索" in page.inner_text("#total")
    thumbnail = page.locator(f'tr[data-id="{seeded["ksf"]}"] td.thumb img')
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert page.locator("td.thumb img").count() == 1  # only the lead with a stored image has one
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "queue.png"))

    page.select_option("#f-brand", "李宁")
    page.click("#apply-filters")
    page.wait_for_url("**brand=*")
    assert "共 1 条线索" in page.inner_text("#total")
    page.click("text=李宁 运动鞋 高仿 1:1 原单")
    page.wait_for_url(f"**/leads/{seeded['lining']}?queue=*")
    assert "估算销售额" in page.inner_text("#threshold")
    page.click("#action-confirm")
    # triage mode: the filtered view had one lead, so the reviewer is back on it, told so
    page.wait_for_url("**triage_end=*")
    assert "这是当前队列视图的最后一条线索" in page.inner_text("#triage-end")
    assert "brand=" in page.url
    page.goto(page.base + f"/leads/{seeded['lining']}")
    assert page.inner_text("#lead-status") == "已确认"
    assert "确认" in page.inner_text("#audit")
    assert page.dialogs == []


def test_lead_page_screenshot_and_evidence_packet(page, seeded) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    page.goto(page.base + f"/leads/{seeded['ksf']}")
    assert "康帅傅 红烧牛肉面 5连包" in page.inner_text("#listing-title")
    frame = page.frame_locator("iframe").first
    assert "商品页快照" in frame.locator("h1").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lead.png"), full_page=False)
    from review.evidence import verify_packet

    with page.expect_download(timeout=60_000) as info:
        page.click("#evidence")
    report = verify_packet(Path(info.value.path()))
    assert report.ok, report.lines()
    page.reload()
    assert "导出证据包" in page.inner_text("#audit")
    # last: an element screenshot of the sandboxed frame (it must be scrolled into view to paint)
    section = page.locator("figure.snapshot").first
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    section.screenshot(path=str(SCREENSHOTS / "lead-snapshot.png"))


def test_keyboard_shortcuts_move_and_confirm(page, seeded) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    first = page.locator("tr.lead-row").first.get_attribute("data-id")
    page.keyboard.press("j")
    assert page.locator("tr.current").get_attribute("data-id") == first
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.locator("tr.current").get_attribute("data-id") == first
    page.keyboard.press("c")
    page.wait_for_url("**done=1*")
    page.goto(page.base + f"/leads/{first}")
    assert page.inner_text("#lead-status") == "已确认"


def test_hostile_listing_is_shown_as_text_and_runs_nothing(page, seeded) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    assert HOSTILE_TITLE in page.inner_text("table.queue")
    page.goto(page.base + f"/leads/{seeded['hostile']}")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#listing-title") == HOSTILE_TITLE
    assert HOSTILE_SELLER in page.inner_text("#seller-name")
    assert page.inner_text("#unsafe-url") == "javascript:window.__pwned=3"
    assert page.locator("a[href^='javascript:']").count() == 0
    frame = page.frame_locator("iframe").first
    assert "恶意快照" in frame.locator("h1").inner_text()
    frame.locator("a").click()  # a javascript: link inside the sandbox does nothing either
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == [], f"hostile content ran script: {page.dialogs}"


def test_api_docs_render_with_the_network_cut(page, seeded) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import urlsplit

    cut: list[str] = []

    def only_this_machine(route) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            cut.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", only_this_machine)
    log_in(page)
    page.goto(page.base + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert "markwatch" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector('[data-path="/api/v1/leads"]', timeout=15_000)  # operations from /openapi.json
    assert cut == []  # nothing was asked of the internet
