"""Acceptance: the built-in marketplace profiles crawl real saved pages (../shared/data/realpages).

Each site's pages are served on 127.0.0.1 by a small threaded server of this test (one per platform and
Amazon site), answering the saved file for its path and 404 for anything else, and recording every
request. Each platform is crawled with its built-in profile and ``--base-url`` pointing at its server,
the pages given by address (``CrawlOptions.urls``). Expected values were read by hand from the pages.
The pages are not copied into the project; where they are absent the test skips saying so.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from sqlalchemy import select

REALPAGES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "realpages"

pytestmark = pytest.mark.skipif(
    not REALPAGES.is_dir(), reason=f"the saved marketplace pages are not on this machine ({REALPAGES})"
)

HUILI = quote("回力男鞋")
SONY = quote("索尼耳机")
STOREFRONT = "/s?i=merchant-items&me=A2DP2EEPU3VU45&marketplaceID=ATVPDKIKX0DER&qid=1591913227&ref=sr_pg_1"
STOREFRONT_NEXT = (
    "/s?i=merchant-items&me=A2DP2EEPU3VU45&page=2&marketplaceID=ATVPDKIKX0DER&qid=1591913227&ref=sr_pg_1"
)
EBAY_ITEM = (
    "/itm/Outdoor-Wicker-Patio-Furniture-Sofa-3-Seater-Luxury-Comfort-Brown-Wicker-Couch-/381228738769"
)

# site -> (platform, {path?query: (file, charset)}, pages to crawl)
SITES: dict[str, tuple[str, dict[str, tuple[str, str]], list[str]]] = {
    "taobao": (
        "taobao",
        {
            "/search?q=ipad": ("taobao/pages/search-ipad-rendered.html", "utf-8"),
            f"/search?q={HUILI}": ("taobao/pages/search-huili-raw.htm", "utf-8"),
            "/item.htm?id=562283240178": ("taobao/pages/item-562283240178.html", "utf-8"),
        },
        ["/search?q=ipad", f"/search?q={HUILI}", "/item.htm?id=562283240178"],
    ),
    "tmall": (
        "tmall",
        {"/item.htm?id=605258110430": ("taobao/pages/tmall-605258110430.html", "gbk")},
        ["/item.htm?id=605258110430"],
    ),
    "jd": (
        "jd",
        {f"/Search?keyword={SONY}&enc=utf-8": ("jd/pages/search-sony-headphones.html", "utf-8")},
        [f"/Search?keyword={SONY}&enc=utf-8"],
    ),
    "ebay": ("ebay", {EBAY_ITEM: ("ebay/pages/item-381228738769.html", "utf-8")}, [EBAY_ITEM]),
    "aliexpress": (
        "aliexpress",
        {"/item/32993251330.html": ("aliexpress/pages/item-32993251330.html", "utf-8")},
        ["/item/32993251330.html"],
    ),
    "amazon-us": (
        "amazon",
        {
            STOREFRONT: ("amazon/pages/us/store-front-A2DP2EEPU3VU45.html", "utf-8"),
            # a storefront product, linked as /Name/dp/B07Y4Z6LBD/ref=…: Amazon's Robot Check instead
            "re:/dp/B07Y4Z6LBD[/?]": ("amazon/pages/us/captcha.html", "utf-8"),
            "/dp/0062796984": ("amazon/pages/us/dp-0062796984.html", "utf-8"),
            "/dp/B01GAWQSFW": ("amazon/pages/us/dp-B01GAWQSFW.html", "utf-8"),
            "/dp/B01LW7X0JJ": ("amazon/pages/us/dp-B01LW7X0JJ.html", "utf-8"),
            "/dp/B07CL39Z8Q": ("amazon/pages/us/dp-B07CL39Z8Q.html", "utf-8"),
        },
        [STOREFRONT, "/dp/0062796984", "/dp/B01GAWQSFW", "/dp/B01LW7X0JJ", "/dp/B07CL39Z8Q"],
    ),
    "amazon-uk": (
        "amazon",
        {
            "/dp/0062796984": ("amazon/pages/uk/dp-0062796984.html", "utf-8"),
            "/dp/B01LW7X0JJ": ("amazon/pages/uk/dp-B01LW7X0JJ.html", "utf-8"),
        },
        ["/dp/0062796984", "/dp/B01LW7X0JJ"],
    ),
    "amazon-de": (
        "amazon",
        {"/dp/B01LW7X0JJ": ("amazon/pages/de/dp-B01LW7X0JJ.html", "utf-8")},
        ["/dp/B01LW7X0JJ"],
    ),
    "amazon-fr": (
        "amazon",
        {"/dp/1439878676": ("amazon/pages/fr/dp-1439878676.html", "utf-8")},
        ["/dp/1439878676"],
    ),
    "amazon-ca": (
        "amazon",
        {"/dp/B01GAWQSFW": ("amazon/pages/ca/dp-B01GAWQSFW.html", "utf-8")},
        ["/dp/B01GAWQSFW"],
    ),
}

# (site, listing id) -> (title starts with, price, currency, seller name), read by hand from the pages
DETAILS: dict[tuple[str, str], tuple[str, float | None, str | None, str | None]] = {
    ("taobao", "taobao:562283240178"): (
        "乳白亚克力外壳 60%键盘外壳 poker外壳无加强筋底壳透光外壳",
        149.0,
        "CNY",
        "怡科外设KBDfans",
    ),
    ("tmall", "tmall:605258110430"): (
        "【官网价直降】Apple/苹果 iPhone 11 4G全网通智能手机",
        5499.0,
        "CNY",
        "苏宁易购官方旗舰店",
    ),
    ("ebay", "ebay:381228738769"): (
        "Outdoor Wicker Patio Furniture Sofa 3 Seater Luxury Comfort Brown Wicker Couch",
        349.99,
        "USD",
        "bestchoiceproducts",
    ),
    ("aliexpress", "aliexpress:32993251330"): (
        "מקורי Apple iPhone SE סמארטפון",
        97.39,
        "EUR",
        "Summer Technology Co.,Ltd.",
    ),
    ("amazon-us", "amazon:0062796984"): ("The Confidence Code for Girls", 10.62, "USD", "Amazon.com"),
    # "Currently unavailable": the page offers nothing, so no price, no currency and no seller are right
    ("amazon-us", "amazon:B01GAWQSFW"): (
        "Simple Leather Vintage Female Quartz Watch Wristwatch Black",
        None,
        None,
        None,
    ),
    ("amazon-us", "amazon:B01LW7X0JJ"): (
        "uxcell Stretch Spandex Short Dining Chair Covers",
        7.99,
        "USD",
        "uxcell",
    ),
    ("amazon-us", "amazon:B07CL39Z8Q"): (
        "Palarn Women Tops, Sexy O-Neck Flora Printed",
        2.27,
        "USD",
        "Palarn",
    ),
    ("amazon-uk", "amazon:0062796984"): ("The Confidence Code for Girls", 8.99, "GBP", "Amazon"),
    ("amazon-uk", "amazon:B01LW7X0JJ"): (
        "Sourcingmap Stretch Washable Short Dining Room Chair",
        6.39,
        "GBP",
        "Ascot City",
    ),
    ("amazon-de", "amazon:B01LW7X0JJ"): (
        "Abnehmbarer dehnbar Gummiband Schutzhüllen",
        6.37,
        "EUR",
        "Weisser Berg",
    ),
    ("amazon-fr", "amazon:1439878676"): ("Hydroponic Food Production", 63.99, "EUR", "livres_allemands"),
    ("amazon-ca", "amazon:B01GAWQSFW"): (
        "Simple Leather Vintage Female Quartz Watch Wristwatch Black",
        5.77,
        "CAD",
        "LinTimes Online",
    ),
}

# list page -> (number of result links, the first three detail paths, read by hand)
LISTS: dict[tuple[str, str], tuple[int, list[str]]] = {
    ("taobao", "/search?q=ipad"): (
        48,
        ["/item.htm?id=566741234264", "/item.htm?id=547137374482"],
    ),
    ("taobao", f"/search?q={HUILI}"): (36, ["/item.htm?id=528991075854"]),
    ("jd", f"/Search?keyword={SONY}&enc=utf-8"): (29, ["/940275.html", "/1269272.html", "/1074512.html"]),
    ("amazon-us", STOREFRONT): (16, ["/dp/B07Y4Z6LBD", "/dp/B07TYWF8K7", "/dp/B083KDYS6W"]),
}


class Site:
    """One saved site on 127.0.0.1: its files by path, every request it received."""

    def __init__(self, routes: dict[str, tuple[str, str]]) -> None:
        self.routes = routes
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server interface
                site.requests.append(self.path)
                route = site.routes.get(self.path) or next(
                    (
                        r
                        for k, r in site.routes.items()
                        if k.startswith("re:") and re.search(k[3:], self.path)
                    ),
                    None,
                )
                if route is None:
                    self.send_error(404)
                    return
                body = (REALPAGES / route[0]).read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", f"text/html; charset={route[1]}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self, pattern: str) -> set[str]:
        return {p for p in self.requests if re.search(pattern, p)}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every site crawled once with its built-in profile: the servers, summaries and stored records."""
    import os

    from crawler.run import CrawlOptions, crawl
    from storage import open_database
    from storage.listings import listing_record
    from storage.migrate import upgrade
    from storage.models import Listing, Snapshot

    home = tmp_path_factory.mktemp("realpages-home")
    saved = {k: os.environ.get(k) for k in ("MARKWATCH_HOME", "MARKWATCH_DB")}
    os.environ["MARKWATCH_HOME"] = str(home)
    os.environ.pop("MARKWATCH_DB", None)
    sites = {name: Site(routes) for name, (_p, routes, _u) in SITES.items()}
    try:
        db = open_database(check=False)
        upgrade(db.engine)
        _enable(db, {platform for platform, _r, _u in SITES.values()})
        fast = {  # the profiles' politeness is for the real sites; these are local files
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "MARKWATCH_MAX_BACKOFF": 0.1,
            "LOG_LEVEL": "DEBUG",  # every request in the log: nothing may have gone to another host
        }
        summaries: dict[str, Any] = {}
        records: dict[str, dict[str, dict[str, Any]]] = {}
        for name, (platform, _routes, urls) in SITES.items():
            site = sites[name]
            summaries[name] = crawl(
                CrawlOptions(
                    platform,
                    urls=tuple(site.url + u for u in urls),
                    base_url_override=site.url,
                    progress=False,
                    score=False,
                    fresh=True,
                    settings_extra=fast,
                )
            )
            with db.session() as session:  # the listings this crawl stored a snapshot of, as it left them
                rows = session.scalars(
                    select(Listing)
                    .join(Snapshot, Snapshot.listing_id == Listing.id)
                    .where(Snapshot.crawl_run_id == summaries[name].run_id)
                ).unique()
                records[name] = {
                    f"{row.platform.name}:{row.external_id}": listing_record(row) for row in rows
                }
        logs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (home / "logs").glob("*.log"))
        yield {"sites": sites, "summaries": summaries, "records": records, "logs": logs}
    finally:
        for site in sites.values():
            site.server.shutdown()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _enable(db: Any, platforms: set[str]) -> None:
    """Real marketplaces are disabled until enabled (`markwatch platforms enable NAME`)."""
    from crawler.platforms import set_enabled

    for platform in platforms:
        set_enabled(db, platform, True)


