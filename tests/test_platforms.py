"""Platform profiles: the built-in ones, `platforms add` (validated, all or nothing), `platforms list`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.profiles import BUILTIN, MARKETPLACES, ProfileError, builtin_profile, env_var, parse_profile

VALID = """\
# 一个真实平台的示例配置
name: shop-example
title: 示例商城
base_url: https://shop.example.cn
render: http
start_urls: ["/"]
search_url: "/s?keyword={query}"
schedule: "0 3 * * *"
politeness: {concurrency: 2, delay: 1.5, retries: 5}
navigation: {follow: ["a.cat::attr(href)"]}
list: {items: "xpath://div[@class='goods']/a/@href", next_page: "a.next::attr(href)"}
detail:
  id: "xpath://input[@name='goods_id']/@value"
  fields:
    title: "h1.goods-name"
    price: ".price"
    seller: {name: ".shop-name", licence: ".licence"}
"""


def test_the_built_in_profiles_are_valid() -> None:
    for name in BUILTIN:
        profile = builtin_profile(name)
        assert profile is not None and profile.name == name
    assert builtin_profile("demo-static").render == "http"
    assert builtin_profile("demo-spa").render == "browser"


def test_a_valid_profile_is_read_with_its_defaults() -> None:
    profile = parse_profile(VALID, source="shop.yaml")
    assert profile.name == "shop-example" and profile.title == "示例商城"
    assert profile.politeness["concurrency"] == 2 and profile.politeness["autothrottle"] is True
    assert profile.section("detail")["fields"]["seller"]["licence"] == ".licence"


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("render: http", "render: javascript"), 5, "render must be 'http' or 'browser'"),
        (("  fields:", "  feilds:"), 14, "unknown key 'feilds' in detail (did you mean 'fields'?)"),
        (('    title: "h1.goods-name"\n', ""), 15, "missing detail.fields.title"),
        (('price: ".price"', 'price: ".price["'), 16, "not a valid CSS selector"),
        (("/s?keyword={query}", "/s?keyword="), 7, "search_url must contain {query}"),
        (("delay: 1.5", "delay: 慢"), 9, "politeness.delay must be a number"),
        (("render: http", "render: http\nlist_more: x"), 6, "unknown key 'list_more'"),
        (("0 3 * * *", "每天三点"), 8, "schedule must be a crontab line"),
    ],
)
def test_a_bad_profile_is_refused_with_file_and_line(
    change: tuple[str, str], line: int, message: str
) -> None:
    text = VALID.replace(*change)
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, source="shop.yaml")
    assert any(p.line == line and message in p.message for p in caught.value.problems), caught.value.problems
    assert f"shop.yaml:{line}:" in str(caught.value)


def test_browser_only_keys_need_render_browser() -> None:
    text = VALID.replace("list: {items:", 'list: {load_more: "#more", items:')
    with pytest.raises(ProfileError, match="list.load_more is for browser-rendered pages"):
        parse_profile(text, source="shop.yaml")


def test_a_broken_yaml_file_names_its_line() -> None:
    with pytest.raises(ProfileError, match=r"x.yaml:2: broken YAML"):
        parse_profile("name: a\nlist: : :\n", source="x.yaml")


def test_base_url_can_be_overridden_per_platform_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert env_var("demo-static") == "MARKWATCH_DEMO_STATIC_URL"
    monkeypatch.setenv("MARKWATCH_DEMO_SPA_URL", "http://127.0.0.1:9999")
    profile = builtin_profile("demo-spa")
    assert profile.with_base_url(profile.env_base_url()).base_url == "http://127.0.0.1:9999"


def test_platforms_add_then_list(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "shop.yaml"
    path.write_text(VALID, encoding="utf-8")
    added = cli("platforms", "add", str(path))
    assert added.exit_code == 0, added.stderr
    assert "added platform shop-example" in added.stdout
    again = cli("platforms", "add", str(path))
    assert "updated platform shop-example" in again.stdout
    listed = json.loads(cli("platforms", "list", "--json").stdout)
    names = [p["name"] for p in listed]
    assert names == sorted(["demo-spa", "demo-static", "shop-example", *MARKETPLACES])
    enabled = {p["name"] for p in listed if p["enabled"]}
    assert enabled == {"demo-spa", "demo-static", "shop-example"}  # marketplaces: disabled until enabled
    assert next(p for p in listed if p["name"] == "shop-example")["base_url"] == "https://shop.example.cn"


def test_a_refused_profile_writes_nothing(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text(VALID.replace("render: http", "render: 浏览器"), encoding="utf-8")
    result = cli("platforms", "add", str(path))
    assert result.exit_code == 2
    assert f"{path}:5: render must be 'http' or 'browser'" in result.stderr
    listed = json.loads(cli("platforms", "list", "--json").stdout)
    assert "shop-example" not in [p["name"] for p in listed]


def test_a_built_in_profile_follows_its_file_unless_replaced(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import resolve_profile

    assert (
        resolve_profile(db, "demo-static").data == builtin_profile("demo-static").data
    )  # stored on first use
    assert resolve_profile(db, "demo-static").data == builtin_profile("demo-static").data  # and re-read
    mine = tmp_path / "demo-static.yaml"
    text = (Path(__file__).parents[1] / "crawler" / "profiles" / "demo-static.yaml").read_text(
        encoding="utf-8"
    )
    mine.write_text(text.replace("concurrency: 16", "concurrency: 3"), encoding="utf-8")
    assert cli("platforms", "add", str(mine)).exit_code == 0
    assert resolve_profile(db, "demo-static").politeness["concurrency"] == 3


def test_a_marketplace_profile_stored_by_its_first_crawl_stays_disabled(db) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import resolve_profile
    from markwatch import _platforms_to_crawl
    from storage.crawl import get_platform

    for name in ("taobao", "demo-static"):
        assert resolve_profile(db, name).name == name
    with db.session() as session:
        assert get_platform(session=session, name="taobao").enabled is False
        assert get_platform(session=session, name="demo-static").enabled is True
    assert "taobao" not in _platforms_to_crawl(db)  # `markwatch run` never crawls a marketplace by itself
