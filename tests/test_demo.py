"""The bundled demo marketplaces: a deterministic labelled catalogue, two sites that serve it, faults."""

from __future__ import annotations

import asyncio
import gc
import html
import re
import shutil
import socket
import warnings
from collections import Counter
from pathlib import Path

import httpx
import pytest
from stdnum.cn import uscc

from crawler.browser import CHROMIUM_ARGS
from demo.catalogue import (
    BANNED_PESTICIDES,
    PLATFORMS,
    brand_marks,
    build_catalogue,
    catalogue_records,
    load_brands,
)
from demo.faults import FAULT_KINDS
from demo.images import render_tile
from demo.server import DemoServers, set_remote_faults
from scoring import VIOLATIONS

SIZE = 300
SEED = 7


@pytest.fixture(scope="session")
def demo():
    with DemoServers(size=SIZE, seed=SEED) as servers:
        yield servers


@pytest.fixture
def client(demo):
    demo.set_faults(0.0)
    with httpx.Client(timeout=120) as c:  # a guard against a hang, not a speed limit
        yield c
    demo.set_faults(0.0)


def _truth(platform: str) -> dict[int, dict]:
    return {int(r["id"].split(":")[1]): r for r in catalogue_records(platform, SIZE, SEED)}


# ---------------------------------------------------------------------------------------------- catalogue


def test_the_catalogue_is_the_same_for_the_same_seed_and_differs_for_another():
    a = list(catalogue_records(None, 120, 3))
    assert a == list(catalogue_records(None, 120, 3))
    assert [r["title"] for r in a] != [r["title"] for r in catalogue_records(None, 120, 4)]
    assert len(a) == 240
    assert Counter(r["platform"] for r in a) == {"demo-static": 120, "demo-spa": 120}
    assert [x.title for x in build_catalogue(120, 3, "demo-spa")] == [r["title"] for r in a[120:]]


def test_records_follow_the_listing_record_format_with_a_label():
    records = list(catalogue_records(None, SIZE, SEED, host="127.0.0.1", static_port=9001, spa_port=9002))
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert re.fullmatch(r"demo-(static|spa):\d{5}", r["id"])
        n = r["id"].split(":")[1]
        if r["platform"] == "demo-static":
            assert r["url"] == f"http://127.0.0.1:9001/item/{n}"
        else:
            assert r["url"] == f"http://127.0.0.1:9002/#/item/{n}"
        assert r["currency"] == "CNY" and isinstance(r["price"], float) and r["price"] > 0
        assert set(r["seller"]) == {"id", "name", "opened", "rating", "licence"}
        assert 1 <= len(r["images"]) <= 3 and all(u.endswith(".png") for u in r["images"])
        assert isinstance(r["sold"], int) and r["title"] and r["category"] and r["description"]
        label = r["label"]
        assert {"flagged", "brand", "violation", "kind"} <= set(label)
        assert label["violation"] in (*VIOLATIONS, None)
        assert label["flagged"] == (label["violation"] is not None)


def test_the_label_mix_is_realistic():
    brands = {b["name"]: b for b in load_brands()}
    all_marks = [m.lower() for b in brands.values() for m in brand_marks(b)]
    for platform in PLATFORMS:
        records = list(catalogue_records(platform, SIZE, SEED))
        labels = [r["label"] for r in records]
        flagged = sum(lb["flagged"] for lb in labels) / len(labels)
        assert 0.35 <= flagged <= 0.45, flagged
        kinds = Counter(lb["kind"] for lb in labels)
        for kind in (
            "genuine",
            "reseller",
            "lookalike",
            "counterfeit",
            "price_only",
            "false_advertising",
            "banned_agri",
            "substandard_fuel",
            "hard_negative",
            "ordinary",
            "trade_dress",
        ):
            assert kinds[kind] > 0, kind
        assert kinds["hostile"] == 3
        assert {lb["violation"] for lb in labels} == {*VIOLATIONS, None}
        for r in records:
            lb, title = r["label"], r["title"].lower()
            if lb["brand"] is not None:
                assert lb["brand"] in brands
            marks = [m.lower() for m in brand_marks(brands[lb["brand"]])] if lb["brand"] else []
            if lb["kind"] == "lookalike":  # a lookalike never carries the real mark
                assert not any(m in title for m in marks), r["title"]
            if lb["kind"] in ("genuine", "reseller", "counterfeit", "price_only"):
                assert any(m in title for m in marks), r["title"]
            if lb["kind"] == "genuine":
                assert r["seller"]["name"] in brands[lb["brand"]]["authorized_sellers"]
            if lb["kind"] in ("ordinary", "false_advertising", "banned_agri", "substandard_fuel", "hostile"):
                assert not any(m in title for m in all_marks), r["title"]
            if lb["kind"] == "banned_agri":
                assert any(p in r["title"] for p in BANNED_PESTICIDES)
            if lb["kind"] == "counterfeit":
                assert r["price"] <= brands[lb["brand"]]["price_floor"] * 0.2
        # most shops show a licence with a valid GB 32100 check digit, some do not
        sellers = {r["seller"]["id"]: r["seller"] for r in records}.values()
        valid = sum(bool(s["licence"]) and uscc.is_valid(s["licence"]) for s in sellers) / len(sellers)
        assert 0.8 <= valid < 1.0


