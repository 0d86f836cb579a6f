"""Confinement and honest summaries: a crawl never leaves its platform, and says what it refused,
what was gone, what was blocked and which list pages gave nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.confine import Confinement, check_base_url, is_private_host
from crawler.profiles import ProfileError, parse_profile
from storage.errors import MarkwatchError
from tests.sites import HTML, Site, html

# --- the rules ---------------------------------------------------------------------------------------


def _rules(**data: object) -> Confinement:
    return Confinement.of_profile({"base_url": "https://shop.example.cn", **data})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://shop.example.cn/item/1", None),
        ("http://shop.example.cn/item/1", None),  # the scheme's default port either way
        ("https://shop.example.cn:8443/item/1", "offsite"),  # another port is another site
        ("https://click.simba.example.cn/ad?x=1", "offsite"),  # a subdomain is not the platform
        ("https://evil.example.com/", "offsite"),
        ("file:///etc/passwd", "scheme"),
        ("data:text/html,<h1>x</h1>", "scheme"),
        ("ftp://shop.example.cn/x", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("JavaScript:alert(1)", "scheme"),
        ("http://127.0.0.1:8801/item/1", "private_address"),
        ("http://127.1/", "private_address"),
        ("http://2130706433/", "private_address"),
        ("http://[::1]/", "private_address"),
        ("http://169.254.169.254/latest/meta-data", "private_address"),  # cloud metadata
        ("http://10.0.0.8/", "private_address"),
        ("http://localhost/", "private_address"),
    ],
)
def test_a_public_platform_is_confined_to_its_own_hosts(url: str, reason: str | None) -> None:
    assert _rules().verdict(url) == reason


def test_declared_hosts_and_absolute_start_urls_belong_to_the_platform() -> None:
    rules = _rules(
        start_urls=["https://list.example.cn/all"],
        search_url="https://s.example.cn/search?q={query}",
        hosts=["item.example.cn", "*.tmall-like.cn"],
        image_hosts=["img.cdn.example.net"],
    )
    for url in (
        "https://list.example.cn/p2",
        "https://s.example.cn/search?q=x",
        "https://item.example.cn/1",
        "https://detail.tmall-like.cn/1",
    ):
        assert rules.verdict(url) is None, url
    assert rules.verdict("https://img.cdn.example.net/a.jpg") == "offsite"  # not a page host
    assert rules.verdict("https://img.cdn.example.net/a.jpg", image=True) is None
    assert rules.verdict("https://shop.example.cn/a.jpg", image=True) is None


def test_a_crawl_pointed_at_a_copy_stays_on_the_copy() -> None:
    from crawler.profiles import Profile

    profile = Profile(
        {"name": "x", "base_url": "https://shop.example.cn", "hosts": ["item.example.cn"], "render": "http"}
    ).with_base_url("http://127.0.0.1:18609")
    rules = Confinement.of_profile(profile.data)
    assert rules.verdict("http://127.0.0.1:18609/item/1") is None  # loopback: the base is one
    assert rules.verdict("http://127.0.0.1:18610/item/1") == "offsite"  # another local port
    assert rules.verdict("https://item.example.cn/1") == "offsite"  # the real site, from a copy
    assert rules.verdict("https://shop.example.cn/") == "offsite"


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("127.0.0.1:18609", "no scheme"),
        ("shop.example.cn", "no scheme"),
        ("file:///tmp/x", "file: addresses are never crawled"),
        ("ftp://shop.example.cn", "ftp: addresses are never crawled"),
        ("http://", "no host"),
        ("http://127.0.0.1:99999", "port"),
    ],
)
def test_a_base_url_must_be_an_absolute_http_address(given: str, problem: str) -> None:
    with pytest.raises(MarkwatchError) as refused:
        check_base_url(given)
    assert problem in str(refused.value) and given in str(refused.value)
    assert refused.value.exit_code == 2


def test_private_addresses_are_recognised_in_every_spelling() -> None:
    assert all(
        is_private_host(h) for h in ("127.0.0.1", "0x7f.1", "::ffff:127.0.0.1", "192.168.1.1", "0.0.0.0")
    )
    assert not any(is_private_host(h) for h in ("8.8.8.8", "shop.example.cn", "item.taobao.com"))


PROFILE = """\
name: hostile
base_url: {base}
render: http
robots_txt: false
start_urls: ["/"]
politeness: {{concurrency: 4, delay: 0, retries: 1, max_delay: 0.2, timeout: 5}}
list:
  items: "a.item::attr(href)"
  next_page: "a.next::attr(href)"
detail:
  id: "h1::attr(data-id)"
  fields:
    title: "h1"
page:
  block_url: ["/verify-you-are-human"]
