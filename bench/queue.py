"""Queue and lead page latency of the review app, over loopback HTTP against a real uvicorn.

Builds (once, bulk inserts) a SQLite database with 1,000,000 listings and 200,000 leads flagged over
30 days, starts `uvicorn --factory review.app:create_app` on it, logs in as a reviewer and times:
the queue page (the default "since last visit" view and filtered views: brand, platform, status,
violation, risk range, date range, deep pages) and the lead page of random leads. Prints p50/p95/max.

    .venv/bin/python bench/queue.py [--home DIR] [--listings N] [--leads N] [--requests N]

Targets: queue page p95 < 300 ms (free-text searches included), lead page p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring import VIOLATIONS  # noqa: E402 - after the checkout is on the path

PLATFORMS = ["demo-static", "demo-spa", "taobao-feed", "pdd-feed", "jd-feed"]
BRANDS = [
    "康师傅",
    "李宁",
    "茅台",
    "华为",
    "小米",
    "老干妈",
    "云南白药",
    "五粮液",
    "安踏",
    "格力",
    "海尔",
    "美的",
    "娃哈哈",
    "伊利",
    "蒙牛",
    "农夫山泉",
    "青岛啤酒",
    "同仁堂",
    "片仔癀",
    "百雀羚",
]
DEPARTMENTS = ["商标处", "公平交易处", "广告处", "市场处", "消保处", "经检处"]
STATUSES = ["new"] * 6 + ["in_review", "confirmed", "dismissed", "escalated"]
WORDS = [
    "红烧牛肉面",
    "运动鞋",
    "飞天53度",
    "智能手机",
    "充电宝",
    "辣椒酱",
    "创可贴",
    "白酒",
    "跑步鞋",
    "空调",
    "冰箱",
    "电饭煲",
    "纯净水",
    "酸奶",
    "牛奶",
    "矿泉水",
    "啤酒",
    "安宫牛黄丸",
    "片仔癀",
    "面霜",
]
PASSWORD = "bench-密码-123"


def _at_0002(conn: Any, model: Any) -> Any:
    """The model's table as the database has it now (revision 0002): its columns that exist, with their
    defaults; later migrations add the others (an insert naming them would fail)."""
    import sqlalchemy as sa

    present = {c["name"] for c in sa.inspect(conn).get_columns(model.__tablename__)}
    columns = [c._copy() for c in model.__table__.columns if c.name in present]
    return sa.Table(model.__tablename__, sa.MetaData(), *columns)


def build(home: Path, n_listings: int, n_leads: int) -> None:
    """Fill a fresh database with bulk inserts (executemany in large transactions)."""
    from alembic import command

    from review.security import hash_password
    from storage import open_database
    from storage.migrate import _config
    from storage.models import (
        Brand,
        Lead,
        Listing,
        Mark,
        Platform,
        PriceObservation,
        ReviewEvent,
        Score,
        Seller,
        User,
    )

    os.environ["MARKWATCH_HOME"] = str(home)
    os.environ.pop("MARKWATCH_DB", None)
    db = open_database(check=False)
    # the tables of 0002; main's _migrate then fills the text indexes and lead columns of later
    # migrations in bulk, many times faster than their per-row triggers during the inserts
    command.upgrade(_config(db.engine), "0002")
    rnd = random.Random(20261129)
    now = datetime.now(UTC)
    started = time.perf_counter()
    n_sellers = max(1, n_listings // 20)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        conn.execute(
            _at_0002(conn, Platform).insert(),
            [
                {
                    "id": i + 1,
                    "name": p,
                    "title": p,
                    "render": "http",
                    "profile": {},
                    "enabled": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, p in enumerate(PLATFORMS)
            ],
        )
        conn.execute(
            _at_0002(conn, Brand).insert(),
            [
                {
                    "id": i + 1,
                    "name": b,
                    "status": "approved",
                    "categories": [],
                    "created_at": now,
                    "updated_at": now,
                }
                for i, b in enumerate(BRANDS)
            ],
        )
        conn.execute(
            _at_0002(conn, Mark).insert(),
            [{"brand_id": i + 1, "text": b, "kind": "primary", "position": 0} for i, b in enumerate(BRANDS)],
        )
        conn.execute(
            _at_0002(conn, User).insert(),
            [
                {
                    "id": 1,
                    "name": "bench",
                    "role": "reviewer",
                    "password_hash": hash_password(PASSWORD),
                    "disabled": False,
                    "locale": "zh_CN",
                    "created_at": now,
                }
            ],
        )
        sellers = [
            {
                "id": i + 1,
                "platform_id": i % len(PLATFORMS) + 1,
                "external_id": f"s{i}",
                "name": f"{rnd.choice(WORDS)}专营店{i}",
                "blacklisted": False,
                "first_seen": now,
                "last_seen": now,
            }
            for i in range(n_sellers)
        ]
        conn.execute(_at_0002(conn, Seller).insert(), sellers)
    print(f"  platforms, brands, {n_sellers:,} sellers: {time.perf_counter() - started:.1f}s", flush=True)

    listing_cols = [
        "id",
        "platform_id",
        "external_id",
        "seller_id",
        "url",
        "title",
        "price",
        "currency",
        "category",
        "sold",
        "description",
        "images",
        "image_hashes",
        "content_hash",
        "first_seen",
        "last_seen",
        "scored_at",
    ]
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        batch = []
        sql = (
            f"INSERT INTO {Listing.__tablename__} ({', '.join(listing_cols)}) "
            f"VALUES ({', '.join('?' * len(listing_cols))})"
        )
        for i in range(1, n_listings + 1):
            seller = rnd.randrange(n_sellers) + 1
            seen = (now - timedelta(seconds=rnd.randrange(30 * 86400))).strftime("%Y-%m-%d %H:%M:%S.%f")
            brand = rnd.choice(BRANDS)
            batch.append(
                (
                    i,
                    (seller - 1) % len(PLATFORMS) + 1,
                    str(i),
                    seller,
                    f"https://example.com/item/{i}",
                    f"{brand} {rnd.choice(WORDS)} 第{i}号",
                    round(rnd.uniform(2, 3000), 2),
                    "CNY",
                    "日用",
                    rnd.randrange(0, 5000),
                    "商品描述",
                    "[]",
                    "[]",
                    None,
                    seen,
                    seen,
                    seen,
                )
            )
            if len(batch) == 100_000:
                cur.executemany(sql, batch)
                batch.clear()
        if batch:
            cur.executemany(sql, batch)
        raw.commit()
        print(f"  {n_listings:,} listings: {time.perf_counter() - started:.1f}s", flush=True)

        lead_ids = rnd.sample(range(1, n_listings + 1), n_leads)
        scores, leads, events, prices = [], [], [], []
        for lead_id, listing_id in enumerate(lead_ids, start=1):
            at = now - timedelta(seconds=rnd.randrange(30 * 86400))
            stamp = at.strftime("%Y-%m-%d %H:%M:%S.%f")
            risk = round(rnd.uniform(0.5, 1.0), 4)
            brand = rnd.randrange(len(BRANDS)) + 1
            violation = rnd.choice(VIOLATIONS)
            reasons = json.dumps(
                [
                    {
                        "signal": "lookalike_mark",
                        "weight": round(risk * 0.7, 3),
                        "detail": f"{BRANDS[brand - 1]} 近似 (字形近似)",
                    }
                ],
                ensure_ascii=False,
            )
            scores.append(
                (
                    lead_id,
                    listing_id,
                    stamp,
                    risk,
                    1,
                    brand,
                    BRANDS[brand - 1],
                    violation,
                    reasons,
                    "{}",
                    "bench",
                )
            )
            leads.append(
                (
                    lead_id,
                    listing_id,
                    (rnd.randrange(n_sellers)) % len(PLATFORMS) + 1,
                    brand,
                    lead_id,
                    rnd.choice(STATUSES),
                    violation,
                    rnd.choice(DEPARTMENTS),
                    risk,
                    stamp,
                    stamp,
                    0,
                    stamp,
                )
            )
            events.append((lead_id, stamp, "flagged", "{}"))
            for k in range(3):
                prices.append(
                    (
                        listing_id,
                        (at - timedelta(days=k * 3)).strftime("%Y-%m-%d %H:%M:%S.%f"),
                        round(rnd.uniform(2, 3000), 2),
                        "CNY",
                    )
                )
        cur.executemany(
            f"INSERT INTO {Score.__tablename__} (id, listing_id, scored_at, risk, flagged, brand_id, "
            "brand_name, violation, reasons, features, model_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            scores,
        )
        cur.executemany(
            f"INSERT INTO {Lead.__tablename__} (id, listing_id, platform_id, brand_id, score_id, "
            "status, violation, department, risk, first_flagged_at, last_flagged_at, transfer_review, "
            "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            leads,
        )
        cur.executemany(
            f"INSERT INTO {ReviewEvent.__tablename__} (lead_id, at, action, detail) VALUES (?,?,?,?)", events
        )
        cur.executemany(
            f"INSERT INTO {PriceObservation.__tablename__} (listing_id, observed_at, price, currency) "
            "VALUES (?,?,?,?)",
            prices,
        )
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    print(
        f"  {n_leads:,} leads with scores, events, price history; ANALYZE: "
        f"{time.perf_counter() - started:.1f}s",
        flush=True,
    )


def _migrate(home: Path) -> None:
    from storage import open_database
    from storage.migrate import upgrade

    os.environ["MARKWATCH_HOME"] = str(home)
    os.environ.pop("MARKWATCH_DB", None)
    engine = open_database(check=False).engine
    before, after = upgrade(engine)
    if before != after:
        print(f"  migrated {before} → {after}", flush=True)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")  # statistics for the new indexes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--home", type=Path, help="data directory to build into / reuse (default: a temp dir)"
    )
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page kind")
    args = parser.parse_args(argv)

    import httpx

    home = args.home or Path(tempfile.mkdtemp(prefix="markwatch-bench-"))
    if not (home / "markwatch.db").exists():
        print(f"building {args.listings:,} listings and {args.leads:,} leads in {home} …", flush=True)
        build(home, args.listings, args.leads)
    else:
        print(f"reusing the database in {home}")
    _migrate(home)  # a reused (or just built) database follows this checkout's migrations
    size = (home / "markwatch.db").stat().st_size
    print(f"database: {size / 1e6:,.0f} MB")

    port = _free_port()
    env = {**os.environ, "MARKWATCH_HOME": str(home)}
    env.pop("MARKWATCH_DB", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "review.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(300):
                if server.poll() is not None:
                    raise SystemExit(f"the review app exited with {server.returncode}; see its output above")
                try:
                    client.get("/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
            client.post("/login", data={"name": "bench", "password": PASSWORD, "csrf_token": token})
            client.get("/", follow_redirects=False)  # first visit
            since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
            rnd = random.Random(7)
            today = datetime.now(UTC).date()
            queue_urls = [
                ("default (since last visit: 1 day)", {"since": since}),
                ("all open, riskiest first", {"since": "all"}),
                ("brand", {"since": "all", "brand": "康师傅"}),
                ("platform", {"since": "all", "platform": "demo-static"}),
                ("status confirmed", {"since": "all", "status": "confirmed"}),
                (
                    "violation + department",
                    {"since": "all", "violation": "counterfeit_mark", "department": "商标处"},
                ),
                ("risk 90-100%", {"since": "all", "risk_min": "90"}),
                (
                    "date range 7 days",
                    {"since": "all", "from": str(today - timedelta(days=7)), "to": str(today)},
                ),
                ("page 40", {"since": "all", "page": "40"}),
            ]
            text_urls = [
                ("free text 充电宝 (trigram index)", {"since": "all", "q": "充电宝"}),
                ("free text 充电 (pair index)", {"since": "all", "q": "充电"}),
                ("free text 茅台 (pair index)", {"since": "all", "q": "茅台"}),
                ("free text 鞋 (pair index prefix)", {"since": "all", "q": "鞋"}),
            ]

            def timed(path: str, params: dict | None = None) -> float:  # type: ignore[type-arg]
                t = time.perf_counter()
                response = client.get(path, params=params)
                elapsed = (time.perf_counter() - t) * 1000
                assert response.status_code == 200, (path, params, response.status_code)
                return elapsed

            for _, params in queue_urls:  # warm the caches once
                timed("/", params)
            queue_times: list[float] = []
            per_view: dict[str, list[float]] = {name: [] for name, _ in queue_urls}
            for i in range(args.requests):
                name, params = queue_urls[i % len(queue_urls)]
                ms = timed("/", params)
                queue_times.append(ms)
                per_view[name].append(ms)
            # cold: every request a view never seen before (a distinct risk floor), so no cached counts
            cold_times: list[float] = []
            for i in range(max(20, args.requests // 4)):
                name, params = queue_urls[i % len(queue_urls)]
                cold_times.append(timed("/", {**params, "risk_min": f"{50 + i / 100:.2f}"}))
            # free text, cold too: every request a new risk floor, so the text is searched every time
            text_times: dict[str, list[float]] = {
                name: [
                    timed("/", {**params, "risk_min": f"{50 + i / 100:.2f}"})
                    for i in range(max(10, args.requests // 10))
                ]
                for name, params in text_urls
            }
            lead_times = [timed(f"/leads/{rnd.randrange(1, args.leads + 1)}") for _ in range(args.requests)]
            # triage: a lead page opened from a sorted, filtered queue view finds its previous and next
            triage_times = [
                timed(
                    f"/leads/{rnd.randrange(1, args.leads + 1)}",
                    {"queue": ("status=open&sort=-price", "brand=康师傅&sort=first_seen")[i % 2]},
                )
                for i in range(args.requests)
            ]
            api_times = [
                timed("/api/v1/leads", {"status": "all", "brand": "李宁"}) for _ in range(args.requests // 4)
            ]
    finally:
        server.terminate()
        server.wait(timeout=10)

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name:<36} n={len(values):>4}  p50 {statistics.median(values):7.1f} ms  "
            f"p95 {percentile(values, 95):7.1f} ms  max {max(values):7.1f} ms"
        )

    print()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{args.listings:,} listings, {args.leads:,} leads, SQLite, uvicorn on loopback "
        f"({os.cpu_count()} CPUs, load average {load:.1f} at the end)"
    )
    print(line("queue page (all views)", queue_times))
    for name, values in per_view.items():
        print("  " + line(name, values))
    print(line("queue page, cold (uncached counts)", cold_times))
    all_text = [ms for values in text_times.values() for ms in values]
    print(line("queue page, free text, cold", all_text))
    for name, values in text_times.items():
        print("  " + line(name, values))
    print(line("lead page", lead_times))
    print(line("lead page in a sorted view (triage)", triage_times))
    print(line("API GET /api/v1/leads", api_times))
    queue_ok = percentile(queue_times, 95) < 300
    cold_ok = percentile(cold_times, 95) < 300
    text_ok = percentile(all_text, 95) < 300
    lead_ok = percentile(lead_times + triage_times, 95) < 200
    print(
        f"target queue p95 < 300 ms: {'met' if queue_ok else 'NOT met'} (repeat views), "
        f"{'met' if cold_ok else 'NOT met'} (never-seen views), "
        f"{'met' if text_ok else 'NOT met'} (free text); "
        f"lead p95 < 200 ms: {'met' if lead_ok else 'NOT met'}"
    )
    return 0 if queue_ok and cold_ok and text_ok and lead_ok else 1


if __name__ == "__main__":
    sys.exit(main())
