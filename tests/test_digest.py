"""The daily digest as its readers meet it: the web page shows what the file shows (top leads, crawl
health, the 30-day chart) plus links to the files; one colour per violation kind in the page, the file,
the spreadsheet; one vocabulary (监测日报, 承办处室) from the catalogue; a brand owner sees its own."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from factories import ScoreStub, login, make_brand, make_lead, make_user
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from review.charts import colour_of
from settings import get_settings
from storage import Database
from storage.crawl import start_crawl_run, update_crawl_run
from storage.listings import get_or_create_platform

NOW = datetime.now(UTC)


@pytest.fixture
def world(db: Database) -> Database:
    with db.session() as s:
        make_brand(s, "康师傅")
        make_brand(s, "李宁", aliases=("LI-NING",))
        make_user(s, "审核员", role="reviewer")
        make_user(s, "康师傅权利人", role="brand_owner", brands=("康师傅",))
        make_lead(s, title="康帅傅 红烧牛肉面 高仿", now=NOW - timedelta(hours=2))
        make_lead(
            s,
            title="李宁 运动鞋 一比一 莆田",
            now=NOW - timedelta(hours=3),
            score=ScoreStub(risk=0.95, brand="李宁", violation="counterfeit_mark", department="商标处"),
        )
        make_lead(s, title="康帅傅 老坛酸菜面", now=NOW - timedelta(days=4))  # in the trend, not new
        platform = get_or_create_platform(session=s, name="demo-static")
        run = start_crawl_run(session=s, platform=platform, queries=[], job_dir=None, distributed=None)
        update_crawl_run(session=s, run_id=run.id, pages=37, items=300, blocks=2, errors=1, status="finished")
    return db


def _client(name: str) -> TestClient:
    from review.app import create_app

    return login(TestClient(create_app()), name)


def _fills(page: str) -> dict[str, str]:
    """The chart's colour of each violation kind, by the kind's name in the bar's tooltip."""
    return {
        name: fill
        for fill, name in re.findall(r'fill="(#[0-9a-f]{6})"><title>[^<]* ([^<:]+): \d+</title>', page)
    }


def test_the_web_digest_shows_the_files_sections_and_links_to_the_files(world: Database) -> None:
    from scheduler import digest

    written = digest(world, get_settings())
    file_page = open(written["html"], encoding="utf-8").read()
    web = _client("审核员").get("/digest").text
    for page in (web, file_page):
        text = html.unescape(page)
        assert (
            "高风险新线索" in text and "李宁 运动鞋 一比一 莆田" in text and "康帅傅 红烧牛肉面 高仿" in text
        )
        assert "采集情况" in text and ">37<" in text and "完成" in text  # crawl health of demo-static
        assert "近 30 天每日新增线索" in text and "<svg" in text
        assert "承办处室" in text and "承办部门" not in text and "每日汇总" not in text
        assert "新线索共 2 条" in text
    day = datetime.fromisoformat(written["html"].rsplit("/", 1)[1][:10]).date()
    assert f'href="/digest/files/{day}.html"' in web and f'href="/digest/files/{day}.xlsx"' in web
    assert re.findall(r'id="digest-(\w+)"', file_page) == re.findall(r'id="digest-(\w+)"', web)[:-1]


def test_a_digest_file_can_be_opened_from_the_page_and_nothing_else_can(world: Database) -> None:
    from scheduler import digest

    written = digest(world, get_settings())
    client = _client("审核员")
    name = written["xlsx"].rsplit("/", 1)[1]
    book = load_workbook(io.BytesIO(client.get(f"/digest/files/{name}").content))
    assert book.sheetnames[0] == "新线索"
    page = client.get(f"/digest/files/{name[:-5]}.html")
    assert page.status_code == 200 and "监测日报" in page.text
    for bad in ("..%2Fmarkwatch.db", "2026-12-06.exe", "markwatch.db"):
        assert client.get(f"/digest/files/{bad}").status_code == 404
    assert _client("康师傅权利人").get(f"/digest/files/{name}").status_code == 403


def test_each_violation_kind_has_one_colour_in_the_page_the_file_and_the_spreadsheet(world: Database) -> None:
    from scheduler import digest

    written = digest(world, get_settings())
    web = _fills(_client("审核员").get("/digest").text)
    owners = _fills(_client("康师傅权利人").get("/digest").text)  # lookalike alone: same colour still
    file_chart = _fills(open(written["html"], encoding="utf-8").read())
    expected = {"近似商标/傍名牌": colour_of("lookalike_mark"), "假冒注册商标": colour_of("counterfeit_mark")}
    assert web == file_chart == expected
    assert owners == {"近似商标/傍名牌": colour_of("lookalike_mark")}
    sheet = load_workbook(written["xlsx"])["30天趋势"]
    heads = {c.value: c.fill.fgColor.rgb[-6:].lower() for c in sheet[1][1:]}
    assert {k: "#" + v for k, v in heads.items()} == expected
    chart = sheet._charts[0]
    fills = [s.graphicalProperties.solidFill.srgbClr for s in chart.series]
    assert sorted("#" + str(getattr(f, "val", f)).lower() for f in fills) == sorted(expected.values())


def test_a_brand_owner_sees_its_own_brands_leads_and_no_crawl_health(world: Database) -> None:
    page = html.unescape(_client("康师傅权利人").get("/digest").text)
    assert "康帅傅 红烧牛肉面 高仿" in page and "李宁 运动鞋" not in page
    assert "采集情况" not in page and "/digest/files/" not in page and "新线索共 1 条" in page


def test_the_digest_speaks_english_from_the_same_catalogue(world: Database) -> None:
    client = _client("审核员")
    client.cookies.set("mw_lang", "en")
    page = html.unescape(client.get("/digest").text)
    assert "Riskiest new leads" in page and "Crawl health" in page and "Daily digest" in page
    assert "lookalike mark" in page and "新线索共" not in page
