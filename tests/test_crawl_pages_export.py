"""Crawling given pages (`crawl --url`), exporting what was stored (`listings export` → `score`), and
which platforms are crawled (`platforms enable|disable`)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from storage import open_database
from storage.models import Listing


def _stored_ids() -> set[str]:
    with open_database(check=False).session() as session:
        return set(session.scalars(select(Listing.external_id)))


def test_crawl_url_crawls_exactly_the_given_pages(cli, db, demo) -> None:  # type: ignore[no-untyped-def]
    records = list(demo.records("demo-static"))
    detail = records[3]["url"].replace(demo.static_url, "")  # a path on the base URL
    result = cli(
        "crawl", "demo-static", "--base-url", demo.static_url, "--url", detail, "--url", records[7]["url"]
    )
    assert result.exit_code == 0, result.stderr
    assert _stored_ids() == {records[3]["id"].split(":")[1], records[7]["id"].split(":")[1]}
    assert "2 listing(s) stored" in result.stdout


def test_crawl_url_of_a_list_page_crawls_its_listings_not_its_next_pages(cli, db, demo) -> None:  # type: ignore[no-untyped-def]
    import re
    import urllib.request

    home = urllib.request.urlopen(demo.static_url + "/").read().decode()  # noqa: S310 - the local demo
    category = re.search(
        r'class="category-link"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*class="category-link"', home
    )
    assert category, "the demo home page links to its categories"
    path = category.group(1) or category.group(2)
    page = urllib.request.urlopen(demo.static_url + path).read().decode()  # noqa: S310
    on_page = set(re.findall(r'href="/item/(\d+)"', page))
    result = cli("crawl", "demo-static", "--base-url", demo.static_url, "--url", path)
    assert result.exit_code == 0, result.stderr
    assert _stored_ids() == on_page and on_page


def test_crawl_url_refuses_what_is_not_an_address(cli, db) -> None:  # type: ignore[no-untyped-def]
    result = cli("crawl", "demo-static", "--url", "javascript:alert(1)")
    assert result.exit_code == 2 and "--url" in result.stderr
    result = cli("crawl", "demo-static", "--url", "/item/1", "--query", "康师傅")
    assert result.exit_code == 2 and "--query" in result.stderr


def test_an_export_is_what_score_reads(cli, db, demo, dev_brands, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import CrawlOptions, crawl

    crawl(CrawlOptions("demo-static", base_url_override=demo.static_url, progress=False, score=False))
    out = tmp_path / "导出.jsonl"
    result = cli("listings", "export", "--platform", "demo-static", "--out", out)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    truth = {r["id"]: r for r in demo.records("demo-static")}
    assert {r["id"] for r in records} == set(truth)
    for record in records:
        assert record["seller"]["id"] == truth[record["id"]]["seller"]["id"]
        assert record["images"] == truth[record["id"]]["images"]
        assert len(record["image_hashes"]) == len(record["images"])  # the stored images' hashes
    scored = cli("score", out, "--brands", dev_brands)
    assert scored.exit_code == 0, scored.stderr
    lines = [json.loads(line) for line in scored.stdout.splitlines()]
    assert [s["id"] for s in lines] == [r["id"] for r in records] and not any("error" in s for s in lines)
    assert any(s["flagged"] for s in lines)
    # nothing seen after now; an unknown platform or a bad time is refused
    assert cli("listings", "export", "--since", "2999-01-01").stdout == ""
    assert len(cli("listings", "export", "--since", "1d").stdout.splitlines()) == len(records)
    assert cli("listings", "export", "--platform", "淘宝-不存在").exit_code == 2
    bad = cli("listings", "export", "--since", "昨天")
    assert bad.exit_code == 2 and "--since" in bad.stderr


def test_a_disabled_platform_is_not_crawled_until_enabled_again(cli, db, demo) -> None:  # type: ignore[no-untyped-def]
    from crawler.platforms import enabled_platforms

    assert enabled_platforms(db)[:2] == ["demo-static", "demo-spa"]
    assert cli("platforms", "disable", "demo-static").exit_code == 0
    listed = {p["name"]: p for p in json.loads(cli("platforms", "list", "--json").stdout)}
    assert listed["demo-static"]["enabled"] is False and listed["demo-spa"]["enabled"] is True
    assert "demo-static" not in enabled_platforms(db)
    refused = cli("crawl", "demo-static", "--base-url", demo.static_url)
    assert refused.exit_code == 2
    assert "disabled" in refused.stderr and "platforms enable demo-static" in refused.stderr
    assert _stored_ids() == set()
    assert cli("platforms", "enable", "demo-static").exit_code == 0
    assert "demo-static" in enabled_platforms(db)
    assert cli("crawl", "demo-static", "--base-url", demo.static_url, "--max-pages", "3").exit_code == 0


def test_an_added_profile_can_be_disabled_and_an_unknown_one_is_refused(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crawler.platforms import enabled_platforms

    profile = tmp_path / "shop.yaml"
    profile.write_text(
        "name: my-shop\nbase_url: https://shop.example.cn\nrender: http\nstart_urls: ['/']\n"
        "list: {items: 'a::attr(href)'}\ndetail: {id: 'h1::attr(data-id)', fields: {title: h1}}\n",
        encoding="utf-8",
    )
    assert cli("platforms", "add", profile).exit_code == 0
    assert "my-shop" in enabled_platforms(db)
    assert cli("platforms", "disable", "my-shop").exit_code == 0
    assert "my-shop" not in enabled_platforms(db)
    unknown = cli("platforms", "enable", "不存在的平台")
    assert unknown.exit_code == 2 and "no platform profile named" in unknown.stderr
