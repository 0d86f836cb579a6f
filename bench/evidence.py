"""Evidence packet speed: build and verify a packet for a lead with 10 snapshots. Prints its figures;
not a test. Target: a packet of a lead with 10 snapshots in under 2 s.

    python bench/evidence.py [--snapshots N] [--runs N]

Uses a fresh SQLite database in a temporary MARKWATCH_HOME. Each snapshot is a ~150 KB Chinese HTML page
and a 1366×768 PNG screenshot; the lead has 30 price observations and a few review events. "cold" is the
first build in the process (it loads and subsets the CJK font); "warm" the later ones.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@dataclass
class _Reason:
    signal: str
    weight: float
    detail: str


@dataclass
class _Score:
    risk: float = 0.91
    flagged: bool = True
    brand: str | None = "康师傅"
    violation: str | None = "lookalike_mark"
    reasons: list[_Reason] = field(
        default_factory=lambda: [_Reason("lookalike_mark", 0.7, "康帅傅 ≈ 康师傅")]
    )
    model_version: str = "bench"
    department: str | None = "公平交易处"


def screenshot(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (1366, 768), "white")
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randrange(1366), rng.randrange(768)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle([x, y, x + rng.randrange(4, 120), y + rng.randrange(4, 40)], fill=colour)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def page(seed: int) -> bytes:
    rng = random.Random(seed)
    words = ["康帅傅", "红烧牛肉面", "正品", "特价", "包邮", "旗舰店", "限时", "5连包", "好评", "¥9.9"]
    body = "".join(f"<p>{''.join(rng.choices(words, k=12))}</p>\n" for _ in range(1800))
    return (
        f"<html><head><meta charset='utf-8'><title>康帅傅</title></head><body>{body}</body></html>".encode()
    )


def setup(snapshots: int):  # type: ignore[no-untyped-def]
    from storage import open_database
    from storage.listings import upsert_listing
    from storage.migrate import upgrade
    from storage.models import Brand, ReviewEvent, Snapshot
    from storage.queue import record_score

    db = open_database(check=False)
    upgrade(db.engine)
    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    with db.session() as session:
        session.add(Brand(name="康师傅"))
        record = {
            "id": "demo-static:1",
            "url": "http://127.0.0.1:8801/item/1",
            "title": "康帅傅 红烧牛肉面 5连包",
            "seller": {"id": "s-1", "name": "好味食品店", "licence": "914403001922038216"},
            "sold": 5000,
        }
        for day in range(30):
            listing, _ = upsert_listing(
                session=session, record={**record, "price": 9.9 + day % 7}, seen_at=t0 + timedelta(days=day)
            )
        for n in range(snapshots):
            session.add(
                Snapshot(
                    listing_id=listing.id,
                    fetched_at=t0 + timedelta(days=n),
                    url=record["url"],
                    http_status=200,
                    headers={"content-type": "text/html; charset=utf-8"},
                    html_sha256=db.blobs.put(page(n)),
                    screenshot_sha256=db.blobs.put(screenshot(n)),
                    tool_version="bench",
                )
            )
        lead = record_score(session=session, listing=listing, score=_Score(), now=t0 + timedelta(days=30))
        for n in range(5):
            session.add(
                ReviewEvent(
                    lead_id=lead.id, at=t0 + timedelta(days=31 + n), action="assign", note=f"分派 {n}"
                )
            )
        session.flush()
        return db, lead.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--snapshots", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["MARKWATCH_HOME"] = tempfile.mkdtemp(prefix="markwatch-bench-evidence-")
    os.environ.pop("MARKWATCH_DB", None)

    from review.evidence import build_packet, verify_packet

    db, lead_id = setup(args.snapshots)
    timings, verify_timings = [], []
    size = 0
    for _run in range(args.runs + 1):
        start = time.perf_counter()
        data = build_packet(db, lead_id, user_name="bench")
        timings.append(time.perf_counter() - start)
        size = len(data)
        start = time.perf_counter()
        report = verify_packet(data)
        verify_timings.append(time.perf_counter() - start)
        assert report.ok, report.lines()
    cold, warm = timings[0], timings[1:]
    print(f"evidence packet, lead with {args.snapshots} snapshots (HTML ~150 KB + 1366x768 PNG each)")
    print(f"  packet size          {size / 1e6:.2f} MB")
    print(f"  build, cold          {cold * 1000:.0f} ms  (first in process: font loading)")
    print(f"  build, warm median   {statistics.median(warm) * 1000:.0f} ms  (max {max(warm) * 1000:.0f} ms)")
    print(f"  verify, median       {statistics.median(verify_timings) * 1000:.0f} ms")
    verdict = "met" if max(timings) < 2.0 else "NOT met"
    print(f"  target: under 2 s    {verdict} (slowest build {max(timings) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
