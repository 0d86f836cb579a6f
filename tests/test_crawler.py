"""The crawler: normalising what pages show, the spider on a saved page, and real crawls of the demo
marketplaces (faults, block pages, resume after SIGKILL, a second crawl, the browser with screenshots)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from sqlalchemy import func, select

from crawler import normalise as n
from crawler.pipelines import NormalisePipeline, UnusableItem
from crawler.profiles import builtin_profile
from crawler.run import CrawlOptions, child_command, crawl
from crawler.spiders.profile import ProfileSpider
from storage import open_database
from storage.listings import listing_record
from storage.models import CrawlRun, Listing, PriceObservation, Snapshot

# --- normalising -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("¥1,299.00", 1299.0),
        ("券后¥89", 89.0),
        ("¥39-59", 39.0),
        ("¥39~59", 39.0),
        ("￥２９．９", 29.9),  # full-width yen sign and digits
        (" 到手价 ¥ 128 ", 128.0),
        ("1.2万", 12000.0),
        ("价格面议", None),
        ("", None),
        (None, None),
    ],
)
def test_prices_are_read_as_marketplaces_write_them(text: str | None, price: float | None) -> None:
    assert n.parse_price(text) == price


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("156", 156),
        ("1,234", 1234),
        ("1万+", 10000),
        ("2.3万+", 23000),
        ("月销3000+", 3000),
        ("已售 0", 0),
        ("", None),
    ],
)
def test_sold_counts_are_read_with_their_units(text: str, count: int | None) -> None:
    assert n.parse_count(text) == count


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2021-03-05", "2021-03-05"),
        ("2021年3月5日", "2021-03-05"),
        ("2021/3/5", "2021-03-05"),
        ("2021-13-40", None),
    ],
)
def test_dates_become_iso(text: str, iso: str | None) -> None:
    assert n.parse_date(text) == iso


def test_text_is_nfkc_with_collapsed_whitespace() -> None:
    assert n.clean_text("  ＡＢＣ１２３\n\t康师傅　红烧牛肉面  ") == "ABC123 康师傅 红烧牛肉面"
    assert n.clean_text("   ") is None


# --- the spider on a saved page (how a new platform's profile is tested) -------------------------------

SAVED_DETAIL = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>x</title></head><body>
<main id="main" class="page-item"><div class="item-detail" data-item-id="20001">
<img class="gallery-img" src="/img/20001-1.png"><img class="gallery-img" src="/img/20001-2.png">
<h1 class="item-title">  康帅傅　红烧牛肉面 ５连包 </h1>
<div class="price-box"><span class="price-now">券后¥9.9</span> <del class="price-orig">¥12.00</del></div>
<div class="sales">已售 <span class="sold-count">2.3万+</span></div>
<dl class="item-attrs"><dd class="item-id">20001</dd><dd class="item-category">方便面</dd></dl>
<div class="shop-info" data-shop-id="s-88"><a class="shop-name" href="/shop/s-88">好味食品店</a>
<span class="shop-opened">开店时间 <time datetime="2026-06-01">2026-06-01</time></span>
<span class="shop-rating">店铺评分 <em>4.1</em></span>
<span class="shop-licence">营业执照 <code>91330106MA2KXXXX1X</code></span></div>
<section class="item-desc">
<div class="desc-text">经典口味，&lt;script&gt;alert(1)&lt;/script&gt; 好吃</div></section>
</div></main><div id="page-end"></div></body></html>"""


def _spider(name: str = "demo-static") -> ProfileSpider:
    from scrapy.utils.test import get_crawler

    profile = builtin_profile(name)
    assert profile is not None
    crawler = get_crawler(
        ProfileSpider, {"REQUEST_FINGERPRINTER_CLASS": "crawler.middlewares.FragmentFingerprinter"}
    )
    return ProfileSpider.from_crawler(crawler, profile=profile.data)


