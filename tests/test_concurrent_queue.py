"""Several `markwatch score --queue` runs at once, on the same new platform and the same listings, on
SQLite and PostgreSQL: every run finishes (exit 0) and nothing is stored twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from storage.models import Lead, Listing, Platform, Seller

REGISTRY = "brands:\n  - name: 康师傅\n    categories: [方便面]\n    price_floor: 3.0\n"
RUNS = 3


def _listings(path: Path, n: int = 60) -> Path:
    lines = [
        {
            "id": f"新平台:{i}",
            "platform": "新平台",
            "title": f"康帅傅 红烧牛肉面 第{i}款" if i % 2 else f"家常挂面 {i}号",
            "price": 9.9,
            "category": "方便面",
            "seller": {"id": f"店{i % 7}", "name": f"好味食品店{i % 7}"},
            "sold": 100,
        }
        for i in range(n)
    ]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def test_concurrent_score_queue_runs_creating_one_new_platform_all_succeed(database, tmp_path) -> None:
    registry = tmp_path / "brands.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    listings = _listings(tmp_path / "listings.jsonl")
    command = [
        sys.executable,
        "-m",
        "markwatch",
        "score",
        str(listings),
        "--brands",
        str(registry),
        "--queue",
    ]
    runs = [
        subprocess.Popen(
            command,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(RUNS)
    ]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0] * RUNS, errors
    with database.session() as session:
        assert session.scalars(select(Platform.name)).all() == ["新平台"]
        assert session.scalar(select(func.count(Listing.id))) == 60
        assert session.scalar(select(func.count(Seller.id))) == 7
        assert session.scalar(select(func.count(Lead.id))) == 30  # one lead per flagged listing
