"""The profile language on small pages written for these tests, each reproducing a structure found on a
real marketplace: fallback chains, constants, hidden spans, split prices, JSON inside <script>, JSON-only
search results, structured data, list fields merged into detail pages, pagination, detail start URLs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.extract import Page
from crawler.pages import DETAIL, LIST, PageReader
from crawler.pipelines import NormalisePipeline
from crawler.profiles import ProfileError, parse_profile
from crawler.spiders.profile import ProfileSpider

BASE = """\
name: shop
base_url: https://shop.example.com
render: http
search_url: "/s?q={query}"
"""


def profile_text(body: str) -> str:
    return BASE + body


def spider(text: str) -> ProfileSpider:
    from scrapy.utils.test import get_crawler

    profile = parse_profile(text, source="shop.yaml")
    crawler = get_crawler(
        ProfileSpider, {"REQUEST_FINGERPRINTER_CLASS": "crawler.middlewares.FragmentFingerprinter"}
    )
    return ProfileSpider.from_crawler(crawler, profile=profile.data)


def page(url: str, html: str, meta: dict[str, Any] | None = None) -> HtmlResponse:
    request = Request(url, meta=meta or {})
    return HtmlResponse(url, body=html.encode(), encoding="utf-8", request=request)


def record_of(s: ProfileSpider, url: str, html: str, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    (item,) = list(s.parse_detail(page(url, html, meta)))
    return NormalisePipeline().process_item(item)["record"]


# --- detail pages --------------------------------------------------------------------------------------

AMAZONISH = """<html><body>
<span id="productTitle">  uxcell Stretch Chair Covers  </span>
<input id="ASIN" value="B0TEST0001">
<div id="corePrice"><span class="a-price"><span class="a-price-whole">7</span>
<span class="a-price-fraction">99</span></span></div>
<div id="merchant-info">Sold by <a>uxcell</a> and Fulfilled by Amazon . Gift-wrap available.</div>
<img class="thumb" src="//img.example.com/p/abc_50x50.jpg"><img class="thumb" src="/p/def_50x50.jpg">
</body></html>"""

AMAZONISH_PROFILE = profile_text("""\
list: {items: "h2 a::attr(href)"}
detail:
  id: "input#ASIN::attr(value)"
  fields:
    title: "#productTitle"
    price: ["#priceblock_ourprice", "#corePrice .a-price"]
    currency: {const: GBP}
    images: {css: "img.thumb::attr(src)", replace: ["_\\\\d+x\\\\d+(\\\\.jpg)$", "\\\\1"]}
    seller:
      name:
        - "#sellerProfileTriggerId"
        - {css: "#merchant-info", re: "(?:Sold|sold) by (.+?) and Fulfilled"}
        - "#merchant-info"
""")


def test_a_fallback_chain_takes_the_first_source_that_gives_a_value() -> None:
    record = record_of(spider(AMAZONISH_PROFILE), "https://shop.example.com/dp/B0TEST0001", AMAZONISH)
    # the first seller selector matches nothing; the second, with its regex, cuts the name out
    assert record["seller"]["name"] == "uxcell"
    assert record["title"] == "uxcell Stretch Chair Covers"


def test_a_split_price_is_whole_and_cents_and_a_constant_gives_the_currency() -> None:
    record = record_of(spider(AMAZONISH_PROFILE), "https://shop.example.com/dp/B0TEST0001", AMAZONISH)
    assert record["price"] == 7.99
    assert record["currency"] == "GBP"


def test_replace_turns_thumbnails_into_full_images_made_absolute() -> None:
    record = record_of(spider(AMAZONISH_PROFILE), "https://shop.example.com/dp/B0TEST0001", AMAZONISH)
    assert record["images"] == ["https://img.example.com/p/abc.jpg", "https://shop.example.com/p/def.jpg"]


def test_the_price_symbol_on_the_page_beats_the_profile_constant() -> None:
    html = AMAZONISH.replace('<div id="corePrice">', '<span id="priceblock_ourprice">EUR 6,37</span><div>')
    record = record_of(spider(AMAZONISH_PROFILE), "https://shop.example.com/dp/B0TEST0001", html)
    assert (record["price"], record["currency"]) == (6.37, "EUR")


EBAYISH = """<html><body>
<h1 id="itemTitle"><span class="g-hdn">Details about   </span>Outdoor Wicker Sofa 户外藤编沙发</h1>
<span id="prcIsum" content="349.99">US $349.99</span>
<span class="mbg-nw">bestchoiceproducts</span><div id="item" data-id="381228738769"></div>
</body></html>"""


def test_visible_text_leaves_out_hidden_spans() -> None:
    text = profile_text("""\
