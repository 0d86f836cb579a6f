"""The main job end to end: `markwatch run --once` from an empty data directory on the demo
marketplaces, and what it leaves measured against the demo's ground truth: the review queue, the
evidence captures, and the seeded operations as cases with their summed sales (as storage holds them
and as `markwatch cases` prints them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from demo.catalogue import catalogue_records
from storage import open_database
from storage.models import Lead, Listing, Platform, Snapshot

DEMO_SIZE = 120  # listings per demo marketplace


@pytest.mark.slow
@pytest.mark.browser
def test_run_once_fills_the_queue_matching_the_demo_ground_truth(home, tmp_path):
    env = {**os.environ, "MARKWATCH_HOME": str(home)}
    env.pop("MARKWATCH_DB", None)
    result = subprocess.run(
        [sys.executable, "-m", "markwatch", "run", "--once", "--demo-size", str(DEMO_SIZE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已导入演示品牌" in result.stdout and "日报" in result.stdout

    truth = {r["id"]: r["label"] for r in catalogue_records(size=DEMO_SIZE)}
    db = open_database()
    with db.session() as session:
        stored = {
            f"{platform}:{external}"
            for platform, external in session.execute(
                select(Platform.name, Listing.external_id).join(Platform, Listing.platform_id == Platform.id)
            )
        }
        queued = {
            f"{platform}:{external}"
            for platform, external in session.execute(
                select(Platform.name, Listing.external_id)
                .join(Lead, Lead.listing_id == Listing.id)
                .join(Platform, Listing.platform_id == Platform.id)
            )
        }
        # every flagged lead fetched over HTTP (demo-static) has an evidence capture with a screenshot
        static_leads = set(
            session.scalars(
                select(Lead.listing_id)
                .join(Listing, Listing.id == Lead.listing_id)
                .join(Platform, Listing.platform_id == Platform.id)
                .where(Platform.name == "demo-static")
            )
        )
        captured = set(
            session.scalars(
                select(Snapshot.listing_id).where(
                    Snapshot.capture == "evidence", Snapshot.screenshot_sha256.is_not(None)
                )
            )
        )
    assert static_leads and captured == static_leads and "取证截图：成功" in result.stdout
    assert stored == set(truth), "every demo listing is stored exactly once"
    cases = _seeded_operations_are_cases(db, truth)
    _cases_as_the_command_line_shows_them(env, cases)
    should = {i for i, label in truth.items() if label["flagged"]}
    precision = len(queued & should) / len(queued)
    recall = len(queued & should) / len(should)
    print(f"\nqueue against the demo's ground truth: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9 and recall >= 0.9

    digests = list((home / "digests").glob("*.html"))
    assert digests and "监测日报" in digests[0].read_text(encoding="utf-8")
    jobs = subprocess.run(
        [sys.executable, "-m", "markwatch", "jobs", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {row["id"]: row for row in json.loads(jobs.stdout)}
    assert set(rows) == {"crawl:demo-static", "crawl:demo-spa", "score", "capture", "digest", "retention"}
    assert all(row["outcome"] == "ok" and row["schedule"] and row["next_run"] for row in rows.values())


def _seeded_operations_are_cases(db, truth):  # type: ignore[no-untyped-def]
    """Each seeded operation's shops (across both marketplaces) are one network with its case, whose
    sales are the sum over its leads; no network mixes operations."""
    from storage.models import NetworkMember, Seller
    from storage.networks import case_leads, case_of_seller, case_sales
    from storage.queue import estimated_sales

    records = {r["id"]: r for r in catalogue_records(size=DEMO_SIZE)}
    operation_of = {
        (r["platform"], r["seller"]["id"]): truth[i]["operation"]
        or f"shop:{r['platform']}:{r['seller']['id']}"
        for i, r in records.items()
    }
    with db.session() as session:
        rows = session.execute(
            select(Platform.name, Seller.external_id, Seller.id, NetworkMember.network_id)
            .join(Platform, Platform.id == Seller.platform_id)
            .outerjoin(NetworkMember, NetworkMember.seller_id == Seller.id)
        ).all()
        networks: dict[int, set[str]] = {}
        by_operation: dict[str, set[int | None]] = {}
        seller_of: dict[str, int] = {}
        for platform, external, seller_id, network_id in rows:
            operation = operation_of[(platform, external)]
            if network_id is not None:
                networks.setdefault(network_id, set()).add(operation)
            by_operation.setdefault(operation, set()).add(network_id)
            seller_of[operation] = seller_id
        assert all(len(ops) == 1 for ops in networks.values()), networks
        seeded = [op for op in by_operation if op.startswith("op-")]
        assert len(seeded) == 6
        totals: dict[int, float] = {}
        for op in seeded:
            assert len(by_operation[op]) == 1 and None not in by_operation[op], op
            case = case_of_seller(session=session, seller_id=seller_of[op])
            assert case is not None
            leads = case_leads(session=session, case_id=case.id)
            assert leads, op  # an operation's counterfeits reach the queue
            sales = [s for lead in leads if (s := estimated_sales(lead.listing)) is not None]
            assert case_sales(session=session, case_id=case.id).total == pytest.approx(sum(sales))
            totals[case.id] = sum(sales)
    return totals


def _cases_as_the_command_line_shows_them(env, totals):  # type: ignore[no-untyped-def]
    """`markwatch cases list|show --json` print the operations' cases with their summed sales, each
    listing's estimate being its price × sold."""

    def markwatch(*args: str):  # type: ignore[no-untyped-def]
        done = subprocess.run(
            [sys.executable, "-m", "markwatch", *args], env=env, capture_output=True, text=True, check=True
        )
        return json.loads(done.stdout)

    listed = {case["id"]: case for case in markwatch("cases", "list", "--json")}
    assert set(totals) <= set(listed)
    for case_id, total in totals.items():
        assert listed[case_id]["estimated_sales"] == pytest.approx(total)
    shown = markwatch("cases", "show", str(max(totals, key=totals.__getitem__)), "--json")
    known = [row for row in shown["leads"] if row["estimated_sales"] is not None]
    assert known and all(row["estimated_sales"] == pytest.approx(row["price"] * row["sold"]) for row in known)
    assert shown["estimated_sales"] == pytest.approx(sum(row["estimated_sales"] for row in known))