@pytest.mark.parametrize(("site", "listing"), sorted(DETAILS))
def test_every_detail_page_gives_title_price_currency_and_seller(
    crawled: dict[str, Any], site: str, listing: str
) -> None:
    title, price, currency, seller = DETAILS[(site, listing)]
    record = crawled["records"][site].get(listing)
    assert record is not None, f"{listing} was not stored from {site}: {crawled['summaries'][site].line()}"
    assert record["title"].startswith(title), record["title"]
    assert record["price"] == price
    if price is not None:  # a listing without a price keeps the column's default currency, meaning nothing
        assert record["currency"] == currency
    assert (record.get("seller") or {}).get("name") == seller


@pytest.mark.parametrize(("site", "path"), sorted(LISTS))
def test_every_list_page_gives_its_item_links(crawled: dict[str, Any], site: str, path: str) -> None:
    count, first = LISTS[(site, path)]
    server: Site = crawled["sites"][site]
    assert path in server.requests
    detail = {"taobao": r"^/item\.htm\?id=\d+$", "jd": r"^/\d+\.html$", "amazon-us": r"/dp/[A-Z0-9]{10}"}[
        site
    ]
    followed = server.paths(detail) - {p for p, _ in SITES[site][1].items() if p in SITES[site][2]}
    if site == "amazon-us":
        followed = {re.search(r"/dp/[A-Z0-9]{10}", p).group(0) for p in followed}  # type: ignore[union-attr]
    for link in first:
        assert link in followed, (link, sorted(followed)[:5])
    if site == "taobao":  # two list pages on one site: each one's links by their ids
        ids = _taobao_ids(path)
        assert len(ids) == count and {f"/item.htm?id={i}" for i in ids} <= followed
    else:
        assert len(followed) == count