list: {items: "a::attr(href)"}
detail:
  id: "#item::attr(data-id)"
  fields:
    title: {css: "#itemTitle", visible: true}
    price: "#prcIsum"
    seller: {name: ".mbg-nw"}
""")
    record = record_of(spider(text), "https://shop.example.com/itm/381228738769", EBAYISH)
    assert record["title"] == "Outdoor Wicker Sofa 户外藤编沙发"
    assert (record["price"], record["currency"]) == (349.99, "USD")
    plain = text.replace('{css: "#itemTitle", visible: true}', '"#itemTitle"')
    assert record_of(spider(plain), "https://shop.example.com/itm/1", EBAYISH)["title"].startswith(
        "Details about"
    )


TAOBAO_ITEM = """<html><head><script>
var g_config = { shopName: '\\u6021\\u79D1' };
window.__INITIAL_STATE__ = {"item": {"title": "乳白亚克力外壳 60%键盘外壳",
 "price": {"min": "149.00", "max": "159.00"},
 "seller": {"nick": "怡科外设"}, "sold": "1.2万+"}};
</script></head><body><h3 class="tb-main-title"></h3></body></html>"""


def test_json_inside_a_script_is_read_with_jmespath_and_the_id_from_the_url() -> None:
    text = profile_text("""\
list: {items: "a::attr(href)"}
detail:
  id: {url: true, re: "[?&]id=(\\\\d+)"}
  fields:
    title: [".tb-main-title", {json: "item.title", script: "__INITIAL_STATE__\\\\s*="}]
    price: {json: "item.price.min", script: "__INITIAL_STATE__\\\\s*="}
    sold: {json: "item.sold", script: "__INITIAL_STATE__\\\\s*="}
    seller: {name: {json: "item.seller.nick", script: "__INITIAL_STATE__\\\\s*="}}
""")
    record = record_of(spider(text), "https://item.example.com/item.htm?id=562283240178&spm=1", TAOBAO_ITEM)
    assert record["id"] == "shop:562283240178"
    assert record["title"] == "乳白亚克力外壳 60%键盘外壳"
    assert (record["price"], record["currency"], record["sold"]) == (149.0, "CNY", 12000)
    assert record["seller"]["name"] == "怡科外设"


def test_malformed_json_leaves_the_field_empty_is_counted_and_the_crawl_goes_on() -> None:
    text = profile_text("""\
list: {items: "a::attr(href)"}
detail:
  id: {url: true, re: "id=(\\\\d+)"}
  fields:
    title: ["h1", {json: "item.title", script: "__INITIAL_STATE__\\\\s*="}]
    price: {json: "item.price.min", script: "__INITIAL_STATE__\\\\s*="}
""")
    s = spider(text)
    broken = TAOBAO_ITEM.replace('"seller":', '"seller" ').replace("<h3", "<h1>标题</h1><h3")
    record = record_of(s, "https://item.example.com/item.htm?id=1", broken)
    assert record["title"] == "标题" and record["price"] is None and record["currency"] is None
    assert s.crawler.stats.get_value("markwatch/malformed_json") == 1


def test_structured_data_fills_title_price_currency_brand_image_and_seller() -> None:
    html = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "Product", "name": "Apple iPhone SE 手机",
     "brand": {"@type": "Brand", "name": "Apple"}, "image": ["https://img.example.com/se.jpg"],
     "offers": {"@type": "Offer", "price": "97.39", "priceCurrency": "EUR",
                "seller": {"@type": "Organization", "name": "Summer Technology Co.,Ltd."}}}
    </script></head><body><div id="p" data-id="32993251330"></div></body></html>"""
    text = profile_text("""\
list: {items: "a::attr(href)"}
detail:
  id: "#p::attr(data-id)"
  fields:
    title: ["h1.product-title"]
    description: ".desc"
""")
    reader = PageReader(parse_profile(text, source="shop.yaml"))
    fields = reader.detail(Page(page("https://shop.example.com/item/1.html", html)))
    assert fields.raw["price"] == "97.39" and fields.raw["currency"] == "EUR"
    assert fields.raw["brand"] == "Apple" and fields.raw["images"] == ["https://img.example.com/se.jpg"]
    assert fields.raw["seller"]["name"] == "Summer Technology Co.,Ltd."
    assert fields.sources["price"].startswith("schema.org")
    assert fields.raw["title"] is None  # named in the profile: its own sources only