def test_seeded_operations_span_both_platforms_and_their_contacts_are_hidden_with_tricks():
    from demo.catalogue import decoys, operations

    records = list(catalogue_records(None, SIZE, SEED))
    shops: dict[str, set[tuple[str, str]]] = {}
    for r in records:
        if r["label"]["operation"]:
            shops.setdefault(r["label"]["operation"], set()).add((r["platform"], r["seller"]["id"]))
    seeded = {op.id for op in operations(SEED)}
    assert seeded <= set(shops)
    for op in seeded:
        assert {platform for platform, _ in shops[op]} == {"demo-static", "demo-spa"}, op
    texts = " ".join(r["description"] for r in records if r["label"]["operation"] in seeded)
    texts += " ".join(s.contact or "" for op in operations(SEED) for _, s, _ in op.shops)
    assert any(trick in texts for trick in ("❤", "薇信", "V信", "加威", "vx", "扣扣", "企鹅", " at "))
    decoy_ids = {(platform, shop.id) for platform, shop, _ in decoys(SEED)}
    assert all(
        r["label"]["operation"] is None for r in records if (r["platform"], r["seller"]["id"]) in decoy_ids
    )
    assert any((r["platform"], r["seller"]["id"]) in decoy_ids for r in records)


def test_unified_social_credit_code_check_digit():
    assert uscc.is_valid("91350100M000100Y43")
    assert not uscc.is_valid("91350100M000100Y44")
    assert not uscc.is_valid("91350100M000100Y4")


def test_product_tiles_are_small_deterministic_pngs():
    x = build_catalogue(SIZE, SEED, "demo-static")[0]
    png = render_tile(x.images[0])
    assert png.startswith(b"\x89PNG") and len(png) < 30_000
    render_tile.cache_clear()
    assert render_tile(x.images[0]) == png


# ---------------------------------------------------------------------------------------------- demo-static

TITLE = re.compile(r'<h1 class="item-title">(.*?)</h1>')
PRICE = re.compile(r'<span class="price-now">(.*?)</span>')
CARD = re.compile(r'<li class="item-card" data-item-id="(\d+)">')
NEXT = re.compile(r'<a class="next" rel="next" href="([^"]+)">')
CATEGORY = re.compile(r'<a class="category-link" href="([^"]+)">')


def _walk(client: httpx.Client, base: str, start: str) -> list[int]:
    found, url = [], start
    while url:
        page = client.get(base + url).text
        assert '<div id="page-end"></div>' in page
        found += [int(n) for n in CARD.findall(page)]
        m = NEXT.search(page)
        url = html.unescape(m.group(1)) if m else None
    return found


def test_every_listing_is_reachable_by_walking_categories_and_its_page_matches(demo, client):
    truth = _truth("demo-static")
    home = client.get(demo.static_url + "/").text
    found = [n for link in CATEGORY.findall(home) for n in _walk(client, demo.static_url, link)]
    assert sorted(found) == sorted(truth)  # every listing, each in exactly one category
    for n, r in truth.items():
        page = client.get(f"{demo.static_url}/item/{n}").text
        assert html.unescape(TITLE.search(page).group(1)) == r["title"]
        shown = html.unescape(PRICE.search(page).group(1))
        number = float(re.search(r"[\d,.]+", shown).group(0).replace(",", ""))
        assert number == r["price"], (shown, r["price"])
        assert '<div id="page-end"></div>' in page


def test_detail_page_shows_the_seller_block_and_images(demo, client):
    r = next(r for r in catalogue_records("demo-static", SIZE, SEED) if r["seller"]["licence"])
    n = r["id"].split(":")[1]
    page = client.get(f"{demo.static_url}/item/{n}").text
    s = r["seller"]
    assert f'<time datetime="{s["opened"]}">' in page
    assert f"<em>{s['rating']:.1f}</em>" in page
    assert f"<code>{s['licence']}</code>" in page
    assert f'href="/shop/{s["id"]}"' in page
    shop = client.get(f"{demo.static_url}/shop/{s['id']}").text
    assert f'data-item-id="{n}"' in shop
    img = client.get(f"{demo.static_url}/img/{n}-1.png")
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    assert client.get(f"{demo.static_url}/item/99").status_code == 404


