"""Triage's previous/next lookup against a queue page, on a database built by bench/queue.py.

    python bench/queue.py --home /tmp/mw-bench ...     # builds (or reuses) the database
    python bench/triage.py --home /tmp/mw-bench

For each view: the p50 of one queue page (the view's first page) and of a lead page's two lookups
(storage.search.neighbour_id, next and previous of a random lead), and their ratio; the ratio is what to
compare between machines and runs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", type=Path, required=True, help="a data directory bench/queue.py built")
    parser.add_argument("--requests", type=int, default=40, help="timed lookups per view")
    args = parser.parse_args(argv)
    os.environ["MARKWATCH_HOME"] = str(args.home)
    os.environ.pop("MARKWATCH_DB", None)

    from sqlalchemy import func, select

    from storage import open_database
    from storage.models import Lead
    from storage.search import QueueFilter, neighbour_id, queue_page, resolve_text

    db = open_database(check=False)
    rnd = random.Random(14)
    with db.session() as s:
        top = s.scalar(select(func.max(Lead.id))) or 1
        newest = s.scalar(select(func.max(Lead.last_flagged_at)))
        fresh = newest - timedelta(days=1) if newest else None
        views = [
            ("all open, riskiest first", QueueFilter(), "-risk", None),
            ("since last visit first (1 day)", QueueFilter(), "-risk", fresh),
            (
                "brand, first seen",
                resolve_text(session=s, filters=QueueFilter(brand="康师傅")),
                "first_seen",
                None,
            ),
            ("all open, price descending", QueueFilter(), "-price", None),
        ]
        print(f"{top:,} leads, SQLite ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")
        for name, filters, sort, since in views:
            pages, lookups = [], []
            for _ in range(args.requests):
                lead = rnd.randrange(1, top + 1)
                t = time.perf_counter()
                queue_page(session=s, filters=filters, sort=sort, fresh_since=since)
                pages.append(time.perf_counter() - t)
                t = time.perf_counter()
                for forward in (True, False):
                    neighbour_id(
                        session=s,
                        filters=filters,
                        lead_id=lead,
                        sort=sort,
                        fresh_since=since,
                        forward=forward,
                    )
                lookups.append(time.perf_counter() - t)
            page, lookup = statistics.median(pages) * 1000, statistics.median(lookups) * 1000
            print(
                f"{name:<32} queue page p50 {page:7.1f} ms   next+previous p50 {lookup:7.1f} ms   "
                f"ratio {lookup / page:4.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