"""


def test_profile_hosts_and_block_patterns_are_validated_with_their_line() -> None:
    bad = PROFILE.format(base="https://shop.example.cn") + 'hosts: ["https://item.example.cn/x"]\n'
    bad = bad.replace('["/verify-you-are-human"]', '["(unclosed"]')
    with pytest.raises(ProfileError) as refused:
        parse_profile(bad, source="hostile.yaml")
    text = str(refused.value)
    assert "hostile.yaml:16" in text and "not a host name" in text
    assert "hostile.yaml:15" in text and "regular expression" in text


# --- a hostile list page, crawled ---------------------------------------------------------------------


def _detail(n: int, extra: str = "") -> tuple[int, dict[str, str], bytes]:
    return html(f"{extra}<h1 data-id='{n}'>商品 {n} 康师傅</h1>")


def _hostile_site(other: Site) -> Site:
    links = [
        "/item/1",
        "http://evil.invalid/item/2",  # another host
        "file:///etc/passwd",
        "data:text/html,<h1 data-id='x'>x</h1>",
        "javascript:alert(1)",
        f"{other.url}/item/3",  # another local port
        "/item/4",  # a meta refresh to javascript:
        "/item/5",  # redirects to another host
        "/item/6",  # 404
        "/item/7",  # redirects to javascript:
        "/item/8",  # redirects to a login page: a block
        "/item/9",  # a meta refresh to the other local port
    ]
    page = (
        "".join(f"<a class='item' href=\"{u}\">x</a>" for u in links) + "<a class='next' href='/empty'>»</a>"
    )
    return Site(
        {
            "/": html(page),
            "/empty": html("<p>没有找到相关商品</p>"),
            "/item/1": _detail(1),
            "/item/4": _detail(4, "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>"),
            "/item/5": (302, {"Location": "http://evil.invalid/item/5"}, b""),
            "/item/7": (302, {"Location": "javascript:alert(7)"}, b""),
            "/item/8": (302, {"Location": "/verify-you-are-human?from=item8"}, b""),
            "/item/9": _detail(9, f"<meta http-equiv='refresh' content='0;url={other.url}/item/9'>"),
        }
    )


def test_a_hostile_list_page_cannot_lead_the_crawl_off_its_platform(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from crawler.run import CrawlOptions, crawl
    from storage import open_database
    from storage.models import CrawlRun, Listing

    with Site({"/item/3": _detail(3), "/item/9": _detail(9)}) as other, _hostile_site(other) as site:
        profile = tmp_path / "hostile.yaml"
        profile.write_text(PROFILE.format(base=site.url), encoding="utf-8")
        assert cli("platforms", "add", profile).exit_code == 0
        summary = crawl(CrawlOptions("hostile", progress=False))
        assert other.requests == []  # nothing reached the other local port
    with open_database(check=False).session() as session:
        stored = sorted(session.scalars(select(Listing.external_id)))
        run = session.scalars(select(CrawlRun)).one()
    assert stored == ["1", "4", "9"]  # the pages themselves, nothing from elsewhere
    expected = {
        "offsite": 2,
        "scheme": 3,
        "redirect:offsite": 1,
        "redirect:scheme": 1,
        "meta_refresh:scheme": 1,
        "meta_refresh:offsite": 1,
    }
    assert summary.refused == expected and run.refused == expected
    assert summary.drops == {"not_found": 1} == run.drops  # the 404
    assert summary.blocks >= 1 and run.blocks == summary.blocks  # the login redirect
    assert any("/item/8" in w and "gave up" in w for w in summary.warnings)
    assert any(w == f"list page without item links: {site.url}/empty" for w in summary.warnings)
    assert run.warnings == summary.warnings
    line = summary.line()
    assert "9 refused" in line and "offsite 2" in line and "warning" in line


def test_a_base_url_without_a_scheme_is_refused_naming_the_cause(cli, db) -> None:  # type: ignore[no-untyped-def]
    result = cli("crawl", "demo-static", "--base-url", "127.0.0.1:18609")
    assert result.exit_code == 2
    assert "no scheme" in result.stderr and "127.0.0.1:18609" in result.stderr


def test_a_list_page_answering_an_error_is_a_warning(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import CrawlOptions, crawl

    with Site({"/": (403, HTML, b"<h1>forbidden</h1>")}) as site:
        profile = tmp_path / "hostile.yaml"
        profile.write_text(PROFILE.format(base=site.url), encoding="utf-8")
        assert cli("platforms", "add", profile).exit_code == 0
        summary = crawl(CrawlOptions("hostile", progress=False))
    assert summary.warnings == [f"list page {site.url}/ answered HTTP 403"]


# --- block pages of the big platforms -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (
            "https://www.amazon.com/dp/B07Y4Z6LBD",
            "<title>Amazon.com</title><h4>Enter the characters you see below</h4>"
            "<form method='get' action='/errors/validateCaptcha'><input id='captchacharacters'></form>",
        ),
        ("https://www.amazon.co.uk/dp/B01", "<title>Robot Check</title><p>…</p>"),
        ("https://item.taobao.com/item.htm/_____tmd_____/punish?x5secdata=abc", "<div id='app'></div>"),
        ("https://login.taobao.com/member/login.jhtml?redirectURL=x", "<h1>密码登录</h1>"),
        ("https://detail.tmall.com/item.htm?id=1", "<div id='nc_1_n1z' class='nc_iconfont btn_slide'></div>"),
        ("https://cfe.m.jd.com/privatedomain/risk_handler/03101900/?returnurl=x", "<p>验证</p>"),
        ("https://search.jd.com/Search?keyword=x", "<div class='tip'>验证一下，购物无忧</div>"),
    ],
)
def test_block_pages_of_the_big_platforms_are_recognised(url: str, body: str) -> None:
    from scrapy.http import HtmlResponse

    from crawler.blocks import block_sign

    assert block_sign(HtmlResponse(url, body=f"<html>{body}</html>".encode(), encoding="utf-8"))


def test_a_listing_page_that_mentions_a_punish_url_in_a_script_is_no_block() -> None:
    from scrapy.http import HtmlResponse

    from crawler.blocks import block_sign

    page = (
        "<html><title>商品</title><h1>优衣库 T恤</h1><script>var u = 'https://detailskip.taobao.com/"
        "_____tmd_____/punish?x5secdata=1';</script></html>"
    )
    assert (
        block_sign(
            HtmlResponse("https://item.taobao.com/item.htm?id=1", body=page.encode(), encoding="utf-8")
        )
        is None
    )