# --- list pages ----------------------------------------------------------------------------------------

JSON_ONLY_SEARCH = """<html><head><script>
    g_page_config = {"mods": {"itemlist": {"data": {"auctions": [
      {"nid": "528991075854", "raw_title": "回力 男鞋 帆布鞋", "view_price": "115.00", "nick": "回力老字号",
       "view_sales": "8人付款", "detail_url": "https://click.simba.example.com/cc_im?p=ad"},
      {"nid": "536370000001", "raw_title": "回力 经典 白鞋", "view_price": "59.00", "nick": "回力鞋业店",
       "view_sales": "1.2万+人付款"},
      {"nid": "536370000002", "raw_title": "回力 篮球鞋", "view_price": "89.00", "nick": "运动城",
       "view_sales": "10万+人付款"}]}},
      "pager": {"data": {"pageSize": 44, "currentPage": 1}}}};
    g_srp_loadCss();
</script></head><body><div id="mainsrp-itemlist"></div></body></html>"""

JSON_ONLY_PROFILE = profile_text("""\
list:
  results: {json: "mods.itemlist.data.auctions", script: "g_page_config\\\\s*="}
  fields:
    id: {json: nid}
    title: {json: raw_title}
    price: {json: view_price}
    sold: {json: view_sales}
    seller: {name: {json: nick}}
  link: {template: "/item.htm?id={id}"}
  pages: {url: "/s?q={query}&s={offset}", step: 44, max: 3}
detail:
  id: {url: true, re: "[?&]id=(\\\\d+)"}
  fields:
    title: ".tb-main-title"
    price: "#J_StrPrice"
    sold: ".sold"
    seller: {name: ".shop-name"}
""")


def test_a_json_only_search_page_gives_its_results_by_link_template() -> None:
    s = spider(JSON_ONLY_PROFILE)
    out = list(s.parse_list(page("https://shop.example.com/s?q=%E5%9B%9E%E5%8A%9B", JSON_ONLY_SEARCH,
                                 {"markwatch_query": "回力"})))  # fmt: skip
    urls = [r.url for r in out]
    assert urls[:3] == [
        "https://shop.example.com/item.htm?id=528991075854",
        "https://shop.example.com/item.htm?id=536370000001",
        "https://shop.example.com/item.htm?id=536370000002",
    ]
    # the ad redirect in the JSON is never followed; the next page is the offset template
    assert not any("simba" in u for u in urls)
    assert urls[3] == "https://shop.example.com/s?q=%E5%9B%9E%E5%8A%9B&s=44"
    assert out[3].meta["markwatch_page"] == 2


def test_list_fields_fill_what_the_detail_page_leaves_empty_and_the_detail_wins() -> None:
    s = spider(JSON_ONLY_PROFILE)
    requests = list(
        s.parse_list(page("https://shop.example.com/s?q=x", JSON_ONLY_SEARCH, {"markwatch_query": "x"}))
    )
    second = requests[1]
    detail = (
        '<html><body><h3 class="tb-main-title">回力 经典 白鞋 2020新款</h3><em id="J_StrPrice"></em>'
        "</body></html>"
    )
    record = record_of(s, second.url, detail, second.meta)
    assert record["title"] == "回力 经典 白鞋 2020新款"  # the detail page's own
    assert record["price"] == 59.0 and record["sold"] == 12000  # the list page's, the detail being empty
    assert record["seller"]["name"] == "回力鞋业店"


def test_pagination_stops_when_a_page_brings_nothing_new() -> None:
    s = spider(JSON_ONLY_PROFILE)
    first = list(
        s.parse_list(page("https://shop.example.com/s?q=x", JSON_ONLY_SEARCH, {"markwatch_query": "x"}))
    )
    assert any(r.meta.get("markwatch_page") == 2 for r in first)
    again = list(s.parse_list(page("https://shop.example.com/s?q=x&s=44", JSON_ONLY_SEARCH,
                                   {"markwatch_query": "x", "markwatch_page": 2})))  # fmt: skip
    assert again == []  # the same three results: no detail request and no page 3