def test_a_saved_detail_page_becomes_a_listing_record() -> None:
    spider = _spider()
    url = "http://127.0.0.1:8801/item/20001"
    response = HtmlResponse(url, body=SAVED_DETAIL.encode(), encoding="utf-8", request=Request(url))
    (item,) = list(spider.parse_detail(response))
    assert item["raw"]["price"] == "券后¥9.9"
    record = NormalisePipeline().process_item(item)["record"]
    assert record["id"] == "demo-static:20001"
    assert record["title"] == "康帅傅 红烧牛肉面 5连包"
    assert record["price"] == 9.9 and record["sold"] == 23000 and record["category"] == "方便面"
    assert record["seller"] == {
        "id": "s-88",
        "name": "好味食品店",
        "opened": "2026-06-01",
        "rating": 4.1,
        "licence": "91330106MA2KXXXX1X",
        "url": "/shop/s-88",
    }
    assert record["images"] == [
        "http://127.0.0.1:8801/img/20001-1.png",
        "http://127.0.0.1:8801/img/20001-2.png",
    ]
    assert "<script>" in record["description"]  # kept as text: escaping is the job of whoever shows it


def test_a_page_without_a_title_is_dropped_with_its_reason() -> None:
    spider = _spider()
    url = "http://127.0.0.1:8801/item/20002"
    body = SAVED_DETAIL.replace("康帅傅　红烧牛肉面 ５连包", "   ").encode()
    (item,) = list(spider.parse_detail(HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))))
    with pytest.raises(UnusableItem) as caught:
        NormalisePipeline().process_item(item)
    assert caught.value.reason == "missing_title"


def test_single_page_app_pages_differ_by_their_fragment() -> None:
    spider = _spider("demo-spa")
    fingerprint = spider.crawler.request_fingerprinter.fingerprint
    one, two = (Request(f"http://127.0.0.1:8802/#/item/{k}") for k in (10001, 10002))
    assert fingerprint(one) != fingerprint(two)


# --- real crawls of the demo marketplaces ------------------------------------------------------------


def _stored(db_home: Path) -> dict[str, dict]:
    db = open_database(check=False)
    with db.session() as session:
        return {listing_record(r)["id"]: listing_record(r) for r in session.scalars(select(Listing))}


def _count(model, *where) -> int:  # type: ignore[no-untyped-def]
    db = open_database(check=False)
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _nfkc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_static_crawl_with_faults_stores_the_whole_catalogue_once(db, demo, home) -> None:  # type: ignore[no-untyped-def]
    demo.set_faults(0.15)
    summary = crawl(CrawlOptions("demo-static", base_url_override=demo.static_url, progress=False))
    truth = {r["id"]: r for r in demo.records("demo-static")}
    stored = _stored(home)
    assert summary.status == "finished" and summary.errors == 0
    assert set(stored) == set(truth)
    for key, record in truth.items():
        got = stored[key]
        assert got["title"] == _nfkc(record["title"])
        assert got["price"] == record["price"] and got["sold"] == record["sold"]
        assert got["seller"]["id"] == record["seller"]["id"]
        assert got["seller"]["licence"] == record["seller"]["licence"]
    assert _count(Snapshot) == len(truth)  # one snapshot per listing, each with its HTML in the blob store
    db_ = open_database(check=False)
    with db_.session() as session:
        snapshot = session.scalars(select(Snapshot)).first()
        assert b'id="page-end"' in db_.blobs.get(snapshot.html_sha256)
        assert snapshot.tool_version.startswith("markwatch/") and " scrapy/" in snapshot.tool_version
        assert snapshot.extracted["price"]  # the price text as the page showed it
        run = session.scalars(select(CrawlRun)).one()
        assert run.status == "finished" and run.items == len(truth) and run.finished_at is not None
        assert run.pages >= len(truth)


def test_block_pages_are_recognised_recorded_and_never_the_end(db, demo, home) -> None:  # type: ignore[no-untyped-def]
    demo.set_faults(0.1, ["captcha"])
    summary = crawl(CrawlOptions("demo-static", base_url_override=demo.static_url, progress=False))
    assert summary.blocks > 0  # seen and counted in the crawl-run row
    assert set(_stored(home)) == {r["id"] for r in demo.records("demo-static")}
    with open_database(check=False).session() as session:
        assert session.scalars(select(CrawlRun)).one().blocks == summary.blocks


def test_a_second_crawl_adds_no_listing_twice(db, demo, home) -> None:  # type: ignore[no-untyped-def]
    first = crawl(CrawlOptions("demo-static", base_url_override=demo.static_url, progress=False))
    second = crawl(CrawlOptions("demo-static", base_url_override=demo.static_url, progress=False))
    assert first.run_id != second.run_id and not second.resumed
    assert _count(Listing) == demo.size
    assert _count(PriceObservation) == demo.size  # the prices did not change: no new observation
    assert _count(CrawlRun) == 2