def _taobao_ids(path: str) -> list[str]:
    from scrapy.http import HtmlResponse, Request

    from crawler.extract import Page
    from crawler.pages import PageReader
    from crawler.profiles import builtin_profile

    profile = builtin_profile("taobao")
    assert profile is not None
    file, charset = SITES["taobao"][1][path]
    url = "http://127.0.0.1" + path
    response = HtmlResponse(url, body=(REALPAGES / file).read_bytes(), encoding=charset, request=Request(url))
    return [r.fields.raw["id"] for r in PageReader(profile).results(Page(response))]


def test_the_storefront_next_page_is_followed(crawled: dict[str, Any]) -> None:
    assert STOREFRONT_NEXT in crawled["sites"]["amazon-us"].requests


def test_the_robot_check_page_counts_as_a_block_and_is_not_a_listing(crawled: dict[str, Any]) -> None:
    assert crawled["summaries"]["amazon-us"].blocks >= 1
    assert "amazon:B07Y4Z6LBD" not in crawled["records"]["amazon-us"]
    assert crawled["sites"]["amazon-us"].paths(r"/dp/B07Y4Z6LBD")  # it was asked for, and refused to count


def test_no_request_went_to_any_other_host(crawled: dict[str, Any]) -> None:
    requested = set(re.findall(r"<GET (\S+?)>", crawled["logs"]))
    assert requested, "the crawl log lists no request"
    ports = {urlsplit(site.url).port for site in crawled["sites"].values()}
    for url in requested:
        parts = urlsplit(unquote(url))
        assert (parts.hostname, parts.port) in {("127.0.0.1", p) for p in ports}, url