def test_pagination_stops_at_max_pages() -> None:
    s = spider(JSON_ONLY_PROFILE)
    out = list(s.parse_list(page("https://shop.example.com/s?q=x&s=88", JSON_ONLY_SEARCH,
                                 {"markwatch_query": "x", "markwatch_page": 3})))  # fmt: skip
    assert len(out) == 3 and all("item.htm" in r.url for r in out)


JD_LIST = """<html><body><ul>
<li class="gl-item" data-sku="940275">
 <div class="p-price"><strong data-price="55.00"><em>¥</em><i></i></strong></div>
 <div class="p-name"><a href="//item.example.com/940275.html"><em>索尼 MDR-EX15LP 耳机</em></a></div>
 <div class="p-commit"><a>5.8万+</a></div></li>
<li class="gl-item" data-type="activity"><a href="//sale.example.com/act/1.html">广告</a></li>
<li class="gl-item" data-sku="1269272"><div class="p-price"><strong data-price="279.00"></strong></div>
 <div class="p-name"><a href="javascript:;"><em>索尼 XB450 耳机</em></a></div></li>
</ul><a class="fp-next" href="javascript:;">&gt;</a></body></html>"""


def test_list_only_listings_come_from_the_list_page_alone() -> None:
    text = profile_text("""\
list:
  results: "li.gl-item[data-sku]"
  only: true
  fields:
    id: "::attr(data-sku)"
    title: ".p-name em"
    price: ".p-price strong::attr(data-price)"
    sold: ".p-commit a"
  link: ".p-name a::attr(href)"
detail:
  id: "#sku::attr(data-sku)"
  fields: {title: h1}
""")
    s = spider(text)
    items = list(s.parse_list(page("https://search.example.com/Search?keyword=x", JD_LIST)))
    records = [NormalisePipeline().process_item(i)["record"] for i in items]
    assert [(r["id"], r["price"], r["sold"]) for r in records] == [
        ("shop:940275", 55.0, 58000),
        ("shop:1269272", 279.0, None),
    ]
    assert records[0]["url"] == "https://item.example.com/940275.html"
    # a javascript: link is not an address: the listing keeps the list page's
    assert records[1]["url"] == "https://search.example.com/Search?keyword=x"


def test_a_page_is_recognised_as_a_list_or_a_detail_page() -> None:
    reader = PageReader(parse_profile(AMAZONISH_PROFILE, source="shop.yaml"))
    assert reader.kind(Page(page("https://shop.example.com/x", AMAZONISH))) == DETAIL
    listing = '<html><body><h2><a href="/dp/1">a</a></h2><h2><a href="/dp/2">b</a></h2></body></html>'
    assert reader.kind(Page(page("https://shop.example.com/s?k=x", listing))) == LIST
    assert reader.kind(Page(page("https://shop.example.com/about", "<html><body>hi</body></html>"))) is None


def test_detail_start_urls_are_crawled_as_detail_pages() -> None:
    text = AMAZONISH_PROFILE + 'detail_urls: ["/dp/B0TEST0001", "https://shop.example.com/dp/B0TEST0002"]\n'
    s = spider(text)

    async def collect() -> list[Any]:
        return [r async for r in s.start()]

    requests = asyncio.run(collect())
    assert [(r.url, r.meta["markwatch_kind"]) for r in requests] == [
        ("https://shop.example.com/dp/B0TEST0001", DETAIL),
        ("https://shop.example.com/dp/B0TEST0002", DETAIL),
    ]
    assert all(r.callback == s.parse_detail for r in requests)


# --- bad profiles --------------------------------------------------------------------------------------

GOOD = JSON_ONLY_PROFILE + "start_urls: ['/']\n"


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (
            ("    price: {json: view_price}", "    price: {json: view_price, regx: x}"),
            10,
            "unknown key 'regx'",
        ),
        (("{json: view_price}", "{json: 'view_price[?'}"), 10, "not a valid JMESPath"),
        (('re: "[?&]id=(\\\\d+)"', 're: "id=(\\\\d+"'), 16, "not a valid regular expression"),
        (("/item.htm?id={id}", "/item.htm?id={nid}"), 13, "unknown placeholder {nid}"),
        (("&s={offset}", "&s={start}"), 14, "unknown placeholder {start}"),
        (
            ("  link: {template:", "  link: {const: x}\n  lnk: {template:"),
            13,
            "a constant is not allowed here",
        ),
        (("    id: {json: nid}", "    id: {const: '1'}"), 8, "a constant is not allowed here"),
        (("start_urls: ['/']", "start_urls: ['file:///etc/passwd']"), 22, "only http and https"),
        (
            ('    title: ".tb-main-title"', '    title: ".tb-main-title"\n    currency: GBP'),
            19,
            "a fixed currency is written {const: GBP}",
        ),
    ],
)
def test_a_bad_profile_is_refused_with_file_and_line(
    change: tuple[str, str], line: int, message: str
) -> None:
    assert change[0] in GOOD
    with pytest.raises(ProfileError) as caught:
        parse_profile(GOOD.replace(*change), source="shop.yaml")
    assert any(p.line == line and message in p.message for p in caught.value.problems), caught.value.problems