def test_a_crawl_killed_with_sigkill_resumes_without_loss_or_duplicates(db, demo, home) -> None:  # type: ignore[no-untyped-def]
    demo.hold_after(15)  # the site answers 15 requests, then holds the rest: the crawl stops half-way
    command = child_command(CrawlOptions("demo-static", base_url_override=demo.static_url, progress=False))
    child = subprocess.Popen(command, env=os.environ.copy(), stdout=subprocess.DEVNULL)
    done_log = home / "jobs" / "demo-static" / "markwatch-done.txt"
    # wait for the state, not for a time: pages stored and the crawler stuck on held requests (the
    # poll count only keeps a broken crawl from hanging the suite)
    for _ in range(6000):
        if demo.held() and done_log.exists() and done_log.read_text().split() and child.poll() is None:
            break
        assert child.poll() is None, "the crawl ended although the site held its requests"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    stored_before = _count(Listing)
    assert 0 < stored_before < demo.size, "the crawl was not killed half-way"

    demo.hold_after(None)
    summary = crawl(CrawlOptions("demo-static", base_url_override=demo.static_url, progress=False))
    assert summary.resumed and summary.status == "finished"
    assert set(_stored(home)) == {r["id"] for r in demo.records("demo-static")}
    assert _count(Snapshot) == demo.size  # nothing fetched twice into evidence
    assert _count(CrawlRun) == 1  # the killed run was continued, not replaced


def test_keyword_crawl_searches_only_the_query(db, demo, home) -> None:  # type: ignore[no-untyped-def]
    truth = list(demo.records("demo-static"))
    word = next(r["title"].split()[0] for r in truth if len(r["title"].split()[0]) >= 2)
    expected = {r["id"] for r in truth if word.lower() in r["title"].lower()}
    options = CrawlOptions("demo-static", queries=(word,), base_url_override=demo.static_url, progress=False)
    summary = crawl(options)
    assert summary.status == "finished"
    assert set(_stored(home)) == expected


@pytest.mark.browser
def test_spa_crawl_renders_every_listing_with_a_screenshot(db, demo, home) -> None:  # type: ignore[no-untyped-def]
    demo.set_faults(0.1)
    summary = crawl(CrawlOptions("demo-spa", base_url_override=demo.spa_url, progress=False))
    truth = {r["id"]: r for r in demo.records("demo-spa")}
    stored = _stored(home)
    assert summary.status == "finished"
    assert set(stored) == set(truth)
    assert all(stored[k]["title"] == _nfkc(truth[k]["title"]) for k in truth)
    assert all(stored[k]["url"] == truth[k]["url"] for k in truth)  # http://…/#/item/N
    assert _count(Snapshot, Snapshot.screenshot_sha256.is_not(None)) == len(truth)
    db_ = open_database(check=False)
    with db_.session() as session:
        shot = session.scalars(select(Snapshot)).first()
        assert db_.blobs.get(shot.screenshot_sha256)[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"item-detail" in db_.blobs.get(shot.html_sha256)  # the rendered DOM, not the empty shell
        run = session.scalars(select(CrawlRun)).one()
        # the list page's thumbnails were not downloaded; the screenshotted detail pages' images were
        assert run.stats.get("playwright/request_count/aborted", 0) > 0  # lazy thumbnails: not all asked
        assert run.stats.get("playwright/response_count/resource_type/image", 0) >= demo.size


def test_crawl_command_reports_and_stats_show_it(cli, db, demo) -> None:  # type: ignore[no-untyped-def]
    result = cli("crawl", "demo-static", "--base-url", demo.static_url)
    assert result.exit_code == 0, result.stderr
    assert f"{demo.size} listing(s) stored" in result.stdout
    stats = cli("stats", "--json")
    import json

    figures = json.loads(stats.stdout)
    assert figures["listings"] == demo.size and figures["snapshots"] == demo.size
    assert figures["crawl_runs"] == 1


def test_crawl_of_an_unknown_platform_is_refused(cli, db) -> None:  # type: ignore[no-untyped-def]
    result = cli("crawl", "淘宝-不存在")
    assert result.exit_code == 2
    assert "no platform profile named" in result.stderr


def test_demo_catalogue_prints_the_ground_truth(cli) -> None:  # type: ignore[no-untyped-def]
    import json

    result = cli("demo", "catalogue", "demo-static", "--size", "5")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 5 and all("label" in r and r["id"].startswith("demo-static:") for r in lines)