def test_search_finds_chinese_queries_across_pages(demo, client):
    truth = _truth("demo-static")
    for q in ("洗发", "白酒", "包邮"):
        expected = sorted(n for n, r in truth.items() if q in r["title"])
        assert expected, q
        found = _walk(client, demo.static_url, "/search?q=" + q)
        assert sorted(found) == expected, q
    assert sorted(_walk(client, demo.static_url, "/search?q=洗发 控油")) == sorted(
        n for n, r in truth.items() if "洗发" in r["title"] and "控油" in r["title"]
    )
    assert "没有找到相关商品" in client.get(demo.static_url + "/search?q=不存在的商品名").text


def test_robots_txt_disallows_only_the_cart(demo, client):
    robots = client.get(demo.static_url + "/robots.txt").text
    assert "Disallow: /cart" in robots and "Allow: /" in robots
    assert "Disallow: /item" not in robots and "Disallow: /\n" not in robots


def test_hostile_listings_are_escaped(demo, client):
    hostile = [r for r in catalogue_records("demo-static", SIZE, SEED) if r["label"]["kind"] == "hostile"]
    assert len(hostile) == 3 and not any(r["label"]["flagged"] for r in hostile)
    raw = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", 'href="javascript:')
    for r in hostile:
        n = r["id"].split(":")[1]
        pages = [
            client.get(f"{demo.static_url}/item/{n}").text,
            client.get(f"{demo.static_url}/shop/{r['seller']['id']}").text,
        ]
        for page in pages:
            assert not any(bad in page for bad in raw)
        assert html.escape(r["title"]) in pages[0] or html.escape(r["title"], quote=False) in pages[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(demo.static_url + "/search?q=浴巾").text


# ---------------------------------------------------------------------------------------------- faults


async def _classify(url: str, n: int) -> Counter:
    async def one(c: httpx.AsyncClient) -> str:
        r = await c.get(url)
        kind = r.headers.get("x-demo-fault", "ok")  # the demo names each fault it injects
        # and each fault looks to a crawler the way it should
        if kind == "error":
            assert r.status_code == 500
        elif kind == "throttle":
            assert r.status_code == 429 and r.headers["retry-after"] == "1"
        elif kind == "captcha":
            assert r.status_code == 200 and '<div id="captcha">请完成安全验证</div>' in r.text
            assert "<title>安全验证</title>" in r.text
        elif kind == "truncate":
            assert r.status_code == 200 and '<div id="page-end"></div>' not in r.text
            assert "</main>" not in r.text  # cut before the end of the main block
        else:  # ok or slow: the whole page
            assert kind in ("ok", "slow"), kind
            assert r.status_code == 200 and '<div id="page-end"></div>' in r.text
        return kind

    async with httpx.AsyncClient(timeout=120) as c:  # a guard against a hang, not a speed limit
        return Counter(await asyncio.gather(*(one(c) for _ in range(n))))


def test_at_rate_one_every_request_gets_a_fault_and_every_kind_occurs(demo, client):
    demo.set_faults(1.0)
    seen = asyncio.run(_classify(f"{demo.static_url}/item/10001", 60))
    assert seen["ok"] == 0
    assert set(seen) == set(FAULT_KINDS), seen
    # robots.txt and the switch itself never fault
    assert all(client.get(demo.static_url + "/robots.txt").status_code == 200 for _ in range(10))
    assert client.get(demo.static_url + "/__faults").json()["rate"] == 1.0


def test_at_rate_zero_no_request_gets_a_fault(demo, client):
    seen = asyncio.run(_classify(f"{demo.static_url}/item/10001", 60))
    assert seen == {"ok": 60}


def test_faults_are_switched_at_run_time_over_http_and_are_not_permanent(demo, client):
    state = set_remote_faults(demo.spa_url, 1.0, ["throttle"])
    assert state["rate"] == 1.0 and state["kinds"] == ["throttle"]
    assert client.get(demo.spa_url + "/api/items").status_code == 429
    fast = "error,throttle,truncate,captcha"
    assert client.post(demo.spa_url + f"/__faults?rate=0.5&kinds={fast}").json()["rate"] == 0.5
    statuses = Counter(client.get(f"{demo.spa_url}/api/item/10001").status_code for _ in range(60))
    assert statuses[200] > 5 and sum(statuses.values()) - statuses[200] > 5
    assert client.post(demo.spa_url + "/__faults?rate=2").status_code == 400
    set_remote_faults(demo.spa_url, 0.0)
    assert client.get(demo.spa_url + "/api/item/10001").status_code == 200


# ---------------------------------------------------------------------------------------------- demo-spa


def test_the_spa_shell_has_no_listing_content_over_plain_http(demo, client):
    shell = client.get(demo.spa_url + "/").text
    assert 'id="app"' in shell and "/static/spa.js" in shell and '<div id="page-end"></div>' in shell
    assert "item-card" not in shell
    for r in list(catalogue_records("demo-spa", SIZE, SEED))[:50]:
        assert r["title"] not in shell
    data = client.get(demo.spa_url + "/api/items", params={"page": 2}).json()
    assert data["page"] == 2 and data["total"] == SIZE and data["next"] == 3 and len(data["items"]) == 20
    found = client.get(demo.spa_url + "/api/items", params={"q": "洗发"}).json()
    assert found["items"] and all("洗发" in x["title"] for x in found["items"])
    truth = _truth("demo-spa")
    item = client.get(demo.spa_url + "/api/item/10007").json()
    assert item["title"] == truth[10007]["title"] and item["price"] == truth[10007]["price"]


CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
        if p and Path(p).exists()
    ),
    None,
)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (looked for /usr/bin/chromium and on PATH)")
def test_the_spa_renders_items_load_more_scroll_and_hash_detail_in_chromium(demo):
    from playwright.sync_api import sync_playwright

    truth = _truth("demo-spa")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(demo.spa_url + "/")
            page.wait_for_selector("body[data-state=ready]")
            cards = page.locator("#item-grid .item-card")
            assert cards.count() == 20
            first = int(cards.first.get_attribute("data-item-id"))
            assert cards.first.locator(".item-title").text_content() == truth[first]["title"]
            page.click("#load-more")
            page.wait_for_function("document.querySelectorAll('#item-grid .item-card').length >= 40")
            page.mouse.wheel(0, 100_000)  # infinite scroll
            page.wait_for_function("document.querySelectorAll('#item-grid .item-card').length >= 60")
            # a hash-routed detail view, loaded directly
            page.goto(demo.spa_url + "/#/item/10042")
            page.wait_for_selector("#item-detail[data-item-id='10042']")
            assert page.locator("#item-detail .item-title").text_content() == truth[10042]["title"]
            seller = truth[10042]["seller"]
            assert page.locator("#item-detail .shop-name").text_content() == seller["name"]
            assert (
                page.locator("#item-detail .shop-opened time").get_attribute("datetime") == seller["opened"]
            )
            # hostile text stays text in the browser too
            hostile = next(n for n, r in truth.items() if r["title"].startswith("<script>"))
            page.goto(f"{demo.spa_url}/#/item/{hostile}")
            page.wait_for_selector(f"#item-detail[data-item-id='{hostile}']")
            assert page.locator("#item-detail .item-title").text_content() == truth[hostile]["title"]
            assert page.locator("#item-detail script").count() == 0
            # the app retries a flaky API by itself, and stops at a captcha. The button is pressed in
            # place, as the crawler presses it: a mouse click first scrolls it into view, which starts
            # the infinite scroll too, and under the captcha that load removes the button before the
            # click lands.
            page.goto(demo.spa_url + "/")
            page.wait_for_selector("body[data-state=ready]")
            demo.set_faults(0.3, ["error", "throttle", "truncate"])
            page.dispatch_event("#load-more", "click")
            page.wait_for_function("document.querySelectorAll('#item-grid .item-card').length >= 40")
            demo.set_faults(1.0, ["captcha"])
            page.dispatch_event("#load-more", "click")
            page.wait_for_selector("body[data-state=captcha]")
            assert page.locator("#captcha").text_content() == "请完成安全验证"
            assert page.title() == "安全验证"
            assert errors == []
        finally:
            demo.set_faults(0.0)
            browser.close()


# ---------------------------------------------------------------------------------------------- starting


def test_when_the_second_port_is_taken_start_fails_and_the_first_port_is_free_again():
    free = _a_free_port()
    gc.collect()  # what earlier tests left for the collector warns now, not below
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{taken.getsockname()[1]}"):
                DemoServers(size=5, static_port=free, spa_port=taken.getsockname()[1]).start()
            gc.collect()
    # closed by start itself, not left for the garbage collector to find (which warns); other tests'
    # leftovers collected meanwhile (a browser test's event loop) are not this socket
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert [message for message in leaked if f"('127.0.0.1', {free})" in message] == []
    with socket.socket() as again:
        again.bind(("127.0.0.1", free))


def _a_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
