"""The admin status page in words: schedules (每天 02:00, 每 30 分钟), job names and outcomes (成功, 失败),
and every time in Asia/Shanghai to the minute, never APScheduler's cron[hour='2'] or a UTC ISO time."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from factories import login, make_user
from fastapi.testclient import TestClient

import scheduler
from settings import get_settings
from storage import Database
from storage.listings import get_or_create_platform
from storage.models import JobRun

STARTED = datetime(2026, 12, 5, 18, 0, 7, 123456, tzinfo=UTC)  # 02:00:07.123456 in Shanghai on the 6th


@pytest.fixture
def client(db: Database) -> TestClient:
    from review.app import create_app

    with db.session() as s:
        make_user(s, "管理员", role="admin")
        get_or_create_platform(session=s, name="demo-static")
        s.add(JobRun(job_id="crawl:demo-static", started_at=STARTED, finished_at=STARTED, outcome="ok"))
        s.add(
            JobRun(
                job_id="score",
                started_at=STARTED,
                outcome="failed",
                error="RuntimeError: 磁盘已满\nTraceback",
            )
        )
    scheduler.persist_schedule(db, get_settings())
    return login(TestClient(create_app()), "管理员")


def _row(page: str, job_id: str) -> str:
    match = re.search(rf'<tr id="job-{re.escape(job_id)}">(.*?)</tr>', page, re.S)
    assert match, job_id
    return re.sub(r"<[^>]+>", "|", match.group(1))


def test_schedules_outcomes_and_times_are_in_words_and_in_beijing_time(client: TestClient) -> None:
    page = html.unescape(client.get("/admin/status").text)
    crawl = _row(page, "crawl:demo-static")
    assert "采集 demo-static" in crawl and "每天 02:00" in crawl and "2026-12-06 02:00" in crawl
    assert "成功" in crawl
    assert "每 30 分钟" in _row(page, "score") and "失败" in _row(page, "score")
    assert "每天 08:00" in _row(page, "digest") and "每天 04:30" in _row(page, "retention")
    assert "job-" in page and all(
        job_id not in re.sub(r"<[^>]*>", "", page) for job_id in ("retention", "digest", "capture", "score")
    )
    assert "cron[" not in page and "interval[" not in page and ">ok<" not in page
    assert "123456" not in page and "+00:00" not in page and not re.search(r"\d{4}-\d\d-\d\dT\d", page)
    assert "磁盘已满" in page and "Traceback" not in page  # the error's first line, not the traceback


def test_the_status_page_in_english_says_the_same(client: TestClient) -> None:
    client.cookies.set("mw_lang", "en")
    page = html.unescape(client.get("/admin/status").text)
    assert "daily at 02:00" in _row(page, "crawl:demo-static") and "succeeded" in page
    assert "every 30 minutes" in _row(page, "score") and "write the daily digest" in page


def test_no_label_shows_literal_backticks(client: TestClient, db: Database) -> None:
    page = client.get("/admin/status").text
    assert "`" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)