def test_the_profile_the_bad_ones_are_made_from_is_valid() -> None:
    profile = parse_profile(GOOD, source="shop.yaml")
    assert profile.section("list")["link"] == {"template": "/item.htm?id={id}"}


# --- session state -------------------------------------------------------------------------------------


def test_a_platforms_login_state_goes_with_its_requests_and_never_into_a_snapshot(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from scrapy.utils.test import get_crawler

    from crawler.session import SessionStateMiddleware

    sessions = tmp_path / "sessions"
    sessions.mkdir()
    state = {
        "cookies": [
            {"name": "_tb_token_", "value": "s3cr3t", "domain": ".taobao.com", "path": "/"},
            {"name": "other", "value": "x", "domain": "example.org", "path": "/"},
        ],
        "origins": [],
    }
    (sessions / "shop.json").write_text(json.dumps(state), encoding="utf-8")
    monkeypatch.setenv("MARKWATCH_SESSION_DIR", str(sessions))
    crawler = get_crawler(settings_dict={"MARKWATCH_PLATFORM": "shop"})
    middleware = SessionStateMiddleware.from_crawler(crawler)
    request = Request("https://s.taobao.com/search?q=x")
    middleware.process_request(request)
    assert [c["name"] for c in request.cookies] == ["_tb_token_"]  # only the cookies of that domain
    browser = Request("https://s.taobao.com/", meta={"playwright": True, "playwright_context_kwargs": {}})
    middleware.process_request(browser)
    assert browser.meta["playwright_context_kwargs"]["storage_state"] == str(sessions / "shop.json")
    # a page that sets cookies: its snapshot headers keep everything but Set-Cookie
    s = spider(AMAZONISH_PROFILE)
    url = "https://shop.example.com/dp/B0TEST0001"
    response = HtmlResponse(
        url,
        body=AMAZONISH.encode(),
        encoding="utf-8",
        request=Request(url),
        headers={"Set-Cookie": "_tb_token_=s3cr3t", "Content-Type": "text/html"},
    )
    (item,) = list(s.parse_detail(response))
    assert "s3cr3t" not in json.dumps(item["headers"]) and "Content-Type" in item["headers"]


def test_no_session_file_switches_the_middleware_off(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from crawler.session import SessionStateMiddleware

    monkeypatch.setenv("MARKWATCH_SESSION_DIR", str(tmp_path))
    with pytest.raises(NotConfigured):
        SessionStateMiddleware.from_crawler(get_crawler(settings_dict={"MARKWATCH_PLATFORM": "shop"}))


# --- markwatch platforms try ---------------------------------------------------------------------------


def test_platforms_try_shows_each_field_its_source_the_links_and_what_is_refused(cli, tmp_path: Any) -> None:  # type: ignore[no-untyped-def]
    profile = tmp_path / "shop.yaml"
    profile.write_text(JSON_ONLY_PROFILE, encoding="utf-8")
    listing = tmp_path / "search.htm"
    listing.write_text(
        JSON_ONLY_SEARCH.replace('"回力 男鞋 帆布鞋"', '"回力 男鞋\\u001b[2J 帆布鞋"'),
        encoding="utf-8",
    )
    result = cli("platforms", "try", str(profile), str(listing), "--url", "https://shop.example.com/s?q=x",
                 "--query", "回力")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "list page" in result.stdout and "results: 3" in result.stdout
    assert "https://shop.example.com/item.htm?id=536370000001" in result.stdout
    assert "next page: https://shop.example.com/s?q=%E5%9B%9E%E5%8A%9B&s=44" in result.stdout
    assert "\x1b" not in result.stdout and "男鞋\\x1b[2J" in result.stdout  # shown, never obeyed

    detail = tmp_path / "item.html"
    detail.write_text(AMAZONISH, encoding="utf-8")
    result = cli(
        "platforms", "try", str(profile), str(detail), "--url", "https://shop.example.com/item.htm?id=7"
    )
    assert result.exit_code == 0 and "detail page" in result.stdout
    assert "id: 7" in result.stdout and "[url (re /[?&]id=(\\d+)/)]" in result.stdout
    assert "title: (empty)" in result.stdout  # .tb-main-title is not on this page

    data = cli(
        "platforms", "try", str(profile), str(listing), "--url", "https://shop.example.com/s?q=x", "--json"
    )
    report = __import__("json").loads(data.stdout)
    assert report["kind"] == "list" and len(report["results"]) == 3


def test_platforms_try_refuses_a_bad_profile_with_file_and_line(cli, tmp_path: Any) -> None:  # type: ignore[no-untyped-def]
    profile = tmp_path / "shop.yaml"
    profile.write_text(
        JSON_ONLY_PROFILE.replace("{json: view_price}", "{json: 'view_price[?'}"), encoding="utf-8"
    )
    page_file = tmp_path / "p.html"
    page_file.write_text("<html></html>", encoding="utf-8")
    result = cli("platforms", "try", str(profile), str(page_file))
    assert result.exit_code == 2
    assert "shop.yaml:10:" in result.stderr and "not a valid JMESPath" in result.stderr


def test_platforms_try_lists_a_refused_link(cli, tmp_path: Any) -> None:  # type: ignore[no-untyped-def]
    profile = tmp_path / "shop.yaml"
    text = profile_text('list: {items: "a::attr(href)"}\ndetail: {id: "#id", fields: {title: h1}}\n')
    profile.write_text(text, encoding="utf-8")
    listing = tmp_path / "list.html"
    links = (
        '<a href="/item/1">1</a><a href="file:///etc/passwd">x</a><a href="javascript:;">y</a>'
        '<a href="https://click.simba.example.net/cc?p=1">ad</a><a href="http://127.0.0.1:8080/x">z</a>'
    )
    listing.write_text(links, encoding="utf-8")
    result = cli("platforms", "try", str(profile), str(listing), "--url", "https://shop.example.com/s?q=x")
    shown = " ".join(result.stdout.split())  # the terminal's line breaks aside
    assert "refused: file:///etc/passwd (not http or https" in shown
    assert "refused: javascript:; (not http or https" in shown
    assert "refused: https://click.simba.example.net/cc?p=1 (not one of the platform's hosts" in shown
    assert "refused: http://127.0.0.1:8080/x (a loopback or private address" in shown
    assert "refused: https://shop.example.com/item/1" not in shown


def test_the_worked_example_of_docs_crawling_reads_a_json_only_search_page() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "crawling.md").read_text(encoding="utf-8")
    section = doc.split("Worked example: a JSON-only search page", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    profile = parse_profile(BASE.replace('"/s?q={query}"', '"/search?q={query}"') + example, source="doc")
    reader = PageReader(profile)
    results = reader.results(Page(page("https://shop.example.com/search?q=x", JSON_ONLY_SEARCH)))
    assert [r.url for r in results] == [
        "https://shop.example.com/item.htm?id=528991075854",
        "https://shop.example.com/item.htm?id=536370000001",
        "https://shop.example.com/item.htm?id=536370000002",
    ]
    assert results[2].fields.raw["sold"] == "10万+人付款"
    assert results[2].fields.raw["seller"]["name"] == "运动城"


def test_platforms_try_fetches_an_address(cli, tmp_path: Any) -> None:  # type: ignore[no-untyped-def]
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server interface
            body = TAOBAO_ITEM.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        profile = tmp_path / "shop.yaml"
        title = '[".tb-main-title", {json: item.title, script: "__INITIAL_STATE__\\\\s*="}]'
        profile.write_text(JSON_ONLY_PROFILE.replace('".tb-main-title"', title), encoding="utf-8")
        url = f"http://127.0.0.1:{server.server_address[1]}/item.htm?id=562283240178"
        result = cli("platforms", "try", str(profile), url)
    finally:
        server.shutdown()
    shown = " ".join(result.stdout.split())
    assert result.exit_code == 0, result.stderr
    assert "detail page" in shown and "id: 562283240178" in shown
    assert "title: 乳白亚克力外壳 60%键盘外壳" in shown
    assert "[json item.title in <script> after /__INITIAL_STATE__\\s*=/]" in shown
