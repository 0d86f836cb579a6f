"""The digest and the status page in Chromium, as a reviewer and an admin see them: Chinese throughout,
the chart drawn with its legend, every violation kind in its colour, nothing the page's CSP refuses.
Screenshots at 1366×768 (docs/screenshots/digest.png and status.png with MARKWATCH_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from factories import ScoreStub, make_lead, make_user
from test_review_browser import SCREENSHOTS, log_in, page, seeded, server  # noqa: F401 - the fixtures

import scheduler
from review.charts import colour_of
from settings import get_settings
from storage import Database
from storage.crawl import start_crawl_run, update_crawl_run
from storage.listings import get_or_create_platform

pytestmark = pytest.mark.browser


@pytest.fixture
def more(db: Database, seeded) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    now = datetime.now(UTC)
    with db.session() as s:
        make_user(s, "管理员", role="admin")
        make_lead(
            s,
            title="毒鼠强 灭鼠药 强效",
            now=now - timedelta(days=3),
            score=ScoreStub(risk=0.97, brand=None, violation="banned_agri_input", department="市场处"),
        )
        platform = get_or_create_platform(session=s, name="demo-static")
        run = start_crawl_run(session=s, platform=platform, queries=[], job_dir=None, distributed=None)
        update_crawl_run(session=s, run_id=run.id, pages=37, items=300, blocks=2, errors=1, status="finished")
    scheduler.persist_schedule(db, get_settings())
    scheduler.run_recorded("digest", lambda: scheduler.digest(db, get_settings()), db)


def test_the_digest_page_in_chinese_with_one_colour_per_kind(page, more) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page)
    page.goto(page.base + "/digest")
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    for words in ("监测日报", "新线索分布", "高风险新线索", "采集情况", "近 30 天每日新增线索", "日报文件"):
        assert words in text
    assert page.locator("#digest-trend svg.chart rect[fill]").count() > 0
    legend = page.locator(f"#digest-trend svg.chart rect[fill='{colour_of('banned_agri_input')}']")
    assert legend.count() >= 2  # its bar and its legend square
    assert page.locator("#digest-top svg.swatch").count() > 0 and not refused
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "digest.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#digest-files a", has_text="表格").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_status_page_says_schedules_and_outcomes_in_words(page, more) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    log_in(page, "管理员")
    page.goto(page.base + "/admin/status")
    text = page.inner_text("body")
    assert "每天 02:00" in text and "每 30 分钟" in text and "生成监测日报" in text and "成功" in text
    assert "cron[" not in text and "interval[" not in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "status.png"), full_page=True)
