"""Distributed crawls: two crawler processes share one Redis frontier and duplicate filter."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.run import CrawlOptions, child_command
from storage import open_database
from storage.models import CrawlRun, Listing, Snapshot

REDIS_URL = os.environ.get("MARKWATCH_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> str:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        pytest.skip(f"no Redis at {REDIS_URL} ({type(exc).__name__}: {exc})")
    for key in client.scan_iter("markwatch:demo-static:*"):
        client.delete(key)
    return REDIS_URL


@pytest.mark.redis
def test_two_processes_together_crawl_the_catalogue_exactly_once(
    cli, db, demo, home, redis_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # a polite profile (2 pages at a time) on a slow site: long enough for both processes to take part
    profile = tmp_path / "demo-static.yaml"
    text = (Path(__file__).parents[1] / "crawler" / "profiles" / "demo-static.yaml").read_text(
        encoding="utf-8"
    )
    profile.write_text(text.replace("concurrency: 16", "concurrency: 2"), encoding="utf-8")
    assert cli("platforms", "add", str(profile)).exit_code == 0
    demo.set_faults(0.5, ["slow"])
    children = []
    for k in range(2):
        summary = tmp_path / f"summary-{k}.json"
        options = CrawlOptions(
            "demo-static", distributed=redis_url, base_url_override=demo.static_url, progress=False
        )
        command = child_command(options, summary_file=summary)
        children.append((subprocess.Popen(command, env=os.environ.copy()), summary))
    results = []
    for child, summary in children:
        assert child.wait(timeout=120) == 0
        results.append(json.loads(summary.read_text(encoding="utf-8")))

    truth = {r["id"].split(":", 1)[1] for r in demo.records("demo-static")}
    db_ = open_database(check=False)
    with db_.session() as session:
        stored = set(session.scalars(select(Listing.external_id)))
        snapshots = session.scalar(select(func.count()).select_from(Snapshot))
        runs = list(session.scalars(select(CrawlRun)))
    assert stored == truth, f"missing {sorted(truth - stored)}, extra {sorted(stored - truth)}: {results}"
    assert sum(r["items"] for r in results) == len(truth), results  # no listing fetched by both
    assert snapshots == len(truth), results
    assert all(r["items"] > 0 for r in results), f"one process did all the work: {results}"
    assert len(runs) == 2 and all(run.distributed == redis_url for run in runs)
